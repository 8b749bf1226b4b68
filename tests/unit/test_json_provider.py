"""Encoding: orjson with a fallback; key order kept."""

from __future__ import annotations

import json

from mockcatalog.json_provider import EncodedPages, encode


def test_what_orjson_cannot_encode_falls_back_to_the_standard_module() -> None:
    assert json.loads(encode({"big": 2**70})) == {"big": 2**70}


def test_pages_are_reused_only_for_the_same_generation_and_request_and_stay_bounded() -> None:
    pages = EncodedPages(max_bytes=64)
    page = {"b1": {"status": "loading"}}
    first = pages.encoded((1, b"request"), page)
    assert pages.encoded((1, b"request"), {"different": 1}) is first  # the key says the contents are the same
    assert json.loads(pages.encoded((2, b"request"), {"b1": {"status": "success"}})) == {
        "b1": {"status": "success"}
    }
    assert json.loads(pages.encoded(None, {"x": 1})) == {"x": 1}  # no key: never kept
    big = {"n": "x" * 40}
    pages.encoded((3, b"a"), big)
    pages.encoded((4, b"b"), big)  # over 64 bytes in all: everything kept so far is forgotten
    assert pages.encoded((1, b"request"), {"fresh": 1}) == b'{"fresh":1}'
