"""The request pipeline through a live server: a failed write stores nothing, one tenant's
expensive request does not hold up another's, and the mock's own errors are answered and recorded."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import requests
from flask import Flask

from mockcatalog.http.extension import control_of
from mockcatalog.server import LiveServer

from ..conftest import ACME, GLOBEX, make_credentials

pytestmark = pytest.mark.e2e

WEB_EVENTS = "6ac98000f2a74de452e6b438"  # an ACME dataset of the packaged fixtures


def batch_ids(url: str, org: str = ACME) -> list[str]:
    response = requests.get(
        f"{url}/batches", params={"limit": 100}, headers=make_credentials(org), timeout=10
    )
    assert response.status_code == 200, response.text
    return list(response.json())


def test_an_invalid_catalog_batch_is_refused_and_nothing_is_stored(live_server: LiveServer) -> None:
    before = batch_ids(live_server.url)
    response = requests.post(
        f"{live_server.url}/data/foundation/catalog/batches",
        json={
            "relatedObjects": [{"type": "dataSet", "id": WEB_EVENTS}],
            "status": "loading",
            "recordCount": "not-a-number",
        },
        headers=make_credentials(),
        timeout=10,
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"] == {"recordCount": ['Not a valid integer. Sent: "not-a-number".']}
    assert batch_ids(live_server.url) == before
    (recorded,) = control_of(live_server.app).journal.violations()  # the real service rejects it too
    assert recorded.status == 400 and recorded.operation == "POST /data/foundation/catalog/batches"


def test_one_tenants_regex_budget_does_not_hold_up_another_tenant(live_server: LiveServer) -> None:
    url = live_server.url
    evil_name = "a" * 60 + "!"  # `(a|aa)+$` backtracks exponentially on it: the whole budget goes
    created = requests.post(
        f"{url}/dataSets", json={"name": evil_name}, headers=make_credentials(ACME), timeout=10
    )
    assert created.status_code == 201, created.text
    finished: list[str] = []
    answers: dict[str, int] = {}

    def get(name: str, org: str, path: str, params: dict[str, Any]) -> None:
        response = requests.get(f"{url}{path}", params=params, headers=make_credentials(org), timeout=30)
        answers[name] = response.status_code
        finished.append(name)

    expensive = threading.Thread(
        target=get, args=("expensive", ACME, "/dataSets", {"property": "name~(a|aa)+$"})
    )
    expensive.start()
    time.sleep(0.2)  # let it start spending its budget (ordering, not timing, is asserted)
    get("other tenant", GLOBEX, "/batches", {"limit": 1})
    expensive.join(timeout=30)
    assert answers == {"expensive": 400, "other tenant": 200}  # the budget ran out: a 400, not a hang
    assert finished == ["other tenant", "expensive"]


@pytest.fixture
def app_with_a_bug(app: Flask) -> Flask:
    """An app whose store fails on lists, as a bug in the mock would."""

    def broken(*args: object, **kwargs: object) -> Any:
        raise ZeroDivisionError("a bug inside the mock")

    control_of(app).store.listing = broken  # type: ignore[method-assign,assignment]
    return app


def test_a_bug_in_the_mock_answers_json_500_and_is_recorded_with_its_traceback(app_with_a_bug: Flask) -> None:
    with LiveServer(app_with_a_bug) as server:
        response = requests.get(f"{server.url}/batches", headers=make_credentials(), timeout=10)
    assert response.status_code == 500
    assert response.headers["Content-Type"] == "application/json"
    assert "ZeroDivisionError" in response.json()["detail"]
    journal = control_of(app_with_a_bug).journal
    (failure,) = journal.mock_errors()
    assert failure.status == 500 and failure.violation is None  # the mock's bug, not the client's
    assert "Traceback" in (failure.mock_error or "") and "a bug inside the mock" in (failure.mock_error or "")


def test_whether_an_error_is_a_contract_violation_depends_on_its_kind_not_on_when_it_happened(
    live_server: LiveServer,
) -> None:
    url, headers = live_server.url, make_credentials()
    assert requests.get(f"{url}/batches/01NOSUCHBATCH", headers=headers, timeout=10).status_code == 404
    assert (
        requests.get(
            f"{url}/batches", params={"orderBy": "sideways:x"}, headers=headers, timeout=10
        ).status_code
        == 400
    )
    assert requests.get(f"{url}/nowhere", headers=headers, timeout=10).status_code == 404
    violations = control_of(live_server.app).journal.violations()
    assert [(v.path, v.status) for v in violations] == [("/batches", 400), ("/nowhere", 404)]


def test_reading_an_upload_holds_no_lock(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """While COMPLETE reads the files, a read of the same tenant and one of another tenant both
    finish: tried from inside the reading itself, so no timing decides it."""
    from mockcatalog.catalog.query import ListQuery
    from mockcatalog.ingestion import batch_ingestion as ingestion

    url, store = live_server.url, control_of(live_server.app).store
    reads_finished: list[bool] = []
    real_process_files = ingestion.process_files

    def process_files_while_others_read(*args: Any) -> Any:
        for tenant in ((ACME, "prod"), (GLOBEX, "prod")):
            reader = threading.Thread(target=store.list_objects, args=(tenant, "batches", ListQuery()))
            reader.start()
            reader.join(timeout=10)  # a read that waits for a lock held here never finishes
            reads_finished.append(not reader.is_alive())
        return real_process_files(*args)

    monkeypatch.setattr(ingestion, "process_files", process_files_while_others_read)
    created = requests.post(
        f"{url}/data/foundation/import/batches",
        json={"datasetId": WEB_EVENTS, "inputFormat": {"format": "json"}},
        headers=make_credentials(),
        timeout=10,
    )
    batch_id = created.json()["id"]
    upload = f"{url}/data/foundation/import/batches/{batch_id}/datasets/{WEB_EVENTS}/files/rows.json"
    headers = {**make_credentials(), "Content-Type": "application/octet-stream"}
    assert requests.put(upload, data=b'{"a": 1}\n' * 1000, headers=headers, timeout=30).status_code == 200
    action = f"{url}/data/foundation/import/batches/{batch_id}"
    completed = requests.post(action, params={"action": "COMPLETE"}, headers=make_credentials(), timeout=60)
    assert completed.status_code == 200 and reads_finished == [True, True]
    batch = requests.get(f"{url}/batches/{batch_id}", headers=make_credentials(), timeout=10).json()[batch_id]
    assert batch["status"] == "success" and batch["recordCount"] == 1000
