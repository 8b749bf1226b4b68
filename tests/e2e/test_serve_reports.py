"""What `mockcatalog serve` says while it runs, and how it behaves where a client's code meets it
in CI: what it loaded (per tenant, with a warning when the default tenant sees none of it), what
`--state` restored and saved, one line per request with `--log-requests`, a dropped connection that
raises the same exception as under the plugin, and `mockcatalog contract --wait`."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mockcatalog import create_app
from mockcatalog.catalog.factories import DEFAULT_ORG
from mockcatalog.contract.command import wait_until_answering
from mockcatalog.control.load_report import load_report, unseen_warning
from mockcatalog.server import LiveServer
from mockcatalog.testing import MockCatalog

from ..conftest import free_port, make_credentials
from ..doc_blocks import doc_block
from .conftest import COMMAND
from .test_contract_command import contract

pytestmark = pytest.mark.e2e


def serve_and_stop(*args: str, calls: tuple[str, ...] = ()) -> str:
    """Run `mockcatalog serve ARGS`, GET each of ``calls`` (paths) as the default tenant, stop it
    with SIGTERM and return what it wrote to stderr."""
    process = subprocess.Popen([*COMMAND, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        for path in calls:
            requests.get(url + path, headers=make_credentials(), timeout=10)
        requests.get(url + "/__admin/health", timeout=10)
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=30)
    assert process.returncode == 0, errors
    return errors


def test_start_up_reports_what_it_loaded_per_tenant() -> None:
    errors = serve_and_stop()
    assert "loaded 7 datasets, 25 batches, 2 schemas in" in errors and "in 3 tenants:" in errors
    assert f"  4 datasets, 17 batches, 2 schemas in {DEFAULT_ORG}/prod\n" in errors
    assert f"  1 dataset, 2 batches in {DEFAULT_ORG}/dev\n" in errors
    assert "warning" not in errors


def test_fixtures_only_other_tenants_see_are_a_warning_naming_the_headers(tmp_path: Path) -> None:
    """The fixture file docs/server.md shows loads into an org and sandbox of its own: the warning
    says the default headers see none of it, and which headers do."""
    (tmp_path / "dataSets.json").write_text(doc_block("fixture-file").text)
    errors = serve_and_stop("--fixtures", str(tmp_path))
    org = next(iter(json.loads(doc_block("fixture-file").text).values()))["imsOrg"]
    assert "loaded 1 dataset in" in errors and f"  1 dataset in {org}/dev" in errors
    assert f"warning: nothing was loaded into {DEFAULT_ORG}/prod" in errors
    assert f"send x-gw-ims-org-id: {org} and x-sandbox-name: dev" in errors


def test_the_load_report_lists_at_most_ten_tenants_and_warns_only_when_the_default_one_is_empty() -> None:
    many = {(f"ORG{n:02d}@AdobeOrg", "prod"): {"dataSets": 1, "batches": 0, "schemas": 0} for n in range(12)}
    lines = load_report(many, 0.25)
    assert lines[0] == "loaded 12 datasets in 0.2 s, in 12 tenants:" and lines[-2] == "  and 2 more tenants"
    assert lines[-1].startswith("warning: nothing was loaded into") and "ORG00@AdobeOrg" in lines[-1]
    assert unseen_warning({(DEFAULT_ORG, "prod"): {"dataSets": 1}, ("X", "dev"): {"dataSets": 5}}) is None
    assert unseen_warning({}) is None  # nothing loaded: nothing to miss
    assert load_report({}, 0.0) == ["loaded no objects in 0.0 s"]


def test_state_says_what_it_restored_instead_of_the_fixtures_and_that_it_saved(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = serve_and_stop("--state", str(state), "--state-interval", "0")
    assert "loading the packaged fixtures" in first
    assert f"no state saved in {state} yet" in first
    assert f"saved the state to {state} (7 datasets, 25 batches, 2 schemas)" in first

    kept = json.loads(state.read_text())
    kept["dataSets"] = {k: v for k, v in kept["dataSets"].items() if v["imsOrg"] == DEFAULT_ORG}
    kept["batches"] = {k: v for k, v in kept["batches"].items() if v["imsOrg"] == DEFAULT_ORG}
    state.write_text(json.dumps(kept))
    second = serve_and_stop("--state", str(state), "--state-interval", "0")
    assert f"restoring the state saved in {state} (not loading the packaged fixtures)" in second
    assert "mockcatalog: loading" not in second
    assert "loaded 5 datasets, 19 batches, 2 schemas in" in second  # the state's, not the fixtures'
    assert f"saved the state to {state} (5 datasets, 19 batches, 2 schemas)" in second


def test_log_requests_prints_a_line_per_request_with_its_verdict() -> None:
    calls = (
        "/data/foundation/catalog/batches?limit=1",
        "/batches?limit=0",
        "/batches?sort=x",
        "/data/foundation/catalog/connectors",
    )
    errors = serve_and_stop("--log-requests", calls=(*calls, "/data/foundation/catalog/datasets"))
    lines = [line for line in errors.splitlines() if " -> " in line]
    assert lines[0] == "mockcatalog: GET /data/foundation/catalog/batches?limit=1 -> 200 ok"
    assert lines[1].startswith("mockcatalog: GET /batches?limit=0 -> 400 violation: The request is invalid")
    assert lines[2].startswith("mockcatalog: GET /batches?sort=x -> 200 suspect: sort: ")
    assert lines[3].startswith("mockcatalog: GET /data/foundation/catalog/connectors -> 501 unsupported: ")
    assert lines[4].startswith("mockcatalog: GET /data/foundation/catalog/datasets -> 404 violation: ")
    assert "did you mean /data/foundation/catalog/dataSets?" in lines[4]
    assert len(lines) == 5  # the admin API's health check is not logged
    assert " -> " not in serve_and_stop(calls=calls)  # off by default


@pytest.fixture(params=["plugin's server", "serve"])
def mock_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The mock as the pytest plugin runs it (werkzeug, in a thread) and as `serve` does (waitress)."""
    if request.param == "serve":
        process = subprocess.Popen(COMMAND, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert process.stdout is not None
        yield process.stdout.readline().split()[-1]
        process.terminate()
        process.communicate(timeout=30)
    else:
        with MockCatalog.start() as mock:
            yield mock.url


@pytest.mark.parametrize("session", [False, True], ids=["one request", "a kept-alive session"])
def test_a_dropped_connection_raises_connection_error_in_both_modes(mock_url: str, session: bool) -> None:
    client = requests.Session() if session else requests
    url = f"{mock_url}/data/foundation/catalog/batches"
    if session:
        assert client.get(url, headers=make_credentials(), timeout=10).status_code == 200
    fault = requests.post(
        f"{mock_url}/__admin/faults", json={"operation": "GET /batches", "drop": True}, timeout=10
    )
    assert fault.status_code == 201
    with pytest.raises(requests.exceptions.ConnectionError) as raised:
        client.get(url, headers=make_credentials(), timeout=10)
    assert type(raised.value) is requests.exceptions.ConnectionError  # not a subclass of it, nor another
    assert client.get(url, headers=make_credentials(), timeout=10).status_code == 200  # it fired once
    journal = requests.get(f"{mock_url}/__admin/requests", params={"operation": "GET /batches"}, timeout=10)
    assert 0 in [entry["status"] for entry in journal.json()["requests"]]  # journaled as dropped


def test_contract_wait_waits_for_a_server_that_starts_late() -> None:
    port = free_port()
    servers: list[LiveServer] = []

    def start_late() -> None:
        time.sleep(1.5)
        servers.append(LiveServer(create_app({"seed": 1}), port=port).start())

    starter = threading.Thread(target=start_late)
    starter.start()
    try:
        result = contract(
            f"http://127.0.0.1:{port}", "--wait", "30", "--max-examples", "1", "--phases", "fuzzing"
        )
    finally:
        starter.join()
        for server in servers:
            server.stop()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert f"http://127.0.0.1:{port} answered after" in result.stderr


def test_contract_wait_gives_up_after_its_time_saying_so() -> None:
    port = free_port()
    started = time.monotonic()
    result = contract(f"http://127.0.0.1:{port}", "--wait", "1")
    assert result.returncode == 1 and time.monotonic() - started < 20
    assert f"nothing answers at http://127.0.0.1:{port}" in result.stderr
    assert "after waiting 1 s; is the implementation running?" in result.stderr


def test_wait_until_answering_counts_any_http_status_as_up(live_server: LiveServer) -> None:
    problem, waited = wait_until_answering(live_server.url + "/no/such/path", 5)
    assert problem is None and waited < 5  # a 404 is an answer: the server is up
    problem, _ = wait_until_answering("ftp://example.com", 0.1)
    assert problem is not None and "not an http" in problem
