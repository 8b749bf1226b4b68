"""One tenant's objects of one kind: a pristine base that is never written, plus this run's changes.

This is what makes a reset cost nothing as fixtures grow: :meth:`Collection.reset` forgets the
changes (O(changes), not O(objects)), and the base, shared by every reset, is never copied. Order is
the base's (a replaced object keeps its place), then objects added since, in the order they came.

Indexes (say, batches by related dataset) are built over the base only, when it is set; a lookup
adds every changed object as a candidate, so the answer stays right while the changes stay few
(a test's writes). Lookups return a superset: callers still apply their own predicates.

:meth:`Collection.derived` keeps what a caller computed from the objects filed under one index
key (a dataset's summary rows) and tells it of every write under that key, so that it can follow
the write in place (cheap) rather than be computed again from all the key's objects. A reset undoes
the writes in it the same way.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Protocol, TypeVar

from mockcatalog.core.json import Json

#: The keys an object is filed under in one index.
IndexKeys = Callable[[Json], Iterable[str]]


class Derived(Protocol):
    """A value computed from one index key's objects that follows writes to them in place."""

    def replace(self, position: int, object_id: str, old: Json | None, new: Json | None) -> None:
        """The object ``object_id`` at ``position`` (collection order) was ``old`` and is now
        ``new`` (None: not filed under this key)."""


D = TypeVar("D", bound=Derived)
#: Every content a collection ever has gets its own number from here, never reused by any
#: collection: equal generations mean equal contents (see Collection.generation).
_GENERATIONS = itertools.count(1)
#: How many derived values a collection keeps (one per summarized dataset, say) before it forgets
#: them all; each is rebuilt when next asked for.
MAX_DERIVED = 256


class Collection:
    __slots__ = (
        "_base", "_changed", "_removed", "_indexers", "_indexes", "_positions", "_arrivals", "_arrived",
        "_derived", "_pristine", "generation",
    )  # fmt: skip

    def __init__(
        self, base: Mapping[str, Json] | None = None, indexers: Mapping[str, IndexKeys] | None = None
    ):
        self._base: Mapping[str, Json] = base if base is not None else {}
        self._changed: dict[str, Json] = {}
        self._removed: set[str] = set()
        self._indexers = dict(indexers or {})
        self._indexes: dict[str, dict[str, list[str]]] = {}
        self._positions: dict[str, int] = {}  # of the base's objects: their place in its order
        self._arrivals: dict[str, int] = {}  # of objects added since: places after the base's
        self._arrived = 0
        self._derived: dict[tuple[str, str], Derived] = {}
        self._pristine: Collection | None = None  # the snapshot of the untouched base, once made
        #: changes with every write, reset and baseline load, to a number no collection had before, so a
        #: reader may key what it derived from the contents (an encoded page) by it
        self.generation = next(_GENERATIONS)
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
        if not self._changed and not self._removed:  # untouched since the reset: the base as it is
            return iter(self._base.items())
        return self._overlaid_items()

    def _overlaid_items(self) -> Iterator[tuple[str, Json]]:
        changed, removed = self._changed, self._removed
        for object_id, obj in self._base.items():
            if object_id in changed:
                yield object_id, changed[object_id]
            elif object_id not in removed:
                yield object_id, obj
        for object_id, obj in changed.items():
            if object_id not in self._base:
                yield object_id, obj

    def changed(self) -> Iterator[tuple[str, Json]]:
        """The objects written since the last reset (a test's own), as they are now."""
        return iter(list(self._changed.items()))

    def put(self, object_id: str, obj: Json) -> None:
        """Store ``obj`` (a new dict: stored objects are never changed in place)."""
        if object_id not in self._base and object_id not in self._arrivals:
            self._arrivals[object_id] = len(self._base) + self._arrived
            self._arrived += 1
        if self._derived:
            self._update_derived(object_id, obj)
        self._removed.discard(object_id)
        self._changed[object_id] = obj
        self.generation = next(_GENERATIONS)

    def delete(self, object_id: str) -> None:
        if self._derived and object_id in self:
            self._update_derived(object_id, None)
        self._changed.pop(object_id, None)
        if object_id in self._base:
            self._removed.add(object_id)
        else:  # if it comes back, it comes back last
            self._arrivals.pop(object_id, None)
        self.generation = next(_GENERATIONS)

    def reset(self) -> None:
        """Back to the base: every change since it was set is forgotten (and undone in the derived
        values, which stay: O(changes), like the rest of a reset)."""
        if self._derived:
            for object_id in [*self._changed, *self._removed]:
                self._update_derived(object_id, self._base.get(object_id))
        self._changed = {}
        self._removed = set()
        self._arrivals = {}
        self._arrived = 0
        self.generation = next(_GENERATIONS)

    def snapshot(self) -> Collection:
        """A read-only copy of the current contents, to read outside the lock that guards this one.

        O(changes), not O(objects): the base and the indexes over it are never changed in place
        (:meth:`add_to_base` replaces them), so the copy shares them and copies only the overlay; an
        untouched collection's copy is made once per base and shared by every read."""
        if not self._changed and not self._removed:
            if self._pristine is None:
                self._pristine = self._copy()
            return self._pristine
        return self._copy()

    @property
    def contents_generation(self) -> int:
        """The generation of what :meth:`snapshot` would give now (the shared copy's, when untouched:
        it stays the same across resets), without making a copy."""
        return self.snapshot().generation if self.is_pristine else self.generation

    def _copy(self) -> Collection:
        copy = Collection.__new__(Collection)
        copy._pristine, copy.generation = None, self.generation
        copy._base, copy._indexers, copy._indexes = self._base, self._indexers, self._indexes
        copy._positions, copy._arrived, copy._derived = self._positions, self._arrived, {}
        copy._changed, copy._removed, copy._arrivals = (
            dict(self._changed),
            set(self._removed),
            dict(self._arrivals),
        )
        return copy

    def add_to_base(self, objects: Mapping[str, Json]) -> None:
        """Make ``objects`` part of the base (a baseline load): a reset returns to them. The changes
        made since the last reset stay changes (a reset still undoes them), except that a loaded
        object replaces any change of the same id. O(objects in the base): loads are rare."""
        base = {**self._base, **objects}
        for object_id in objects:
            self._changed.pop(object_id, None)
            self._removed.discard(object_id)
        arrived = [oid for oid in sorted(self._arrivals, key=self._arrivals.__getitem__) if oid not in base]
        self._base = base
        self._arrivals = {oid: len(base) + place for place, oid in enumerate(arrived)}
        self._arrived = len(arrived)
        self._derived, self._pristine = {}, None
        self.generation = next(_GENERATIONS)
        self._build_indexes()

    def has_index(self, name: str) -> bool:
        return name in self._indexers

    def candidates(self, index: str, keys: Iterable[str]) -> list[tuple[str, Json]]:
        """The objects filed under any of ``keys`` (plus every changed object), in collection order."""
        return [(oid, obj) for _, oid, obj in self._placed(index, keys)]

    def derived(self, index: str, key: str, compute: Callable[[list[tuple[int, str, Json]]], D]) -> D:
        """``compute([(position, id, object), ...])`` over the objects filed under ``key``, in
        collection order; kept, and told of each write under ``key`` (:meth:`Derived.replace`),
        resets included."""
        kept = self._derived.get((index, key))
        if kept is None:
            if len(self._derived) >= MAX_DERIVED:
                self._derived.clear()  # rebuilt when asked for again: a bound, not a loss
            keys_of = self._indexers[index]
            filed = [hit for hit in self._placed(index, (key,)) if key in keys_of(hit[2])]
            kept = self._derived[(index, key)] = compute(filed)
        return kept  # type: ignore[return-value]  # what compute made for this (index, key)

    def _placed(self, index: str, keys: Iterable[str]) -> list[tuple[int, str, Json]]:
        """(position, id, object) of the candidates for ``keys``, by position."""
        filed: set[str] = set()
        for key in keys:
            filed.update(self._indexes[index].get(key, ()))
        changed, removed, positions = self._changed, self._removed, self._positions
        hits = [
            (positions[oid], oid, self._base[oid])
            for oid in filed
            if oid not in changed and oid not in removed
        ]
        hits += [(self._position(oid), oid, obj) for oid, obj in changed.items()]
        hits.sort(key=lambda hit: hit[0])
        return hits

    def _position(self, object_id: str) -> int:
        return self._positions[object_id] if object_id in self._positions else self._arrivals[object_id]

    def _update_derived(self, object_id: str, new: Json | None) -> None:
        old = self.get(object_id)
        position = self._position(object_id)
        for name, keys_of in self._indexers.items():
            old_keys = set(keys_of(old)) if old is not None else set()
            new_keys = set(keys_of(new)) if new is not None else set()
            for key in old_keys | new_keys:
                kept = self._derived.get((name, key))
                if kept is not None:
                    kept.replace(
                        position,
                        object_id,
                        old if key in old_keys else None,
                        new if key in new_keys else None,
                    )

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
    def is_empty(self) -> bool:
        return not self._changed and len(self._removed) == len(self._base)

    @property
    def is_pristine(self) -> bool:
        return not self._changed and not self._removed
