"""The list query language, without Flask: parsing, predicates, ordering, paging, projection."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockcatalog.catalog.ordering import SortKey, first_sorted, sort_pairs
from mockcatalog.catalog.query import (
    ListQuery,
    build_query,
    field_in,
    parse_order_by,
    parse_properties,
    parse_property,
    parse_tags,
    related_to,
    wildcard,
)
from mockcatalog.contract.spec import load_spec
from mockcatalog.contract.validation import build_validators
from mockcatalog.core.errors import BadRequest

OBJECTS: dict[str, dict[str, Any]] = {
    "a": {
        "name": "test-alpha",
        "status": "success",
        "recordCount": 10,
        "version": "1.0.9",
        "created": 100,
        "tags": {"ns": ["blue", "green"]},
        "availableDates": {"startDate": 5, "endDate": 9},
        "relatedObjects": [{"type": "dataSet", "id": "d1"}],
    },
    "b": {
        "name": "beta",
        "status": "failed",
        "recordCount": 2,
        "version": "1.0.10",
        "created": 300,
        "tags": {"ns": ["red"], "other": []},
        "relatedObjects": [{"type": "dataSet", "id": "d2"}, {"type": "connection", "id": "c1"}],
    },
    "c": {
        "name": "te*st",
        "recordCount": 10,
        "created": 200,
        "availableDates": {"startDate": 7, "endDate": 20},
    },
}


def run(*predicates: Any, **settings: Any) -> list[str]:
    return list(ListQuery(predicates=predicates, limit=None, **settings).run(OBJECTS.items()))


def test_simple_filter_matches_any_listed_value() -> None:
    assert run(field_in("status", "success,failed")) == ["a", "b"]


def test_negated_simple_filter_keeps_objects_without_the_field() -> None:
    assert run(field_in("status", "!failed")) == ["a", "c"]


def test_simple_filter_compares_numbers_numerically() -> None:
    assert run(field_in("recordCount", "10")) == ["a", "c"]
    assert run(field_in("recordCount", "!10,2")) == []


def test_an_undocumented_parameter_filters_by_the_property_it_names() -> None:
    by_property = {"name": "test-alpha,te*st", "sort": "!x"}
    query = build_query({"limit": 20}, {"limit": {"kind": "limit"}}, by_property)
    assert list(query.run(OBJECTS.items())) == ["a", "c"]  # a literal *; a ! keeps objects without the field
    assert list(build_query({}, {}, {"sort": "desc:created"}).run(OBJECTS.items())) == []


def test_related_filter_matches_type_and_id() -> None:
    assert run(related_to("dataSet", "d2")) == ["b"]
    assert run(related_to("connection", "d2")) == []
    assert run(related_to("dataSet", "d1,d2")) == ["a", "b"]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("status", ["a", "b"]),
        ("!status", ["c"]),
        ("name~^test", ["a"]),
        ("name==test*", ["a"]),
        ("name!=test*", ["b", "c"]),
        ("name==te**st", ["c"]),
        ("recordCount>2", ["a", "c"]),
        ("recordCount<=2", ["b"]),
        ("version>1.0.9", ["b"]),
        ("version>=1.0.9", ["a", "b"]),
        ("name<c", ["b"]),
        # nested fields, named by dots (aepp filters datasets by schemaRef.id)
        ("availableDates.startDate==7", ["c"]),
        ("availableDates.startDate>4", ["a", "c"]),
        ("availableDates.endDate!=9", ["b", "c"]),  # b has no availableDates: != keeps it
        ("availableDates.startDate", ["a", "c"]),
        ("!availableDates.startDate", ["b"]),
        ("tags.ns", ["a", "b"]),
        ("name.first", []),  # through a value that is not an object: absent
        ("!name.first", ["a", "b", "c"]),
        ("availableDates.startDate~^5$", ["a"]),
    ],
)
def test_property_expressions(expression: str, expected: list[str]) -> None:
    assert run(parse_property(expression)) == expected


@pytest.mark.parametrize(
    "expression", ["name~(", "name~[a-", "1name", "na me==x", "", "schemaRef.==x", ".id==x", "a..b"]
)
def test_bad_property_expression_is_a_400_naming_the_parameter(expression: str) -> None:
    with pytest.raises(BadRequest) as raised:
        parse_property(expression)
    assert raised.value.errors is not None and list(raised.value.errors) == ["property"]


def test_tags_pairs_are_anded_and_accept_wildcards() -> None:
    assert run(parse_tags("ns:gr*")) == ["a"]
    assert run(parse_tags("ns:*")) == ["a", "b"]
    assert run(parse_tags("ns:red,other:*")) == ["b"]
    assert run(parse_tags("ns:blue,other:*")) == []


@pytest.mark.parametrize("text", ["ns", ":v", "ns:", "a:b,c"])
def test_malformed_tags_are_rejected(text: str) -> None:
    with pytest.raises(BadRequest):
        parse_tags(text)


def test_wildcard_escapes_everything_but_star() -> None:
    assert wildcard("a.b*")("a.bcd")
    assert not wildcard("a.b*")("axbcd")
    assert wildcard("x**")("x*")
    assert not wildcard("x**")("xy")
    assert wildcard("*a**b*c")("zza*bxc") and not wildcard("*a**b*c")("zzabxc")


def test_order_by_is_multi_key_and_puts_missing_fields_last() -> None:
    assert run(order_by=parse_order_by("desc:recordCount,desc:created")) == ["c", "a", "b"]
    assert run(order_by=parse_order_by("asc:status")) == ["b", "a", "c"]
    assert run(order_by=parse_order_by("desc:status")) == ["a", "b", "c"]
    assert run(order_by=(SortKey("version"),)) == ["a", "b", "c"]  # 1.0.9 < 1.0.10


def test_order_by_rejects_garbage() -> None:
    with pytest.raises(BadRequest):
        parse_order_by("sideways:name")


def test_paging_follows_the_order_and_past_the_end_is_empty() -> None:
    order = parse_order_by("created")
    assert list(ListQuery(order_by=order, start=1, limit=1).run(OBJECTS.items())) == ["c"]
    assert ListQuery(order_by=order, start=3, limit=20).run(OBJECTS.items()) == {}


def test_properties_project_top_level_fields_only() -> None:
    query = ListQuery(properties=parse_properties("name,missing"), limit=None)
    assert query.run(OBJECTS.items())["a"] == {"name": "test-alpha"}
    with pytest.raises(BadRequest):
        parse_properties("schemaRef.id")


def test_build_query_reads_parameter_meaning_from_the_spec() -> None:
    kinds = build_validators()["listBatches"].query_kinds
    assert kinds["dataSet"] == {"kind": "related", "type": "dataSet"}
    query = build_query(
        {"startAfter": 5, "endBefore": 21, "recordCount": "10", "limit": 1, "orderBy": "desc:created"}, kinds
    )
    assert list(query.run(OBJECTS.items())) == ["c"]
    assert query.limit == 1


def test_every_query_parameter_of_every_list_operation_has_a_meaning() -> None:
    for operation in load_spec().operations.values():
        if operation.method == "GET" and not operation.params_in("path"):
            names = {p.name for p in operation.params_in("query")}
            assert names == {p.name for p in operation.params_in("query") if p.query_kind}, (
                operation.operation_id
            )


def test_catastrophic_regular_expressions_finish(monkeypatch: pytest.MonkeyPatch) -> None:
    slow_for_re = {str(i): {"name": "x" * 40} for i in range(200)}  # (x+x+)+y backtracks forever in `re`
    assert ListQuery(predicates=(parse_property("name~(x+x+)+y"),), limit=None).run(slow_for_re.items()) == {}
    monkeypatch.setattr("mockcatalog.catalog.regex_budget.REGEX_BUDGET_SECONDS", 0.0)
    with pytest.raises(BadRequest, match="too expensive"):
        ListQuery(predicates=(parse_property("name~x"),), limit=None).run(slow_for_re.items())


@pytest.mark.parametrize(
    ("expression", "linear"),
    [
        ("^test", True),
        ("name.*x", True),
        ("(ab)+", True),
        ("(?i)abc", True),
        ("(a|aa)+$", False),  # alternation inside a repeat: exponential on "aaaa...!"
        ("(x+x+)+y", False),  # a repeat inside a repeat
        (".*a.*b.*c", False),  # three unbounded repeats: n³
        (".{0,60}.{0,60}.{0,60}b", False),  # bounded repeats chain too: 60³ tries per position
        (r"(a)\1", False),  # backreference
        ("a(?=b)", False),  # lookaround
        ("[", False),  # not even valid
    ],
)
def test_only_expressions_that_cannot_blow_up_take_the_fast_engine(expression: str, linear: bool) -> None:
    from mockcatalog.catalog.regex_budget import compile_if_linear

    assert (compile_if_linear(expression) is not None) == linear


def test_an_exponential_expression_is_stopped_by_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mockcatalog.catalog.regex_budget.REGEX_BUDGET_SECONDS", 0.2)
    evil = {"1": {"name": "a" * 200 + "!"}}
    with pytest.raises(BadRequest, match="too expensive"):
        ListQuery(predicates=(parse_property("name~(a|aa)+$"),), limit=None).run(evil.items())


def test_the_budget_is_checked_along_a_long_scan_not_only_at_its_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    readings = iter(range(0, 10**6, 300))  # each reading of the clock: 0.3 s later
    fake_time = SimpleNamespace(monotonic=lambda: next(readings) / 1000)  # the query module's clock only
    monkeypatch.setattr("mockcatalog.catalog.regex_budget.time", fake_time)
    many = {str(i): {"name": "short"} for i in range(2000)}  # `~x` matches none: every object is tried
    with pytest.raises(BadRequest, match="too expensive"):
        ListQuery(predicates=(parse_property("name~x"),), limit=None).run(many.items())
    assert next(readings) < 10 * 300  # a handful of readings, not one per object


sortable_values = st.one_of(
    st.integers(-3, 3),
    st.floats(-3, 3),
    st.sampled_from(["a", "b", "1.2.0", "1.10.0"]),
    st.booleans(),
    st.none(),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.dictionaries(st.sampled_from(["x", "y"]), sortable_values), max_size=30),
    st.lists(st.tuples(st.sampled_from(["x", "y"]), st.booleans()), min_size=1, max_size=2),
    st.integers(0, 31),
)
def test_a_page_of_a_sort_is_the_head_of_the_whole_sort(
    objects: list[dict[str, Any]], keys: list[tuple[str, bool]], first: int
) -> None:
    pairs = [(str(n), obj) for n, obj in enumerate(objects)]
    order = tuple(SortKey(field, descending) for field, descending in keys)
    assert first_sorted(iter(pairs), order, first) == sort_pairs(pairs, order)[:first]


# --- unique values (GET /batches/uniques/{field}) -------------------------------------------------

UNIQUES: list[tuple[str, dict[str, Any]]] = [
    ("b1", {"status": "failed", "created": 3, "recordCount": 1, "flag": True}),
    ("b2", {"status": "success", "created": 1, "recordCount": 1.0, "flag": 1}),
    ("b3", {"status": "failed", "created": 2, "recordCount": 0}),
    ("b4", {"created": 4, "recordCount": None, "flag": False}),
    ("b5", {"status": "loading", "created": 5, "recordCount": {"n": 1}, "flag": [True]}),
    ("b6", {"status": "success", "created": 0}),
]


def uniques(field: str, query: ListQuery) -> list[Any]:
    return query.unique_values(field, iter(UNIQUES))


def test_unique_values_are_first_met_first_in_the_order_given_or_ordered_by() -> None:
    assert uniques("status", ListQuery(limit=None)) == ["failed", "success", "loading"]
    newest_first = ListQuery(limit=None, order_by=(SortKey("created", descending=True),))
    assert uniques("status", newest_first) == ["loading", "failed", "success"]


def test_unique_values_keep_json_types_and_skip_what_is_no_single_value() -> None:
    # 1 and 1.0 are one JSON number; true and 1 are different values; null, {} and [] are skipped
    assert uniques("recordCount", ListQuery(limit=None)) == [1, 0]
    assert uniques("flag", ListQuery(limit=None)) == [True, 1, False]
    assert uniques("missing", ListQuery(limit=None)) == []


def test_unique_values_page_the_values_not_the_objects() -> None:
    """Five objects hold three statuses: a page of two objects would hide ``loading``."""
    assert uniques("status", ListQuery(limit=2)) == ["failed", "success"]
    assert uniques("status", ListQuery(start=1, limit=2)) == ["success", "loading"]
    assert uniques("status", ListQuery(start=3, limit=2)) == []
    kept = build_query({"status": "!loading", "limit": 20}, {"status": {"kind": "equals", "field": "status"}})
    assert uniques("status", kept) == ["failed", "success"]


def test_unique_values_stop_reading_once_the_page_is_full() -> None:
    """Without orderBy, a full page of values reads no further object (a large tenant's
    ``uniques/id?limit=1`` must not walk every batch)."""
    read: list[str] = []

    def objects() -> Any:
        for object_id, obj in UNIQUES:
            read.append(object_id)
            yield object_id, obj

    assert ListQuery(limit=2).unique_values("status", objects()) == ["failed", "success"]
    assert read == ["b1", "b2"]


def test_a_dataset_page_asking_for_observable_schema_is_capped_at_20() -> None:
    kinds = build_validators()["listDataSets"].query_kinds
    assert kinds["properties"]["capped"] == {"observableSchema": 20}
    capped = build_query({"properties": "name,observableSchema", "limit": 50}, kinds)
    assert capped.limit == 20 and capped.properties == ("name", "observableSchema")
    assert build_query({"properties": "observableSchema"}, kinds).limit == 20  # no limit given
    assert build_query({"properties": "observableSchema", "limit": 5}, kinds).limit == 5
    assert build_query({"properties": "name", "limit": 50}, kinds).limit == 50
    batches = build_validators()["listBatches"].query_kinds
    assert build_query({"properties": "observableSchema", "limit": 50}, batches).limit == 50
    assert build_query({"expansion": "files"}, kinds).predicates == ()  # accepted, filters nothing
