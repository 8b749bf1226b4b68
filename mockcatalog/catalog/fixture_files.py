"""Read a fixture directory: ``dataSets.json`` and ``batches.json``, each keyed by id, and
``schemas.json``, XDM schemas in their resolved form keyed by ``$id``.

The files hold objects in exactly the shape the API returns, so a real response can be pasted in.
Each object names its tenant with ``imsOrg`` and, optionally, ``sandboxName`` (default ``prod``).
A bad file is reported with its path and the offending id, never half-loaded: a schema the mock
cannot apply to rows is refused with the reason (:func:`~mockcatalog.catalog.xdm.compile_schema`).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TextIO, cast

from marshmallow import Schema, ValidationError

from mockcatalog.catalog.model import BATCHES, DATASETS, SCHEMAS, dataset_ids_of
from mockcatalog.catalog.tenancy import tenant_of
from mockcatalog.catalog.xdm import SchemaError, compile_schema
from mockcatalog.core.json import Json

#: collection name -> file name in a fixture directory
FIXTURE_FILES: Mapping[str, str] = {
    DATASETS: "dataSets.json",
    BATCHES: "batches.json",
    SCHEMAS: "schemas.json",
}
#: fields holding Unix milliseconds, and (inside ``availableDates``) Unix seconds
_MS_FIELDS = ("created", "updated", "started", "completed")
_SECOND_FIELDS = ("startDate", "endDate")
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER_CHARS = frozenset("0123456789.eE+-")  # what may follow the start of a number


class FixtureError(ValueError):
    """A fixture file that cannot be loaded; the message names the file and the object."""


@dataclass
class Fixtures:
    collections: dict[str, dict[str, Json]] = field(default_factory=dict)


def default_fixture_dir() -> Path:
    return Path(str(resources.files("mockcatalog") / "fixtures"))


def read_fixtures(
    directory: str | Path, schemas: Mapping[str, Schema] | None = None, *, complete: bool = False
) -> Fixtures:
    """Read every fixture file present in ``directory``; validate objects with ``schemas``.

    A directory with neither file is refused (naming a file whose name is off only in case), and
    so, when ``complete`` (the whole data a mock starts with), is a batch naming a dataset the
    directory does not hold in the batch's own organization and sandbox."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FixtureError(f"{directory}: not a directory of fixture files")
    fixtures = Fixtures()
    for collection, filename in FIXTURE_FILES.items():
        path = directory / filename
        if path.exists():
            fixtures.collections[collection] = _read_file(path, collection, schemas or {})
    if not set(fixtures.collections) - {SCHEMAS}:
        raise FixtureError(_no_fixture_files(directory))
    if complete:
        _check_datasets_of_batches(fixtures, directory / FIXTURE_FILES[BATCHES])
    return fixtures


def _no_fixture_files(directory: Path) -> str:
    wanted = {name.lower(): name for name in FIXTURE_FILES.values()}
    misnamed = [
        f"{found.name} (should be {wanted[found.name.lower()]})"
        for found in sorted(directory.iterdir())
        if found.name.lower() in wanted
    ]
    hint = f"; names are case-sensitive: {', '.join(misnamed)}" if misnamed else ""
    return f"{directory}: holds neither {FIXTURE_FILES[DATASETS]} nor {FIXTURE_FILES[BATCHES]}{hint}"


def _check_datasets_of_batches(fixtures: Fixtures, batches_file: Path) -> None:
    datasets = {(oid, tenant_of(obj)) for oid, obj in fixtures.collections.get(DATASETS, {}).items()}
    for batch_id, batch in fixtures.collections.get(BATCHES, {}).items():
        for dataset_id in dataset_ids_of(batch):
            if (dataset_id, tenant_of(batch)) not in datasets:
                org, sandbox = tenant_of(batch)
                raise FixtureError(
                    f"{batches_file}: object {batch_id!r}: relatedObjects names dataset {dataset_id!r}, "
                    f"which the fixtures do not hold in {org} / {sandbox}"
                )


def _read_file(path: Path, collection: str, schemas: Mapping[str, Schema]) -> dict[str, Json]:
    try:
        with path.open(encoding="utf-8-sig") as file:  # a BOM (some editors write one) is fine
            data = read_json_piecewise(file, json.JSONDecoder(object_hook=_interned))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise FixtureError(f"{path}: cannot read JSON: {exc}") from exc
    check_collection(collection, data, schemas, where=str(path))
    return cast(dict[str, Json], data)


def read_json_piecewise(file: TextIO, decoder: json.JSONDecoder, chunk_chars: int = 1 << 20) -> Any:
    """One JSON value from ``file``; an object is read member by member, a chunk of text at a time.

    ``json.load`` holds the whole text while it builds the objects: at 100,000 batches that is 74 MB
    on top of them, and it made the load peak of ``mockcatalog serve`` (bench/bench_scale.py).
    """
    text = _Text(file, chunk_chars)
    if text.peek() != "{":
        return text.value(decoder, last=True)
    text.take("{")
    members: dict[str, Any] = {}
    if text.peek() == "}":
        text.take("}")
    else:
        while True:
            key = text.value(decoder)
            if not isinstance(key, str):
                raise ValueError(f"an object key must be a string, at char {text.offset}")
            text.take(":")
            members[key] = text.value(decoder)
            if text.take(",}") == "}":
                break
    if text.peek() != "":
        raise ValueError(f"extra data after the object, at char {text.offset}")
    return members


class _Text:
    """The unread part of a text file, refilled as values are taken from it."""

    def __init__(self, file: TextIO, chunk_chars: int) -> None:
        self._file, self._chunk = file, chunk_chars
        self._buffer, self._pos, self._dropped, self._eof = "", 0, 0, False

    @property
    def offset(self) -> int:
        return self._dropped + self._pos

    def peek(self) -> str:
        """The next character that is not whitespace ("" at the end of the file)."""
        while True:
            self._pos = _WHITESPACE.match(self._buffer, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buffer) or not self._read_more():
                return self._buffer[self._pos : self._pos + 1]

    def take(self, expected: str) -> str:
        found = self.peek()
        if not found or found not in expected:
            raise ValueError(f"expected {' or '.join(repr(c) for c in expected)} at char {self.offset}")
        self._pos += 1
        return found

    def value(self, decoder: json.JSONDecoder, *, last: bool = False) -> Any:
        """The next JSON value; a value cut by the end of the buffer is decoded again with more text."""
        self.peek()
        while True:
            try:
                value, end = decoder.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as exc:
                if self._read_more():
                    continue
                raise ValueError(f"{exc.msg} at char {self._dropped + exc.pos}") from None
            cut = end == len(self._buffer) or self._buffer[end] in _NUMBER_CHARS  # "12" of "12.5"
            if (cut or last) and self._read_more():
                continue  # decoded again with more text: the last value must be whole too
            self._pos = end
            return value

    def _read_more(self) -> bool:
        if self._eof:
            return False
        chunk = self._file.read(max(self._chunk, len(self._buffer) - self._pos))  # doubles a long value
        self._eof = not chunk
        self._dropped += self._pos
        self._buffer, self._pos = self._buffer[self._pos :] + chunk, 0
        return not self._eof


def _interned(obj: Json) -> Json:
    """Share the keys and the short strings fixture objects repeat (org, users, statuses, dataset
    ids): at 100,000 batches that keeps about 70 MB out of the process (bench/bench_scale.py). Keys
    need it too since the file is decoded member by member (``read_json_piecewise``)."""
    return {
        sys.intern(key): sys.intern(value) if type(value) is str and len(value) <= 64 else value
        for key, value in obj.items()
    }


def check_collection(collection: str, data: Any, schemas: Mapping[str, Schema], *, where: str) -> None:
    """Raise :class:`FixtureError` unless ``data`` may be loaded as ``collection``: Catalog objects
    checked with ``schemas`` (openapi.yaml's shapes), XDM schemas by compiling each."""
    check_objects(data, schemas.get(collection), where=where)
    if collection == SCHEMAS:
        for schema_id, schema in data.items():
            here = f"{where}: schema {schema_id!r}"
            if schema.get("$id") != schema_id:
                raise FixtureError(
                    f"{here}: its '$id' is {schema.get('$id')!r}; a schema is filed under its $id"
                )
            try:
                compile_schema(schema)
            except SchemaError as exc:
                raise FixtureError(f"{here}: cannot be applied to rows: {exc}") from exc


def check_objects(data: Any, schema: Schema | None, *, where: str) -> None:
    """Raise :class:`FixtureError` unless ``data`` is ``{id: object}`` with tenants and valid shapes."""
    if not isinstance(data, dict):
        raise FixtureError(f"{where}: expected an object keyed by id, as the API returns lists")
    for object_id, obj in data.items():
        here = f"{where}: object {object_id!r}"
        if not isinstance(obj, dict):
            raise FixtureError(f"{here}: expected an object")
        if not isinstance(obj.get("imsOrg"), str) or not obj["imsOrg"]:
            raise FixtureError(f"{here}: needs an 'imsOrg' naming its organization")
        if "sandboxName" in obj and not isinstance(obj["sandboxName"], str):
            raise FixtureError(f"{here}: 'sandboxName' must be a string")
        if "id" in obj and obj["id"] != object_id:
            raise FixtureError(
                f"{here}: its 'id' is {obj['id']!r}; an object's id is the key it is filed under"
            )
        if schema is not None:
            try:
                schema.load(obj)
            except ValidationError as exc:
                raise FixtureError(f"{here}: does not match openapi.yaml: {exc.messages}") from exc


def rebase_timestamps(fixtures: Fixtures, now_ms: int) -> Fixtures:
    """Shift every timestamp by one offset so that the newest becomes ``now_ms``, in place.

    Gaps between objects are kept, so "last seven days" windows stay populated however old the
    files are. ``availableDates`` (seconds) move by the same amount. In place, because it runs on
    objects just read: a shifted copy of 100,000 batches cost 75 MB of peak memory that a
    ``serve`` process never gave back (bench/bench_scale.py).
    """
    newest = max(
        (
            obj[name]
            for objects in fixtures.collections.values()
            for obj in objects.values()
            for name in _MS_FIELDS
            if isinstance(obj.get(name), int)
        ),
        default=None,
    )
    if newest is None:
        return fixtures
    offset = now_ms - newest
    for objects in fixtures.collections.values():
        for obj in objects.values():
            _shift(obj, offset)
    return fixtures


def _shift(obj: Json, offset_ms: int) -> None:
    for name in _MS_FIELDS:
        if isinstance(obj.get(name), int):
            obj[name] += offset_ms
    dates = obj.get("availableDates")
    if isinstance(dates, dict):
        for key in _SECOND_FIELDS:
            if isinstance(dates.get(key), int):
                dates[key] += offset_ms // 1000
