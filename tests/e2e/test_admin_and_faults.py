"""The control plane over HTTP (/__admin) and injected faults, as a standalone-server user meets them."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from mockcatalog.contract.spec import load_spec
from mockcatalog.server import LiveServer

from ..conftest import ACME, Credentials

pytestmark = pytest.mark.e2e


def admin(server: LiveServer, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, f"{server.url}/__admin{path}", timeout=10, **kwargs)


def batches(server: LiveServer, headers: dict[str, str], **params: Any) -> requests.Response:
    return requests.get(f"{server.url}/batches", headers=headers, params=params, timeout=10)


def test_load_fixtures_then_reset(live_server: LiveServer, credentials: Credentials) -> None:
    loaded = admin(
        live_server, "POST", "/fixtures",
        json={"dataSets": {"mine": {"imsOrg": ACME, "name": "loaded"}}},
    )  # fmt: skip
    assert loaded.status_code == 201 and loaded.json() == {"dataSets": ["mine"], "batches": [], "schemas": []}
    assert (
        requests.get(f"{live_server.url}/dataSets/mine", headers=credentials(), timeout=10).status_code == 200
    )
    assert admin(live_server, "POST", "/reset").json() == {"status": "reset"}
    assert (
        requests.get(f"{live_server.url}/dataSets/mine", headers=credentials(), timeout=10).status_code == 404
    )


def test_bad_fixture_objects_are_a_400_and_load_nothing(live_server: LiveServer) -> None:
    before = admin(live_server, "GET", "/state").json()
    refused = admin(live_server, "POST", "/fixtures", json={"dataSets": {"x": {"name": "no org"}}})
    assert refused.status_code == 400 and "imsOrg" in refused.json()["detail"]
    unknown = admin(live_server, "POST", "/fixtures", json={"datasets": {}})
    assert unknown.status_code == 400 and "datasets" in unknown.json()["errors"]
    assert admin(live_server, "GET", "/state").json() == before


def test_journal_and_violations(live_server: LiveServer, credentials: Credentials) -> None:
    batches(live_server, credentials(), limit=2)
    batches(live_server, credentials(), limit=0)
    journal = admin(live_server, "GET", "/requests", params={"operation": "GET /batches"}).json()["requests"]
    assert [(r["query"], r["status"]) for r in journal] == [({"limit": ["2"]}, 200), ({"limit": ["0"]}, 400)]
    assert journal[0]["headers"]["Authorization"] == "***"
    violations = admin(live_server, "GET", "/violations").json()
    assert len(violations["violations"]) == 1 and "limit" in violations["report"]
    cleared = admin(live_server, "DELETE", "/requests")
    assert cleared.status_code == 200 and cleared.json() == {"status": "cleared"}
    assert admin(live_server, "GET", "/requests").json() == {"requests": []}


def test_export_and_import_state(live_server: LiveServer, credentials: Credentials) -> None:
    state = admin(live_server, "GET", "/state").json()
    assert set(state) == {"dataSets", "batches", "schemas"} and state["batches"] and state["schemas"]
    only_one = {"dataSets": {"d1": {"imsOrg": ACME, "name": "only"}}, "batches": {}}
    assert admin(live_server, "PUT", "/state", json=only_one).status_code == 200
    served = requests.get(f"{live_server.url}/dataSets", headers=credentials(), timeout=10).json()
    assert served == {"d1": {**only_one["dataSets"]["d1"], "sandboxId": served["d1"]["sandboxId"]}}
    assert admin(live_server, "GET", "/state").json()["dataSets"] == only_one["dataSets"]  # fixture form
    admin(live_server, "POST", "/reset")  # the imported state is the new baseline
    assert admin(live_server, "GET", "/state").json() == {**only_one, "schemas": {}}


def test_fail_next_then_recover_with_retry_after(live_server: LiveServer, credentials: Credentials) -> None:
    added = admin(
        live_server, "POST", "/faults",
        json={"operation": "GET /batches", "status": 429, "headers": {"Retry-After": "2"}, "times": 2},
    )  # fmt: skip
    assert added.status_code == 201 and added.json()["id"] == 1
    first, second, third = (batches(live_server, credentials()) for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (429, 429, 200)
    assert first.headers["Retry-After"] == "2" and first.json()["status"] == 429
    assert admin(live_server, "GET", "/faults").json() == {"faults": []}


def test_faults_fire_before_credentials_and_validation(live_server: LiveServer) -> None:
    admin(live_server, "POST", "/faults", json={"operation": "listBatches", "status": 500, "times": 1})
    assert batches(live_server, {}, limit=0).status_code == 500


def test_delay_answers_late_but_normally(live_server: LiveServer, credentials: Credentials) -> None:
    """A client timeout shorter than the delay trips; one longer gets the ordinary answer."""
    fault = {"operation": "GET /batches", "status": None, "delayMs": 500, "times": 2}
    admin(live_server, "POST", "/faults", json=fault)
    with pytest.raises(requests.Timeout):
        requests.get(f"{live_server.url}/batches", headers=credentials(), timeout=0.05)
    late = requests.get(f"{live_server.url}/batches", headers=credentials(), params={"limit": 2}, timeout=30)
    assert late.status_code == 200 and len(late.json()) == 2
    assert admin(live_server, "GET", "/faults").json() == {"faults": []}  # both delays used up


def test_drop_closes_the_connection(live_server: LiveServer, credentials: Credentials) -> None:
    admin(live_server, "POST", "/faults", json={"operation": "*", "drop": True})
    with pytest.raises(requests.ConnectionError):
        batches(live_server, credentials())
    assert batches(live_server, credentials()).status_code == 200


@pytest.mark.parametrize(
    "fault",
    [{"status": 700}, {"probability": 2}, {"times": 0}, {"operation": 5}, {"unknown": True}, {"delayMs": -1}],
)
def test_bad_faults_are_a_400(live_server: LiveServer, fault: dict[str, Any]) -> None:
    response = admin(live_server, "POST", "/faults", json=fault)
    assert response.status_code == 400 and response.json()["errors"]
    assert admin(live_server, "GET", "/faults").json() == {"faults": []}


def test_admin_calls_are_not_journaled_and_need_no_credentials(live_server: LiveServer) -> None:
    admin(live_server, "GET", "/state")
    assert admin(live_server, "GET", "/requests").json() == {"requests": []}
    coverage = admin(live_server, "GET", "/coverage").json()
    assert coverage["total"] == len(load_spec().operations) and coverage["exercised"] == 0


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 200),
        ({"Host": "localhost"}, 200),
        ({"Origin": "http://evil.example"}, 403),  # a cross-site page's POST
        ({"Host": "evil.example"}, 403),  # DNS rebinding: the page's own name resolves here
        ({"Host": "evil.example:8080", "Origin": "http://evil.example:8080"}, 403),
    ],
)
def test_a_web_page_cannot_reach_the_admin_api(
    live_server: LiveServer, headers: dict[str, str], status: int
) -> None:
    answer = admin(live_server, "POST", "/reset", headers=headers)
    assert answer.status_code == status, answer.text
    if status == 403:
        assert answer.json()["errors"].keys() & {"Host", "Origin"}


def test_the_servers_own_origin_and_named_hosts_may_call_it(live_server: LiveServer) -> None:
    own = live_server.url  # what a page served by the mock itself would send
    assert admin(live_server, "GET", "/clock", headers={"Origin": own}).status_code == 200
    from mockcatalog import create_app

    named = create_app({"admin_hosts": "mockcatalog"})
    with LiveServer(named) as server:
        assert admin(server, "GET", "/clock", headers={"Host": "mockcatalog:8080"}).status_code == 200
        assert admin(server, "GET", "/clock", headers={"Host": "other:8080"}).status_code == 403


def test_an_export_larger_than_a_catalog_body_imports_again(live_server: LiveServer) -> None:
    from mockcatalog.catalog.factories import generate_fixtures

    made = generate_fixtures(2, datasets=20, batches=3000, orgs=[ACME])
    assert admin(live_server, "POST", "/fixtures", json={**made.collections, "baseline": True}).ok
    exported = admin(live_server, "GET", "/state")
    assert len(exported.content) > 1024 * 1024  # over the Catalog API's 1 MiB body limit
    assert admin(live_server, "PUT", "/state", data=exported.content,
                 headers={"Content-Type": "application/json"}).status_code == 200  # fmt: skip


def test_health_and_the_spec_are_served(live_server: LiveServer) -> None:
    import yaml

    health = admin(live_server, "GET", "/health").json()
    assert health["status"] == "ok" and health["version"]
    as_yaml = requests.get(f"{live_server.url}/openapi.yaml", timeout=10)
    as_json = requests.get(f"{live_server.url}/openapi.json", timeout=10)
    assert as_yaml.headers["Content-Type"].startswith("application/yaml")
    assert yaml.safe_load(as_yaml.text) == as_json.json() == load_spec().document


def test_the_docs_page_serves_only_its_own_assets(live_server: LiveServer) -> None:
    page = requests.get(f"{live_server.url}/docs", timeout=10)
    assert page.status_code == 200 and 'src="/docs/swagger-ui-bundle.js"' in page.text
    script = requests.get(f"{live_server.url}/docs/swagger-ui-bundle.js", timeout=10)
    assert script.status_code == 200 and script.headers["Content-Type"].startswith("application/javascript")
    assert requests.get(f"{live_server.url}/docs/..%2Fsetup.py", timeout=10).status_code in (400, 404)
    assert requests.get(f"{live_server.url}/docs/index.html", timeout=10).status_code == 400


def test_durations_on_the_wire_are_milliseconds_named_so(live_server: LiveServer) -> None:
    frozen = admin(live_server, "POST", "/clock", json={"atMs": 1_700_000_000_000, "advanceMs": 1500}).json()
    assert frozen == {"nowMs": 1_700_000_001_500, "frozen": True}
    assert admin(live_server, "PUT", "/processing", json={"delayMs": 2500}).json() == {
        "delayMs": 2500,
        "polls": 0,
    }
    fault = admin(
        live_server, "POST", "/faults", json={"operation": "GET /batches", "status": None, "delayMs": 250}
    )
    assert fault.json()["delayMs"] == 250
    assert admin(live_server, "GET", "/faults").json()["faults"][0]["delayMs"] == 250
    assert admin(live_server, "POST", "/clock", json={"at": 1}).status_code == 400  # the unit is in the name
