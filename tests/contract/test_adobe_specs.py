"""Contract: the mock's response bodies checked against Adobe's own published Catalog specifications.

``openapi.yaml`` is the mock's own contract (``test_openapi.py`` fuzzes the mock against it); this
module asks another question: are the bodies the mock answers what Adobe's Swagger 2.0 descriptions
of the Catalog Service (April 2020 and April 2021) say they are? Only response conformance runs
(``response_schema_conformance`` and ``content_type_conformance``): Adobe's specs are loose about
inputs and describe no error bodies, so status codes and negative data stay with ``test_openapi.py``.

Only operations that are in Adobe's spec *and* that the mock serves under the Catalog base path are
exercised (``OPERATIONS``), in two data situations:

* the packaged fixtures: schemathesis generates requests for each such operation, with ids pointed at
  fixture objects, and every successful write is read back through Adobe's ``GET``; and every fixture
  object is read through Adobe's list and by-id operations, and the batches' string fields through
  ``GET /batches/uniques/{field}``;
* objects the mock makes itself: a dataset, a batch ingested with one good and one bad JSON row
  (it fails), one ingested cleanly, and a CSV batch as Adobe's ingestion spec describes it, each read
  back through Adobe's operations as it is made.

Adobe's specs are reference material kept outside the repository (``../shared/reference/adobe/specs/``,
described by its README); without them the module skips, except under CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
import yaml
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from requests.structures import CaseInsensitiveDict
from schemathesis.config import SchemathesisConfig
from werkzeug.exceptions import MethodNotAllowed, NotFound

from mockcatalog import create_app
from mockcatalog.http.extension import control_of
from mockcatalog.server import LiveServer

from ..conftest import ACME

SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "adobe" / "specs"
if not SPECS.is_dir():
    _MISSING = (
        f"Adobe's published Catalog specifications are not at {SPECS} (reference material kept outside "
        "the repository): nothing to check the mock's responses against"
    )
    if os.environ.get("CI"):  # CI always lays shared/ beside the checkout: missing, it is broken
        pytest.fail(_MISSING + "; CI must have them", pytrace=False)
    pytest.skip(_MISSING, allow_module_level=True)

ORG = ACME  # the packaged fixtures' organization
BASE = "/data/foundation/catalog"  # Adobe's basePath; the mock serves the Catalog there too
HEADERS = {
    "Authorization": "Bearer x",
    "x-api-key": "adobe-spec-check",
    "x-gw-ims-org-id": ORG,
    "x-sandbox-name": "prod",
}
APP = create_app({"seed": 1})

#: Adobe's Catalog operations that the mock serves under the Catalog base path, the id parameter
#: written ``{id}`` (the 2021 spec names it ``{BATCH_ID}`` / ``{DATASET_ID}``) and the uniques field
#: ``{field}`` (``{FIELD}`` in 2021). Left out because the mock does not serve them there:
#: ``POST /batches/{id}`` (the mock's is Batch Ingestion's action, under ``/data/foundation/import``),
#: ``/dataSets/{id}/credentials``, views, files, accounts, connections, connectors, transforms, tags
#: and the batched requests at ``/``.
OPERATIONS = {
    ("GET", "/batches"),
    ("POST", "/batches"),
    ("GET", "/batches/{id}"),
    ("GET", "/batches/uniques/{field}"),
    ("PUT", "/batches/{id}"),
    ("PATCH", "/batches/{id}"),
    ("DELETE", "/batches/{id}"),
    ("GET", "/dataSets"),
    ("POST", "/dataSets"),
    ("GET", "/dataSets/{id}"),
    ("PUT", "/dataSets/{id}"),
    ("PATCH", "/dataSets/{id}"),
    ("DELETE", "/dataSets/{id}"),
    ("GET", "/dataSets/{id}/ingestBatchSummary"),  # in the 2020 spec only
    ("GET", "/dataSetFiles"),  # in the 2020 spec only
    ("GET", "/dataSetFiles/{id}"),
}
_ID_PARAMETER = re.compile(r"\{(?:id|BATCH_ID|DATASET_ID)\}")

#: Slips in Adobe's Catalog specs, corrected before checking: (JSON pointer into the spec, the
#: fragment that replaces the one there, the evidence from Adobe's other documents). Only a schema that
#: Adobe's own guides or examples contradict belongs here, never a way around a mock bug.
ADOBE_SPEC_SLIPS: tuple[tuple[str, dict[str, Any], str], ...] = (
    (
        "/definitions/inputFormat/properties/header",
        {"type": ["string", "boolean"]},
        "Adobe's ingestion spec (IngestBatch inputFormat.header) and its batch ingestion guide send a "
        'boolean; the Catalog specs type it a string and their examples show "true". A batch keeps the '
        "value its producer sent, so either is what the real Catalog answers (README, fidelity choices).",
    ),
    (
        "/definitions/batchResponse/properties/tags",
        {"type": "object", "additionalProperties": {"type": ["array", "string", "number", "boolean"]}},
        "Adobe's example batches in its error diagnostics and partial ingestion guides carry a boolean "
        "and a number as tag values (acp_enableErrorDiagnostics, acp_partialIngestionPercent); the specs "
        "type every tag value an array of strings. Examples win (README, fidelity choices).",
    ),
)

#: Response conformance only: every other check off, positive data only.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "enabled": False,
            "response_schema_conformance": {"enabled": True},
            "content_type_conformance": {"enabled": True},
        },
        "generation": {"mode": "positive"},
    }
)


def _normalized(path: str) -> str:
    return _ID_PARAMETER.sub("{id}", path).replace("{FIELD}", "{field}")


def _corrected(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with each of ``ADOBE_SPEC_SLIPS`` applied."""
    for pointer, fragment, _evidence in ADOBE_SPEC_SLIPS:
        *parents, leaf = [part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]]
        node: Any = document
        for part in parents:
            node = node[part]
        assert leaf in node, f"ADOBE_SPEC_SLIPS names {pointer}, which Adobe's spec does not have"
        node[leaf] = fragment
    return document


def _load(name: str) -> Any:
    """Adobe's spec ``name``, narrowed to ``OPERATIONS``, calling the app in-process."""
    document = _corrected(yaml.safe_load((SPECS / name).read_text(encoding="utf-8")))
    labels = [
        f"{method.upper()} {template}"
        for template, item in document["paths"].items()
        for method in item
        if (method.upper(), _normalized(template)) in OPERATIONS
    ]
    loaded = schemathesis.openapi.from_dict(document, config=CONFIG).include(name=labels)
    loaded.app = APP
    return loaded


SPEC_2020 = _load("catalog-2020-04.yaml")
SPEC_2021 = _load("catalog-2021-04.yaml")
SPECS_BY_VERSION = {"2020-04": SPEC_2020, "2021-04": SPEC_2021}


def _operation(spec: Any, method: str, path: str) -> Any | None:
    """The operation of ``spec`` at ``path`` (written with ``{id}``), or None if Adobe has none."""
    for result in spec.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == method and _normalized(operation.path) == path:
            return operation
    return None


def _fixture_ids(path: str) -> list[str]:
    return list(APP.test_client().get(f"{path}?limit=100", headers=HEADERS).get_json())


DATASETS = _fixture_ids("/dataSets")
BATCHES = _fixture_ids("/batches")


def _string_fields() -> list[str]:
    """The batch fields whose every fixture value is a string. Adobe types the uniques' items as
    strings; the mock answers each value as stored (a number as a number; README, fidelity choices), so
    only these fields are held to Adobe's schema: the others' answers differ from it by that choice."""
    batches = APP.test_client().get("/batches?limit=100", headers=HEADERS).get_json().values()
    names = {name for batch in batches for name in batch}
    return sorted(name for name in names if all(isinstance(batch.get(name, ""), str) for batch in batches))


UNIQUE_FIELDS = _string_fields()
UNIQUES = "/batches/uniques/"


def _pool(path: str) -> list[str]:
    """What a path's parameter is given: a uniques field, else a fixture batch's or dataset's id."""
    if path.startswith(UNIQUES):
        return UNIQUE_FIELDS
    return BATCHES if path.startswith("/batches") else DATASETS


#: Query parameters that shape an answer without emptying it, kept when the mock can take their
#: value (Adobe's specs type every parameter as a free string). Filters are dropped: an empty ``{}``
#: says nothing about objects, and an object a filter keeps is read whole anyway.
_SHAPES = {
    "properties": re.compile(r"[A-Za-z_][A-Za-z0-9_]*(,[A-Za-z_][A-Za-z0-9_]*)*"),
    "orderBy": re.compile(r"((asc|desc):)?[A-Za-z_][A-Za-z0-9_]*(,((asc|desc):)?[A-Za-z_][A-Za-z0-9_]*)*"),
}
#: Generated headers replaced or dropped: a generated If-Match is a stale version (412), and Adobe's
#: spec types Content-Type as a free string.
_DROPPED_HEADERS = {"if-match", "if-none-match", "accept-encoding", "content-type"}


def _path_parameter(template: str) -> str:
    """The name of the id parameter in the path ``template`` (``id``, ``BATCH_ID`` or ``DATASET_ID``)."""
    return re.findall(r"\{(\w+)\}", template)[0]


def _realistic(case: schemathesis.Case) -> None:
    """The credentials, ids and content type a real consumer sends; the body as generated."""
    if case.headers is None:
        case.headers = CaseInsensitiveDict()
    for name in [name for name in case.headers if name.lower() in _DROPPED_HEADERS]:
        del case.headers[name]
    case.headers.update(HEADERS)
    if case.method in {"POST", "PUT", "PATCH"}:
        case.media_type = "application/json"  # not json-patch+json: Adobe's PATCH body is an object
        case.headers["Content-Type"] = "application/json"
    path = case.path_parameters or {}
    pool = _pool(case.path)
    if path:  # one fixture id (or field) for the path's parameter and, in the 2021 spec, the stray `id` too
        chosen = pool[len(str(path[_path_parameter(case.path)])) % len(pool)]
        path.update(dict.fromkeys(path, chosen))
    query = {
        name: value
        for name, value in (case.query or {}).items()
        if name in _SHAPES and isinstance(value, str) and _SHAPES[name].fullmatch(value)
    }
    if case.method == "GET" and not path:
        query["limit"] = "100"  # every fixture object in one answer
    case.query = query
    body = case.body
    if isinstance(body, dict):
        if case.method == "POST" and case.path == "/dataSets" and not body.get("name"):
            body["name"] = "adobe-spec-check"  # the mock requires a name, as Catalog does
        related_objects = body.get("relatedObjects")
        for related in related_objects if isinstance(related_objects, list) else []:
            if isinstance(related, dict) and related.get("type") == "dataSet":
                related["id"] = DATASETS[0]  # a related dataset must exist in the tenant


def _read(spec: Any, path: str, object_id: str = "") -> str | None:
    """GET ``path`` (written with ``{id}``) through Adobe's operation; a failure's report, or None."""
    operation = _operation(spec, "GET", path)
    assert operation is not None, f"Adobe's spec has no GET {path}"
    names = re.findall(r"\{(\w+)\}", operation.path)
    ids = dict.fromkeys(names, object_id)
    if {"BATCH_ID", "DATASET_ID"} & set(ids):
        ids["id"] = object_id  # the 2021 spec's stray required `id` path parameter
    every = not names or path.startswith(UNIQUES)  # a list's objects or a field's values, all in one answer
    case = operation.Case(path_parameters=ids, headers=dict(HEADERS), query={"limit": "100"} if every else {})
    try:
        response = case.call_and_validate()
    except BaseExceptionGroup as failures:  # schemathesis' FailureGroup, with its report
        return f"GET {operation.path} {object_id}: {failures}"
    assert response.status_code == 200, (operation.path, object_id, response.status_code, response.text)
    return None


def _read_back(spec: Any, case: schemathesis.Case, response: Any) -> None:
    """After a successful write, the object written must still read as Adobe describes it."""
    if case.method in {"GET", "DELETE"} or not 200 <= response.status_code < 300:
        return
    kind = "batches" if case.path.startswith("/batches") else "dataSets"
    if case.method == "POST":
        references = response.json()
        if not references:  # `Pragma: validate-only` writes nothing
            return
        object_id = str(references[0]).rsplit("/", 1)[-1]
    else:
        object_id = str((case.path_parameters or {})[_path_parameter(case.path)])
    failure = _read(spec, f"/{kind}/{{id}}", object_id)
    assert failure is None, f"after {case.method} {case.path}:\n{failure}"


def _conforms(spec: Any, case: schemathesis.Case) -> None:
    control_of(APP).reset()  # every example starts from the fixtures
    _realistic(case)
    response = case.call_and_validate()
    _read_back(spec, case, response)


#: A few examples per operation (schemathesis adds its explicit coverage cases): this checks bodies,
#: it does not hunt for crashes.
FEW = settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@SPEC_2020.parametrize()
@FEW
def test_2020_operation_answers_as_adobe_describes(case: schemathesis.Case) -> None:
    _conforms(SPEC_2020, case)


@SPEC_2021.parametrize()
@FEW
def test_2021_operation_answers_as_adobe_describes(case: schemathesis.Case) -> None:
    _conforms(SPEC_2021, case)


#: Every fixture object, read through each of Adobe's specs that has the operation.
READS = [
    (version, path, object_id)
    for version, spec in SPECS_BY_VERSION.items()
    for path, object_id in [("/batches", ""), ("/dataSets", "")]
    + [("/batches/{id}", batch) for batch in BATCHES]
    + [("/dataSets/{id}", dataset) for dataset in DATASETS]
    + [("/dataSets/{id}/ingestBatchSummary", dataset) for dataset in DATASETS]
    + [("/batches/uniques/{field}", field) for field in UNIQUE_FIELDS]
    if _operation(spec, "GET", path) is not None
]


@pytest.mark.parametrize(("version", "path", "object_id"), READS)
def test_fixture_objects_read_as_adobe_describes(version: str, path: str, object_id: str) -> None:
    control_of(APP).reset()
    failure = _read(SPECS_BY_VERSION[version], path, object_id)
    assert failure is None, failure


ONE_GOOD_ONE_BAD_ROW = b'{"id": 1, "name": "good"}\n{"id": 2, "name": \n'
GOOD_ROWS = b'{"id": 3, "name": "a"}\n{"id": 4, "name": "b"}\n'
CSV_ROWS = b"id,name\n5,c\n6,d\n"


def _ingest(
    client: FlaskClient, dataset: str, input_format: dict[str, Any], file: str, data: bytes, partial: int = 0
) -> str:
    """One Batch Ingestion run into ``dataset``: create a batch (tolerating ``partial`` percent of bad
    rows), upload ``data`` as ``file``, complete."""
    created = client.post(
        "/data/foundation/import/batches",
        headers=HEADERS,
        json={"datasetId": dataset, "inputFormat": input_format, "partialIngestionPercentage": partial},
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    batch = str(created.get_json()["id"])
    uploaded = client.put(
        f"/data/foundation/import/batches/{batch}/datasets/{dataset}/files/{file}",
        headers={**HEADERS, "Content-Type": "application/octet-stream"},
        data=data,
    )
    assert uploaded.status_code == 200, uploaded.get_data(as_text=True)
    completed = client.post(f"/data/foundation/import/batches/{batch}?action=COMPLETE", headers=HEADERS)
    assert completed.status_code == 200, completed.get_data(as_text=True)
    return batch


def _status(client: FlaskClient, batch: str) -> str:
    return str(client.get(f"{BASE}/batches/{batch}", headers=HEADERS).get_json()[batch]["status"])


@pytest.mark.parametrize("version", list(SPECS_BY_VERSION))
def test_objects_the_mock_makes_read_as_adobe_describes(version: str) -> None:
    """A dataset and its batches as the mock makes them, each read back through Adobe's operations.

    The CSV batch sends ``inputFormat.header`` as the boolean Adobe's ingestion spec documents; the
    Catalog specs type it a string (corrected in ``ADOBE_SPEC_SLIPS``).
    """
    spec = SPECS_BY_VERSION[version]
    summary = "/dataSets/{id}/ingestBatchSummary"
    has_summary = _operation(spec, "GET", summary) is not None
    control_of(APP).reset()
    client = APP.test_client()
    failures: list[str | None] = []

    made = client.post(f"{BASE}/dataSets", headers=HEADERS, json={"name": "adobe-spec-check"})
    assert made.status_code == 201, made.get_data(as_text=True)
    dataset = str(made.get_json()[0]).rsplit("/", 1)[-1]
    failures.append(_read(spec, "/dataSets/{id}", dataset))

    json_format = {"format": "json"}
    failed = _ingest(client, dataset, json_format, "a.json", ONE_GOOD_ONE_BAD_ROW)
    assert _status(client, failed) == "failed"  # the situation this test means to check
    failures += [_read(spec, "/batches/{id}", failed), _read(spec, "/dataSets/{id}", dataset)]
    if has_summary:
        failures.append(_read(spec, summary, dataset))

    good = _ingest(client, dataset, json_format, "a.json", GOOD_ROWS)
    assert _status(client, good) == "success"
    failures += [_read(spec, "/batches/{id}", good), _read(spec, "/dataSets/{id}", dataset)]
    if has_summary:
        failures.append(_read(spec, summary, dataset))

    csv_format = {"format": "CSV", "header": True, "delimiter": ","}  # as Adobe's ingestion spec has them
    csv = _ingest(client, dataset, csv_format, "a.csv", CSV_ROWS)
    assert _status(client, csv) == "success"
    failures += [_read(spec, "/batches/{id}", csv), _read(spec, "/dataSets/{id}", dataset)]
    if has_summary:
        failures.append(_read(spec, summary, dataset))
    failures += [_read(spec, "/batches"), _read(spec, "/dataSets")]
    if _operation(spec, "GET", "/dataSetFiles") is not None:
        failures += [_read(spec, "/dataSetFiles"), _read(spec, "/dataSetFiles/{id}", f"{good}-1")]
    failures += [_read(spec, UNIQUES + "{field}", field) for field in UNIQUE_FIELDS]

    reports = [failure for failure in failures if failure is not None]
    assert not reports, "\n\n".join(reports)


def _adobe_operations() -> list[tuple[str, str, str, str]]:
    """Every operation of Adobe's five published specs: (spec, method, path with base path, operationId)."""
    found = []
    for name in (
        "catalog-2020-04.yaml", "catalog-2021-04.yaml", "ingest-2021-08.yaml", "data-access.yaml",
        "schema-registry.yaml",
    ):  # fmt: skip
        document = yaml.safe_load((SPECS / name).read_text(encoding="utf-8"))
        for template, item in document["paths"].items():
            for method, operation in item.items():
                if method in {"get", "put", "post", "delete", "patch", "head"}:
                    path = document["basePath"] + template.rstrip("/")
                    found.append((name, method.upper(), path, str(operation.get("operationId"))))
    return found


@pytest.mark.parametrize(("spec", "method", "path", "operation_id"), _adobe_operations())
def test_every_operation_adobe_publishes_is_served_or_answers_501(
    spec: str, method: str, path: str, operation_id: str
) -> None:
    """The mock either serves an operation of Adobe's specs or says that it does not, naming it: never
    a 404 or 405 that would tell a consumer the real service has no such operation."""
    concrete = re.sub(r"\{(\w+)\}", lambda m: "a/b.json" if m[1] == "filePath" else "abc123", path)
    try:
        APP.url_map.bind("localhost").match(concrete, method)
    except (NotFound, MethodNotAllowed):
        answer = APP.test_client().open(concrete, method=method, headers=HEADERS, json={})
        assert answer.status_code == 501, (answer.status_code, answer.get_data(as_text=True))
        if method != "HEAD":
            named = answer.get_json()["operation"]
            assert (named["method"], _normalized_names(named["path"])) == (method, _normalized_names(path))
            if spec != "catalog-2021-04.yaml":  # the 2021 spec renamed the operations it kept
                assert named["operationId"] == operation_id or operation_id == "None"


def _normalized_names(path: str) -> str:
    return re.sub(r"\{\w+\}", "{}", path)


DATA_ACCESS = schemathesis.openapi.from_dict(
    yaml.safe_load((SPECS / "data-access.yaml").read_text(encoding="utf-8")), config=CONFIG
)
DATA_ACCESS.app = APP


def _read_export(template: str, path_parameters: dict[str, str], query: dict[str, str]) -> str | None:
    """GET Data Access's ``template`` as Adobe's spec describes it; a failure's report, or None."""
    return _read_adobe(DATA_ACCESS, template, path_parameters, query)


def _read_adobe(
    spec: Any,
    template: str,
    path_parameters: dict[str, str],
    query: dict[str, str],
    headers: dict[str, str] | None = None,
    status: int = 200,
) -> str | None:
    """GET ``template`` of one of Adobe's specs as it describes it, the answer checked against it;
    a failure's report, or None."""
    operation = next(
        result.ok() for result in spec.get_all_operations() if result.ok().label == f"GET {template}"
    )
    case = operation.Case(
        path_parameters=path_parameters, headers={**HEADERS, **(headers or {})}, query=query
    )
    try:
        response = case.call_and_validate()
    except BaseExceptionGroup as failures:
        return f"GET {template} {path_parameters} {query}: {failures}"
    assert response.status_code == status, (template, response.status_code, response.text)
    return None


def test_data_access_answers_as_adobe_describes() -> None:
    """A batch that succeeded with a bad row, read back through Adobe's Data Access spec: its files,
    a file's entry and contents, and its failed rows listed and read."""
    control_of(APP).reset()
    client = APP.test_client()
    dataset = DATASETS[0]
    batch = _ingest(
        client, dataset, {"format": "json"}, "a.json", GOOD_ROWS + ONE_GOOD_ONE_BAD_ROW, partial=50
    )
    assert _status(client, batch) == "success"
    file_id = f"{batch}-1"
    reads = [
        _read_export("/batches/{batchId}/files", {"batchId": batch}, {}),
        _read_export("/batches/{batchId}/failed", {"batchId": batch}, {}),
        _read_export("/batches/{batchId}/failed", {"batchId": batch}, {"path": "parse_errors"}),
        _read_export("/files/{dataSetFileId}", {"dataSetFileId": file_id}, {}),
        _read_export("/files/{dataSetFileId}", {"dataSetFileId": file_id}, {"path": "a.json"}),
        _read_export("/datasets/{id}/preview", {"id": dataset}, {}),
    ]
    reports = [failure for failure in reads if failure is not None]
    assert not reports, "\n\n".join(reports)


SCHEMA_REGISTRY = schemathesis.openapi.from_dict(
    yaml.safe_load((SPECS / "schema-registry.yaml").read_text(encoding="utf-8")), config=CONFIG
)
SCHEMA_REGISTRY.app = APP


def test_schema_registry_reads_answer_as_adobe_describes() -> None:
    """The packaged event schema looked up (by ``meta:altId`` and by encoded ``$id``), the tenant's
    list, a sample row, and an unknown schema's 404, each checked against Adobe's registry spec."""
    lookup = {"Accept": "application/vnd.adobe.xed-full+json; version=1"}
    listing = {"Accept": "application/vnd.adobe.xed-id+json"}
    sample = {"Accept": "application/vnd.adobe.xed+json; version=1"}
    encoded = "https%3A%2F%2Fns.adobe.com%2Facme%2Fschemas%2Floyalty-txn"
    reads = [
        _read_adobe(SCHEMA_REGISTRY, "/{CONTAINER_ID}/schemas/{SCHEMA_ID}",
                    {"CONTAINER_ID": "tenant", "SCHEMA_ID": "_acme.schemas.loyalty-txn"}, {}, lookup),
        _read_adobe(SCHEMA_REGISTRY, "/{CONTAINER_ID}/schemas/{SCHEMA_ID}",
                    {"CONTAINER_ID": "tenant", "SCHEMA_ID": encoded}, {}, lookup),
        _read_adobe(SCHEMA_REGISTRY, "/{CONTAINER_ID}/schemas", {"CONTAINER_ID": "tenant"},
                    {"orderby": "-title", "limit": "1"}, listing),
        _read_adobe(SCHEMA_REGISTRY, "/rpc/sampledata/{SCHEMA_ID}",
                    {"SCHEMA_ID": "_acme.schemas.crm-profile"}, {}, sample),
        _read_adobe(SCHEMA_REGISTRY, "/rpc/sampledata/{SCHEMA_ID}",
                    {"SCHEMA_ID": "_acme.schemas.none"}, {}, sample, status=404),
    ]  # fmt: skip
    reports = [failure for failure in reads if failure is not None]
    assert not reports, "\n\n".join(reports)


@pytest.mark.parametrize("version", ["2020-04", "2021-04"])
def test_a_write_with_if_none_match_answers_as_adobe_describes(version: str) -> None:
    """Both specs declare ``If-None-Match`` on PUT and PATCH: a write it does not stop answers (and
    leaves an object that reads) as Adobe describes."""
    control_of(APP).reset()
    spec = SPECS_BY_VERSION[version]
    for method in ("PUT", "PATCH"):
        operation = _operation(spec, method, "/dataSets/{id}")
        assert operation is not None
        ids = dict.fromkeys(re.findall(r"\{(\w+)\}", operation.path), DATASETS[0])
        case = operation.Case(
            path_parameters=ids,
            headers={**HEADERS, "If-None-Match": '"0.0.1-never"', "Content-Type": "application/json"},
            body={"name": f"written with If-None-Match ({method})"},
            media_type="application/json",
        )
        response = case.call_and_validate()
        assert response.status_code == 200, response.text
        assert _read(spec, "/dataSets/{id}", DATASETS[0]) is None


@pytest.mark.parametrize("path", ["/batches", "/dataSets"])
def test_a_gzip_answer_over_the_wire_decodes_to_what_adobe_describes(path: str) -> None:
    """Both specs declare ``Accept-Encoding`` with gzip: the served mock compresses, and the body a
    client decodes is what Adobe describes."""
    control_of(APP).reset()
    operation = _operation(SPEC_2021, "GET", path)
    assert operation is not None
    with LiveServer(APP) as server:
        case = operation.Case(headers={**HEADERS, "Accept-Encoding": "gzip"}, query={"limit": "100"})
        response = case.call(base_url=server.url + BASE)
        case.validate_response(response)
        wire = requests.get(
            f"{server.url}{BASE}{path}?limit=100", headers=case.headers, timeout=10, stream=True
        )
        wire.close()
    assert response.status_code == 200 and response.json()  # decoded, and as Adobe describes it
    assert wire.headers["Content-Encoding"] == "gzip"  # as it crossed the wire
