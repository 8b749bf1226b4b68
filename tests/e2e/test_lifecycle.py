"""The consumer's whole job over HTTP: find or create a dataset, create a batch, upload files,
complete it, poll until it succeeds or fails, read the stats; and the Catalog writes around it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flask import Flask

from mockcatalog import create_app
from mockcatalog.http.extension import control_of
from mockcatalog.server import LiveServer

from ..conftest import Credentials

pytestmark = pytest.mark.e2e

GATEWAY = {"catalog": "/data/foundation/catalog", "import": "/data/foundation/import"}
BARE = {"catalog": "", "import": ""}


class Client:
    """Just enough of a consumer's client: the base paths and the credentials."""

    def __init__(self, server: LiveServer, headers: dict[str, str], paths: dict[str, str]) -> None:
        self.session = requests.Session()
        self.session.headers.update(headers)
        self.catalog = server.url + paths["catalog"]
        self.ingest = server.url + paths["import"]

    def create_dataset(self, name: str) -> str:
        response = self.session.post(f"{self.catalog}/dataSets", json={"name": name}, timeout=10)
        assert response.status_code == 201, response.text
        (reference,) = response.json()
        assert reference.startswith("@/dataSets/")
        return str(reference.removeprefix("@/dataSets/"))

    def create_batch(self, dataset_id: str, **fields: Any) -> str:
        body = {"datasetId": dataset_id, "inputFormat": {"format": "json"}, **fields}
        response = self.session.post(f"{self.ingest}/batches", json=body, timeout=10)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def upload(
        self, batch_id: str, dataset_id: str, path: str, data: bytes, **kwargs: Any
    ) -> requests.Response:
        headers = {"Content-Type": "application/octet-stream", **kwargs.pop("headers", {})}
        url = f"{self.ingest}/batches/{batch_id}/datasets/{dataset_id}/files/{path}"
        return self.session.put(url, data=data, headers=headers, timeout=10, **kwargs)

    def action(self, batch_id: str, action: str) -> requests.Response:
        # SDKs send Content-Type: application/json with no body on actions: that is normal
        headers = {"Content-Type": "application/json"}
        return self.session.post(
            f"{self.ingest}/batches/{batch_id}", params={"action": action}, headers=headers, timeout=10
        )

    def batch(self, batch_id: str) -> dict[str, Any]:
        response = self.session.get(f"{self.catalog}/batches/{batch_id}", timeout=10)
        assert response.status_code == 200, response.text
        return dict(response.json()[batch_id])

    def dataset(self, dataset_id: str) -> dict[str, Any]:
        return dict(self.session.get(f"{self.catalog}/dataSets/{dataset_id}", timeout=10).json()[dataset_id])

    def poll(self, batch_id: str, attempts: int = 10) -> dict[str, Any]:
        for _ in range(attempts):
            batch = self.batch(batch_id)
            if batch["status"] not in ("loading", "staging", "processing"):
                return batch
        raise AssertionError(f"batch {batch_id} never finished: {batch['status']}")


def records(*rows: dict[str, Any]) -> bytes:
    return "\n".join(json.dumps(row) for row in rows).encode()


@pytest.fixture(params=["bare", "gateway"])
def client(live_server: LiveServer, credentials: Credentials, request: pytest.FixtureRequest) -> Client:
    return Client(live_server, credentials(), BARE if request.param == "bare" else GATEWAY)


def test_the_whole_workflow_to_success(client: Client) -> None:
    dataset_id = client.create_dataset("Orders")
    batch_id = client.create_batch(dataset_id)
    part_one = records({"id": 1}, {"id": 2})
    first = client.upload(batch_id, dataset_id, "part-1.json", part_one)
    second = client.upload(batch_id, dataset_id, "nested/part-2.json", records({"id": 3}))
    assert (first.status_code, second.status_code) == (200, 200)  # the guides' examples
    expected = {  # the ingestion spec's File (name, sizeInBytes), and where the file went
        "name": "part-1.json",
        "sizeInBytes": len(part_one),
        "batchId": batch_id,
        "datasetId": dataset_id,
        "path": "part-1.json",
        "size": len(part_one),
    }
    assert first.json() == expected
    assert client.upload(batch_id, dataset_id, "part-1.json", part_one).status_code == 200  # replaced

    completed = client.action(batch_id, "COMPLETE")
    assert completed.status_code == 200 and completed.content == b""
    batch = client.poll(batch_id)
    assert batch["status"] == "success"
    assert (batch["recordCount"], batch["failedRecordCount"]) == (3, 0)
    assert batch["metrics"]["partitionCount"] == 2 and batch["size"] > 0
    assert batch["started"] <= batch["completed"]
    assert client.action(batch_id, "COMPLETE").status_code == 200  # a retry is safe

    listed = client.session.get(
        f"{client.catalog}/batches", params={"dataSet": dataset_id}, timeout=10
    ).json()
    assert list(listed) == [batch_id]
    dataset = client.dataset(dataset_id)
    assert (dataset["lastBatchId"], dataset["lastBatchStatus"], dataset["lastSuccessfulBatch"]) == (
        batch_id, "success", batch_id,
    )  # fmt: skip
    summary = client.session.get(
        f"{client.catalog}/dataSets/{dataset_id}/ingestBatchSummary", timeout=10
    ).json()
    assert (summary["status"], summary["recordCount"], summary["metrics"]["success"]) == ("success", 3, 1)


def test_an_empty_batch_fails_with_error_106(client: Client) -> None:
    dataset_id = client.create_dataset("Empty")
    batch_id = client.create_batch(dataset_id)
    client.action(batch_id, "COMPLETE")
    batch = client.poll(batch_id)
    assert batch["status"] == "failed"
    assert batch["errors"][0]["code"] == "106"
    assert "metrics" not in batch  # metrics only on a batch that succeeded
    dataset = client.dataset(dataset_id)
    assert (dataset["lastBatchStatus"], dataset["lastFailedBatch"]) == ("failure", batch_id)  # Adobe's names
    assert "lastSuccessfulBatch" not in client.dataset(dataset_id)


def test_bad_rows_fail_the_batch_with_their_numbers(client: Client) -> None:
    dataset_id = client.create_dataset("Bad rows")
    batch_id = client.create_batch(dataset_id)
    client.upload(batch_id, dataset_id, "a.json", records({"ok": 1}) + b"\n{broken\n" + records({"ok": 2}))
    client.action(batch_id, "COMPLETE")
    batch = client.poll(batch_id)
    assert batch["status"] == "failed" and batch["errors"][-1]["rows"] == ["2"]


def test_upload_refusals(client: Client) -> None:
    dataset_id = client.create_dataset("Refusals")
    other = client.create_dataset("Other")
    batch_id = client.create_batch(dataset_id)
    assert client.upload("01HZZZZZZZZZZZZZZZZZZZZZZZ", dataset_id, "a.json", b"{}").status_code == 404
    assert client.upload(batch_id, other, "a.json", b"{}").status_code == 404
    assert client.upload(batch_id, "5ba9452f7de80400007fc52a", "a.json", b"{}").status_code == 404
    wrong_type = client.upload(
        batch_id, dataset_id, "a.json", b"{}", headers={"Content-Type": "application/json"}
    )
    assert wrong_type.status_code == 415 and "application/octet-stream" in wrong_type.json()["detail"]
    client.action(batch_id, "ABORT")
    late = client.upload(batch_id, dataset_id, "a.json", b"{}")
    assert late.status_code == 400 and "'aborted'" in late.json()["detail"]


@pytest.mark.parametrize(
    ("steps", "refused", "final"),
    [
        (["ABORT"], "COMPLETE", "aborted"),
        (["FAIL"], "ABORT", "failed"),
        (["COMPLETE"], "ABORT", "failed"),  # empty: processing fails it
        (["COMPLETE"], "REVERT", "failed"),
    ],
)
def test_actions_the_status_does_not_allow_are_400s(
    client: Client, steps: list[str], refused: str, final: str
) -> None:
    dataset_id = client.create_dataset("Actions")
    batch_id = client.create_batch(dataset_id)
    for step in steps:
        done = client.action(batch_id, step)
        assert (done.status_code, done.content, done.headers.get("Content-Type")) == (200, b"", None)
    response = client.action(batch_id, refused)
    assert response.status_code == 400 and f"{final!r}" in response.json()["detail"]
    assert client.batch(batch_id)["status"] == final


def test_revert_makes_a_successful_batch_inactive(client: Client) -> None:
    dataset_id = client.create_dataset("Revert")
    batch_id = client.create_batch(dataset_id)
    client.upload(batch_id, dataset_id, "a.json", records({"a": 1}))
    client.action(batch_id, "COMPLETE")
    assert client.action(batch_id, "REVERT").status_code == 200
    assert client.batch(batch_id)["status"] == "inactive"


def test_an_unknown_action_is_a_400(client: Client) -> None:
    batch_id = client.create_batch(client.create_dataset("x"))
    response = client.action(batch_id, "finish")
    assert response.status_code == 400 and "action" in response.json()["errors"]
    assert client.action(batch_id, "complete").status_code == 200  # in any case, as a guide writes it


def test_catalog_writes_bump_the_version_and_honour_if_match(client: Client) -> None:
    dataset_id = client.create_dataset("Writes")
    url = f"{client.catalog}/dataSets/{dataset_id}"
    created = client.dataset(dataset_id)
    assert created["version"] == "1.0.0" and created["classification"] == {"dataBehavior": "time-series"}
    patched = client.session.patch(url, json={"description": "patched", "imsOrg": "ignored"}, timeout=10)
    assert patched.status_code == 200 and patched.json() == [f"@/dataSets/{dataset_id}"]
    after = client.dataset(dataset_id)
    assert after["description"] == "patched" and after["imsOrg"] == created["imsOrg"]
    assert after["version"] == "1.0.1" and after["updated"] >= created["updated"]

    stale = client.session.patch(url, json={"name": "x"}, headers={"If-Match": "1.0.0"}, timeout=10)
    assert stale.status_code == 412 and client.dataset(dataset_id)["name"] == "Writes"
    json_patch = [
        {"op": "add", "path": "/tags/team", "value": ["data"]},
        {"op": "replace", "path": "/name", "value": "Renamed"},
    ]
    headers = {"Content-Type": "application/json-patch+json", "If-Match": "1.0.1"}
    assert client.session.patch(url, json=json_patch, headers=headers, timeout=10).status_code == 200
    after = client.dataset(dataset_id)
    tags = {"adobe/pqs/table": ["writes"], "team": ["data"]}  # the table's from the name it was made with
    assert (after["name"], after["tags"], after["version"]) == ("Renamed", tags, "1.0.2")

    failing_test = [{"op": "test", "path": "/name", "value": "nope"}, {"op": "remove", "path": "/name"}]
    refused = client.session.patch(
        url, json=failing_test, headers={"Content-Type": "application/json-patch+json"}, timeout=10
    )
    assert refused.status_code == 422 and client.dataset(dataset_id)["name"] == "Renamed"
    server_field = [{"op": "replace", "path": "/imsOrg", "value": "other@AdobeOrg"}]
    assert (
        client.session.patch(
            url, json=server_field, headers={"Content-Type": "application/json-patch+json"}, timeout=10
        ).status_code
        == 400
    )

    replaced = client.session.put(url, json={"name": "Replaced"}, timeout=10)
    assert replaced.status_code == 200
    after = client.dataset(dataset_id)
    assert (
        after["name"] == "Replaced" and "description" not in after and after["created"] == created["created"]
    )

    assert client.session.delete(url, headers={"If-Match": "0.0.1"}, timeout=10).status_code == 412
    assert client.session.delete(url, timeout=10).json() == [f"@/dataSets/{dataset_id}"]
    assert client.session.get(url, timeout=10).status_code == 404
    again = client.session.delete(url, timeout=10)  # nothing matches: 200 and [] (Catalog guide)
    assert (again.status_code, again.json()) == (200, [])
    assert client.session.delete(url, headers={"If-Match": "0.0.1"}, timeout=10).json() == []


def test_catalog_batch_creation_answers_a_reference(
    live_server: LiveServer, credentials: Credentials
) -> None:
    client = Client(live_server, credentials(), GATEWAY)
    dataset_id = client.create_dataset("Catalog batch")
    body = {
        "relatedObjects": [{"type": "dataSet", "id": dataset_id}],
        "status": "loading",
        "tags": {"t": ["v"]},
    }
    created = client.session.post(f"{client.catalog}/batches", json=body, timeout=10)
    assert created.status_code == 201
    batch_id = created.json()[0].removeprefix("@/batches/")
    assert client.batch(batch_id)["status"] == "loading"
    body["relatedObjects"][0]["id"] = "5ba9452f7de80400007fc52a"
    assert client.session.post(f"{client.catalog}/batches", json=body, timeout=10).status_code == 400
    bare = client.session.post(live_server.url + "/batches", json={"relatedObjects": []}, timeout=10)
    assert bare.status_code == 400 and "datasetId" in bare.json()["errors"]  # bare POST is Batch Ingestion's


@pytest.fixture
def slow_app() -> Iterator[Flask]:
    yield create_app({"processing_delay_ms": 60_000, "frozen_at_ms": 1_800_000_000_000})


def completed_batch(client: Client, dataset_name: str) -> str:
    """A batch of one row in a new dataset, COMPLETEd: its id."""
    dataset_id = client.create_dataset(dataset_name)
    batch_id = client.create_batch(dataset_id)
    client.upload(batch_id, dataset_id, "a.json", records({"a": 1}))
    client.action(batch_id, "COMPLETE")
    return batch_id


def test_delayed_processing_finishes_when_the_clock_moves(slow_app: Flask, credentials: Credentials) -> None:
    with LiveServer(slow_app) as server:
        client = Client(server, credentials(), GATEWAY)
        batch_id = completed_batch(client, "Slow")
        assert client.batch(batch_id)["status"] == "staging"
        requests.post(f"{server.url}/__admin/clock", json={"advanceMs": 40_000}, timeout=10)
        assert client.batch(batch_id)["status"] == "processing"
        control_of(slow_app).clock.advance(20_000)
        batch = client.batch(batch_id)
        assert batch["status"] == "success"
        assert batch["completed"] - batch["started"] == 60_000  # frozen clock: exact, every run
        assert batch["started"] == 1_800_000_000_000


def test_a_batch_is_cancelled_while_processing_and_processing_never_brings_it_back(
    slow_app: Flask, credentials: Credentials
) -> None:
    """Both ingestion guides: ABORT cancels a batch that is processing, not one that is final."""
    with LiveServer(slow_app) as server:
        client = Client(server, credentials(), GATEWAY)
        batch_id = completed_batch(client, "Cancelled")
        control_of(slow_app).clock.advance(40_000)
        assert client.batch(batch_id)["status"] == "processing"
        assert client.action(batch_id, "ABORT").status_code == 200
        control_of(slow_app).clock.advance(60_000)  # past when processing would have finished
        assert client.batch(batch_id)["status"] == "aborted"
        files = client.session.get(f"{client.catalog}/dataSetFiles?batchId={batch_id}", timeout=10).json()
        assert files == {}
        again = client.action(batch_id, "ABORT")
        assert again.status_code == 400 and "'aborted'" in again.json()["detail"]


def test_polled_processing_exercises_a_polling_loop(
    live_server: LiveServer, credentials: Credentials
) -> None:
    requests.put(f"{live_server.url}/__admin/processing", json={"polls": 3}, timeout=10)
    client = Client(live_server, credentials(), GATEWAY)
    dataset_id = client.create_dataset("Polled")
    batch_id = client.create_batch(dataset_id)
    client.upload(batch_id, dataset_id, "a.json", records({"a": 1}))
    client.action(batch_id, "COMPLETE")
    seen = [client.batch(batch_id)["status"] for _ in range(4)]
    assert seen == ["processing", "processing", "success", "success"]


def test_large_files_are_refused_with_413_as_a_limit_of_the_mock(credentials: Credentials) -> None:
    """A file Adobe takes in one request (up to 512 MiB) but past --max-file-bytes is the mock's
    limit, not the client's violation."""
    app = create_app({"max_file_bytes": 1000})
    with LiveServer(app) as server:
        client = Client(server, credentials(), GATEWAY)
        dataset_id = client.create_dataset("Big")
        batch_id = client.create_batch(dataset_id)
        refused = client.upload(batch_id, dataset_id, "a.json", b"x" * 1001)
        assert refused.status_code == 413 and refused.json()["limit"] == {
            "name": "--max-file-bytes",
            "value": 1000,
        }
        assert client.upload(batch_id, dataset_id, "a.json", b"x" * 1000).status_code == 200
    journal = control_of(app).journal
    assert not journal.violations() and [entry.cannot for entry in journal.unsupported()] == ["limit"]
