"""Names a consumer gets wrong, and what the mock says about them: a path off by a letter or its
case (a 404 suggesting the served one), an operation name in an admin query (a 400 suggesting the
closest, not an empty list); where the admin API's own names are listed (`GET /__admin`, its spec
served and in `/docs`); and the admin API's smaller promises: JSON answers to its DELETEs, the
checks writes get for loaded fixtures, the defaults a delay shares with Python's `delay()`."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import yaml
from flask.testing import FlaskClient

from mockcatalog.contract.operation_names import OperationNames
from mockcatalog.contract.spec import admin_spec_path, load_spec
from mockcatalog.server import LiveServer

from ..browser import CHROMIUM, DRIVER, headless_chromium, text_of, wait_for
from ..conftest import ACME, Credentials

pytestmark = pytest.mark.e2e


def admin(server: LiveServer, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, f"{server.url}/__admin{path}", timeout=10, **kwargs)


@pytest.mark.parametrize(
    ("method", "sent", "suggested"),
    [
        ("GET", "/data/foundation/catalog/datasets", "/data/foundation/catalog/dataSets"),
        ("GET", "/data/foundation/catalog/datasets/abc", "/data/foundation/catalog/dataSets/abc"),
        ("POST", "/data/foundation/import/batch", "/data/foundation/import/batches"),
        ("GET", "/data/foundation/export/batches/b1/file", "/data/foundation/export/batches/b1/files"),
        ("GET", "/Batches", "/batches"),
        ("GET", "/data/foundation/catalog/datasets/", "/data/foundation/catalog/dataSets"),
    ],
)
def test_an_unknown_path_suggests_the_closest_served_one(
    live_server: LiveServer, credentials: Credentials, method: str, sent: str, suggested: str
) -> None:
    answer = requests.request(method, live_server.url + sent, headers=credentials(), timeout=10)
    assert answer.status_code == 404
    assert f"did you mean {suggested}?" in answer.json()["detail"]
    report = admin(live_server, "GET", "/violations").json()["report"]  # what strict mode prints
    assert f"{method} {sent} -> 404" in report and f"did you mean {suggested}?" in report


def test_a_path_like_none_gets_no_suggestion(live_server: LiveServer, credentials: Credentials) -> None:
    answer = requests.get(
        f"{live_server.url}/data/foundation/catalog/nothing/here", headers=credentials(), timeout=10
    )
    assert answer.status_code == 404 and "did you mean" not in answer.json()["detail"]
    names = OperationNames(load_spec().operations)
    assert names.closest_path("GET", "/x" * 2000) is None  # past the URL limit: not compared at all
    assert (
        names.closest_path("POST", "/data/foundation/catalog/dataSet/d1")
        == "GET /data/foundation/catalog/dataSets/d1"
    )


def test_unknown_operation_names_in_the_journal_query_are_a_400_with_a_suggestion(
    live_server: LiveServer, credentials: Credentials
) -> None:
    requests.get(f"{live_server.url}/data/foundation/catalog/batches", headers=credentials(), timeout=10)
    refused = admin(live_server, "GET", "/requests", params={"operation": "GET /batchs"})
    assert refused.status_code == 400
    assert "did you mean 'GET /batches'?" in refused.json()["errors"]["operation"][0]
    for name in ("GET /batches", "listBatches", "GET /data/foundation/catalog/batches", "*"):
        found = admin(live_server, "GET", "/requests", params={"operation": name}).json()["requests"]
        assert [entry["path"] for entry in found] == ["/data/foundation/catalog/batches"], name


def test_the_admin_index_lists_every_admin_endpoint(live_server: LiveServer) -> None:
    index = admin(live_server, "GET", "").json()
    assert index["spec"] == "/__admin/openapi.yaml" and index["docs"] == "/docs"
    listed = {(endpoint["method"], endpoint["path"]) for endpoint in index["endpoints"]}
    operations = load_spec(admin_spec_path()).operations.values()
    assert listed == {(operation.method, operation.path) for operation in operations}
    assert ("DELETE", "/__admin/faults") in listed and all(
        endpoint["summary"] for endpoint in index["endpoints"]
    )


def test_the_admin_spec_is_served(live_server: LiveServer) -> None:
    served = admin(live_server, "GET", "/openapi.yaml")
    assert served.status_code == 200 and served.headers["Content-Type"].startswith("application/yaml")
    assert yaml.safe_load(served.text) == yaml.safe_load(admin_spec_path().read_text())


@pytest.mark.parametrize("path", ["/faults", "/requests"])
def test_clearing_answers_json(live_server: LiveServer, path: str) -> None:
    cleared = admin(live_server, "DELETE", path)
    assert cleared.status_code == 200 and cleared.headers["Content-Type"] == "application/json"
    assert cleared.json() == {"status": "cleared"}


BATCH = {"imsOrg": ACME, "status": "success"}


@pytest.mark.parametrize(
    ("load", "field", "message"),
    [
        (
            {"batches": {"b1": {**BATCH, "relatedObjects": [{"type": "dataSet", "id": "nope"}]}}},
            "batches.b1.relatedObjects",
            "Names dataset 'nope'",
        ),
        (
            {
                "dataSets": {"d1": {"imsOrg": ACME, "name": "x", "sandboxName": "dev"}},
                "batches": {"b1": {**BATCH, "relatedObjects": [{"type": "dataSet", "id": "d1"}]}},
            },
            "batches.b1.relatedObjects",
            f"which {ACME}/prod does not hold",
        ),
        (
            {"batches": {"b1": {**BATCH, "replay": {"predecessors": ["gone"], "reason": "again"}}}},
            "batches.b1.replay.predecessors",
            "Names batch 'gone'",
        ),
        (
            {"dataSets": {"d1": {"imsOrg": ACME, "name": 5}}},
            "dataSets.d1.name",
            "Not a valid string. Sent: 5.",
        ),
    ],
    ids=["batch of no dataset", "batch of another tenant's dataset", "replay of no batch", "bad shape"],
)
def test_loaded_fixtures_get_the_checks_writes_get(
    live_server: LiveServer, load: dict[str, Any], field: str, message: str
) -> None:
    before = admin(live_server, "GET", "/state").json()
    refused = admin(live_server, "POST", "/fixtures", json=load)
    assert refused.status_code == 400, refused.text
    assert any(message in said for said in refused.json()["errors"][field]), refused.json()
    assert admin(live_server, "GET", "/state").json() == before  # nothing loaded


def test_a_batch_may_name_what_its_load_or_the_store_holds(
    live_server: LiveServer, credentials: Credentials
) -> None:
    stored_batch = next(
        iter(requests.get(f"{live_server.url}/batches", headers=credentials(), timeout=10).json())
    )
    load = {
        "dataSets": {"d1": {"imsOrg": ACME, "name": "loaded with its batch"}},
        "batches": {
            "b1": {**BATCH, "relatedObjects": [{"type": "dataSet", "id": "d1"}]},
            "b2": {**BATCH, "replay": {"predecessors": ["b1", stored_batch], "reason": "again"}},
        },
    }
    assert admin(live_server, "POST", "/fixtures", json=load).status_code == 201
    state = admin(live_server, "GET", "/state").json()
    assert admin(live_server, "PUT", "/state", json=state).status_code == 200  # an export imports as it is


def test_an_admin_delay_has_the_defaults_of_pythons_delay(
    live_server: LiveServer, credentials: Credentials
) -> None:
    fault = admin(live_server, "POST", "/faults", json={"operation": "GET /batches", "delayMs": 50}).json()
    assert (fault["status"], fault["times"]) == (None, None)  # as MockCatalog.delay(): normal, until cleared
    for _ in range(3):
        answer = requests.get(f"{live_server.url}/batches", headers=credentials(), timeout=10)
        assert answer.status_code == 200
    assert admin(live_server, "GET", "/faults").json()["faults"][0]["fired"] == 3
    failing = admin(
        live_server, "POST", "/faults", json={"operation": "GET /batches", "delayMs": 50, "status": 500}
    )
    assert (failing.json()["status"], failing.json()["times"]) == (500, 1)
    plain = admin(live_server, "POST", "/faults", json={"operation": "GET /batches"}).json()
    assert (plain["status"], plain["times"], plain["delayMs"]) == (503, 1, 0)


def test_coverage_never_lists_the_statuses_only_a_fault_makes(
    live_server: LiveServer, credentials: Credentials
) -> None:
    requests.get(f"{live_server.url}/batches", headers=credentials(), timeout=10)
    listed = admin(live_server, "GET", "/coverage").json()["operations"]
    assert all("500" not in entry["statuses"]["unseen"] for entry in listed.values())
    assert "404" in listed["GET /batches/{id}"]["statuses"]["unseen"]
    admin(live_server, "POST", "/faults", json={"operation": "GET /batches", "status": 500})
    requests.get(f"{live_server.url}/batches", headers=credentials(), timeout=10)
    assert (
        "500"
        in admin(live_server, "GET", "/coverage").json()["operations"]["GET /batches"]["statuses"]["seen"]
    )


@pytest.fixture(scope="module")
def browser() -> Any:
    pytest.importorskip("selenium.webdriver")
    if CHROMIUM is None or DRIVER is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium chromium-driver)")
    driver = headless_chromium()
    yield driver
    driver.quit()


def test_the_api_docs_show_the_admin_api_beside_the_contract(browser: Any, live_server: LiveServer) -> None:
    from selenium.webdriver.support.ui import Select

    browser.get(live_server.url + "/docs")
    wait_for(browser, lambda b: len(b.find_elements("css selector", ".opblock")) > 10)
    assert "/dataSets/{id}" in text_of(browser, "#docs")
    Select(browser.find_element("css selector", ".topbar select")).select_by_visible_text(
        "mockcatalog admin API (admin-openapi.yaml)"
    )
    wait_for(browser, lambda b: "/__admin/faults" in text_of(b, "#docs"))
    assert "/__admin/openapi.yaml" in text_of(browser, "#docs")
    sources = [tag.get_attribute("src") for tag in browser.find_elements("css selector", "script[src]")]
    assert sources and all(source.startswith(live_server.url) for source in sources)  # nothing from a CDN


def test_docs_try_it_out_needs_no_typing_the_credentials_are_filled_in(client: FlaskClient) -> None:
    """Swagger UI fills a parameter's ``example`` into "Try it out": every credential header of every
    operation has one, and a call made of them alone is answered."""
    examples: dict[str, str] = {}
    for operation in load_spec().operations.values():
        if not operation.needs_credentials:
            continue
        for param in operation.params_in("header"):
            if param.name in ("Authorization", "x-api-key", "x-gw-ims-org-id"):
                examples[param.name] = param.raw["example"]
    assert set(examples) == {"Authorization", "x-api-key", "x-gw-ims-org-id"}
    answer = client.get("/data/foundation/catalog/batches?limit=1", headers=examples)
    assert answer.status_code == 200 and len(answer.get_json()) == 1


def test_a_mistyped_admin_path_is_a_404_that_points_at_the_index_and_no_violation(
    client: FlaskClient,
) -> None:
    """The admin API is the mock's own: a typo there is no request the real service would refuse, so
    strict mode says nothing of it (it is not journaled), and the 404 names the index."""
    answer = client.get("/__admin/requets")
    assert answer.status_code == 404 and "GET /__admin lists its endpoints" in answer.get_json()["detail"]
    assert client.get("/__admin/requests").get_json()["requests"] == []  # nothing journaled
