"""Requests that once took the mock down, poisoned a tenant or lost an update, through a live server:
each is answered, and every later read of the tenant still works."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from flask import Flask

from mockcatalog import create_app
from mockcatalog.catalog.model import UNREADABLE_ROWS_DESCRIPTION
from mockcatalog.http.extension import control_of
from mockcatalog.server import LiveServer

from ..conftest import make_credentials

pytestmark = pytest.mark.e2e

WEB_EVENTS = "6ac98000f2a74de452e6b438"  # an ACME dataset of the packaged fixtures
H = make_credentials()


def call(method: str, url: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, url, headers={**H, **kwargs.pop("headers", {})}, timeout=20, **kwargs)


def new_batch(url: str) -> str:
    created = call(
        "POST",
        f"{url}/data/foundation/import/batches",
        json={"datasetId": WEB_EVENTS, "inputFormat": {"format": "json"}},
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def the_tenant_still_reads(url: str) -> None:
    for path in ("/batches", "/dataSets", f"/dataSets/{WEB_EVENTS}/ingestBatchSummary"):
        assert call("GET", url + path).status_code == 200, path
    assert requests.get(f"{url}/__admin/state", timeout=20).status_code == 200
    assert requests.get(f"{url}/__admin/requests", timeout=20).status_code == 200
    assert requests.get(f"{url}/__admin/violations", timeout=20).status_code == 200


def test_wildcards_never_backtrack(live_server: LiveServer) -> None:
    url = live_server.url
    name = "a" * 60
    assert call("POST", f"{url}/dataSets", json={"name": name, "tags": {"t": [name]}}).status_code == 201
    evil = "*a*a*a*a*a*a*a*a*a*b"  # a backtracking matcher takes minutes on 60 a's
    assert call("GET", f"{url}/dataSets", params={"property": f"name=={evil}"}).json() == {}
    assert call("GET", f"{url}/dataSets", params={"tags": f"t:{evil}"}).json() == {}
    found = call("GET", f"{url}/dataSets", params={"property": "name==*a*a*a*a", "properties": "name"})
    assert list(found.json().values()) == [{"name": name}]


def test_a_file_no_parser_can_read_fails_its_batch_once_and_reads_stay_fine(live_server: LiveServer) -> None:
    url = live_server.url
    batch_id = new_batch(url)
    deep = b"[" * 100_000 + b"]" * 100_000 + b"\n" + b'{"ok": 1}\n'
    upload = f"{url}/data/foundation/import/batches/{batch_id}/datasets/{WEB_EVENTS}/files/deep.json"
    put = call("PUT", upload, data=deep, headers={"Content-Type": "application/octet-stream"})
    assert put.status_code == 200, put.text
    assert call("POST", f"{url}/data/foundation/import/batches/{batch_id}", params={"action": "COMPLETE"}).ok
    batch = call("GET", f"{url}/batches/{batch_id}").json()[batch_id]
    assert batch["status"] == "failed" and batch["failedRecordCount"] == 2 - batch["recordCount"]
    assert {"code": "1401", "description": UNREADABLE_ROWS_DESCRIPTION, "rows": ["1"]} in batch["errors"]
    the_tenant_still_reads(url)


def test_every_lifecycle_change_moves_the_version(live_server: LiveServer) -> None:
    url = live_server.url
    batch_id = new_batch(url)
    read_version = call("GET", f"{url}/batches/{batch_id}").json()[batch_id]["version"]
    upload = f"{url}/data/foundation/import/batches/{batch_id}/datasets/{WEB_EVENTS}/files/a.json"
    call("PUT", upload, data=b'{"a": 1}\n', headers={"Content-Type": "application/octet-stream"})
    assert call("POST", f"{url}/data/foundation/import/batches/{batch_id}", params={"action": "COMPLETE"}).ok
    stale = call(
        "PUT", f"{url}/batches/{batch_id}", json={"status": "loading"}, headers={"If-Match": read_version}
    )
    assert stale.status_code == 412  # it would have put a finished batch back to loading
    done = call("GET", f"{url}/batches/{batch_id}").json()[batch_id]
    assert done["status"] == "success" and done["version"] != read_version
    dataset = call("GET", f"{url}/dataSets/{WEB_EVENTS}").json()[WEB_EVENTS]
    assert dataset["lastBatchId"] == batch_id and dataset["version"] != "1.0.0"
    anything = call("PATCH", f"{url}/batches/{batch_id}", json={"name": "n"}, headers={"If-Match": "*"})
    assert anything.status_code == 200


def test_a_json_patch_of_the_root_cannot_move_an_object_to_another_tenant(live_server: LiveServer) -> None:
    url = live_server.url
    current = call("GET", f"{url}/dataSets/{WEB_EVENTS}").json()[WEB_EVENTS]
    moved = {**current, "sandboxName": "dev", "imsOrg": "OTHER@AdobeOrg", "name": "renamed"}
    patch = [{"op": "replace", "path": "", "value": moved}]
    answer = call(
        "PATCH",
        f"{url}/dataSets/{WEB_EVENTS}",
        json=patch,
        headers={"Content-Type": "application/json-patch+json"},
    )
    assert answer.status_code == 200, answer.text
    stored = requests.get(f"{url}/__admin/state", timeout=20).json()["dataSets"][WEB_EVENTS]
    assert stored["name"] == "renamed" and "sandboxName" not in stored
    assert stored["imsOrg"] == current["imsOrg"]
    served = call("GET", f"{url}/dataSets/{WEB_EVENTS}").json()[WEB_EVENTS]
    assert served["sandboxId"] == current["sandboxId"] and "sandboxName" not in served
    assert call("GET", f"{url}/dataSets/{WEB_EVENTS}", headers={"x-sandbox-name": "dev"}).status_code == 404


def test_a_request_nested_too_deep_leaves_the_journal_readable(live_server: LiveServer) -> None:
    url = live_server.url
    deep = b'{"name": ' + b"[" * 5_000 + b"]" * 5_000 + b"}"
    answer = call("POST", f"{url}/dataSets", data=deep, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    medium = b'{"name": ' + b"[" * 500 + b"]" * 500 + b"}"  # parses, but deeper than a body may be
    assert (
        call("POST", f"{url}/dataSets", data=medium, headers={"Content-Type": "application/json"}).status_code
        == 400
    )
    the_tenant_still_reads(url)


def test_ordering_by_a_version_like_value_of_thousands_of_digits(live_server: LiveServer) -> None:
    url = live_server.url
    huge = "1." + "9" * 5_000
    assert call("POST", f"{url}/dataSets", json={"name": "v", "release": huge}).status_code == 201
    ordered = call("GET", f"{url}/dataSets", params={"orderBy": "release", "property": "release==1.*"})
    assert ordered.status_code == 200 and len(ordered.json()) == 1


@pytest.fixture
def seeded_frozen_app() -> Flask:
    return create_app({"seed": 5, "frozen_at_ms": 1_700_000_000_000})


def test_seeded_ids_under_a_frozen_clock_never_overwrite_what_is_stored(seeded_frozen_app: Flask) -> None:
    with LiveServer(seeded_frozen_app) as server:
        first = call("POST", f"{server.url}/dataSets", json={"name": "first"}).json()[0]
        state = requests.get(f"{server.url}/__admin/state", timeout=20).json()
    restarted = create_app({"seed": 5, "frozen_at_ms": 1_700_000_000_000})  # the same ids again
    with LiveServer(restarted) as server:
        assert requests.put(f"{server.url}/__admin/state", json=state, timeout=20).ok
        second = call("POST", f"{server.url}/dataSets", json={"name": "second"}).json()[0]
        assert second != first
        names = {
            obj["name"]
            for obj in call("GET", f"{server.url}/dataSets", params={"limit": 100}).json().values()
        }
    assert {"first", "second"} <= names
    assert control_of(restarted).journal.mock_errors() == []


def test_what_a_long_lived_server_keeps_follows_its_data(live_server: LiveServer) -> None:
    url, control = live_server.url, control_of(live_server.app)
    for n in range(50):  # made-up parameter names: counted in one bucket, not kept one by one
        call("GET", f"{url}/batches", params={f"made_up_{n}": "1"})
    used = control.coverage.report()["operations"]["GET /batches"]["parameters"]["used"]
    assert not any(name.startswith("made_up") for name in used)
    stranger = make_credentials("STRANGER000000000000000ZZ@AdobeOrg")
    created = requests.post(f"{url}/dataSets", json={"name": "x"}, headers=stranger, timeout=20)
    dataset_id = created.json()[0].rsplit("/", 1)[1]
    assert ("STRANGER000000000000000ZZ@AdobeOrg", "prod") in control.tenants.known()
    assert requests.delete(f"{url}/dataSets/{dataset_id}", headers=stranger, timeout=20).ok
    assert ("STRANGER000000000000000ZZ@AdobeOrg", "prod") not in control.tenants.known()  # emptied: freed
    huge_token = {"Authorization": "Bearer " + "t" * 200_000}
    call("GET", f"{url}/batches", headers=huge_token)
    entry = control.journal.entries()[-1]
    assert entry.headers["Authorization"] == "***"
    kept = control.journal._entries[-1].environ  # what the journal holds, not what it shows
    assert sum(len(value) for value in kept.values() if isinstance(value, str)) < 20_000


def test_active_faults_are_bounded(live_server: LiveServer) -> None:
    from mockcatalog.control.faults import MAX_ACTIVE_FAULTS

    add = f"{live_server.url}/__admin/faults"
    for _ in range(MAX_ACTIVE_FAULTS):
        assert (
            requests.post(add, json={"operation": "GET /batches/{id}", "status": 503}, timeout=20).status_code
            == 201
        )
    refused = requests.post(add, json={"operation": "GET /batches/{id}", "status": 503}, timeout=20)
    assert refused.status_code == 400 and str(MAX_ACTIVE_FAULTS) in refused.json()["detail"]


def admin(url: str, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, f"{url}/__admin{path}", timeout=20, **kwargs)


def test_processing_hand_made_fixtures_is_never_the_clients_fault(live_server: LiveServer) -> None:
    url, control = live_server.url, control_of(live_server.app)
    bare = {
        "name": "bare",
        "imsOrg": H["x-gw-ims-org-id"],
    }  # no updatedUser, no version: the README's example
    assert admin(url, "POST", "/fixtures", json={"dataSets": {"bare1": bare}}).status_code == 201
    assert admin(url, "PUT", "/processing", json={"delayMs": 1000}).ok
    made = call(
        "POST",
        f"{url}/data/foundation/import/batches",
        json={"datasetId": "bare1", "inputFormat": {"format": "json"}},
    ).json()["id"]
    upload = f"{url}/data/foundation/import/batches/{made}/datasets/bare1/files/a.json"
    call("PUT", upload, data=b'{"a": 1}\n', headers={"Content-Type": "application/octet-stream"})
    assert call("POST", f"{url}/data/foundation/import/batches/{made}", params={"action": "COMPLETE"}).ok
    assert admin(url, "POST", "/clock", json={"advanceMs": 5000}).ok
    assert call("GET", f"{url}/dataSets").status_code == 200
    assert call("GET", f"{url}/dataSets/bare1").json()["bare1"]["lastBatchId"] == made
    assert control.journal.violations() == [] and control.journal.mock_errors() == []


def test_an_object_is_filed_under_its_own_id(live_server: LiveServer) -> None:
    url = live_server.url
    batch = {
        "imsOrg": H["x-gw-ims-org-id"],
        "status": "loading",
        "relatedObjects": [{"type": "dataSet", "id": WEB_EVENTS}],
    }
    refused = admin(url, "POST", "/fixtures", json={"batches": {"bKey": {**batch, "id": "bOther"}}})
    assert refused.status_code == 400 and "the key it is filed under" in refused.text
    assert admin(url, "POST", "/fixtures", json={"batches": {"bNoId": batch}}).status_code == 201
    upload = f"{url}/data/foundation/import/batches/bNoId/datasets/{WEB_EVENTS}/files/a.json"
    call("PUT", upload, data=b'{"a": 1}\n', headers={"Content-Type": "application/octet-stream"})
    assert call("POST", f"{url}/data/foundation/import/batches/bNoId", params={"action": "COMPLETE"}).ok
    assert call("GET", f"{url}/batches/bNoId").json()["bNoId"]["status"] == "success"


def test_failed_writes_from_unknown_organizations_leave_no_tenant_behind(live_server: LiveServer) -> None:
    url, tenants = live_server.url, control_of(live_server.app).tenants
    before = set(tenants.known())
    for number in range(30):
        stranger = make_credentials(f"NEW{number:021d}@AdobeOrg")
        requests.delete(f"{url}/dataSets/{WEB_EVENTS}", headers=stranger, timeout=20)  # 200 []
        requests.post(
            f"{url}/data/foundation/import/batches",
            json={"datasetId": WEB_EVENTS, "inputFormat": {"format": "json"}},
            headers=stranger,
            timeout=20,
        )
    assert set(tenants.known()) == before


def test_a_baseline_load_keeps_the_tests_own_writes_undone_by_the_reset(live_server: LiveServer) -> None:
    url = live_server.url
    mine = call("POST", f"{url}/dataSets", json={"name": "the test's own"}).json()[0].rsplit("/", 1)[1]
    loaded = {"imsOrg": H["x-gw-ims-org-id"], "name": "loaded"}
    assert admin(url, "POST", "/fixtures", json={"dataSets": {"loaded1": loaded}, "baseline": True}).ok
    assert admin(url, "POST", "/reset").ok
    assert call("GET", f"{url}/dataSets/{mine}").status_code == 404  # the test's write was undone
    assert call("GET", f"{url}/dataSets/loaded1").status_code == 200  # the baseline load stays


def test_made_up_dataset_ids_keep_nothing_and_the_export_settles_processing(live_server: LiveServer) -> None:
    url, tenants = live_server.url, control_of(live_server.app).tenants
    for number in range(300):
        call("GET", f"{url}/batches", params={"dataSet": f"madeUp{number}", "orderBy": "desc:created"})
    with tenants.reading((H["x-gw-ims-org-id"], "prod")) as data:
        assert len(data["batches"]._derived) == 0  # nothing kept for datasets that do not exist
    assert admin(url, "PUT", "/processing", json={"delayMs": 1000}).ok
    made = new_batch(url)
    upload = f"{url}/data/foundation/import/batches/{made}/datasets/{WEB_EVENTS}/files/a.json"
    call("PUT", upload, data=b'{"a": 1}\n', headers={"Content-Type": "application/octet-stream"})
    assert call("POST", f"{url}/data/foundation/import/batches/{made}", params={"action": "COMPLETE"}).ok
    assert admin(url, "POST", "/clock", json={"advanceMs": 5000}).ok
    assert admin(url, "GET", "/state").json()["batches"][made]["status"] == "success"  # as a read would say
