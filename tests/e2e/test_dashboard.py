"""The dashboard, as a person uses it: a real headless Chromium (Debian's package) on a live server,
driven by clicks: a request opened to its detail, the journal filtered, the buttons pressed.

The browser tests are skipped where Chromium, its driver or selenium is missing (`.ci/run` installs
them); that the admin API refuses another origin's writes is plain HTTP, and runs everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask.testing import FlaskClient

from mockcatalog.contract.spec import load_spec
from mockcatalog.server import LiveServer

from ..browser import CHROMIUM, DRIVER, headless_chromium, text_of, wait_for
from ..conftest import ACME, make_credentials, needs

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    needs("selenium.webdriver", "browser")
    if CHROMIUM is None or DRIVER is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium chromium-driver)")
    driver = headless_chromium()
    yield driver
    driver.quit()


def click(browser: Any, selector: str, *, in_row_with: tuple[str, ...] = ()) -> None:
    """Click the element ``selector`` finds (in the table row holding every text of ``in_row_with``,
    if given), once it is there: the page redraws what changed every two seconds."""
    from selenium.common.exceptions import StaleElementReferenceException

    def clicked(b: Any) -> bool:
        try:
            if in_row_with:
                rows = [
                    row for row in b.find_elements("css selector", "tr")
                    if all(text in row.text for text in in_row_with)
                ]  # fmt: skip
                found = rows[0].find_elements("css selector", selector) if rows else []
            else:
                found = b.find_elements("css selector", selector)
            if not found:
                return False
            found[0].click()
            return True
        except StaleElementReferenceException:
            return False

    wait_for(browser, clicked)


def choose(browser: Any, select: str, value: str) -> None:
    """Pick ``value`` in the menu ``select`` by clicking its option (clicking the menu first would
    leave headless Chromium's popup open over the page)."""
    click(browser, f'{select} option[value="{value}"]')


def rows(browser: Any, table: str) -> list[Any]:
    return list(browser.find_elements("css selector", f"{table} tbody tr"))


def get(url: str, path: str, **params: Any) -> requests.Response:
    return requests.get(url + path, params=params, headers=make_credentials(), timeout=10)


def test_the_dashboard_shows_tenants_requests_and_why_a_request_is_a_violation(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    url = live_server.url
    browser.get(url + "/")
    wait_for(browser, lambda b: f"{ACME}" in text_of(b, "#tenants"))
    acme_prod = next(row.text for row in rows(browser, "#tenants") if ACME in row.text and "prod" in row.text)
    assert "Customer Profiles, Loyalty Transactions" in acme_prod  # the datasets whose rows are validated
    assert "B10BE5A1B2C3D4E5F6071829@AdobeOrg" in text_of(browser, "#tenants")
    assert "no request yet" in text_of(browser, "#requests")

    get(url, "/batches", limit=500)  # a violation: the real service allows at most 100
    get(url, "/data/foundation/catalog/connectors")
    get(url, "/batches", limit=2)
    requests.post(
        f"{url}/__admin/faults", json={"operation": "GET /batches", "status": 503, "times": 2}, timeout=10
    )
    wait_for(browser, lambda b: "GET /batches?limit=2" in text_of(b, "#requests"))  # refreshed by itself
    (violation,) = [row.text for row in browser.find_elements("css selector", "#requests tr.violation")]
    assert "GET /batches?limit=500" in violation and "400" in violation
    assert "the real service would reject it" in violation
    (unsupported,) = [row.text for row in browser.find_elements("css selector", "#requests tr.unsupported")]
    assert "/connectors" in unsupported and "not served by the mock" in unsupported
    assert "get_connectors" in unsupported
    assert "answers 503" in text_of(browser, "#faults") and "0 of 2" in text_of(browser, "#faults")
    assert f"of {len(load_spec().operations)} operations" in text_of(browser, "#coverage")
    links = {a.text: a.get_attribute("href") for a in browser.find_elements("css selector", "#links a")}
    assert links["contract (YAML)"] == f"{url}/openapi.yaml"
    browser.save_screenshot(str(tmp_path / "dashboard.png"))
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000


def test_a_request_opens_to_its_headers_body_answer_and_verdict(
    browser: Any, live_server: LiveServer
) -> None:
    url = live_server.url
    browser.get(url + "/")
    wait_for(browser, lambda b: "no request yet" in text_of(b, "#requests"))
    sent = {"datasetId": "6ac98000f2a74de452e6b438", "inputFormat": {"format": "xml"}}
    refused = requests.post(
        f"{url}/data/foundation/import/batches",
        json=sent,
        headers={**make_credentials(), "x-request-id": "trace-42"},
        timeout=10,
    )
    assert refused.status_code == 400
    get(url, "/batches", limit=2)
    wait_for(browser, lambda b: len(b.find_elements("css selector", "#requests tr[data-seq]")) == 2)
    assert not browser.find_element("css selector", "#detail").is_displayed()

    click(browser, "#requests tr.violation button.open")
    wait_for(browser, lambda b: text_of(b, "#detail-verdict") == "violation")
    assert text_of(browser, "#detail-line") == "POST /data/foundation/import/batches"
    assert text_of(browser, "#detail-operation") == "POST /batches"
    why = text_of(browser, "#detail-why")
    assert "the real service would reject it" in why and "inputFormat.format: Expected json" in why
    headers = {
        row.text.partition(" ")[0]: row.text.partition(" ")[2] for row in rows(browser, "#detail-headers")
    }
    assert headers["X-Request-Id"] == "trace-42"
    assert headers["Authorization"] == "***"  # credentials are masked
    assert '"format": "xml"' in text_of(browser, "#detail-body")
    assert text_of(browser, "#detail-status") == "400"
    assert refused.json()["detail"] in text_of(browser, "#detail-answer")
    assert "picked" in browser.find_element("css selector", "#requests tr.violation").get_attribute("class")

    click(browser, "button.open", in_row_with=("GET /batches?limit=2",))  # another one
    wait_for(browser, lambda b: text_of(b, "#detail-verdict") == "ok")
    assert "OK: nothing the real service would refuse" in text_of(browser, "#detail-why")
    assert text_of(browser, "#detail-status") == "200"
    assert '"status": "success"' in text_of(browser, "#detail-answer")
    click(browser, "#detail-close")
    wait_for(browser, lambda b: not b.find_element("css selector", "#detail").is_displayed())


def test_the_journal_filtered_to_violations_shows_only_them(browser: Any, live_server: LiveServer) -> None:
    url = live_server.url
    get(url, "/batches", limit=500)  # violations
    get(url, "/dataSets", limit=0)
    get(url, "/batches", limit=2)  # answered
    get(url, "/dataSets", limit=1)
    get(url, "/batches", sort="created")  # a suspect: Adobe's parameter is orderBy
    get(url, "/data/foundation/catalog/connectors")  # not served by the mock
    browser.get(url + "/")
    wait_for(browser, lambda b: len(rows(b, "#requests")) == 6)

    choose(browser, "#filter-verdict", "violation")
    wait_for(browser, lambda b: len(rows(b, "#requests")) == 2)
    shown = [row.text for row in rows(browser, "#requests")]
    assert all(row.get_attribute("class") == "violation" for row in rows(browser, "#requests"))
    assert "GET /dataSets?limit=0" in shown[0] and "GET /batches?limit=500" in shown[1]  # newest first
    assert "2 of 6 journaled requests pass the filters" in text_of(browser, "#matched")
    assert "violation (2)" in text_of(browser, "#filter-verdict")

    choose(browser, "#filter-verdict", "")  # any verdict, answered 2xx, of one operation
    choose(browser, "#filter-status", "2xx")
    choose(browser, "#filter-operation", "GET /batches")
    wait_for(browser, lambda b: "2 of 6" in text_of(b, "#matched"))
    assert {row.text.split()[1] for row in rows(browser, "#requests")} == {
        "/batches?sort=created",
        "/batches?limit=2",
    }
    choose(browser, "#filter-verdict", "suspect")
    wait_for(browser, lambda b: "1 of 6" in text_of(b, "#matched"))
    assert "Did you mean 'orderBy'?" in text_of(browser, "#requests")


def test_the_buttons_clear_the_faults_and_the_journal_and_reset_the_tenants(
    browser: Any, live_server: LiveServer
) -> None:
    url = live_server.url
    browser.get(url + "/")
    click(browser, "button.open", in_row_with=(ACME, "prod"))
    wait_for(browser, lambda b: "Loyalty Transactions" in text_of(b, "#datasets"))
    fixtures = text_of(browser, "#datasets-count")
    assert "success" in text_of(browser, "#batches")  # each batch with its status

    made = requests.post(
        f"{url}/data/foundation/catalog/dataSets", json={"name": "Made by the test"},
        headers=make_credentials(), timeout=10,
    )  # fmt: skip
    assert made.status_code == 201
    requests.post(f"{url}/__admin/faults", json={"operation": "GET /batches", "status": 503}, timeout=10)
    wait_for(browser, lambda b: "Made by the test" in text_of(b, "#datasets"))  # updated while open
    assert text_of(browser, "#datasets-count") != fixtures
    wait_for(browser, lambda b: "answers 503" in text_of(b, "#faults"))

    click(browser, "#clear-faults")
    wait_for(browser, lambda b: text_of(b, "#faults").endswith("none"))
    assert requests.get(f"{url}/__admin/faults", timeout=10).json() == {"faults": []}
    click(browser, "#clear-journal")
    wait_for(browser, lambda b: "no request yet" in text_of(b, "#requests"))
    assert "Made by the test" in text_of(browser, "#datasets")  # the data stays

    get(url, "/batches", limit=2)
    wait_for(browser, lambda b: "GET /batches?limit=2" in text_of(b, "#requests"))
    click(browser, "#reset")
    browser.switch_to.alert.accept()  # the page asks first
    wait_for(browser, lambda b: "Made by the test" not in text_of(b, "#datasets"))
    wait_for(browser, lambda b: "no request yet" in text_of(b, "#requests"))
    assert text_of(browser, "#datasets-count") == fixtures
    assert text_of(browser, "#action-result") == "reset: back to the fixtures"
    assert requests.get(f"{url}/__admin/requests", timeout=10).json() == {"requests": []}
    assert "Made by the test" not in get(url, "/dataSets").text


def test_the_dashboards_writes_are_refused_from_another_origin(live_server: LiveServer) -> None:
    """A page of another site cannot press the dashboard's buttons for it: the admin API refuses a
    foreign ``Origin`` (and a foreign ``Host``), and nothing changes."""
    url = live_server.url
    made = requests.post(f"{url}/dataSets", json={"name": "Kept"}, headers=make_credentials(), timeout=10)
    requests.post(f"{url}/__admin/faults", json={"operation": "GET /batches", "status": 503}, timeout=10)
    buttons = [("POST", "/__admin/reset"), ("DELETE", "/__admin/requests"), ("DELETE", "/__admin/faults")]
    for method, path in buttons:
        for foreign in ({"Origin": "http://evil.example"}, {"Origin": url.replace("127.0.0.1", "localhost")}):
            refused = requests.request(method, url + path, headers=foreign, timeout=10)
            assert refused.status_code == 403, (method, path, foreign)
            assert "Origin" in refused.json()["errors"]
    assert len(requests.get(f"{url}/__admin/faults", timeout=10).json()["faults"]) == 1
    assert [r["method"] for r in requests.get(f"{url}/__admin/requests", timeout=10).json()["requests"]] == [
        "POST"
    ]
    assert made.json()[0].rpartition("/")[2] in get(url, "/dataSets").json()

    own = requests.post(f"{url}/__admin/reset", headers={"Origin": url}, timeout=10)  # the dashboard's own
    assert own.status_code == 200
    assert made.json()[0].rpartition("/")[2] not in get(url, "/dataSets").json()


def test_what_the_dashboard_reads_is_filtered_numbered_and_bounded(client: FlaskClient) -> None:
    """The admin reads behind the dashboard, plain HTTP: the overview's filters, a request by its
    number, a tenant's newest objects."""
    credentials = make_credentials()
    client.get("/batches?limit=500", headers=credentials)
    client.post("/dataSets", json={"name": "New"}, headers=credentials)
    client.get("/nowhere", headers=credentials)
    view = client.get("/__admin/overview?verdict=violation").get_json()
    assert [(r["seq"], r["verdict"], r["status"]) for r in view["requests"]] == [
        (3, "violation", 404),  # newest first: no such path is a violation too
        (1, "violation", 400),
    ]
    assert (view["matched"], view["journaled"]) == (2, 3)
    assert view["verdicts"] == {"violation": 2, "ok": 1} and view["statuses"] == {
        "201": 1,
        "400": 1,
        "404": 1,
    }
    assert "POST /dataSets" in view["operations"]
    by_operation = client.get(
        "/__admin/overview", query_string={"status": "2xx", "operation": "createDataSet"}
    )
    assert [r["seq"] for r in by_operation.get_json()["requests"]] == [2]
    assert [r["seq"] for r in client.get("/__admin/overview?operation=none").get_json()["requests"]] == [3]
    unknown = client.get("/__admin/overview", query_string={"operation": "POST /dataset"})
    assert unknown.status_code == 400 and "did you mean 'POST /dataSets'?" in unknown.get_json()["detail"]

    detail = client.get("/__admin/requests/2").get_json()
    assert detail["verdict"] == "ok" and detail["body"] == {"name": "New"} and detail["status"] == 201
    assert detail["answer"] == [f"@/dataSets/{detail['answer'][0].rpartition('/')[2]}"]
    assert detail["headers"]["Authorization"] == "***"
    client.delete("/__admin/requests")
    gone = client.get("/__admin/requests/2")
    assert gone.status_code == 404 and "journal keeps no request numbered 2" in gone.get_json()["detail"]

    objects = client.get("/__admin/objects", query_string={"org": ACME, "limit": 2}).get_json()
    assert (objects["org"], objects["sandbox"]) == (ACME, "prod")
    assert objects["dataSets"]["newest"][0]["name"] == "New"  # newest first
    assert len(objects["batches"]["newest"]) == 2 < objects["batches"]["total"]
    assert {"id", "status", "dataSetIds", "created"} <= objects["batches"]["newest"][0].keys()
    nobody = client.get("/__admin/objects", query_string={"org": "NOBODY@AdobeOrg"}).get_json()
    assert nobody["dataSets"] == nobody["batches"] == {"total": 0, "newest": []}


def test_the_dashboard_never_renders_what_a_client_sent_as_html(
    browser: Any, live_server: LiveServer
) -> None:
    url = live_server.url
    attack = "<img src=x onerror=alert(1)>"
    requests.get(f"{url}/{attack}", headers={**make_credentials(), "x-note": attack}, timeout=10)
    browser.get(url + "/")
    wait_for(browser, lambda b: attack in text_of(b, "#requests"))
    click(browser, "#requests button.open")
    wait_for(browser, lambda b: attack in text_of(b, "#detail-headers"))
    assert browser.find_elements("css selector", "img") == []


def test_the_api_docs_page_shows_the_contract_without_the_network(
    browser: Any, live_server: LiveServer
) -> None:
    browser.get(live_server.url + "/docs")
    wait_for(browser, lambda b: len(b.find_elements("css selector", ".opblock")) > 10)
    shown = browser.find_element("css selector", "#docs").text
    assert "/batches" in shown and "/dataSets/{id}/ingestBatchSummary" in shown
    sources = [tag.get_attribute("src") for tag in browser.find_elements("css selector", "script[src]")]
    assert sources and all(source.startswith(live_server.url) for source in sources)  # nothing from a CDN
