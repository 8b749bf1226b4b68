"""End to end: what a consumer does, over HTTP, against the mock on 127.0.0.1."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from mockcatalog.catalog.summary import WINDOW_MS
from mockcatalog.server import LiveServer

from ..conftest import ACME, GLOBEX, Credentials

pytestmark = pytest.mark.e2e

CATALOG = ["", "/data/foundation/catalog"]
IMPORT = ["", "/data/foundation/import"]


def get(server: LiveServer, path: str, headers: dict[str, str], **params: Any) -> requests.Response:
    return requests.get(server.url + path, headers=headers, params=params, timeout=10)


def first_dataset(server: LiveServer, headers: dict[str, str]) -> str:
    return next(iter(get(server, "/dataSets", headers, orderBy="name", limit=1).json()))


@pytest.mark.parametrize("prefix", CATALOG)
def test_list_batches_orders_pages_and_filters(
    live_server: LiveServer, credentials: Credentials, prefix: str
) -> None:
    acme = credentials()
    response = get(live_server, prefix + "/batches", acme, orderBy="desc:created", limit=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    created = [batch["created"] for batch in response.json().values()]
    assert len(created) == 5 and created == sorted(created, reverse=True)

    failed = get(live_server, prefix + "/batches", acme, status="failed", properties="status,errors").json()
    assert failed and all(set(b) <= {"status", "errors"} and b["status"] == "failed" for b in failed.values())


def test_paging_like_an_sdk_terminates_and_sees_every_batch_once(
    live_server: LiveServer, credentials: Credentials
) -> None:
    acme, seen, start = credentials(), [], 0
    while True:
        page = get(live_server, "/batches", acme, limit=4, start=start, orderBy="created").json()
        seen.extend(page)
        if len(page) < 4:
            break
        start += 4
    assert len(seen) == len(set(seen)) == len(get(live_server, "/batches", acme, limit=100).json())
    assert get(live_server, "/batches", acme, start=10_000).json() == {}


def test_related_object_tags_and_property_filters(live_server: LiveServer, credentials: Credentials) -> None:
    acme = credentials()
    dataset = first_dataset(live_server, acme)
    of_dataset = get(live_server, "/batches", acme, dataSet=dataset, limit=100).json()
    assert of_dataset and all(
        {"type": "dataSet", "id": dataset} in batch["relatedObjects"] for batch in of_dataset.values()
    )
    tagged = get(live_server, "/batches", acme, tags="acme/source:store*", limit=100).json()
    assert tagged and all("storefront" in b["tags"]["acme/source"] for b in tagged.values())
    big = get(live_server, "/batches", acme, property="recordCount>=1000", limit=100).json()
    assert all(b["recordCount"] >= 1000 for b in big.values())


def test_filters_sent_as_headers(live_server: LiveServer, credentials: Credentials) -> None:
    acme = credentials()
    everything = get(live_server, "/batches", acme, limit=100).json()  # requests sends Connection: keep-alive
    assert {b["status"] for b in everything.values()} > {"failed"}
    failed = get(live_server, "/batches", {**acme, "status": "failed"}, limit=100).json()
    assert failed and {b["status"] for b in failed.values()} == {"failed"}
    overridden = get(
        live_server, "/batches", {**acme, "status": "failed"}, status="success", limit=100
    ).json()
    assert {b["status"] for b in overridden.values()} == {"success"}


@pytest.mark.parametrize("prefix", CATALOG)
def test_datasets_list_and_read_several_by_id(
    live_server: LiveServer, credentials: Credentials, prefix: str
) -> None:
    acme = credentials()
    ids = list(get(live_server, prefix + "/dataSets", acme, orderBy="desc:name", limit=3).json())
    both = get(live_server, f"{prefix}/dataSets/{ids[2]},{ids[0]}", acme, properties="name,classification")
    assert both.status_code == 200
    assert list(both.json()) == [ids[2], ids[0]]
    assert all(set(obj) == {"name", "classification"} for obj in both.json().values())
    missing = get(live_server, f"{prefix}/dataSets/{ids[0]},5ba9452f7de80400007fc52a", acme)
    assert missing.status_code == 404 and "5ba9452f7de80400007fc52a" in missing.json()["detail"]


@pytest.mark.parametrize(("catalog", "ingest"), list(zip(CATALOG, IMPORT, strict=True)))
def test_create_batch_then_find_it_everywhere(
    live_server: LiveServer, credentials: Credentials, catalog: str, ingest: str
) -> None:
    acme = credentials(api_key="my-client")
    dataset = first_dataset(live_server, acme)
    created = requests.post(
        live_server.url + ingest + "/batches",
        json={
            "datasetId": dataset,
            "inputFormat": {"format": "Parquet"},
            "tags": {"team": ["ingest"]},
        },
        headers=acme,
        timeout=10,
    )
    assert created.status_code == 201
    batch = created.json()
    assert batch["status"] == "loading" and batch["createdClient"] == "my-client"
    assert batch["inputFormat"]["format"] == "parquet" and batch["externalId"] == batch["id"]
    assert abs(batch["created"] - time.time() * 1000) < 60_000

    assert get(live_server, f"{catalog}/batches/{batch['id']}", acme).json() == {batch["id"]: batch}
    listed = get(live_server, catalog + "/batches", acme, dataSet=dataset, orderBy="desc:created", limit=1)
    assert list(listed.json()) == [batch["id"]]
    summary = get(live_server, f"{catalog}/dataSets/{dataset}/ingestBatchSummary", acme).json()
    assert summary["metrics"]["loading"] >= 1 and summary["status"] == "processing"


def test_summary_agrees_with_the_batch_list(live_server: LiveServer, credentials: Credentials) -> None:
    acme = credentials()
    dataset = first_dataset(live_server, acme)
    week_ago = int(time.time() * 1000) - WINDOW_MS
    summary = get(live_server, f"/dataSets/{dataset}/ingestBatchSummary", acme).json()
    batches = get(
        live_server, "/batches", acme, dataSet=dataset, createdAfter=week_ago + 5_000, limit=100
    ).json()
    assert batches, "the packaged fixtures should keep the 7-day window populated"
    assert summary["metrics"]["batchCount"] == len(batches)
    assert summary["recordCount"] == sum(b.get("recordCount", 0) for b in batches.values())
    assert summary["size"] == sum(b.get("size", 0) for b in batches.values())

    everything = get(live_server, f"/dataSets/{dataset}/ingestBatchSummary", acme, createdAfter=0).json()
    assert everything["metrics"]["batchCount"] > len(batches)
    newest_two = get(
        live_server,
        f"/dataSets/{dataset}/ingestBatchSummary",
        acme,
        createdAfter=0,
        orderBy="desc:created",
        limit=2,
        properties="metrics,status",
    ).json()
    assert set(newest_two) == {"metrics", "status"} and newest_two["metrics"]["batchCount"] == 2


def test_tenants_never_see_each_other(live_server: LiveServer, credentials: Credentials) -> None:
    acme, globex, acme_dev = credentials(), credentials(GLOBEX), credentials(ACME, "dev")
    acme_sets = get(live_server, "/dataSets", acme).json()
    globex_sets = get(live_server, "/dataSets", globex).json()
    dev_sets = get(live_server, "/dataSets", acme_dev).json()
    assert acme_sets and globex_sets and dev_sets
    assert not set(acme_sets) & set(globex_sets) and not set(acme_sets) & set(dev_sets)
    assert all(obj["imsOrg"] == GLOBEX for obj in globex_sets.values())
    dataset = next(iter(acme_sets))
    for other in (globex, acme_dev):
        assert get(live_server, f"/dataSets/{dataset}", other).status_code == 404
        assert get(live_server, f"/dataSets/{dataset}/ingestBatchSummary", other).status_code == 404
        assert get(live_server, "/batches", other, dataSet=dataset).json() == {}
        refused = requests.post(
            live_server.url + "/batches",
            json={"datasetId": dataset, "inputFormat": {"format": "json"}},
            headers=other,
            timeout=10,
        )
        assert refused.status_code == 400 and "datasetId" in refused.json()["errors"]


@pytest.mark.parametrize(
    ("method", "path", "headers", "kwargs", "status", "field"),
    [
        ("GET", "/batches?limit=0", "acme", {}, 400, "limit"),
        ("GET", "/batches?limit=101", "acme", {}, 400, "limit"),
        ("GET", "/batches?limit=ten", "acme", {}, 400, "limit"),
        ("GET", "/batches?property=name~(unclosed", "acme", {}, 400, "property"),
        ("GET", "/dataSets/5ba9452f7de80400007fc52a/ingestBatchSummary", "acme", {}, 404, None),
        ("GET", "/no/such/path", "acme", {}, 404, None),
        ("DELETE", "/batches", "acme", {}, 405, None),
        ("GET", "/batches?status=" + "x" * 2000, "acme", {}, 414, None),
        (
            "POST",
            "/batches",
            "acme",
            {"data": "datasetId=1", "headers": {"Content-Type": "text/plain"}},
            400,
            "Content-Type",
        ),
        (
            "POST",
            "/batches",
            "acme",
            {"data": "{", "headers": {"Content-Type": "application/json"}},
            400,
            "body",
        ),
        ("POST", "/batches", "acme", {"json": {}}, 400, "datasetId"),
        (
            "POST",
            "/batches",
            "acme",
            {"json": {"datasetId": "x", "inputFormat": {"format": "xml"}}},
            400,
            "inputFormat.format",
        ),
        (
            "POST",
            "/batches",
            "acme",
            {"data": b"x" * (1024 * 1024 + 1), "headers": {"Content-Type": "application/json"}},
            413,
            None,
        ),
    ],
)
def test_errors_answer_their_status_with_a_helpful_json_body(
    live_server: LiveServer,
    credentials: Credentials,
    method: str,
    path: str,
    headers: str,
    kwargs: dict[str, Any],
    status: int,
    field: str | None,
) -> None:
    sent = credentials()
    sent.update(kwargs.pop("headers", {}))
    before = get(live_server, "/batches", credentials(), limit=100).json()
    response = requests.request(method, live_server.url + path, headers=sent, timeout=10, **kwargs)
    assert response.status_code == status
    body = response.json()
    assert body["type"] and body["status"] == status and body["title"] and body["detail"]
    if field is not None:
        assert field in body["errors"], body
    assert get(live_server, "/batches", credentials(), limit=100).json() == before
