"""JSON for every response, with orjson: the standard ``json`` module spent more time serializing a
page of 20 batches than Flask spent on the whole request (bench/bench_inprocess.py measures it).

Key order is kept (a list's key order is its result order; never sort). An object orjson cannot
encode (an integer beyond 64 bits in a client-supplied extra field, say) falls back to the
standard module rather than failing the request.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider


def encode(obj: Any) -> bytes:
    try:
        return orjson.dumps(obj)
    except TypeError:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


class FastJSONProvider(DefaultJSONProvider):
    sort_keys = False
    compact = True

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return encode(obj).decode()

    def response(self, *args: Any, **kwargs: Any) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        return Response(encode(obj), mimetype=self.mimetype)
