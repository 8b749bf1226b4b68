"""Copy-on-write collections: writes never touch the base, and reset forgets them."""

from __future__ import annotations

from mockcatalog.collection import Collection


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


def test_commit_makes_the_changes_the_new_base() -> None:
    collection = Collection()
    collection.put("x", {"v": 1})
    collection.commit()
    collection.put("y", {"v": 2})
    collection.reset()
    assert list(collection.items()) == [("x", {"v": 1})]


def test_a_deleted_base_object_can_come_back() -> None:
    collection = Collection({"a": {"v": 1}})
    collection.delete("a")
    collection.put("a", {"v": 2})
    assert list(collection.items()) == [("a", {"v": 2})]
