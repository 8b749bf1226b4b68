"""The Catalog list query language, written once for every list operation.

A list request's validated parameters become a :class:`ListQuery`: predicates (all must hold),
then ``orderBy``, then ``start``/``limit``, then the ``properties`` projection. Which parameter
means what comes from the spec's ``x-mockcatalog-query`` extension (``{kind: equals, field: status}``,
``{kind: related, type: dataSet}``, ...), so adding a filter to an operation is a spec change only.

Semantics follow the real service (see the README): simple filters take comma-separated values
(any matches) or a leading ``!`` (none may match; objects lacking the field are kept); ``property``
expressions test one field, top-level or nested by dots (``schemaRef.id``); ``tags`` pairs are
ANDed; ``*After``/``*Before`` bounds are exclusive and objects without the field never match them.
Without ``orderBy`` objects keep the store's order (fixture order, then creation order). A
malformed expression raises :class:`~mockcatalog.core.errors.InvalidRequest` naming the parameter,
never anything else. Regular expressions (``field~regex``) run within a time budget:
:mod:`mockcatalog.catalog.regex_budget`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mockcatalog.catalog.ordering import SortKey, first_sorted, sort_pairs, version_of
from mockcatalog.catalog.regex_budget import field_matches
from mockcatalog.core.errors import InvalidRequest
from mockcatalog.core.json import Json

Predicate = Callable[[Json], bool]

_FIELD = r"[A-Za-z_][A-Za-z0-9_]*"
_FIELD_PATH = rf"{_FIELD}(?:\.{_FIELD})*"  # a ``property`` expression's field: ``name``, ``schemaRef.id``
_EXPRESSION = re.compile(rf"^(?P<field>{_FIELD_PATH})(?P<op>==|!=|<=|>=|~|<|>)(?P<value>.*)$", re.DOTALL)
_PRESENCE = re.compile(rf"^(?P<negate>!?)(?P<field>{_FIELD_PATH})$")
_SORT_KEY = re.compile(rf"^(?:(?P<direction>asc|desc):)?(?P<field>{_FIELD})$")
_NUMBER = re.compile(r"^-?\d{1,30}(\.\d{1,30})?$")  # longer is no number a JSON value can equal
_MISSING = object()
_NO_FIELDS: Json = {}  # what a nested condition tests where the object it names is missing (never written)


@dataclass(frozen=True)
class ListQuery:
    """A parsed list request: what to keep, in which order, which page and which fields."""

    predicates: tuple[Predicate, ...] = ()
    order_by: tuple[SortKey, ...] = ()
    start: int = 0
    limit: int | None = 20
    properties: tuple[str, ...] | None = None
    #: (index name, keys): indexes a store may use to find candidates; predicates still decide
    hints: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: whether it may serve more than one request: not when a regular expression keeps its
    #: request's time budget (field_matches)
    reusable: bool = True

    @property
    def sole_order(self) -> SortKey | None:
        """The one sort key, when there is exactly one."""
        return self.order_by[0] if len(self.order_by) == 1 else None

    def select_sorted(self, ordered: Iterable[tuple[str, Json]]) -> list[tuple[str, Json]]:
        """:meth:`select` over pairs already in ``order_by``'s order: filter, then the page."""
        keep = all_of(self.predicates) if self.predicates else None
        kept = (pair for pair in ordered if keep(pair[1])) if keep is not None else ordered
        end = None if self.limit is None else self.start + self.limit
        return list(itertools.islice(kept, self.start, end))

    @property
    def selects_all(self) -> bool:
        """Whether :meth:`select` keeps every object, in the order given."""
        return not self.predicates and not self.order_by and not self.start and self.limit is None

    def select(self, objects: Iterable[tuple[str, Json]]) -> list[tuple[str, Json]]:
        """The (id, object) pairs of the page, in result order, unprojected."""
        end = None if self.limit is None else self.start + self.limit
        if not self.order_by and end is not None and not self.predicates:
            return list(itertools.islice(objects, self.start, end))
        keep = all_of(self.predicates)
        if not self.order_by and end is not None:  # store order: stop once the page is full
            page: list[tuple[str, Json]] = []
            for oid, obj in objects:
                if keep(obj):
                    page.append((oid, obj))
                    if len(page) == end:
                        break
            return page[self.start :]
        kept = (pair for pair in objects if keep(pair[1])) if self.predicates else objects
        if end is not None:  # a page: a heap of its length, and no list of everything kept
            return first_sorted(kept, self.order_by, end)[self.start :]
        return sort_pairs(list(kept), self.order_by)[self.start :]

    def project(self, obj: Json) -> Json:
        if self.properties is None:
            return obj
        return {name: obj[name] for name in self.properties if name in obj}

    def unique_values(self, field: str, objects: Iterable[tuple[str, Json]]) -> list[Any]:
        """The distinct scalar values ``field`` holds in the objects the predicates keep, first met
        first (in ``order_by``'s order, else the order given), then ``start``/``limit`` applied to
        the values: a consumer asking for the distinct values of a field pages through values, and
        paging the objects instead would hide values behind duplicates. Values are kept as stored;
        null, objects and arrays are skipped (no single value to compare or filter by)."""
        keep = all_of(self.predicates) if self.predicates else None
        kept = (pair for pair in objects if keep(pair[1])) if keep is not None else objects
        if self.order_by:
            kept = sort_pairs(list(kept), self.order_by)
        end = None if self.limit is None else self.start + self.limit
        seen: set[tuple[type, Any]] = set()
        values: list[Any] = []
        for _, obj in kept:
            value = obj.get(field)
            identity = _distinct(value)
            if identity is None or identity in seen:
                continue
            seen.add(identity)
            values.append(value)
            if len(values) == end:  # without orderBy, the rest of the objects is never read
                break
        return values[self.start : end]

    def run(self, objects: Iterable[tuple[str, Json]]) -> dict[str, Json]:
        """The list response: ``{id: object}`` in result order."""
        return self.page(self.select(objects))

    def page(self, selected: list[tuple[str, Json]]) -> dict[str, Json]:
        """The list response for pairs already selected: ``{id: object}``, projected."""
        if self.properties is None:
            return dict(selected)
        return {oid: self.project(obj) for oid, obj in selected}


def build_query(
    values: Mapping[str, Any], kinds: Mapping[str, Json], by_property: Mapping[str, str] | None = None
) -> ListQuery:
    """Build a :class:`ListQuery` from validated parameter ``values`` and their spec ``kinds``;
    ``by_property`` holds undocumented parameters, each a simple filter on the property it names."""
    predicates: list[Predicate] = [field_in(name, value) for name, value in (by_property or {}).items()]
    hints: list[tuple[str, tuple[str, ...]]] = []
    settings: dict[str, Any] = {"limit": None, "reusable": True}
    for name, value in values.items():
        kind = kinds.get(name)
        if kind is None or value is None:
            continue
        match kind["kind"]:
            case "limit":
                settings["limit"] = int(value)
            case "start":
                settings["start"] = int(value)
            case "orderBy":
                settings["order_by"] = parse_order_by(value, name)
            case "properties":
                settings["properties"] = parse_properties(value, name)
                asked = settings["properties"]
                caps = [cap for field, cap in kind.get("capped", {}).items() if field in asked]
                if caps:  # a page asking for these fields is smaller (x-mockcatalog-query's ``capped``)
                    settings["cap"] = min(caps)
            case "property":
                expressions = value if isinstance(value, list) else [value]
                predicates.extend(parse_property(expr, name) for expr in expressions)
                if any((match := _EXPRESSION.match(expr)) and match["op"] == "~" for expr in expressions):
                    settings["reusable"] = False
            case "tags":
                predicates.append(parse_tags(value, name))
            case "equals":
                predicates.append(field_in(kind["field"], str(value)))
                if not str(value).startswith("!"):
                    hints.append((kind["field"], tuple(str(value).split(","))))
            case "related":
                predicates.append(related_to(kind["type"], str(value)))
                hints.append((f"related:{kind['type']}", tuple(str(value).split(","))))
            case "after" | "before":
                predicates.append(bound(kind["field"], int(value), after=kind["kind"] == "after"))
            case "accepted":  # documented, and without effect on what the list selects
                pass
            case other:
                raise ValueError(f"unknown x-mockcatalog-query kind {other!r} on {name!r}")
    cap = settings.pop("cap", None)
    if cap is not None:
        settings["limit"] = cap if settings["limit"] is None else min(settings["limit"], cap)
    return ListQuery(predicates=tuple(predicates), hints=tuple(hints), **settings)


# --- parsing ----------------------------------------------------------------------------------


def parse_order_by(text: str, param: str = "orderBy") -> tuple[SortKey, ...]:
    keys = []
    for part in text.split(","):
        match = _SORT_KEY.match(part.strip())
        if not match:
            raise _bad(param, f"{part!r} is not a sort key; use field, asc:field or desc:field.")
        keys.append(SortKey(match["field"], match["direction"] == "desc"))
    return tuple(keys)


def parse_properties(text: str, param: str = "properties") -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(","))
    for name in names:
        if not re.fullmatch(_FIELD, name):
            raise _bad(param, f"{name!r} is not a top-level field name (nested names are not accepted).")
    return names


def parse_property(expression: str, param: str = "property") -> Predicate:
    """One ``property=`` condition: ``f``, ``!f``, ``f~re``, ``f==v``, ``f!=v``, ``f<v`` ... ``f>=v``;
    ``f`` a top-level field or a nested one named by dots (``schemaRef.id``, as aepp sends it)."""
    presence = _PRESENCE.match(expression)
    if presence:
        negate = bool(presence["negate"])
        return nested(presence["field"], lambda leaf: field_exists(leaf, negate=negate))
    match = _EXPRESSION.match(expression)
    if not match:
        raise _bad(
            param,
            f"{expression!r} is not an expression; use name, !name, name~regex, name==v, name!=v, "
            "name<v, name<=v, name>v or name>=v.",
        )
    field, op, operand = match["field"], match["op"], match["value"]
    if op == "~":
        return nested(field, lambda leaf: field_matches(leaf, operand, param))
    if op in ("==", "!="):
        return nested(field, lambda leaf: field_equals(leaf, operand, negate=op == "!="))
    return nested(field, lambda leaf: field_compares(leaf, op, operand))


def parse_tags(text: str, param: str = "tags") -> Predicate:
    pairs = []
    for part in text.split(","):
        namespace, sep, value = part.partition(":")
        if not sep or not namespace or not value:
            raise _bad(param, f"{part!r} is not a tag filter; use namespace:value or namespace:*.")
        pairs.append((namespace, None if value == "*" else wildcard(value)))
    return has_tags(tuple(pairs))


def wildcard(text: str) -> Callable[[str], bool]:
    """Whether a whole value matches ``text``, where ``*`` matches any run of characters (also none)
    and ``**`` is a literal ``*``.

    Matched without backtracking: the pieces between stars are found left to right, each at its
    first place after the last (which is right for a pattern of literal pieces and stars), so the
    cost is at most the value's length times the pattern's, whatever the pattern (``*a*a*a*a*b``
    made a backtracking engine take seconds per value)."""
    pieces = [""]
    for index, literal in enumerate(text.split("**")):
        if index:
            pieces[-1] += "*"
        first, *rest = literal.split("*")
        pieces[-1] += first
        pieces.extend(rest)
    if len(pieces) == 1:
        return pieces[0].__eq__
    head, *middle, tail = pieces
    least = len(head) + len(tail)

    def matches(value: str) -> bool:
        if len(value) < least or not value.startswith(head) or not value.endswith(tail):
            return False
        position, end = len(head), len(value) - len(tail)
        for piece in middle:
            found = value.find(piece, position, end)
            if found < 0:
                return False
            position = found + len(piece)
        return True

    return matches


# --- predicates -------------------------------------------------------------------------------


def all_of(predicates: tuple[Predicate, ...]) -> Predicate:
    """One predicate for all of them (the one itself when alone: a scan calls it per object)."""
    if len(predicates) == 1:
        return predicates[0]
    return lambda obj: all(test(obj) for test in predicates)


def field_in(field: str, text: str) -> Predicate:
    """Simple filter: ``a,b,c`` keeps objects whose field equals one; ``!a,b`` drops them."""
    negate = text.startswith("!")
    wanted = tuple(text[1:].split(",") if negate else text.split(","))

    def test(obj: Json) -> bool:
        value = obj.get(field, _MISSING)
        found = value is not _MISSING and any(_equals(value, want) for want in wanted)
        return not found if negate else found

    return test


def related_to(object_type: str, text: str) -> Predicate:
    ids = frozenset(text.split(","))

    def test(obj: Json) -> bool:
        related = obj.get("relatedObjects")
        if not isinstance(related, list):
            return False
        return any(
            isinstance(ref, dict) and ref.get("type") == object_type and ref.get("id") in ids
            for ref in related
        )

    return test


def bound(path: str, limit: int, *, after: bool) -> Predicate:
    def test(obj: Json) -> bool:
        value = _lookup(obj, path)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return value > limit if after else value < limit

    return test


def has_tags(pairs: tuple[tuple[str, Callable[[str], bool] | None], ...]) -> Predicate:
    def test(obj: Json) -> bool:
        tags = obj.get("tags")
        if not isinstance(tags, dict):
            return False
        for namespace, matches in pairs:
            if namespace not in tags:
                return False
            values = tags[namespace] if isinstance(tags[namespace], list) else [tags[namespace]]
            if matches is not None and not any(isinstance(v, str) and matches(v) for v in values):
                return False
        return True

    return test


def nested(path: str, on_leaf: Callable[[str], Predicate]) -> Predicate:
    """The predicate ``on_leaf`` builds for the last name of a dotted ``path``, tested on the object
    the names before it lead to: ``schemaRef.id==x`` is ``id==x`` on the object's ``schemaRef``. Where
    that object is missing (or not an object), the test sees an empty one, so the field counts as
    absent, as a missing top-level field does (``!=`` and ``!`` keep the object). A top-level
    ``path`` is ``on_leaf``'s own predicate: nothing is added where no dot is."""
    *parents, leaf = path.split(".")
    test = on_leaf(leaf)
    if not parents:
        return test

    def on_nested(obj: Json) -> bool:
        node: Any = obj
        for name in parents:
            node = node.get(name) if isinstance(node, dict) else None
        return test(node if isinstance(node, dict) else _NO_FIELDS)

    return on_nested


def field_exists(field: str, *, negate: bool) -> Predicate:
    return lambda obj: (field in obj) != negate


def field_equals(field: str, operand: str, *, negate: bool) -> Predicate:
    matches = wildcard(operand)  # once per request, not per object

    def test(obj: Json) -> bool:
        value = obj.get(field, _MISSING)
        equal = value is not _MISSING and _equals(value, operand, matches)
        return not equal if negate else equal

    return test


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def field_compares(field: str, op: str, operand: str) -> Predicate:
    compare = _COMPARISONS[op]

    def test(obj: Json) -> bool:
        pair = _comparable_pair(obj.get(field, _MISSING), operand)
        return pair is not None and compare(*pair)

    return test


# --- value helpers ----------------------------------------------------------------------------


def _equals(value: Any, operand: str, matches: Callable[[str], bool] | None = None) -> bool:
    """Whether a stored value equals a filter's text (strings through ``matches`` when given)."""
    if isinstance(value, bool):
        return operand.lower() == ("true" if value else "false")
    if isinstance(value, int | float):
        number = _number(operand)
        return number is not None and value == number
    if isinstance(value, str):
        return matches(value) if matches is not None else value == operand
    return False


def _distinct(value: Any) -> tuple[type, Any] | None:
    """What makes a scalar value distinct from another, or None for a value that is not one.

    Typed: Python finds ``True == 1`` and ``1 == 1.0``, but JSON ``true`` and ``1`` are different
    values; ``1`` and ``1.0`` are the same JSON number, so both count as numbers."""
    if isinstance(value, bool | str):
        return (type(value), value)
    if isinstance(value, int | float):
        return (float, value)
    return None


def _comparable_pair(value: Any, operand: str) -> tuple[Any, Any] | None:
    if value is _MISSING or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = _number(operand)
        return None if number is None else (value, number)
    if isinstance(value, str):
        mine, theirs = version_of(value), version_of(operand)
        if mine is not None and theirs is not None:
            return (mine, theirs)
        return (value, operand)
    return None


def _number(text: str) -> int | float | None:
    if not _NUMBER.match(text):
        return None
    return float(text) if "." in text else int(text)


def _lookup(obj: Json, path: str) -> Any:
    node: Any = obj
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _bad(param: str, reason: str) -> InvalidRequest:
    return InvalidRequest(f"Invalid query parameter {param!r}: {reason}", errors={param: [reason]})
