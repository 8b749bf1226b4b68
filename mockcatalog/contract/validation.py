"""Validate one request against its operation in openapi.yaml, with the generated marshmallow schemas.

:func:`build_validators` runs once per spec and process; :meth:`OperationValidator.validate` runs per
request and either returns the converted values or raises one :class:`~mockcatalog.core.errors.InvalidRequest`
listing every bad field (``errors`` keys are parameter names, header names, or dotted body paths
such as ``inputFormat.format``). It takes plain mappings, not Flask objects, so it is unit-tested
without a server.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import itertools
import json
import math
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from marshmallow import ValidationError, fields, missing

from mockcatalog.contract.schemas import SchemaBuilder, builder_for
from mockcatalog.contract.spec import Operation, load_spec
from mockcatalog.core.errors import InvalidContentType, InvalidRequest, RegistryRefusal, UnsupportedMediaType

MAX_JSON_DEPTH = 64
#: How many undocumented query parameters of one request are reported as suspects, and how much of
#: each name and value a report shows.
MAX_SUSPECTS, MAX_SHOWN_CHARS = 20, 64
BINARY = "application/octet-stream"
FORM = "application/x-www-form-urlencoded"

#: Query kinds the real service also reads from request headers: the filters, ``limit`` and
#: ``start``, ``properties`` and ``orderBy`` (Adobe's Catalog guide: filters such as ``properties``
#: and ``limit`` may be headers; its filtering guide: a query parameter wins over a header).
HEADER_KINDS = frozenset(
    {"equals", "related", "after", "before", "tags", "property", "limit", "start", "properties", "orderBy"}
)
#: Headers that HTTP clients and proxies send on their own are never read as filters (``Connection``
#: would otherwise become the related-object filter ``connection``).
STANDARD_HEADERS = frozenset(
    {
        "accept", "accept-encoding", "accept-language", "authorization", "cache-control", "connection",
        "content-length", "content-type", "cookie", "forwarded", "host", "if-match", "if-none-match",
        "origin", "pragma", "referer", "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "via",
    }
)  # fmt: skip


class MultiMapping(Protocol):
    """What a query string offers: every value of a repeated parameter (werkzeug's ``MultiDict``)."""

    def getlist(self, key: str) -> list[str]: ...

    def keys(self) -> Any: ...


@dataclass(frozen=True)
class ValidRequest:
    """The converted, validated parts of one request.

    ``undocumented`` holds the query parameters the operation does not declare (name -> value, a
    repeated one's values joined with commas): the real service answers them rather than refusing
    them (a Catalog list reads one as a ``{PROPERTY}={VALUE}`` filter, other operations ignore it),
    so they are no error. ``suspects`` says, per such name, what the real service makes of it and
    which declared name was probably meant: strict mode reports them apart from violations.
    """

    query: dict[str, Any]
    headers: dict[str, Any]
    path: dict[str, Any]
    body: Any = None
    undocumented: dict[str, str] = dataclasses.field(default_factory=dict)
    suspects: dict[str, list[str]] = dataclasses.field(default_factory=dict)


class ParameterLoader:
    """Loads one location's parameters (query, header or path) with their spec-generated fields.

    Only the values given are deserialized, then the spec's defaults and required checks apply:
    what ``Schema.load`` does, without its walk over every declared field on every request (a list
    operation declares thirty-odd parameters; a request sends two or three).
    """

    def __init__(self, builder: SchemaBuilder, operation: Operation, location: str):
        params = operation.params_in(location)
        key: Callable[[str], str] = str.lower if location == "header" else str
        self.fields = {key(p.name): builder.field(p.schema, flavour="text") for p in params}
        self.required = frozenset(key(p.name) for p in params if p.required)
        self.defaults = {
            name: field.load_default
            for name, field in self.fields.items()
            if field.load_default is not missing
        }

    def load(self, values: Mapping[str, Any], errors: dict[str, Any]) -> dict[str, Any]:
        """The declared parameters among ``values``, converted (the callers pass no others)."""
        loaded = dict(self.defaults)
        for name, value in values.items():
            field = self.fields[name]
            try:
                loaded[name] = field.deserialize(value)
            except ValidationError as exc:
                errors.update(naming_values(flatten(exc.messages, name), {name: value}))
        for name in self.required - values.keys():
            errors[name] = ["Missing data for required field."]
        return loaded


class OperationValidator:
    """Validates requests for one operation; built once, used for every request."""

    def __init__(self, operation: Operation, builder: SchemaBuilder) -> None:
        self.operation = operation
        self.query_kinds = {p.name: p.query_kind for p in operation.params_in("query") if p.query_kind}
        self._array_params = {
            p.name for p in operation.params_in("query") if builder.resolve_type(p.schema) == "array"
        }
        self._query = ParameterLoader(builder, operation, "query")
        self._path = ParameterLoader(builder, operation, "path")
        self._headers = ParameterLoader(builder, operation, "header")
        #: whether the real service reads an undocumented query parameter as a filter on the
        #: property of that name (the Catalog object lists and the batch uniques; Adobe's filtering guide)
        self.filters_by_any_property = bool(operation.raw.get("x-mockcatalog-filters-any-property"))
        self._header_names = [p.name.lower() for p in operation.params_in("header")]
        self._query_names = [p.name for p in operation.params_in("query")]
        #: old names the spec mentions (``x-mockcatalog-formerly``), e.g. sort -> orderBy
        self._renamed = {
            old: p.name
            for p in operation.params_in("query")
            for old in p.raw.get("x-mockcatalog-formerly", [])
        }
        self._filter_headers = {
            p.name.lower(): p.name
            for p in operation.params_in("query")
            if p.query_kind
            and p.query_kind["kind"] in HEADER_KINDS
            and p.name.lower() not in STANDARD_HEADERS
        }
        #: media type -> the field its body is loaded with (None: raw bytes)
        self._bodies: dict[str, fields.Field[Any] | None] = {
            media_type: None
            if media_type == BINARY
            else builder.field(schema, required=True, flavour="text" if media_type == FORM else "json")
            for media_type, schema in operation.bodies.items()
        }

    @property
    def header_names_read(self) -> frozenset[str]:
        """Every header (lower case) validation reads: the declared ones and filters sent as headers."""
        return frozenset([*self._header_names, *self._filter_headers])

    def validate(
        self,
        *,
        args: MultiMapping,
        headers: Mapping[str, str],  # names in lower case (see lowercase_headers)
        path: Mapping[str, str],
        body: bytes = b"",
        content_type: str | None = None,
    ) -> ValidRequest:
        errors: dict[str, Any] = {}
        declared, undocumented = self._query_values(args, headers, errors)
        query = self._query.load(declared, errors)
        header_values = {name: headers[name] for name in self._header_names if name in headers}
        valid_headers = self._headers.load(header_values, errors)
        valid_path = self._path.load(path, errors)
        valid_body = self._load_body(body, content_type, errors) if self._bodies else None
        if errors:
            refused = self._refusal(errors, headers)
            if refused is not None:
                raise refused
            raise InvalidRequest(_summary(errors), errors=errors)
        return ValidRequest(
            query=query,
            headers=valid_headers,
            path=valid_path,
            body=valid_body,
            undocumented=undocumented,
            suspects=self.suspects(undocumented),
        )

    def _refusal(self, errors: Mapping[str, Any], headers: Mapping[str, str]) -> InvalidRequest | None:
        """The service's own refusal, when a header it answers with its own error
        (``x-mockcatalog-refusal``: the Schema Registry's ``Accept``) is what is wrong."""
        for param in self.operation.params_in("header"):
            refusal = param.raw.get("x-mockcatalog-refusal")
            if refusal and any(name.lower() == param.name.lower() for name in errors):
                sent = headers.get(param.name.lower()) or "(none)"
                detail = (
                    f"Unknown {param.name} header values supplied: {sent} - "
                    f"Valid {param.name} value would look like {refusal['expected']}"
                )
                return RegistryRefusal(refusal["code"], detail)
        return None

    def suspects(self, undocumented: Mapping[str, str]) -> dict[str, list[str]]:
        """What the journal keeps about undocumented names: at most :data:`MAX_SUSPECTS` of them,
        each name and value cut to :data:`MAX_SHOWN_CHARS` (a query of thousands of one-letter
        names must not cost the journal a thousand messages)."""
        found = {
            _shown(name): [self.suspicion(name, value)]
            for name, value in itertools.islice(undocumented.items(), MAX_SUSPECTS)
        }
        if len(undocumented) > MAX_SUSPECTS:
            found["..."] = [f"and {len(undocumented) - MAX_SUSPECTS} more undocumented parameters"]
        return found

    def suspicion(self, name: str, value: str) -> str:
        """Why an undocumented query parameter is suspect: what the real service makes of it, and
        the declared name it most likely meant."""
        where = f"{self.operation.method} {self.operation.path}"
        if self.filters_by_any_property:
            effect = (
                f"the real service reads it as a filter on a property {_shown(name)!r} "
                f"(only objects whose {_shown(name)!r} is {_shown(value)!r} are listed)"
            )
        else:
            effect = "the real service ignores it"
        hint = self.suggestion(name)
        meant = f" Did you mean {hint!r}?" if hint else ""
        return f"Not a parameter of {where} in Adobe's specs; {effect}.{meant}"

    def suggestion(self, unknown: str) -> str | None:
        """The declared query parameter an unknown one most likely meant."""
        if unknown in self._renamed:
            return self._renamed[unknown]
        lowered = {name.lower(): name for name in self._query_names}
        close = difflib.get_close_matches(unknown.lower(), list(lowered), n=1, cutoff=0.75)
        return lowered[close[0]] if close else None

    def _query_values(
        self, args: MultiMapping, headers: Mapping[str, str], errors: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """The declared query parameters, plus filters sent as headers (a query parameter wins);
        and the undocumented ones, each repeat's values joined with commas (any of them matches)."""
        values: dict[str, Any] = {}
        undocumented: dict[str, str] = {}
        for header, value in headers.items():  # a request's few headers, not every filter's name
            name = self._filter_headers.get(header)
            if name is not None:
                values[name] = [value] if name in self._array_params else value
        declared = self._query.fields
        for key in args.keys():
            given = args.getlist(key)
            if key not in declared:
                undocumented[key] = ",".join(given)
            elif key in self._array_params:
                values[key] = given
            elif len(given) > 1:
                errors[key] = [f"Given {len(given)} times; send it once."]
            else:
                values[key] = given[0]
        return values, undocumented

    def _load_body(self, raw: bytes, content_type: str | None, errors: dict[str, Any]) -> Any:
        media_type = (content_type or "").split(";", 1)[0].strip().lower()
        if (raw.strip() or media_type) and media_type not in self._bodies:
            allowed = ", ".join(self._bodies)
            if self._bodies and all(taken.endswith("json") for taken in self._bodies):
                # The gateway's answer for a JSON operation (platform FAQ); uploads and forms keep 415.
                sent = media_type or "(none)"
                raise InvalidContentType(
                    f"Content-Type {sent!r} is not accepted here; send the body as {allowed}.",
                    errors={"Content-Type": [f"Must be {allowed}, not {sent!r}."]},
                )
            raise UnsupportedMediaType(
                f"Content-Type {media_type or '(none)'!r} is not accepted here; send the body as {allowed}.",
                errors={"Content-Type": [f"Must be {allowed}."]},
            )
        body_field = self._bodies.get(media_type)
        if media_type == BINARY:
            return raw  # an empty file is a file
        if not raw.strip():
            if self.operation.body_required:
                errors["body"] = [f"A request body is required ({', '.join(self._bodies)})."]
            return None
        assert body_field is not None
        document = parse_form(raw) if media_type == FORM else parse_json(raw)
        try:
            return body_field.deserialize(document)
        except ValidationError as exc:
            errors.update(naming_values(flatten(exc.messages), document))
            return None


def _shown(text: str) -> str:
    """``text`` as a report shows it: cut to :data:`MAX_SHOWN_CHARS`, the cut marked with …."""
    return text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS] + "…"


def parse_form(raw: bytes) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body; a repeated field is a 400."""
    try:
        fields_ = urllib.parse.parse_qs(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidRequest(f"Malformed form body: {exc}.", errors={"body": [str(exc)]}) from exc
    repeated = {
        name: [f"Given {len(values)} times; send it once."]
        for name, values in fields_.items()
        if len(values) > 1
    }
    if repeated:
        raise InvalidRequest("The form body repeats fields.", errors=repeated)
    return {name: values[0] for name, values in fields_.items()}


def lowercase_headers(environ: Mapping[str, Any]) -> dict[str, str]:
    """A request's headers from its WSGI environ, names in lower case: a plain dict is far cheaper to
    look up than werkzeug's case-insensitive ``Headers`` (and this runs on every request)."""
    headers = {
        key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")
    }
    for key, name in (("CONTENT_TYPE", "content-type"), ("CONTENT_LENGTH", "content-length")):
        if environ.get(key):
            headers[name] = environ[key]
    return headers


def parse_json(raw: bytes) -> Any:
    """Parse a JSON body strictly, with errors a client can act on."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidRequest(
            f"The request body is not UTF-8: {exc}.", errors={"body": ["Not UTF-8."]}
        ) from exc
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        reason = f"Malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}."
        raise InvalidRequest(reason, errors={"body": [reason]}) from exc
    except ValueError as exc:  # NaN/Infinity, rejected by _reject_constant
        raise InvalidRequest(f"Malformed JSON: {exc}.", errors={"body": [str(exc)]}) from exc
    except RecursionError as exc:
        raise InvalidRequest(
            "The JSON body is nested too deeply.", errors={"body": ["Nested too deeply."]}
        ) from exc
    problem = unstorable_value(document)
    if problem is not None:
        where, reason = problem
        raise InvalidRequest(f"The JSON body cannot be stored: {where}: {reason}", errors={where: [reason]})
    return document


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as ``{"a.b": [...]}``; whole-body errors under ``body``."""
    if isinstance(messages, list):
        return {prefix or "body": [str(m) for m in messages]}
    if not isinstance(messages, dict):
        return {prefix or "body": [str(messages)]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = prefix if key == "_schema" else f"{prefix}.{key}" if prefix else str(key)
        for sub_key, sub_value in flatten(value, name).items():
            flat.setdefault(sub_key, []).extend(sub_value)
    return flat


def naming_values(flat: dict[str, list[str]], sent: Any) -> dict[str, list[str]]:
    """Each error with the value the client sent at its path (``a.b.0``) appended, so an error
    names the field, the rule and the value; a missing value (a required field) adds nothing."""
    named = {}
    for where, messages in flat.items():
        found, value = _at_path(sent, where)
        shown = f" Sent: {_shown(json.dumps(value, ensure_ascii=False, default=str))}." if found else ""
        named[where] = [message + shown for message in messages]
    return named


def _at_path(document: Any, where: str) -> tuple[bool, Any]:
    """(found, value) at a dotted error path of ``document`` (``body`` is the whole of it)."""
    if where == "body":
        return True, document
    node, key = document, None
    for part in where.split("."):
        if isinstance(node, dict) and part in node:
            node, key = node[part], part
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node, key = node[int(part)], None
        elif part in ("key", "value") and key is not None:  # a map's entry: marshmallow's names
            node = key if part == "key" else node
        else:
            return False, None
    return True, node


@functools.lru_cache(maxsize=8)
def build_validators(spec_path: str | None = None) -> dict[str, OperationValidator]:
    """One validator per operation of the spec at ``spec_path``; built once per process."""
    builder = builder_for(spec_path)
    return {op_id: OperationValidator(op, builder) for op_id, op in load_spec(spec_path).operations.items()}


def _summary(errors: Mapping[str, Any]) -> str:
    names = ", ".join(errors)
    return f"The request is invalid; see errors for each field ({names})."


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def unstorable_value(document: Any) -> tuple[str, str] | None:
    """(where, why) for the first value of a parsed JSON document the mock will not keep, or None.

    What is refused can never be answered back as valid JSON, or is beyond what the spec's numbers
    allow: nesting past :data:`MAX_JSON_DEPTH` levels, a string holding a lone UTF-16 surrogate
    (``"\\ud800"`` parses, but no UTF-8 encoder can write it back), and a number too large for a
    double (``1e400`` parses as infinity, which JSON cannot write). Checking at the boundary keeps
    such a value out of the store, the journal and every later read. Where the spec says a field is
    a 64-bit integer, its schema refuses larger ones; elsewhere a large integer is valid JSON.
    """
    pending: list[tuple[str, Any, int]] = [("body", document, 1)]
    while pending:
        where, node, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            return "body", f"nested more than {MAX_JSON_DEPTH} levels deep"
        if isinstance(node, dict):
            for key, value in node.items():
                if _SURROGATE.search(key):
                    return where, f"the key {key!r} holds a lone UTF-16 surrogate, which is not valid Unicode"
                pending.append((f"{where}.{key}" if where != "body" else key, value, depth + 1))
        elif isinstance(node, list):
            pending.extend((f"{where}[{index}]", value, depth + 1) for index, value in enumerate(node))
        elif isinstance(node, str):
            if _SURROGATE.search(node):
                return where, "holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not valid Unicode"
        elif isinstance(node, float):
            if not math.isfinite(node):
                return where, f"{node} is outside the range of a JSON number (about ±1.8e308)"
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")
