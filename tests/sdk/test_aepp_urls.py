"""Every URL aepp 0.6.0 builds under the Catalog, Batch Ingestion and Data Access base paths is served,
or answers the 501 naming the real operation: never a 404 "no operation" or a 405 that would say the
real service lacks it. The list is an inventory of aepp's Catalog, DataIngestion and DataAccess
methods (one a line; a test checks it misses none), each called as aepp calls it and checked on the
wire. Strict mode calls none of them a violation, but for four requests aepp builds wrong (listed
apart, with what no Adobe document allows in them).

Left out: aepp's streaming methods (they go to ``dcs.adobedc.net``, a host aepp does not let one
change), ``getResourceToFile`` (a NameError in aepp before any request) and
``getParquetFilesToDataFrame`` (a TypeError in aepp on any server).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from mockcatalog.contract.spec import GATEWAY_PREFIXES
from mockcatalog.server import LiveServer

from ..conftest import make_credentials
from .conftest import Exchange

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

CATALOG, IMPORT, EXPORT = (GATEWAY_PREFIXES[name] for name in ("catalog", "import", "export"))
FIXTURE_DATASET = "6ac98000f2a74de452e6b438"  # Web Events
FAILED = "01M7F0RWG0NTBX1VD85Y7PT1AR"  # a fixture batch: code 1401, no contents kept
SCHEMA = "https://ns.adobe.com/acme/schemas/aepp-urls"


@dataclass(frozen=True)
class Built:
    """An aepp method, called as aepp calls it, and the first request it sends."""

    method: str
    path: str
    call: Callable[[], object]


def built(method: str, path: str, of_aepp: Callable[..., object], /, *args: Any, **kwargs: Any) -> Built:
    """``of_aepp(*args, **kwargs)``, expected to send ``method path`` first."""
    return Built(method, path, lambda: of_aepp(*args, **kwargs))


@dataclass(frozen=True)
class Clients:
    cat: Any
    ing: Any
    access: Any
    server: LiveServer


@pytest.fixture
def clients(sdk: tuple[Any, Any, LiveServer]) -> Iterator[Clients]:
    from aepp import dataaccess

    cat, ing, server = sdk
    yield Clients(cat, ing, dataaccess.DataAccess(), server)


def aepp_urls(c: Clients, ds: str, done: str, file_id: str, loading: str) -> dict[str, Built]:
    """Each aepp method of the inventory with the request it sends: ``ds`` an API-made dataset,
    ``done`` a batch of it that succeeded with ``f.json``, ``file_id`` its dataset file, ``loading``
    a batch of it still loading."""
    cat, ing, access = c.cat, c.ing, c.access
    files = f"{IMPORT}/batches/{loading}/datasets/{ds}/files"
    part = json.dumps({"_id": "big"}).encode()
    parts = f"bytes 0-{len(part) - 1}/{len(part)}"
    one, views = f"{CATALOG}/dataSets/{ds}", f"{CATALOG}/dataSets/{ds}/views"
    related = {"status": "loading", "relatedObjects": [{"type": "dataSet", "id": ds}]}
    return {
        "getResource": built("GET", one, cat.getResource, f"{c.server.url}{one}"),
        "getLastBatches": built(
            "GET", f"{CATALOG}/lastBatches", cat.getLastBatches, ds, orderBy="desc:created"
        ),
        "getBatches": built("GET", f"{CATALOG}/batches", cat.getBatches, limit=5, n_results=10, dataSet=ds),
        "getFailedBatchesDF": built("GET", f"{CATALOG}/batches", cat.getFailedBatchesDF, limit=100),
        "getMapperErrors": built("GET", f"{CATALOG}/batches", cat.getMapperErrors, limit=100),
        "getBatch": built("GET", f"{CATALOG}/batches/{done}", cat.getBatch, done),
        "findActiveBatch": built("GET", f"{CATALOG}/batches/{done}", cat.findActiveBatch, done),
        "Catalog.createBatch": built("POST", f"{CATALOG}/batches", cat.createBatch, related),
        "getResources": built("GET", f"{CATALOG}/", cat.getResources),
        "getDataSets": built("GET", f"{CATALOG}/dataSets", cat.getDataSets),
        "getDataSets(property)": built(
            "GET", f"{CATALOG}/dataSets", cat.getDataSets, property=f"schemaRef.id=={SCHEMA}"
        ),
        "getDatasetsInfos": built("GET", f"{CATALOG}/dataSets", cat.getDatasetsInfos),
        "getProfileSnapshotDatasets": built("GET", f"{CATALOG}/dataSets", cat.getProfileSnapshotDatasets),
        "createDataSet": built(
            "POST", f"{CATALOG}/dataSets", cat.createDataSet, name="by aepp", schemaId=SCHEMA
        ),
        "createDataSet(data)": built(
            "POST", f"{CATALOG}/dataSets", cat.createDataSet, {"name": "by aepp, raw"}
        ),
        "getDataSet": built("GET", one, cat.getDataSet, ds),
        "getDataSetObservableSchema": built("GET", one, cat.getDataSetObservableSchema, ds),
        "getDataSetExpiration": built("GET", f"{CATALOG}/ttl/{ds}", cat.getDataSetExpiration, ds),
        "getDataSetViews": built("GET", views, cat.getDataSetViews, ds),
        "getDataSetView": built("GET", f"{views}/v1", cat.getDataSetView, ds, "v1"),
        "getDataSetViewFiles": built("GET", f"{views}/v1/files", cat.getDataSetViewFiles, ds, "v1"),
        "enableDatasetProfile": built("PATCH", one, cat.enableDatasetProfile, ds, upsert=True),
        "enableDatasetUpsert": built("PATCH", one, cat.enableDatasetUpsert, ds),
        "enableDatasetIdentity": built("PATCH", one, cat.enableDatasetIdentity, ds),
        "disableDatasetProfile": built("PATCH", one, cat.disableDatasetProfile, ds),
        "disableDatasetIdentity": built("PATCH", one, cat.disableDatasetIdentity, ds),
        "patchDataset": built("PATCH", one, cat.patchDataset, ds, {"description": "d"}),
        "patchDatasetV2": built(
            "PATCH", f"{CATALOG}/v2/dataSets/{ds}", cat.patchDatasetV2, ds, {"extensions": {}}
        ),
        "setDatasetTTL": built("PATCH", f"{CATALOG}/v2/dataSets/{ds}", cat.setDatasetTTL, ds, "P3M"),
        "putDataset": built("PUT", one, cat.putDataset, ds, {"name": "URLs", "description": "replaced"}),
        "createUnionProfileDataset": built("POST", f"{CATALOG}/dataSets/", cat.createUnionProfileDataset),
        "createBatch": built("POST", f"{IMPORT}/batches", ing.createBatch, ds, format="parquet"),
        "uploadSmallFile": built(
            "PUT", f"{files}/small.json", ing.uploadSmallFile, loading, ds, "small.json", {}
        ),
        "uploadLargeFileStartEnd": built(
            "POST", f"{files}/big.json", ing.uploadLargeFileStartEnd, loading, ds, "big.json"
        ),
        "uploadLargeFilePart": built(
            "PATCH", f"{files}/big.json", ing.uploadLargeFilePart, loading, ds, "big.json", part, parts
        ),
        "headFileStatus": built("HEAD", f"{files}/big.json", ing.headFileStatus, loading, ds, "big.json"),
        "uploadLargeFileStartEnd(COMPLETE)": built(
            "POST", f"{files}/big.json", ing.uploadLargeFileStartEnd, loading, ds, "big.json", "COMPLETE"
        ),
        "uploadSmallFileFinish": built(
            "POST", f"{IMPORT}/batches/{loading}", ing.uploadSmallFileFinish, loading
        ),
        "getBatchFiles": built(
            "GET", f"{EXPORT}/batches/{done}/files", access.getBatchFiles, done, limit=10, start=0
        ),
        "getBatchFailed": built("GET", f"{EXPORT}/batches/{FAILED}/failed", access.getBatchFailed, FAILED),
        "getBatchMeta": built(
            "GET", f"{EXPORT}/batches/{FAILED}/meta", access.getBatchMeta, FAILED, "row_errors"
        ),
        "getHeadFile": built("HEAD", f"{EXPORT}/files/{file_id}", access.getHeadFile, file_id, "f.json"),
        "getFiles": built("GET", f"{EXPORT}/files/{file_id}", access.getFiles, file_id),
        "getFiles(path)": built("GET", f"{EXPORT}/files/{file_id}", access.getFiles, file_id, path="f.json"),
        "getPreview": built("GET", f"{EXPORT}/datasets/{ds}/preview", access.getPreview, ds),
        "DataAccess.getResource": built(
            "GET",
            f"{EXPORT}/datasets/{ds}/preview",
            access.getResource,
            f"{c.server.url}{EXPORT}/datasets/{ds}/preview",
        ),
        "deleteBatch": built("POST", f"{IMPORT}/batches/{done}", ing.deleteBatch, done),
        "deleteDataSet": built("DELETE", one, cat.deleteDataSet, ds),
    }


def aepp_mistakes(c: Clients, ds: str, done: str, loading: str) -> dict[str, tuple[Built, int]]:
    """Requests aepp builds that no Adobe document allows, each with the refusal strict mode reports:
    replay with PATCH (Adobe's replay is a POST of a new batch), predecessors written ``$<id>`` (the
    guide's placeholder copied literally), a JSON Patch sent as ``application/json`` (the Catalog
    guide asks for ``application/json-patch+json``), an ingestion preview without its required
    ``format`` (aepp checks it, then never sends it)."""
    cat, ing = c.cat, c.ing
    replay = {"predecessors": [f"${done}"], "reason": "replace"}
    preview = f"{IMPORT}/batches/{loading}/datasets/{ds}/preview"
    return {
        "replayBatch": (built("PATCH", f"{IMPORT}/batches", ing.replayBatch, ds, [done]), 405),
        "createBatch(replay=)": (built("POST", f"{IMPORT}/batches", ing.createBatch, ds, replay=replay), 400),
        "disableDatasetValidationContext": (
            built("PATCH", f"{CATALOG}/dataSets/{ds}", cat.disableDatasetValidationContext, ds),
            400,
        ),
        "getPreviewBatchDataset": (built("GET", preview, ing.getPreviewBatchDataset, loading, ds), 400),
    }


def served_or_named(exchange: Exchange) -> str | None:
    """Why an answer says the real service lacks the operation (a 404 "no operation", a 405, or a
    501 naming another operation); None when it is served or is the 501 naming it."""
    body: Any = json.loads(exchange.body) if exchange.body.startswith(b"{") else {}
    if exchange.status == 501:
        named = body.get("operation", {})
        pattern = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(named.get("path", "?"))) + "/?"
        ok = named.get("method") == exchange.method and re.fullmatch(pattern, exchange.path)
        return None if ok else f"a 501 naming {named}"
    if exchange.status == 405 or (
        exchange.status == 404 and body.get("detail", "").startswith("No operation")
    ):
        return f"{exchange.status} {body.get('detail')}"
    return None


def ids_for(c: Clients) -> tuple[str, str, str, str]:
    """A dataset made through the API, a batch of it that succeeded with its dataset file, and a batch
    of it still loading."""
    ds = c.cat.createDataSet(name="URLs", schemaId=SCHEMA)[0].split("/")[-1]
    done = c.ing.createBatch(datasetId=ds, format="json")["id"]
    c.ing.uploadSmallFile(done, ds, "f.json", {"_id": "f"})
    c.ing.uploadSmallFileFinish(done)
    (file_entry,) = c.access.getBatchFiles(done)
    loading = c.ing.createBatch(datasetId=ds, format="json")["id"]
    return ds, done, file_entry["dataSetFileId"], loading


def test_every_url_aepp_builds_is_served_or_answers_the_501_naming_it(
    clients: Clients, wire: list[Exchange]
) -> None:
    ds, done, file_id, loading = ids_for(clients)
    wrong: list[str] = []
    for name, expected in aepp_urls(clients, ds, done, file_id, loading).items():
        start = len(wire)
        expected.call()
        sent = [exchange for exchange in wire[start:] if not exchange.path.startswith("/ims/")]
        if not sent or (sent[0].method, sent[0].path) != (expected.method, expected.path):
            first = [(e.method, e.path) for e in sent[:1]]
            wrong.append(f"{name}: sent {first}, not {expected.method} {expected.path}")
        wrong += [f"{name}: {e.method} {e.path} -> {why}" for e in sent if (why := served_or_named(e))]
    assert wrong == []
    evidence = requests.get(f"{clients.server.url}/__admin/violations", timeout=10).json()
    assert evidence["violations"] == []
    not_served = {
        entry["path"].removeprefix(CATALOG).removeprefix(EXPORT) for entry in evidence["unsupported"]
    }
    assert not_served == {
        "/lastBatches", f"/ttl/{ds}", f"/dataSets/{ds}/views", f"/dataSets/{ds}/views/v1",
        f"/dataSets/{ds}/views/v1/files", f"/v2/dataSets/{ds}", "/", f"/batches/{FAILED}/meta",
    }  # fmt: skip


#: aepp's methods that build no URL under the three base paths, each with why.
NO_URL_HERE = {
    "decodeStreamBatch": "no HTTP",
    "jsonStreamMessages": "no HTTP",
    "transformDataToDataFrame": "no HTTP",
    "getResourceToFile": "a NameError in aepp before any request",
    "getParquetFilesToDataFrame": "a TypeError in aepp on any server (it calls getFiles, listed)",
    "streamMessage": "dcs.adobedc.net, a host aepp does not let one change",
    "streamMessages": "the same",
}


def test_the_list_holds_every_method_of_aepps_three_clients(clients: Clients) -> None:
    """A newer aepp with a method the list does not hold fails here, not silently."""
    listed = {
        name.split("(")[0].split(".")[-1]
        for name in [*aepp_urls(clients, "d", "b", "f", "l"), *aepp_mistakes(clients, "d", "b", "l")]
    }
    for client in (clients.cat, clients.ing, clients.access):
        public = {name for name, value in vars(type(client)).items() if callable(value) and name[0] != "_"}
        assert public - listed - set(NO_URL_HERE) == set(), type(client).__name__


def test_what_aepp_builds_wrong_is_refused_as_adobe_documents_and_only_that(
    clients: Clients, wire: list[Exchange]
) -> None:
    ds, done, _file_id, loading = ids_for(clients)
    for name, (expected, status) in aepp_mistakes(clients, ds, done, loading).items():
        start = len(wire)
        expected.call()
        (sent,) = [exchange for exchange in wire[start:] if not exchange.path.startswith("/ims/")]
        assert (sent.method, sent.path, sent.status) == (expected.method, expected.path, status), name
    evidence = requests.get(f"{clients.server.url}/__admin/violations", timeout=10).json()
    assert [(v["method"], v["status"]) for v in evidence["violations"]] == [
        ("PATCH", 405), ("POST", 400), ("PATCH", 400), ("GET", 400),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", f"{CATALOG}/batches/", 200),  # Adobe's Data Access tutorials list batches so
        ("POST", f"{CATALOG}/dataSets/", 201),  # aepp's createUnionProfileDataset
        ("GET", f"{CATALOG}/dataSets/{FIXTURE_DATASET}/", 200),
        ("GET", f"{EXPORT}/batches/{FAILED}/failed/", 200),
        ("PATCH", f"{CATALOG}/v2/datasets/{FIXTURE_DATASET}", 501),  # the TTL guide's spelling
        ("PATCH", f"{CATALOG}/v2/dataSets/{FIXTURE_DATASET}", 501),  # aepp's
    ],
)
def test_adobes_other_spellings_are_answered_as_the_path_they_stand_for(
    live_server: LiveServer, method: str, path: str, status: int
) -> None:
    """A trailing slash is the path without it (no redirect); the TTL guide's lower-case
    ``datasets`` names the same operation as aepp's ``dataSets``. None is a violation."""
    body = {"name": "slashed"} if method != "GET" else None
    answer = requests.request(
        method,
        live_server.url + path,
        json=body,
        headers=make_credentials(),
        timeout=10,
        allow_redirects=False,
    )
    assert answer.status_code == status, answer.text
    if status == 501:
        assert answer.json()["operation"]["operationId"] == "patchDataSetV2"
    evidence = requests.get(f"{live_server.url}/__admin/violations", timeout=10).json()
    assert [v for v in evidence["violations"] if v["path"] == path] == []


def test_actions_are_taken_in_any_case(live_server: LiveServer) -> None:
    """Adobe's guides write ``?action=complete`` and, in a curl, ``?action=initialize``."""
    headers = make_credentials()
    created = requests.post(
        f"{live_server.url}{CATALOG}/dataSets", json={"name": "cases"}, headers=headers, timeout=10
    )
    ds = created.json()[0].removeprefix("@/dataSets/")
    batch = requests.post(
        f"{live_server.url}{IMPORT}/batches",
        json={"datasetId": ds, "inputFormat": {"format": "json"}},
        headers=headers,
        timeout=10,
    ).json()["id"]
    file_url = f"{live_server.url}{IMPORT}/batches/{batch}/datasets/{ds}/files/part1=a/rows.json"
    assert requests.post(f"{file_url}?action=initialize", headers=headers, timeout=10).status_code == 201
    part = {**headers, "Content-Type": "application/octet-stream", "Content-Range": "bytes 0-11/12"}
    assert requests.patch(file_url, data=b'{"_id":"x"}\n', headers=part, timeout=10).status_code == 200
    assert requests.post(f"{file_url}?action=Complete", headers=headers, timeout=10).status_code == 201
    batch_url = f"{live_server.url}{IMPORT}/batches/{batch}"
    assert requests.post(f"{batch_url}?action=complete", headers=headers, timeout=10).status_code == 200
    read = requests.get(f"{live_server.url}{CATALOG}/batches/{batch}", headers=headers, timeout=10).json()
    assert read[batch]["status"] == "success" and read[batch]["recordCount"] == 1
    evidence = requests.get(f"{live_server.url}/__admin/violations", timeout=10).json()
    assert evidence["violations"] == []
