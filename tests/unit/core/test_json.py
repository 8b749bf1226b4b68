"""Encoding: orjson with a fallback; key order kept."""

from __future__ import annotations

import json

from mockcatalog.core.json import ENTRY_OVERHEAD, EncodedPages, encode


def test_what_orjson_cannot_encode_falls_back_to_the_standard_module() -> None:
    assert json.loads(encode({"big": 2**70})) == {"big": 2**70}


def test_pages_are_reused_only_for_the_same_generation_and_request_and_stay_bounded() -> None:
    pages = EncodedPages(max_bytes=2 * (ENTRY_OVERHEAD + 100))  # room for two small pages
    page = {"b1": {"status": "loading"}}
    first = pages.encoded((1, b"request"), page)
    assert pages.encoded((1, b"request"), {"different": 1}) is first  # the key says the contents are the same
    assert json.loads(pages.encoded((2, b"request"), {"b1": {"status": "success"}})) == {
        "b1": {"status": "success"}
    }
    assert json.loads(pages.encoded(None, {"x": 1})) == {"x": 1}  # no key: never kept
    assert len(pages) == 2
    pages.encoded((3, b"a"), {"n": 1})  # a third would pass the bound: everything kept so far is forgotten
    assert len(pages) == 1 and pages.encoded((1, b"request"), {"fresh": 1}) == b'{"fresh":1}'


def test_a_kept_page_costs_its_own_length_not_the_encoders_buffer() -> None:
    import tracemalloc

    pages = EncodedPages()
    tracemalloc.start()
    for number in range(5000):
        pages.encoded((number, b"key"), {})
    kept_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(pages) == 5000 and kept_bytes < 5000 * 1024  # orjson's own result would hold 4 KiB each
