"""Encoding: orjson with a fallback, and pages reused only while they hold the very same objects."""

from __future__ import annotations

import json

from mockcatalog.json_provider import EncodedPages, encode


def test_a_page_is_encoded_again_as_soon_as_one_of_its_objects_is_replaced() -> None:
    pages = EncodedPages()
    stored = {"b1": {"status": "loading"}, "b2": {"status": "success"}}
    first = pages.encode(stored)
    assert json.loads(first) == stored
    assert pages.encode(dict(stored)) is first  # the same objects: the same bytes, not encoded again
    stored["b1"] = {**stored["b1"], "status": "success"}  # what a store write does: a new dict
    assert json.loads(pages.encode(stored)) == {"b1": {"status": "success"}, "b2": {"status": "success"}}
    reordered = {"b2": stored["b2"], "b1": stored["b1"]}
    assert list(json.loads(pages.encode(reordered))) == ["b2", "b1"]


def test_pages_are_bounded() -> None:
    pages = EncodedPages(max_pages=2)
    objects = [{"n": n} for n in range(3)]
    encoded = [pages.encode({"x": obj}) for obj in objects]
    assert pages.encode({"x": objects[2]}) is encoded[2]
    assert pages.encode({"x": objects[0]}) is not encoded[0]  # forgotten when the memo filled up


def test_what_orjson_cannot_encode_falls_back_to_the_standard_module() -> None:
    assert json.loads(encode({"big": 2**70})) == {"big": 2**70}
