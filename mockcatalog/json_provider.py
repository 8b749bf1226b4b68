"""JSON for every response, with orjson: the standard ``json`` module spent more time serializing a
page of 20 batches than Flask spent on the whole request (bench/bench_inprocess.py measures it).

Key order is kept (a list's key order is its result order; never sort). An object orjson cannot
encode (an integer beyond 64 bits in a client-supplied extra field, say) falls back to the
standard module rather than failing the request.

:class:`EncodedPages` reuses the bytes of a page of stored objects while the page holds the very
same objects: the store never changes a stored object in place (a write stores a new dict), so the
same objects under the same ids encode to the same bytes. Encoding a page of 20 batches was the
largest single cost of a list request (bench/bench_inprocess.py).
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider


def encode(obj: Any) -> bytes:
    try:
        return orjson.dumps(obj)
    except TypeError:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


class EncodedPages:
    """The encoded form of recently served pages (``{id: stored object}``), at most ``max_pages``."""

    def __init__(self, max_pages: int = 256) -> None:
        #: (ids, identities of the objects) -> (the objects, kept alive so identities stay theirs; bytes)
        self._pages: dict[Hashable, tuple[tuple[Any, ...], bytes]] = {}
        self._max_pages = max_pages

    def encode(self, page: Mapping[str, Any]) -> bytes:
        objects = tuple(page.values())
        key = (tuple(page), tuple(map(id, objects)))
        kept = self._pages.get(key)
        if kept is not None:
            return kept[1]
        encoded = encode(page)
        if len(self._pages) >= self._max_pages:
            self._pages.clear()  # simpler than LRU; a suite's repeated pages come back at once
        self._pages[key] = (objects, encoded)
        return encoded


class FastJSONProvider(DefaultJSONProvider):
    sort_keys = False
    compact = True

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return encode(obj).decode()

    def response(self, *args: Any, **kwargs: Any) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        return Response(encode(obj), mimetype=self.mimetype)
