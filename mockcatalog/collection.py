"""One tenant's objects of one kind: a pristine base that is never written, plus this run's changes.

This is what makes a reset cost nothing as fixtures grow: :meth:`Collection.reset` forgets the
changes (O(changes), not O(objects)), and the base, shared by every reset, is never copied. Order is
the base's (a replaced object keeps its place), then objects added since, in the order they came.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

Json = dict[str, Any]


class Collection:
    __slots__ = ("_base", "_changed", "_removed")

    def __init__(self, base: Mapping[str, Json] | None = None) -> None:
        self._base: Mapping[str, Json] = base if base is not None else {}
        self._changed: dict[str, Json] = {}
        self._removed: set[str] = set()

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

    @property
    def is_pristine(self) -> bool:
        return not self._changed and not self._removed
