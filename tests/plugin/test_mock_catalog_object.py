"""The MockCatalog object outside pytest's fixture (``MockCatalog.start()``), and its fault and
verification helpers as a consumer calls them."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests

from mockcatalog import MockCatalog, NotFound


@pytest.fixture
def mock() -> Iterator[MockCatalog]:
    started = MockCatalog.start({"seed": 2})
    yield started
    started.stop()


def list_batches(mock: MockCatalog) -> requests.Response:
    return requests.get(f"{mock.catalog_url}/batches", headers=mock.headers, timeout=10)


def test_throttle_then_fail_a_fraction_then_drop(mock: MockCatalog) -> None:
    mock.throttle_next("GET /batches", retry_after=3)
    throttled = list_batches(mock)
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "3"
    assert list_batches(mock).status_code == 200

    mock.fail_fraction("listBatches", 0.5, status=500, seed=4)
    statuses = [list_batches(mock).status_code for _ in range(20)]
    assert set(statuses) == {200, 500}
    mock.control.faults.clear()

    mock.drop_next("GET /batches")
    with pytest.raises(requests.ConnectionError):
        list_batches(mock)
    assert list_batches(mock).status_code == 200


def test_assert_not_called_and_its_report(mock: MockCatalog) -> None:
    mock.assert_not_called("POST /batches")
    list_batches(mock)
    mock.assert_not_called("GET /batches", status=500)
    with pytest.raises(AssertionError, match="Expected no request matching GET /batches; 1 of 1 matched"):
        mock.assert_not_called("GET /batches")


@pytest.mark.parametrize("wrong", ["POST /batch", "GET /batchs", "creatBatch", "GET /batches/a/b/c"])
def test_a_wrong_operation_name_is_an_error_with_a_suggestion_everywhere(
    mock: MockCatalog, wrong: str
) -> None:
    for use in (mock.fail_next, mock.drop_next, mock.calls, mock.assert_not_called, mock.assert_called):
        with pytest.raises(ValueError, match="is not an operation.*did you mean"):
            use(wrong)
    assert mock.control.faults.active() == []  # nothing half-added


def test_every_spelling_of_an_operation_works_everywhere(mock: MockCatalog) -> None:
    created = requests.post(
        f"{mock.import_url}/batches",
        json={"datasetId": "6ac98000f2a74de452e6b438", "inputFormat": {"format": "json"}},
        headers=mock.headers,
        timeout=10,
    )
    batch_id = created.json()["id"]
    for name in ("POST /batches", "POST /data/foundation/import/batches", "createBatch", "*"):
        assert len(mock.calls(name)) == 1, name
        mock.assert_called(name, times=1)
    mock.assert_not_called("GET /batches/{id}")
    requests.get(f"{mock.catalog_url}/batches/{batch_id}", headers=mock.headers, timeout=10)
    mock.assert_called(f"GET /batches/{batch_id}", times=1)  # a concrete path
    mock.assert_called(f"GET /data/foundation/catalog/batches/{batch_id}", times=1)
    mock.fail_next("POST /data/foundation/import/batches", status=503)  # the gateway spelling fires too
    again = requests.post(
        f"{mock.import_url}/batches",
        json={"datasetId": "6ac98000f2a74de452e6b438", "inputFormat": {"format": "json"}},
        headers=mock.headers,
        timeout=10,
    )
    assert again.status_code == 503
    upload = "PUT /batches/{id}/datasets/{datasetId}/files/{path}"  # the README's own spelling
    mock.fail_next(upload, status=500)
    url = f"{mock.import_url}/batches/{batch_id}/datasets/6ac98000f2a74de452e6b438/files/a/b.json"
    put = requests.put(
        url, data=b"{}", headers={**mock.headers, "Content-Type": "application/octet-stream"}, timeout=10
    )
    assert put.status_code == 500


def test_the_in_process_client_sends_the_tenants_credentials(mock: MockCatalog) -> None:
    assert mock.client.get("/batches", query_string={"limit": 2}).status_code == 200
    other = mock.tenant(org="B10BE5A1B2C3D4E5F6071829@AdobeOrg")
    theirs, ours = other.client.get("/batches"), mock.client.get("/batches")
    assert theirs.status_code == ours.status_code == 200 and theirs.json and ours.json
    assert set(theirs.json).isdisjoint(ours.json)
    assert mock.client.get("/batches", credentials=False).status_code in (401, 403)
    assert mock.client.get("/batches", headers={"x-sandbox-name": "dev"}).status_code == 200  # adds to them
    assert mock.token in mock.headers["Authorization"]
    mock.control.journal.clear()  # the deliberate credential-less request is not this test's subject


def test_outside_pytest_a_with_block_and_reset() -> None:
    with MockCatalog.start({"seed": 3}) as mock:
        made = mock.add_dataset("scratch")
        assert mock.client.get(f"/dataSets/{made}").status_code == 200
        mock.reset()
        assert mock.client.get(f"/dataSets/{made}").status_code == 404
        url = mock.url
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=2)


def test_the_fault_helpers_share_the_admin_apis_defaults(mock: MockCatalog) -> None:
    on_the_wire = requests.post(f"{mock.url}/__admin/faults", json={}, timeout=10).json()
    mock.control.faults.clear()
    made = {
        "fail_next": mock.fail_next(),
        "fail_fraction": mock.fail_fraction(),
        "throttle_next": mock.throttle_next(),
        "drop_next": mock.drop_next(),
        "delay": mock.delay(),
    }
    assert on_the_wire["operation"] == "*" and on_the_wire["status"] == 503 and on_the_wire["times"] == 1
    assert {name: fault.operation for name, fault in made.items()} == dict.fromkeys(made, "*")
    failing = {name: made[name].status for name in ("fail_next", "fail_fraction")}
    assert failing == dict.fromkeys(failing, on_the_wire["status"])
    once = {name: made[name].times for name in ("fail_next", "throttle_next", "drop_next")}
    assert once == dict.fromkeys(once, on_the_wire["times"])  # the *_next helpers fire once
    assert made["fail_fraction"].times is None and made["delay"].times is None  # the others: until cleared


def test_a_batchs_dataset_files_and_failed_rows_without_http(mock: MockCatalog) -> None:
    dataset = mock.add_dataset("rows")
    ingestion = f"{mock.import_url}/batches"
    body = {"datasetId": dataset, "inputFormat": {"format": "json"}, "partialIngestionPercentage": 50}
    batch = requests.post(ingestion, json=body, headers=mock.headers, timeout=10).json()["id"]
    octet = {**mock.headers, "Content-Type": "application/octet-stream"}
    upload = f"{ingestion}/{batch}/datasets/{dataset}/files/day=1/a.json"
    requests.put(upload, data=b'{"ok": 1}\n{"ok": 2}\n{broken\n', headers=octet, timeout=10)
    assert mock.dataset_files(batch) == {}  # not processed yet
    requests.post(f"{ingestion}/{batch}?action=COMPLETE", headers=mock.headers, timeout=10)
    assert mock.dataset_files(batch) == {"day=1/a.json": b'{"ok": 1}\n{"ok": 2}\n'}
    (row,) = mock.failed_rows(batch)
    assert (row["_corrupt_record"], row["_filename"], row["_errors"][0]["code"]) == (
        "{broken",
        "day=1/a.json",
        "1401",
    )
    served = requests.get(
        f"{mock.export_url}/batches/{batch}/failed?path=parse_errors", headers=mock.headers, timeout=10
    )
    assert [row] == [json.loads(line) for line in served.content.splitlines()]


def test_added_objects_take_ids_no_object_has_and_never_overwrite_one(mock: MockCatalog) -> None:
    """The test helpers go through the store's own checks: a seeded id generator under a frozen
    clock repeats its ids after a reset, and must not overwrite what is stored; an id named twice
    is refused, not silently replaced."""
    mock.control.clock.freeze()
    first = mock.add_dataset("first")
    mock.control.ids.reset()  # the generator would give the same id again
    second = mock.add_dataset("second")
    assert first != second
    named = mock.add_dataset("named", id="my-dataset")
    assert named == "my-dataset"
    with pytest.raises(ValueError, match="my-dataset"):
        mock.add_dataset("again", id="my-dataset")
    batch = mock.add_batch(first, status="success")
    with pytest.raises(ValueError, match=batch):
        mock.add_batch(first, id=batch)
    with pytest.raises(ValueError, match="status"):
        mock.add_batch(first, status="no-such-status")  # the shape openapi.yaml gives a batch
    got = requests.get(f"{mock.catalog_url}/dataSets/{first},{named}", headers=mock.headers, timeout=10)
    assert {obj["name"] for obj in got.json().values()} == {"first", "named"}


def test_added_objects_stay_in_the_tests_tenant(mock: MockCatalog) -> None:
    with pytest.raises(ValueError, match="this test's tenant"):
        mock.add_dataset("elsewhere", imsOrg="OTHER0000000000000000000@AdobeOrg")
    assert mock.add_dataset("no id given", id="") != ""  # an empty id is no id


def test_dataset_files_whose_contents_were_dropped_say_why(mock: MockCatalog) -> None:
    dataset_id = mock.add_dataset("rows")
    base = f"{mock.url}/data/foundation/import/batches"
    headers = {**mock.headers, "Content-Type": "application/octet-stream"}
    body = {"datasetId": dataset_id, "inputFormat": {"format": "json"}}
    batch_id = requests.post(base, json=body, headers=mock.headers, timeout=10).json()["id"]
    upload = f"{base}/{batch_id}/datasets/{dataset_id}/files/a.json"
    assert requests.put(upload, data=b'{"a": 1}\n', headers=headers, timeout=10).status_code == 200
    requests.post(f"{base}/{batch_id}?action=COMPLETE", headers=mock.headers, timeout=10)
    assert mock.dataset_files(batch_id) == {"a.json": b'{"a": 1}\n'}
    mock.control.files.clear()
    with pytest.raises(NotFound, match="--max-kept-file-bytes"):
        mock.dataset_files(batch_id)
