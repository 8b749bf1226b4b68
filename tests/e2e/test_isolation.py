"""Tenant isolation, for every operation of openapi.yaml: another org, or another sandbox of the
same org, never sees or touches a tenant's objects."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from mockcatalog.contract.spec import load_spec
from mockcatalog.server import LiveServer

from ..conftest import ACME, GLOBEX, Credentials

pytestmark = pytest.mark.e2e

JSON_FORMAT = {"format": "json"}

OCTET = {"Content-Type": "application/octet-stream"}
PATCH = {"Content-Type": "application/json-patch+json"}

REGISTRY = "/data/foundation/schemaregistry"
SCHEMA = "_acme.schemas.loyalty-txn"  # a schema of the packaged fixtures' tenant, by its meta:altId
LOOKUP = {"Accept": "application/vnd.adobe.xed-full+json; version=1"}
LISTING = {"Accept": "application/vnd.adobe.xed-id+json"}

#: operation id -> (method, path, request kwargs, what an outsider gets). ``{ds}``/``{batch}`` are
#: the victim's dataset and a batch of it, which succeeded with one bad row (so it has a dataset file,
#: ``{file}``, and failed rows). "empty" means a 200 whose answer holds nothing of theirs.
PROBES: dict[str, tuple[str, str, dict[str, Any], int | str]] = {
    "listBatches": ("GET", "/batches?dataSet={ds}", {}, "empty"),
    "getBatches": ("GET", "/batches/{batch}", {}, 404),
    "getUniqueBatchValues": ("GET", "/batches/uniques/id?limit=100", {}, "empty"),  # every id it sees
    "createBatch": ("POST", "/batches", {"json": {"datasetId": "{ds}", "inputFormat": JSON_FORMAT}}, 400),
    "createCatalogBatch": (
        "POST", "/data/foundation/catalog/batches",
        {"json": {"relatedObjects": [{"type": "dataSet", "id": "{ds}"}]}}, 400,
    ),
    "updateBatch": ("PATCH", "/batches/{batch}", {"json": {"tags": {"x": ["y"]}}}, 404),
    "replaceBatch": ("PUT", "/batches/{batch}", {"json": {"tags": {}}}, 404),
    "deleteBatch": ("DELETE", "/batches/{batch}", {}, "empty"),
    "batchAction": ("POST", "/batches/{batch}?action=ABORT", {}, 404),
    "uploadFile": (
        "PUT", "/batches/{batch}/datasets/{ds}/files/a.json", {"data": b"{}", "headers": OCTET}, 404,
    ),
    "largeFileAction": ("POST", "/batches/{batch}/datasets/{ds}/files/big.json?action=INITIALIZE", {}, 404),
    "uploadLargeFilePart": (
        "PATCH", "/batches/{batch}/datasets/{ds}/files/big.json",
        {"data": b"{}", "headers": {**OCTET, "Content-Range": "bytes 0-1"}}, 404,
    ),
    "getLargeFileStatus": ("HEAD", "/batches/{batch}/datasets/{ds}/files/a.json", {}, 404),
    "getBatchPreview": ("GET", "/batches/{batch}/datasets/{ds}/preview?format=json", {}, 404),
    "listDataSets": ("GET", "/dataSets", {}, "empty"),
    "createDataSet": ("POST", "/dataSets", {"json": {"name": "mine"}}, 201),
    "getDataSets": ("GET", "/dataSets/{ds}", {}, 404),
    "updateDataSet": (
        "PATCH", "/dataSets/{ds}", {"json": [{"op": "remove", "path": "/name"}], "headers": PATCH}, 404,
    ),
    "replaceDataSet": ("PUT", "/dataSets/{ds}", {"json": {"name": "taken"}}, 404),
    "deleteDataSet": ("DELETE", "/dataSets/{ds}", {}, "empty"),
    "getIngestBatchSummary": ("GET", "/dataSets/{ds}/ingestBatchSummary", {}, 404),
    "listDataSetFiles": ("GET", "/dataSetFiles?dataSetId={ds}", {}, "empty"),
    "getDataSetFiles": ("GET", "/dataSetFiles/{file}", {}, 404),
    "listBatchFiles": ("GET", "/data/foundation/export/batches/{batch}/files", {}, 404),
    "listFailedBatchFiles": ("GET", "/batches/{batch}/failed?path=parse_errors", {}, 404),
    "getFile": ("GET", "/data/foundation/export/files/{file}?path=a.json", {}, 404),
    "getFileMetadata": ("HEAD", "/data/foundation/export/files/{file}?path=a.json", {}, 404),
    "getPreviewByDatasetId": ("GET", "/data/foundation/export/datasets/{ds}/preview", {}, 404),
    "lookupSchema": ("GET", f"{REGISTRY}/tenant/schemas/{SCHEMA}", {"headers": LOOKUP}, 404),
    "getSampleData": ("GET", f"{REGISTRY}/rpc/sampledata/{SCHEMA}", {"headers": LOOKUP}, 404),
    "listAllSchemas": ("GET", f"{REGISTRY}/tenant/schemas", {"headers": LISTING}, "no results"),
}  # fmt: skip
NOT_TENANTED = {"imsTokenV3", "imsTokenV2"}  # the fake IMS holds no tenant data


def test_every_operation_has_a_probe() -> None:
    assert set(PROBES) | NOT_TENANTED == set(load_spec().operations)


def fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    return value


@pytest.mark.parametrize("outsider", [(GLOBEX, None), (ACME, "dev")], ids=["other-org", "other-sandbox"])
@pytest.mark.parametrize("operation", sorted(PROBES))
def test_outsiders_neither_see_nor_touch(
    live_server: LiveServer, credentials: Credentials, operation: str, outsider: tuple[str, str | None]
) -> None:
    victim = credentials()
    ds = next(iter(requests.get(f"{live_server.url}/dataSets", headers=victim, timeout=10).json()))
    batch = requests.post(
        f"{live_server.url}/batches",
        json={"datasetId": ds, "inputFormat": {"format": "json"}},
        headers=victim,
        timeout=10,
    ).json()
    ids = {"ds": ds, "batch": batch["id"], "file": f"{batch['id']}-1"}
    ingest(live_server, victim, ids)
    before = requests.get(f"{live_server.url}/__admin/state", timeout=10).json()

    method, path, probe, expected = PROBES[operation]
    kwargs = fill(probe, ids)  # a filled copy: the probe itself stays as written
    headers = {**credentials(*outsider), **kwargs.pop("headers", {})}
    response = requests.request(
        method, live_server.url + fill(path, ids), headers=headers, timeout=10, **kwargs
    )

    if expected == "empty":
        assert response.status_code == 200 and not set(response.json()) & set(ids.values())
    elif expected == "no results":
        assert response.status_code == 200 and response.json()["results"] == []
    else:
        assert response.status_code == expected, response.text
    after = requests.get(f"{live_server.url}/__admin/state", timeout=10).json()
    assert victims_objects(after) == victims_objects(before)


def ingest(server: LiveServer, victim: dict[str, str], ids: dict[str, str]) -> None:
    """Upload one good and one bad row into the victim's batch, and let it succeed with both."""
    batch_url = f"{server.url}/batches/{ids['batch']}"
    sent = requests.patch(batch_url, json={"partialIngestionPercentage": 50}, headers=victim, timeout=10)
    assert sent.status_code == 200, sent.text
    upload = f"{batch_url}/datasets/{ids['ds']}/files/a.json"
    sent = requests.put(upload, data=b'{"a": 1}\nnot json\n', headers={**victim, **OCTET}, timeout=10)
    assert sent.status_code == 200, sent.text
    assert requests.post(f"{batch_url}?action=COMPLETE", headers=victim, timeout=10).status_code == 200
    files = requests.get(
        f"{server.url}/data/foundation/export/batches/{ids['batch']}/files", headers=victim, timeout=10
    )
    assert [entry["dataSetFileId"] for entry in files.json()["data"]] == [ids["file"]]


def victims_objects(state: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """ACME's prod objects in an exported state."""
    return {
        name: {oid: obj for oid, obj in objects.items() if obj["imsOrg"] == ACME and "sandboxName" not in obj}
        for name, objects in state.items()
    }
