"""One tenant's objects of one kind: a pristine base that is never written, plus this run's changes.

This is what makes a reset cost nothing as fixtures grow: :meth:`Collection.reset` forgets the
changes (O(changes), not O(objects)), and the base, shared by every reset, is never copied. Order is
the base's (a replaced object keeps its place), then objects added since, in the order they came.

Indexes (say, batches by related dataset) are built over the base only, when it is set; a lookup
adds every changed object as a candidate, so the answer stays right while the changes stay few
(a test's writes). Lookups return a superset: callers still apply their own predicates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

Json = dict[str, Any]
#: The keys an object is filed under in one index.
IndexKeys = Callable[[Json], Iterable[str]]


class Collection:
    __slots__ = ("_base", "_changed", "_removed", "_indexers", "_indexes", "_positions")

    def __init__(
        self, base: Mapping[str, Json] | None = None, indexers: Mapping[str, IndexKeys] | None = None
    ):
        self._base: Mapping[str, Json] = base if base is not None else {}
        self._changed: dict[str, Json] = {}
        self._removed: set[str] = set()
        self._indexers = dict(indexers or {})
        self._indexes: dict[str, dict[str, list[str]]] = {}
        self._positions: dict[str, int] = {}
        self._build_indexes()

    def get(self, object_id: str) -> Json | None:
        if object_id in self._changed:
            return self._changed[object_id]
        if object_id in self._removed:
            return None
        return self._base.get(object_id)

    def __contains__(self, object_id: object) -> bool:
        return isinstance(object_id, str) and self.get(object_id) is not None

    def __len__(self) -> int:
        return sum(1 for _ in self.items())

    def items(self) -> Iterator[tuple[str, Json]]:
        changed, removed = self._changed, self._removed
        for object_id, obj in self._base.items():
            if object_id in changed:
                yield object_id, changed[object_id]
            elif object_id not in removed:
                yield object_id, obj
        for object_id, obj in changed.items():
            if object_id not in self._base:
                yield object_id, obj

    def put(self, object_id: str, obj: Json) -> None:
        """Store ``obj`` (a new dict: stored objects are never changed in place)."""
        self._removed.discard(object_id)
        self._changed[object_id] = obj

    def delete(self, object_id: str) -> None:
        self._changed.pop(object_id, None)
        if object_id in self._base:
            self._removed.add(object_id)

    def reset(self) -> None:
        """Back to the base: every change since it was set is forgotten."""
        self._changed = {}
        self._removed = set()

    def commit(self) -> None:
        """Make the current contents the new base (used when loading a baseline)."""
        self._base = dict(self.items())
        self.reset()
        self._build_indexes()

    def has_index(self, name: str) -> bool:
        return name in self._indexers

    def candidates(self, index: str, keys: Iterable[str]) -> list[tuple[str, Json]]:
        """The objects filed under any of ``keys`` (plus every changed object), in collection order."""
        filed: set[str] = set()
        for key in keys:
            filed.update(self._indexes[index].get(key, ()))
        changed, removed, positions = self._changed, self._removed, self._positions
        hits = [
            (positions[oid], oid, self._base[oid])
            for oid in filed
            if oid not in changed and oid not in removed
        ]
        past_base = len(positions)
        hits += [
            (positions.get(oid, past_base + n), oid, obj) for n, (oid, obj) in enumerate(changed.items())
        ]
        hits.sort(key=lambda hit: hit[0])
        return [(oid, obj) for _, oid, obj in hits]

    def _build_indexes(self) -> None:
        if not self._indexers:
            return
        self._positions = {oid: position for position, oid in enumerate(self._base)}
        self._indexes = {name: {} for name in self._indexers}
        for name, keys_of in self._indexers.items():
            index = self._indexes[name]
            for oid, obj in self._base.items():
                for key in keys_of(obj):
                    index.setdefault(key, []).append(oid)

    @property
    def is_pristine(self) -> bool:
        return not self._changed and not self._removed
