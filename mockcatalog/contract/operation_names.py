"""The names a consumer may give an operation, checked: a wrong one is an error with a suggestion,
never a fault that silently never fires or an assertion that silently always passes.

An operation may be named

- as the spec names it: ``"POST /batches"``, or with its real base path,
  ``"POST /data/foundation/import/batches"``; placeholders may be spelled any way
  (``.../files/{path}`` is ``.../files/{filePath}``);
- by its operation id: ``"createBatch"``;
- ``"*"``: every operation.

Journal assertions also take a concrete path, ``"GET /batches/01H..."``: the requests sent to it,
with or without its base path.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from mockcatalog.contract.spec import GATEWAY_PREFIXES, Operation

ANY = "*"
_PLACEHOLDER = re.compile(r"\{[^/{}]*\}")


class UnknownOperation(ValueError):
    """A name that is no operation of the spec (the message suggests the closest one)."""


class OperationNames:
    """Every name of every operation of one spec."""

    def __init__(self, operations: Mapping[str, Operation]) -> None:
        self._ids: dict[str, str] = {}  # any accepted name (placeholders blanked) -> operation id
        self._paths: list[tuple[str, re.Pattern[str], str]] = []  # (method, concrete path, operation id)
        for op_id, operation in operations.items():
            self._ids[op_id] = op_id  # an id has no space, so it never collides with a label
            prefixes = ["", GATEWAY_PREFIXES[operation.gateway]] if operation.gateway else [""]
            for prefix in prefixes:
                self._ids[_blanked(f"{operation.method} {prefix}{operation.path}")] = op_id
                self._paths.append((operation.method, _concrete(operation, prefix), op_id))
        self._labels = {op_id: operation.label for op_id, operation in operations.items()}
        self._templates = [
            (operation.method, _segments(operation, prefix))
            for operation in operations.values()
            for prefix in (["", GATEWAY_PREFIXES[operation.gateway]] if operation.gateway else [""])
        ]

    def operation_id(self, name: str) -> str | None:
        """The operation ``name`` names; None for ``"*"``; :class:`UnknownOperation` otherwise."""
        if name == ANY:
            return None
        found = self._ids.get(name) or self._ids.get(_blanked(" ".join(name.split())))
        if found is None:
            raise UnknownOperation(self._unknown(name, "an operation"))
        return found

    def label(self, name: str) -> str:
        """``name`` as the journal labels its operation (``"POST /batches"``), or ``"*"``; a concrete
        path is kept as it is. :class:`UnknownOperation` when it is none of these."""
        if name == ANY:
            return ANY
        try:
            op_id = self.operation_id(name)
        except UnknownOperation:
            method, _, path = " ".join(name.split()).partition(" ")
            if any(method.upper() == verb and pattern.fullmatch(path) for verb, pattern, _ in self._paths):
                return f"{method.upper()} {without_base_path(path)}"
            raise UnknownOperation(self._unknown(name, "an operation or a path of one")) from None
        assert op_id is not None
        return self._labels[op_id]

    def closest_path(self, method: str, path: str) -> str | None:
        """The served path most like ``path``, which none serves (``/data/foundation/catalog/datasets``
        -> ``.../dataSets``), with the request's own values in its placeholders, and its method
        when ``method`` is not served there; None when no path is close enough (each fixed segment
        alike, e.g. in case or by a letter or two)."""
        if len(path) > MAX_COMPARED_PATH:
            return None
        sent = [segment for segment in path.split("/") if segment]
        method = "GET" if method.upper() == "HEAD" else method.upper()
        best: tuple[bool, float, str, str] | None = None
        for served_method, template in self._templates:
            aligned = _aligned(sent, template)
            likeness = None if aligned is None else _likeness(aligned, template)
            if aligned is None or likeness is None:
                continue
            candidate = (served_method == method, likeness, served_method, _filled(template, aligned))
            if best is None or candidate[:2] > best[:2]:
                best = candidate
        if best is None:
            return None
        same_method, _, served_method, suggested = best
        return suggested if same_method else f"{served_method} {suggested}"

    def _unknown(self, name: str, what: str) -> str:
        names = sorted({*self._labels.values(), *self._labels})
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else "; openapi.yaml lists them"
        return f"{name!r} is not {what} of the mock (nor '*'){hint}"


def without_base_path(path: str) -> str:
    """A request path without the gateway base path it was sent under, if any: a concrete path
    names the same requests with or without it."""
    for prefix in GATEWAY_PREFIXES.values():
        if path.startswith(prefix + "/"):
            return path[len(prefix) :]
    return path


#: How alike a fixed segment of a served path must be to the one sent (difflib's ratio, in
#: lowercase) for the path to be suggested: ``datasets`` is ``dataSets``, ``batch`` is ``batches``.
MIN_SEGMENT_LIKENESS = 0.75
#: Longer paths get no suggestion (the cost of comparing stays bounded): the gateway's URL limit.
MAX_COMPARED_PATH = 2000
_MANY = "{...}"  # a placeholder that spans one or more segments (a file path)


def _segments(operation: Operation, prefix: str) -> list[str]:
    """A served path as segments: fixed ones as they are, placeholders as ``{}`` (one segment) or
    :data:`_MANY` (a file path: the rest of the path)."""
    several = {p.name for p in operation.params_in("path") if p.raw.get("x-mockcatalog-converter") == "path"}
    segments = []
    for segment in (prefix + operation.path).split("/"):
        if _PLACEHOLDER.fullmatch(segment):
            segments.append(_MANY if segment[1:-1] in several else "{}")
        elif segment:
            segments.append(segment)
    return segments


def _aligned(sent: list[str], template: list[str]) -> list[str] | None:
    """The segments sent, one per segment of a served path (those a file path spans joined), or
    None when their counts cannot match."""
    if _MANY not in template:
        return sent if len(sent) == len(template) else None
    if len(sent) < len(template):
        return None
    many = template.index(_MANY)
    end = len(sent) - (len(template) - many - 1)
    return [*sent[:many], "/".join(sent[many:end]), *sent[end:]]


def _likeness(sent: list[str], template: list[str]) -> float | None:
    """How alike aligned segments are to a served path's (a placeholder takes any value; a fixed
    segment not the same loses a little even when it differs only in case); None when a fixed
    segment is not alike."""
    total = 0.0
    for given, served in zip(sent, template, strict=True):
        if served in ("{}", _MANY) or given == served:
            total += 1.0
            continue
        alike = difflib.SequenceMatcher(None, given.lower(), served.lower()).ratio() - 0.01
        if alike < MIN_SEGMENT_LIKENESS:
            return None
        total += alike
    return total


def _filled(template: list[str], sent: list[str]) -> str:
    """The served path with the values sent in its placeholders."""
    return "/" + "/".join(
        given if served in ("{}", _MANY) else served for served, given in zip(template, sent, strict=True)
    )


def _blanked(label: str) -> str:
    """``"PUT /files/{filePath}"`` -> ``"PUT /files/{}"``: placeholder names do not matter."""
    method, _, path = label.partition(" ")
    return f"{method.upper()} {_PLACEHOLDER.sub('{}', path)}"


def _concrete(operation: Operation, prefix: str) -> re.Pattern[str]:
    """The paths an operation serves, as a pattern: a placeholder is one segment, or (a file path)
    several."""
    several = {p.name for p in operation.params_in("path") if p.raw.get("x-mockcatalog-converter") == "path"}
    pattern = re.escape(prefix)
    position = 0
    for placeholder in _PLACEHOLDER.finditer(operation.path):
        pattern += re.escape(operation.path[position : placeholder.start()])
        pattern += ".+" if placeholder.group()[1:-1] in several else "[^/]+"
        position = placeholder.end()
    return re.compile(pattern + re.escape(operation.path[position:]))
