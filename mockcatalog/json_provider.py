"""The one way the mock makes JSON, with orjson: the standard ``json`` module spent more time
serializing a page of 20 batches than Flask spent on the whole request (bench/bench_inprocess.py
measures it).

Key order is kept (a list's key order is its result order; never sort). An object orjson cannot
encode (an integer beyond 64 bits in a client-supplied extra field, say) falls back to the
standard module rather than failing the request.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

MIMETYPE = "application/json"


def encode(obj: Any) -> bytes:
    try:
        return orjson.dumps(obj)
    except TypeError:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """A response carrying ``body`` as JSON: every JSON answer of the mock is made here."""
    response = Response(encode(body), status=status, mimetype=MIMETYPE)
    if headers:
        response.headers.update(headers)
    return response


class FastJSONProvider(DefaultJSONProvider):
    """Flask's own JSON (``jsonify``, ``app.json``) through :func:`encode` too."""

    sort_keys = False
    compact = True

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return encode(obj).decode()

    def response(self, *args: Any, **kwargs: Any) -> Response:
        return json_response(self._prepare_response_obj(args, kwargs))
