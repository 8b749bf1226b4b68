"""Fixtures from a real sandbox: ``mockcatalog snapshot`` reads one through the public APIs and
writes a fixture directory that ``serve --fixtures`` and ``load_fixtures`` take unchanged.

What is read: every dataset (Catalog, paged by ``start``), the newest batches up to a bound
(``orderBy=desc:created``), and each dataset's schema in resolved form from the Schema Registry
(``Accept: application/vnd.adobe.xed-full+json; version=1``). A schema the registry answers 404 or
501 for is skipped and said so; any other answer that is not a 2xx ends the snapshot with one line
naming the URL and the status. Each object is put in fixture form (``imsOrg``, ``sandboxName``
outside ``prod``, no ``sandboxId``); fields the fixture loader would refuse are dropped and named,
and batches of a dataset the snapshot does not hold are left out, as the loader would refuse them.

Bounds: a response over :data:`MAX_RESPONSE_BYTES` is refused, at most :data:`MAX_DATASETS`
datasets are read, redirects are not followed (the token goes to the URL given and nowhere else).
No secret is written: the token and the API key are replaced wherever an object holds them (a
dataset made by the same integration names its API key as ``createdClient``).

Plain HTTP with the standard library (``urllib.request``): the command needs nothing beyond the
mock's own dependencies. No click here: the command (``cli.py``) passes a progress callback.
"""

from __future__ import annotations

import http.client
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib import error, parse, request

from marshmallow import Schema, ValidationError

from mockcatalog.catalog.fixture_files import FIXTURE_FILES, FixtureError, check_collection
from mockcatalog.catalog.model import (
    BATCHES,
    DATASETS,
    SCHEMAS,
    dataset_ids_of,
    in_fixture_form,
    query_table_name,
)
from mockcatalog.catalog.tenancy import DEFAULT_SANDBOX
from mockcatalog.contract.schemas import fixture_schemas
from mockcatalog.core.files import write_atomically
from mockcatalog.core.json import Json

CATALOG = "/data/foundation/catalog"
SCHEMA_REGISTRY = "/data/foundation/schemaregistry"
#: The Accept header of a schema in resolved form (every ``$ref`` and ``allOf`` expanded).
RESOLVED_SCHEMA = "application/vnd.adobe.xed-full+json; version=1"
#: Objects per Catalog page: the largest ``limit`` Catalog takes.
PAGE = 100
#: The largest response read; a bigger one ends the snapshot (a page of 100 objects is far less).
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
#: Datasets read at most (the fixture generator's own largest count).
MAX_DATASETS = 100_000
DEFAULT_MAX_BATCHES = 1000
TIMEOUT_SECONDS = 60.0
#: Schema look-ups that are skipped rather than fatal, and what a progress line calls them.
SKIPPED_SCHEMAS: Mapping[int, str] = {404: "not found", 501: "not served"}
#: A secret this long is replaced wherever it occurs in a string; a shorter one only where it
#: stands apart from letters and digits (else every word holding its letters would be mangled).
SUBSTRING_SECRET_CHARS = 8

Progress = Callable[[str], None]


class SnapshotError(Exception):
    """Why the snapshot stopped, in one line naming the URL (and the status, when one came back)."""


@dataclass(frozen=True)
class Upstream:
    """The sandbox to read and the credentials to read it with (never shown by ``repr``)."""

    url: str
    org: str
    sandbox: str = DEFAULT_SANDBOX
    token: str = field(default="", repr=False)
    api_key: str = field(default="", repr=False)
    timeout_seconds: float = TIMEOUT_SECONDS
    max_response_bytes: int = MAX_RESPONSE_BYTES

    def headers(self, accept: str = "application/json") -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token}",
            "x-api-key": self.api_key,
            "x-gw-ims-org-id": self.org,
            "x-sandbox-name": self.sandbox,
            "Accept": accept,
        }

    def secrets(self) -> list[tuple[str, str]]:
        """Each secret with what replaces it in written objects, also in the form a dataset's query
        table tag gives a name holding it (``key-8d2E`` as ``key_8d2e``)."""
        found = [(s, r) for s, r in [(self.token, "REDACTED-TOKEN"), (self.api_key, "REDACTED-API-KEY")] if s]
        table_forms = [(query_table_name(secret, ""), replacement) for secret, replacement in found]
        found += [(form, r) for form, r in table_forms if form and form != query_table_name("", "")]
        return sorted(set(found), key=lambda pair: -len(pair[0]))


@dataclass
class Snapshot:
    """What was read, in fixture form, by collection name; and the files written."""

    collections: dict[str, dict[str, Json]] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)


def take_snapshot(
    upstream: Upstream,
    out: Path,
    *,
    max_batches: int = DEFAULT_MAX_BATCHES,
    progress: Progress = lambda line: None,
) -> Snapshot:
    """Read ``upstream``'s sandbox and write ``dataSets.json``, ``batches.json`` and
    ``schemas.json`` into ``out`` (made if missing), each atomically. A :class:`SnapshotError`
    when the sandbox cannot be read or the directory written; nothing is written then."""
    client = _Client(upstream)
    schemas = fixture_schemas()  # what the loader checks objects with (openapi.yaml's shapes)
    cleaner = _Cleaner(upstream, progress)

    datasets = cleaner.loadable(DATASETS, _read_datasets(client, progress), schemas.get(DATASETS))
    progress(f"datasets: {len(datasets)}")

    newest = _read_batches(client, max_batches)
    batches = cleaner.loadable(BATCHES, newest, schemas.get(BATCHES))
    orphans = [oid for oid, batch in batches.items() if any(d not in datasets for d in dataset_ids_of(batch))]
    for batch_id in orphans:
        del batches[batch_id]
    left_out = f"; {len(orphans)} left out: their dataset is not in the snapshot" if orphans else ""
    progress(f"batches: {len(batches)} (newest first, bound {max_batches}{left_out})")

    found = _read_schemas(client, cleaner, _schema_ids(datasets.values()), progress)

    snapshot = Snapshot(collections={DATASETS: datasets, BATCHES: batches, SCHEMAS: found})
    for collection, objects in snapshot.collections.items():
        try:  # what the loader checks, so a snapshot that would not load is never written
            check_collection(collection, objects, schemas, where=FIXTURE_FILES[collection])
        except FixtureError as exc:
            raise SnapshotError(f"the snapshot would not load as fixtures: {exc}") from None
    snapshot.written = _write_directory(out, snapshot.collections)
    return snapshot


# --- reading -------------------------------------------------------------------------------------


def _read_datasets(client: _Client, progress: Progress) -> dict[str, Json]:
    found: dict[str, Json] = {}
    start = 0
    while len(found) < MAX_DATASETS:
        page = client.page(f"{CATALOG}/dataSets", {"limit": PAGE, "start": start})
        before = len(found)
        found.update(page)
        if len(page) < PAGE or len(found) == before:  # the last page, or a server ignoring start
            return found
        start += len(page)
    progress(f"datasets: stopped at the bound of {MAX_DATASETS:,}")
    return dict(list(found.items())[:MAX_DATASETS])


def _read_batches(client: _Client, bound: int) -> dict[str, Json]:
    """The newest ``bound`` batches, newest first."""
    found: dict[str, Json] = {}
    start = 0
    while len(found) < bound:
        limit = min(PAGE, bound - len(found))
        query = {"orderBy": "desc:created", "limit": limit, "start": start}
        page = client.page(f"{CATALOG}/batches", query)
        before = len(found)
        for batch_id, batch in page.items():
            if len(found) < bound:
                found.setdefault(batch_id, batch)
        if len(page) < limit or len(found) == before:
            break
        start += len(page)
    return found


def _schema_ids(datasets: Iterable[Json]) -> list[str]:
    ids: dict[str, None] = {}
    for dataset in datasets:
        ref = dataset.get("schemaRef")
        if isinstance(ref, dict) and isinstance(ref.get("id"), str) and ref["id"]:
            ids[ref["id"]] = None
    return list(ids)


def _read_schemas(
    client: _Client, cleaner: _Cleaner, schema_ids: list[str], progress: Progress
) -> dict[str, Json]:
    found: dict[str, Json] = {}
    skipped: Counter[str] = Counter()
    for schema_id in schema_ids:
        path = f"{SCHEMA_REGISTRY}/tenant/schemas/{parse.quote(schema_id, safe='')}"
        status, body = client.get(path, accept=RESOLVED_SCHEMA, tolerate=SKIPPED_SCHEMAS)
        if status in SKIPPED_SCHEMAS:
            skipped[SKIPPED_SCHEMAS[status]] += 1
            progress(f"schema {schema_id}: {SKIPPED_SCHEMAS[status]} ({status}), skipped")
            continue
        problem = cleaner.schema_problem(schema_id, body)
        if problem is None:
            found[schema_id] = cleaner.placed(body, schema_id)
            try:
                check_collection(SCHEMAS, {schema_id: found[schema_id]}, {}, where=FIXTURE_FILES[SCHEMAS])
            except FixtureError as exc:
                problem = str(exc)
                del found[schema_id]
        if problem is not None:
            skipped["left out"] += 1
            progress(f"schema {schema_id}: left out: {problem}")
    said = ", ".join(f"{count} {why}" for why, count in sorted(skipped.items()))
    progress(f"schemas: {len(found)}" + (f" ({said})" if said else ""))
    return found


class _NoRedirects(request.HTTPRedirectHandler):
    """A redirect is an answer, not followed: urllib would send the token to wherever it points."""

    def redirect_request(
        self,
        req: request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> request.Request | None:
        return None


class _Client:
    """GETs of JSON from the upstream, each bounded in size and time."""

    def __init__(self, upstream: Upstream) -> None:
        if (
            parse.urlsplit(upstream.url).scheme not in ("http", "https")
            or not parse.urlsplit(upstream.url).netloc
        ):
            raise SnapshotError(f"{upstream.url}: not an http:// or https:// URL")
        self._upstream = upstream
        self._opener = request.build_opener(_NoRedirects())

    def page(self, path: str, query: Mapping[str, Any]) -> dict[str, Json]:
        """A Catalog list: an object keyed by id (members that are not objects are skipped)."""
        url, body = self._url(path, query), self.get(path, query)[1]
        if not isinstance(body, dict):
            raise SnapshotError(f"GET {url} answered {type(body).__name__}, not an object keyed by id")
        return {key: value for key, value in body.items() if isinstance(value, dict)}

    def get(
        self,
        path: str,
        query: Mapping[str, Any] | None = None,
        *,
        accept: str = "application/json",
        tolerate: Iterable[int] = (),
    ) -> tuple[int, Any]:
        """The status and the decoded body; a status in ``tolerate`` returns ``(status, None)``."""
        url = self._url(path, query)
        headers = self._upstream.headers(accept)
        try:
            with self._opener.open(
                request.Request(url, headers=headers), timeout=self._upstream.timeout_seconds
            ) as response:
                status, raw = response.status, self._bounded(response, url)
        except error.HTTPError as exc:
            with exc:
                if exc.code in tolerate:
                    return exc.code, None
                raise SnapshotError(f"GET {url} answered {exc.code} {exc.reason}{self._said(exc)}") from None
        except (error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
            reason = exc.reason if isinstance(exc, error.URLError) else exc
            raise SnapshotError(f"cannot reach {url}: {_one_line(str(reason))}") from None
        try:
            return status, json.loads(raw)
        except ValueError:
            raise SnapshotError(f"GET {url} answered {status} with a body that is not JSON") from None

    def _url(self, path: str, query: Mapping[str, Any] | None) -> str:
        tail = f"?{parse.urlencode(query, safe=':')}" if query else ""
        return f"{self._upstream.url.rstrip('/')}{path}{tail}"

    def _bounded(self, response: http.client.HTTPResponse, url: str) -> bytes:
        limit = self._upstream.max_response_bytes
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > limit:
            raise SnapshotError(
                f"GET {url}: the answer is {int(length):,} bytes, over the bound of {limit:,}"
            )
        raw = response.read(limit + 1)
        if len(raw) > limit:
            raise SnapshotError(f"GET {url}: the answer is over the bound of {limit:,} bytes")
        return bytes(raw)

    def _said(self, exc: error.HTTPError) -> str:
        """What an error answer says (its detail or title, one short line), or where it redirects."""
        if 300 <= exc.code < 400:
            return f" (to {exc.headers.get('Location', 'no Location')}; redirects are not followed)"
        try:
            body = json.loads(exc.read(64 * 1024))
        except (OSError, ValueError, http.client.HTTPException):
            return ""
        if isinstance(body, dict):
            for key in ("detail", "message", "title", "error_description"):
                if isinstance(body.get(key), str) and body[key].strip():
                    return f": {_scrubbed_text(_one_line(body[key])[:200], self._upstream.secrets())}"
        return ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- fixture form --------------------------------------------------------------------------------


class _Cleaner:
    """Objects as the fixture loader takes them: in the snapshot's tenant, no secret, no field the
    loader refuses."""

    def __init__(self, upstream: Upstream, progress: Progress) -> None:
        self._tenant = (upstream.org, upstream.sandbox)
        self._secrets = upstream.secrets()
        self._progress = progress

    def placed(self, obj: Json, object_id: str) -> Json:
        placed = _scrubbed(obj, self._secrets)
        placed.pop("sandboxName", None)
        placed["imsOrg"] = self._tenant[0]
        if "id" in placed and placed["id"] != object_id:
            del placed["id"]  # server-managed; the key is the id
        return in_fixture_form(placed, self._tenant)

    def loadable(
        self, collection: str, objects: Mapping[str, Json], schema: Schema | None
    ) -> dict[str, Json]:
        """``objects`` placed in the tenant; a field the loader refuses is dropped (and named in a
        progress line), an object that still does not load is left out."""
        kept: dict[str, Json] = {}
        dropped: Counter[str] = Counter()
        for object_id, obj in objects.items():
            placed = self.placed(obj, object_id)
            while schema is not None:
                try:
                    schema.load(placed)
                    break
                except ValidationError as exc:
                    bad = [name for name in _field_names(exc) if name in placed and name != "imsOrg"]
                    if not bad:
                        self._progress(
                            f"{collection} {object_id}: left out: {_one_line(str(exc.messages))[:200]}"
                        )
                        placed = {}
                        break
                    for name in bad:
                        del placed[name]
                        dropped[name] += 1
            if placed:
                kept[object_id] = placed
        if dropped:
            named = ", ".join(f"{name} ({count})" for name, count in sorted(dropped.items()))
            self._progress(f"{collection}: dropped fields the fixture loader refuses: {named}")
        return kept

    def schema_problem(self, schema_id: str, body: Any) -> str | None:
        if not isinstance(body, dict):
            return "the answer is not an object"
        if body.get("$id") != schema_id:
            return f"the answer's $id is {body.get('$id')!r}"
        return None


def _field_names(exc: ValidationError) -> list[str]:
    return [str(name) for name in exc.messages] if isinstance(exc.messages, dict) else []


def _scrubbed(value: Any, secrets: list[tuple[str, str]]) -> Any:
    if isinstance(value, str):
        return _scrubbed_text(value, secrets)
    if isinstance(value, list):
        return [_scrubbed(item, secrets) for item in value]
    if isinstance(value, dict):
        return {_scrubbed_text(str(key), secrets): _scrubbed(item, secrets) for key, item in value.items()}
    return value


def _scrubbed_text(text: str, secrets: list[tuple[str, str]]) -> str:
    for secret, replacement in secrets:
        if secret not in text:
            continue
        if len(secret) >= SUBSTRING_SECRET_CHARS:
            text = text.replace(secret, replacement)
        else:
            text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])", replacement, text)
    return text


# --- writing -------------------------------------------------------------------------------------


def _write_directory(out: Path, collections: Mapping[str, Mapping[str, Json]]) -> list[Path]:
    written = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for collection, filename in FIXTURE_FILES.items():
            path = out / filename
            write_atomically(path, _encoded(collections.get(collection, {})))
            written.append(path)
    except OSError as exc:
        raise SnapshotError(f"cannot write {out}: {exc.strerror or exc}") from None
    return written


def _encoded(objects: Mapping[str, Json]) -> bytes:
    """One object per line, as ``fixtures generate`` writes them: compact and diffable."""
    lines = [f"{json.dumps(oid)}: {json.dumps(obj, separators=(',', ':'))}" for oid, obj in objects.items()]
    return ("{\n" + ",\n".join(lines) + ("\n" if lines else "") + "}\n").encode()
