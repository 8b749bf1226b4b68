"""Read a fixture directory: ``dataSets.json`` and ``batches.json``, each keyed by id.

The files hold objects in exactly the shape the API returns, so a real response can be pasted in.
Each object names its tenant with ``imsOrg`` and, optionally, ``sandboxName`` (default ``prod``).
A bad file is reported with its path and the offending id, never half-loaded.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, cast

from marshmallow import Schema, ValidationError

Json = dict[str, Any]

#: collection name -> file name in a fixture directory
FIXTURE_FILES: Mapping[str, str] = {"dataSets": "dataSets.json", "batches": "batches.json"}
#: fields holding Unix milliseconds, and (inside ``availableDates``) Unix seconds
_MS_FIELDS = ("created", "updated", "started", "completed")
_SECOND_FIELDS = ("startDate", "endDate")


class FixtureError(ValueError):
    """A fixture file that cannot be loaded; the message names the file and the object."""


@dataclass
class Fixtures:
    collections: dict[str, dict[str, Json]] = field(default_factory=dict)


def default_fixture_dir() -> Path:
    return Path(str(resources.files("mockcatalog") / "fixtures"))


def read_fixtures(directory: str | Path, schemas: Mapping[str, Schema] | None = None) -> Fixtures:
    """Read every fixture file present in ``directory``; validate objects with ``schemas``."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FixtureError(f"{directory}: not a directory of fixture files")
    fixtures = Fixtures()
    for collection, filename in FIXTURE_FILES.items():
        path = directory / filename
        if path.exists():
            schema = (schemas or {}).get(collection)
            fixtures.collections[collection] = _read_file(path, schema)
    return fixtures


def _read_file(path: Path, schema: Schema | None) -> dict[str, Json]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"), object_hook=_interned)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FixtureError(f"{path}: cannot read JSON: {exc}") from exc
    check_objects(data, schema, where=str(path))
    return cast(dict[str, Json], data)


def _interned(obj: Json) -> Json:
    """Share the short strings fixture objects repeat (org, users, statuses, dataset ids): at 100,000
    batches that keeps about 70 MB out of the process (bench/bench_scale.py)."""
    return {
        key: sys.intern(value) if type(value) is str and len(value) <= 64 else value
        for key, value in obj.items()
    }


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
        if schema is not None:
            try:
                schema.load(obj)
            except ValidationError as exc:
                raise FixtureError(f"{here}: does not match openapi.yaml: {exc.messages}") from exc


def rebase_timestamps(fixtures: Fixtures, now_ms: int) -> Fixtures:
    """Shift every timestamp by one offset so that the newest becomes ``now_ms``.

    Gaps between objects are kept, so "last seven days" windows stay populated however old the
    files are. ``availableDates`` (seconds) move by the same amount.
    """
    stamps = [
        obj[name]
        for objects in fixtures.collections.values()
        for obj in objects.values()
        for name in _MS_FIELDS
        if isinstance(obj.get(name), int)
    ]
    if not stamps:
        return fixtures
    offset = now_ms - max(stamps)
    shifted = Fixtures()
    for collection, objects in fixtures.collections.items():
        shifted.collections[collection] = {oid: _shift(obj, offset) for oid, obj in objects.items()}
    return shifted


def _shift(obj: Json, offset_ms: int) -> Json:
    moved = dict(obj)
    for name in _MS_FIELDS:
        if isinstance(moved.get(name), int):
            moved[name] += offset_ms
    dates = moved.get("availableDates")
    if isinstance(dates, dict):
        moved["availableDates"] = {
            key: value + offset_ms // 1000 if key in _SECOND_FIELDS and isinstance(value, int) else value
            for key, value in dates.items()
        }
    return moved
