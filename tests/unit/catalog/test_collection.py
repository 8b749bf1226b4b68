"""Copy-on-write collections: writes never touch the base, and reset forgets them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mockcatalog.catalog.collection import Collection


def test_changes_overlay_the_base_in_order_and_reset_forgets_them() -> None:
    base = {"a": {"v": 1}, "b": {"v": 2}}
    collection = Collection(base)
    collection.put("b", {"v": 20})
    collection.put("c", {"v": 3})
    collection.delete("a")
    assert list(collection.items()) == [("b", {"v": 20}), ("c", {"v": 3})]
    assert "a" not in collection and collection.get("c") == {"v": 3} and len(collection) == 2
    assert base == {"a": {"v": 1}, "b": {"v": 2}}
    collection.reset()
    assert list(collection.items()) == [("a", {"v": 1}), ("b", {"v": 2})] and collection.is_pristine


def test_a_baseline_load_joins_the_base_and_leaves_the_tests_changes_to_the_reset() -> None:
    collection = Collection({"a": {"v": 1}})
    collection.put("mine", {"v": 9})  # a test's write
    collection.put("a", {"v": 2})
    collection.add_to_base({"x": {"v": 1}, "a": {"v": 3}})  # loaded: replaces the change of "a"
    assert dict(collection.items()) == {"a": {"v": 3}, "x": {"v": 1}, "mine": {"v": 9}}
    collection.reset()
    assert list(collection.items()) == [("a", {"v": 3}), ("x", {"v": 1})]  # the test's write is gone


def test_a_deleted_base_object_can_come_back() -> None:
    collection = Collection({"a": {"v": 1}})
    collection.delete("a")
    collection.put("a", {"v": 2})
    assert list(collection.items()) == [("a", {"v": 2})]


def by_tag(obj: dict[str, object]) -> list[str]:
    return [str(obj["tag"])] if "tag" in obj else []


def test_index_candidates_follow_changes_and_keep_collection_order() -> None:
    base = {"a": {"tag": "x"}, "b": {"tag": "y"}, "c": {"tag": "x"}, "d": {"tag": "x"}}
    collection = Collection(base, indexers={"tag": by_tag})
    assert [oid for oid, _ in collection.candidates("tag", ["x"])] == ["a", "c", "d"]
    collection.put("b", {"tag": "x"})  # moved into x: a changed object is always a candidate
    collection.delete("c")
    collection.put("e", {"tag": "x"})
    collection.put("a", {"tag": "z"})  # moved out: still a candidate, the caller's predicate decides
    found = collection.candidates("tag", ["x"])
    assert [oid for oid, _ in found] == ["a", "b", "d", "e"]  # base order, then new ones
    assert [obj for oid, obj in found if oid == "a"] == [{"tag": "z"}]
    collection.reset()
    assert [oid for oid, _ in collection.candidates("tag", ["x", "y"])] == ["a", "b", "c", "d"]
    assert collection.has_index("tag") and not collection.has_index("other")


class Filed:
    """The simplest derived value: the objects filed under a key, by position."""

    def __init__(self, placed: list[tuple[int, str, dict[str, str]]]) -> None:
        self.objects = {position: obj for position, _, obj in placed}

    def replace(
        self, position: int, object_id: str, old: dict[str, str] | None, new: dict[str, str] | None
    ) -> None:
        if old is not None:
            del self.objects[position]
        if new is not None:
            self.objects[position] = new


TAGS = ("x", "y")
writes = st.lists(
    st.tuples(st.sampled_from(["put", "delete", "reset"]), st.sampled_from("abcdef"), st.sampled_from(TAGS)),
    max_size=25,
)


@settings(max_examples=200, deadline=None)
@given(writes)
def test_derived_values_follow_every_write_as_if_computed_again(steps: list[tuple[str, str, str]]) -> None:
    collection = Collection(
        {"a": {"tag": "x"}, "b": {"tag": "y"}, "c": {"tag": "x"}}, indexers={"tag": by_tag}
    )
    for action, object_id, tag in [("get", "", ""), *steps]:
        if action == "put":
            collection.put(object_id, {"tag": tag, "n": object_id})
        elif action == "delete":
            collection.delete(object_id)
        elif action == "reset":
            collection.reset()
        for key in TAGS:
            kept = collection.derived("tag", key, Filed)
            in_order = [obj for _, obj in sorted(kept.objects.items())]
            assert in_order == [obj for _, obj in collection.items() if obj["tag"] == key]


def test_a_snapshot_does_not_change_with_later_writes_and_generations_name_contents() -> None:
    collection = Collection({"a": {"n": 1}})
    pristine = collection.snapshot()
    assert collection.snapshot() is pristine  # an untouched collection's copy is shared
    collection.put("b", {"n": 2})
    changed = collection.snapshot()
    collection.delete("a")
    assert dict(pristine.items()) == {"a": {"n": 1}}
    assert dict(changed.items()) == {"a": {"n": 1}, "b": {"n": 2}}
    assert len({pristine.generation, changed.generation, collection.generation}) == 3
    collection.reset()
    assert collection.snapshot() is pristine  # the same contents as before any write: the same copy
    assert collection.contents_generation == pristine.generation  # so a page kept for it stays right


def test_derived_values_are_bounded_in_number() -> None:
    from mockcatalog.catalog.collection import MAX_DERIVED

    collection = Collection({"a": {"tag": "x"}}, indexers={"tag": by_tag})
    for number in range(MAX_DERIVED * 3):
        collection.derived("tag", f"key{number}", Filed)
    assert len(collection._derived) <= MAX_DERIVED
    assert collection.derived("tag", "x", Filed).objects == {0: {"tag": "x"}}  # rebuilt when asked again
