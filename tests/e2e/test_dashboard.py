"""The dashboard, as a person sees it: a real headless Chromium (Debian's package) on a live server.

Skipped where Chromium or its driver is not installed; `.ci/run` installs both.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from mockcatalog.contract.spec import load_spec
from mockcatalog.server import LiveServer

from ..browser import CHROMIUM, DRIVER, headless_chromium, text_of, wait_for
from ..conftest import make_credentials

pytestmark = pytest.mark.e2e

pytest.importorskip("selenium.webdriver")
if CHROMIUM is None or DRIVER is None:
    pytest.skip(
        "headless Chromium is not installed (apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    driver = headless_chromium()
    yield driver
    driver.quit()


def test_the_dashboard_shows_tenants_requests_and_why_a_request_is_a_violation(
    browser: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    url = live_server.url
    browser.get(url + "/")
    wait_for(browser, lambda b: "ACE0A1B2C3D4E5F60718293A@AdobeOrg" in text_of(b, "#tenants"))
    acme_prod = next(
        row.text for row in browser.find_elements("css selector", "#tenants tbody tr")
        if "ACE0A1B2C3D4E5F60718293A@AdobeOrg" in row.text and "prod" in row.text
    )  # fmt: skip
    assert "Customer Profiles, Loyalty Transactions" in acme_prod  # the datasets whose rows are validated
    assert "B10BE5A1B2C3D4E5F6071829@AdobeOrg" in text_of(browser, "#tenants")
    assert "no request yet" in text_of(browser, "#requests")

    too_many = {"limit": 500}  # a violation: the real service allows at most 100
    requests.get(f"{url}/batches", params=too_many, headers=make_credentials(), timeout=10)
    requests.get(f"{url}/data/foundation/catalog/connectors", headers=make_credentials(), timeout=10)
    requests.get(f"{url}/batches", params={"limit": 2}, headers=make_credentials(), timeout=10)
    requests.post(
        f"{url}/__admin/faults", json={"operation": "GET /batches", "status": 503, "times": 2}, timeout=10
    )
    wait_for(browser, lambda b: "GET /batches?limit=2" in text_of(b, "#requests"))  # refreshed by itself
    (violation,) = [row.text for row in browser.find_elements("css selector", "#requests tr.violation")]
    assert "GET /batches?limit=500" in violation and "400" in violation
    assert "the real service would reject it" in violation
    (unsupported,) = [row.text for row in browser.find_elements("css selector", "#requests tr.suspect")]
    assert "/connectors" in unsupported and "not served by the mock" in unsupported
    assert "not served by the mock" in unsupported and "get_connectors" in unsupported
    assert "answers 503" in text_of(browser, "#faults") and "0 of 2" in text_of(browser, "#faults")
    assert f"of {len(load_spec().operations)} operations" in text_of(browser, "#coverage")
    links = {a.text: a.get_attribute("href") for a in browser.find_elements("css selector", "#links a")}
    assert links["contract (YAML)"] == f"{url}/openapi.yaml"
    browser.save_screenshot(str(tmp_path / "dashboard.png"))
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000


def test_the_dashboard_never_renders_what_a_client_sent_as_html(
    browser: Any, live_server: LiveServer
) -> None:
    url = live_server.url
    requests.get(f"{url}/<img src=x onerror=alert(1)>", headers=make_credentials(), timeout=10)
    browser.get(url + "/")
    wait_for(browser, lambda b: "<img src=x onerror=alert(1)>" in text_of(b, "#requests"))
    assert browser.find_elements("css selector", "#requests img") == []


def test_the_api_docs_page_shows_the_contract_without_the_network(
    browser: Any, live_server: LiveServer
) -> None:
    browser.get(live_server.url + "/docs")
    wait_for(browser, lambda b: len(b.find_elements("css selector", ".opblock")) > 10)
    shown = browser.find_element("css selector", "#docs").text
    assert "/batches" in shown and "/dataSets/{id}/ingestBatchSummary" in shown
    sources = [tag.get_attribute("src") for tag in browser.find_elements("css selector", "script[src]")]
    assert sources and all(source.startswith(live_server.url) for source in sources)  # nothing from a CDN
