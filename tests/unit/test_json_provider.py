"""Encoding: orjson with a fallback; key order kept."""

from __future__ import annotations

import json

from mockcatalog.json_provider import encode


def test_what_orjson_cannot_encode_falls_back_to_the_standard_module() -> None:
    assert json.loads(encode({"big": 2**70})) == {"big": 2**70}
