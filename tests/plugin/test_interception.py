"""Interception (``mock_catalog.intercept()``, ``--mockcatalog-intercept``): client code that
hard-codes ``https://platform.adobe.io`` runs unchanged against the mock, in process, through
``requests``, ``httpx`` and ``httpx``'s async client, and so does aepp; other hosts fail, or pass
through when asked; the journal, strict mode and faults see what they see through the live server;
and the interception is undone after its block or its test."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Generator, Iterator
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpcore
import httpx
import pytest
import requests
import responses
import respx

from mockcatalog.interception import NetworkBlocked
from mockcatalog.testing import MockCatalog

from ..conftest import needs

PLATFORM = "https://platform.adobe.io/data/foundation"
CATALOG, IMPORT, EXPORT = f"{PLATFORM}/catalog", f"{PLATFORM}/import", f"{PLATFORM}/export"
ROWS = b'{"_id": "r1", "amount": 10}\n{"_id": "r2", "amount": 20}\n'
ORIGINAL_SEND = requests.adapters.HTTPAdapter.send
ORIGINAL_HANDLE = httpcore.ConnectionPool.handle_request

#: One call of a journey: method, URL and the keyword arguments (``json``, ``params``, ``content``).
Step = tuple[str, str, dict[str, Any]]


def journey() -> Generator[Step, Any, bytes]:
    """A consumer's ingestion, written once for every client (each answer is sent back in): list
    datasets, create a dataset, create a batch, upload a file, complete, poll, read the file back."""
    listed = yield "GET", f"{CATALOG}/dataSets", {"params": {"limit": 5}}
    assert listed.status_code == 200 and len(listed.json()) <= 5
    schema = {
        "id": "https://ns.adobe.com/acme/schemas/orders",
        "contentType": "application/vnd.adobe.xed+json",
    }
    created = yield "POST", f"{CATALOG}/dataSets", {"json": {"name": "Orders", "schemaRef": schema}}
    assert created.status_code == 201, created.text
    dataset_id = created.json()[0].removeprefix("@/dataSets/")
    batch = yield (
        "POST",
        f"{IMPORT}/batches",
        {"json": {"datasetId": dataset_id, "inputFormat": {"format": "json"}}},
    )
    batch_id = batch.json()["id"]
    upload = f"{IMPORT}/batches/{batch_id}/datasets/{dataset_id}/files/orders.json"
    uploaded = yield "PUT", upload, {"content": ROWS, "headers": {"Content-Type": "application/octet-stream"}}
    assert uploaded.status_code == 200, uploaded.text
    completed = yield "POST", f"{IMPORT}/batches/{batch_id}", {"params": {"action": "COMPLETE"}}
    assert completed.status_code == 200, completed.text
    for _ in range(10):
        polled = yield "GET", f"{CATALOG}/batches/{batch_id}", {}
        if polled.json()[batch_id]["status"] in ("success", "failed"):
            break
    assert polled.json()[batch_id]["status"] == "success" and polled.json()[batch_id]["recordCount"] == 2
    files = yield "GET", f"{EXPORT}/batches/{batch_id}/files", {}
    file_link = files.json()["data"][0]["_links"]["self"]["href"]
    assert file_link.startswith(f"{EXPORT}/files/")  # Data Access links back to the host called
    entries = yield "GET", file_link, {}
    contents = yield "GET", entries.json()["data"][0]["_links"]["self"]["href"], {}
    return bytes(contents.content)


def with_requests(headers: dict[str, str]) -> bytes:
    steps, session = journey(), requests.Session()
    step = next(steps)
    try:
        while True:
            method, url, options = step
            data = options.pop("content", None)
            options["headers"] = {**headers, **options.get("headers", {})}
            step = steps.send(session.request(method, url, data=data, timeout=10, **options))
    except StopIteration as done:
        return bytes(done.value)


def with_httpx(headers: dict[str, str]) -> bytes:
    steps = journey()
    step = next(steps)
    with httpx.Client(headers=headers, timeout=10) as client:
        try:
            while True:
                method, url, options = step
                step = steps.send(client.request(method, url, **options))
        except StopIteration as done:
            return bytes(done.value)


def with_async_httpx(headers: dict[str, str]) -> bytes:
    async def run() -> bytes:
        steps = journey()
        step = next(steps)
        async with httpx.AsyncClient(headers=headers, timeout=10) as client:
            try:
                while True:
                    method, url, options = step
                    step = steps.send(await client.request(method, url, **options))
            except StopIteration as done:
                return bytes(done.value)

    return asyncio.run(run())


CLIENTS = {"requests": with_requests, "httpx": with_httpx, "httpx-async": with_async_httpx}


@pytest.mark.parametrize("client", CLIENTS)
def test_a_client_that_hard_codes_the_platform_runs_its_journey_in_process(
    mock_catalog: MockCatalog, client: str
) -> None:
    mock_catalog.processing(polls=3)  # the batch succeeds on its third read: the client polls
    with mock_catalog.intercept():
        assert CLIENTS[client](mock_catalog.headers) == ROWS
    seen = [(entry.method, entry.operation, entry.status) for entry in mock_catalog.requests]
    assert seen[:8] == [
        ("GET", "GET /dataSets", 200),
        ("POST", "POST /dataSets", 201),
        ("POST", "POST /batches", 201),
        ("PUT", "PUT /batches/{id}/datasets/{datasetId}/files/{filePath}", 200),
        ("POST", "POST /batches/{id}", 200),
        *[("GET", "GET /batches/{id}", 200)] * 3,
    ]
    assert {entry.headers["Host"] for entry in mock_catalog.requests} == {"platform.adobe.io"}
    upload = mock_catalog.calls("PUT /batches/{id}/datasets/{datasetId}/files/{filePath}")[0]
    assert upload.headers["Content-Type"] == "application/octet-stream" and upload.body == ROWS.decode()
    assert mock_catalog.violations == [] and mock_catalog.suspects == []


@pytest.mark.mockcatalog(intercept=True)  # the marker, instead of a call
def test_aepp_runs_unchanged_with_its_normal_endpoints(mock_catalog: MockCatalog) -> None:
    needs("aepp", "sdk")
    import aepp
    from aepp import catalog, dataaccess, ingestion

    aepp.configure(  # the production endpoints aepp sets itself; only the credentials are fake
        org_id=mock_catalog.org, client_id="sdk-client", secret="sdk-secret", scopes="openid", sandbox="prod"
    )
    assert aepp.config.endpoints["global"] == "https://platform.adobe.io"
    cat, ing, access = catalog.Catalog(), ingestion.DataIngestion(), dataaccess.DataAccess()
    (reference,) = cat.createDataSet(name="Orders from aepp", schemaId="https://ns.adobe.com/acme/schemas/o")
    dataset_id = reference.removeprefix("@/dataSets/")
    batch_id = ing.createBatch(datasetId=dataset_id, format="json", multiline=True)["id"]
    ing.uploadSmallFile(batchId=batch_id, datasetId=dataset_id, filePath="o.json", data=[{"_id": "a"}])
    assert ing.uploadSmallFileFinish(batchId=batch_id, action="COMPLETE") == {}
    assert cat.getBatch(batch_id)[batch_id]["status"] == "success"
    (listed,) = access.getBatchFiles(batch_id)
    (entry,) = access.getFiles(listed["dataSetFileId"])["data"]
    contents = access.getFiles(listed["dataSetFileId"], path=entry["name"])
    assert [json.loads(line) for line in contents.splitlines()] == [{"_id": "a"}]

    first, *_ = seen = mock_catalog.requests  # a token from IMS first (each aepp client gets one)
    assert (first.method, first.path) == ("POST", "/ims/token/v3")
    hosts = {(entry.path == "/ims/token/v3", entry.headers["Host"]) for entry in seen}
    assert hosts == {(True, "ims-na1.adobelogin.com"), (False, "platform.adobe.io")}
    assert mock_catalog.violations == []


@pytest.fixture
def elsewhere() -> Iterator[tuple[str, list[str]]]:
    """A tiny HTTP server on 127.0.0.1 (another host, not the mock) and the paths it was asked for."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "9")
            self.end_headers()
            self.wfile.write(b"elsewhere")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", asked
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def async_get(url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    async def fetch() -> httpx.Response:
        async with httpx.AsyncClient(timeout=5) as client:
            return await client.get(url, headers=headers)

    return asyncio.run(fetch())


def get_all_ways(url: str, headers: dict[str, str] | None = None) -> list[tuple[int, bytes]]:
    """``url`` fetched with requests, httpx and httpx's async client."""
    answers = [requests.get(url, headers=headers, timeout=5), httpx.get(url, headers=headers, timeout=5)]
    return [(answer.status_code, answer.content) for answer in [*answers, async_get(url, headers)]]


def test_another_host_fails_naming_it_or_passes_through_when_asked(
    mock_catalog: MockCatalog, elsewhere: tuple[str, list[str]]
) -> None:
    url, asked = elsewhere
    with mock_catalog.intercept():
        for call in (
            lambda: requests.get(f"{url}/a", timeout=5),
            lambda: httpx.get(f"{url}/a", timeout=5),
            lambda: async_get(f"{url}/a"),
        ):
            with pytest.raises(
                NetworkBlocked, match=r"GET http://127\.0\.0\.1:\d+/a: the host '127\.0\.0\.1'"
            ):
                call()
        assert requests.get(f"{mock_catalog.catalog_url}/batches", headers=mock_catalog.headers, timeout=5).ok
    assert asked == []  # nothing left the process (the mock's own live server apart)

    with mock_catalog.intercept(pass_through=True):
        assert get_all_ways(f"{url}/b") == [(200, b"elsewhere")] * 3
        assert {status for status, _ in get_all_ways(f"{CATALOG}/batches?limit=1", mock_catalog.headers)} == {
            200
        }
    assert asked == ["/b"] * 3


def test_a_tests_own_stubs_of_other_hosts_still_answer(mock_catalog: MockCatalog) -> None:
    """Started before an interception that passes through, a responses mock answers what it stubs;
    a respx router answers first what it stubs wherever it is started."""
    stubbed, platform = "https://api.example.com/x", f"{CATALOG}/batches?limit=1"
    with responses.RequestsMock() as own_requests, respx.mock(assert_all_called=False) as own_httpx:
        own_requests.get(stubbed, body=b"stubbed")
        own_httpx.get(stubbed).respond(content=b"stubbed")
        with mock_catalog.intercept(pass_through=True):
            assert requests.get(stubbed, timeout=5).content == httpx.get(stubbed).content == b"stubbed"
            assert requests.get(platform, headers=mock_catalog.headers, timeout=5).status_code == 200
            assert httpx.get(platform, headers=mock_catalog.headers).status_code == 200
    with mock_catalog.intercept(), respx.mock(assert_all_called=False) as own_httpx:
        own_httpx.get(stubbed).respond(content=b"stubbed later")
        assert httpx.get(stubbed).content == b"stubbed later"
        assert httpx.get(platform, headers=mock_catalog.headers).status_code == 200


def test_interception_is_undone_after_its_block_and_a_paused_one_resumes(
    mock_catalog: MockCatalog, elsewhere: tuple[str, list[str]]
) -> None:
    url, asked = elsewhere
    with mock_catalog.intercept():
        assert requests.adapters.HTTPAdapter.send is not ORIGINAL_SEND
        with mock_catalog.intercept(pass_through=True):  # pauses the first
            assert get_all_ways(f"{url}/inner") == [(200, b"elsewhere")] * 3
        with pytest.raises(NetworkBlocked):  # the first one again
            requests.get(f"{url}/outer", timeout=5)
    assert requests.adapters.HTTPAdapter.send is ORIGINAL_SEND
    assert httpcore.ConnectionPool.handle_request is ORIGINAL_HANDLE
    assert get_all_ways(f"{url}/after") == [(200, b"elsewhere")] * 3
    assert asked == ["/inner"] * 3 + ["/after"] * 3


def test_the_journal_records_an_intercepted_call_as_one_through_the_live_server(
    mock_catalog: MockCatalog,
) -> None:
    body = {"datasetId": mock_catalog.add_dataset("Orders"), "inputFormat": {"format": "json"}}
    requests.post(f"{mock_catalog.import_url}/batches", json=body, headers=mock_catalog.headers, timeout=5)
    with mock_catalog.intercept():
        requests.post(f"{IMPORT}/batches", json=body, headers=mock_catalog.headers, timeout=5)
    live, intercepted = (asdict(entry) for entry in mock_catalog.requests)
    for entry in (live, intercepted):
        for volatile in ("time_ms", "seq", "answer", "answer_size"):  # when, and the new batch's id
            entry.pop(volatile, None)
    assert intercepted["headers"].pop("Host") == "platform.adobe.io"
    assert live["headers"].pop("Host").startswith("127.0.0.1:")
    assert intercepted == live


@pytest.mark.mockcatalog(strict=False)
def test_strict_mode_sees_an_intercepted_violation(mock_catalog: MockCatalog) -> None:
    with mock_catalog.intercept():
        answer = httpx.get(f"{CATALOG}/batches", params={"limit": 500}, headers=mock_catalog.headers)
    assert answer.status_code == 400
    (violation,) = mock_catalog.violations
    assert violation.path == "/data/foundation/catalog/batches" and "limit" in violation.errors


def test_a_dropped_connection_is_the_clients_own_error_as_over_a_socket(mock_catalog: MockCatalog) -> None:
    mock_catalog.drop_next("GET /batches", times=3)
    url, headers = f"{CATALOG}/batches", mock_catalog.headers
    with mock_catalog.intercept():
        with pytest.raises(requests.ConnectionError, match="Remote end closed connection without response"):
            requests.get(url, headers=headers, timeout=5)
        with pytest.raises(httpx.RemoteProtocolError, match="Server disconnected without sending a response"):
            httpx.get(url, headers=headers)
        with pytest.raises(httpx.RemoteProtocolError):
            async_get(url, headers)
        assert requests.get(url, headers=headers, timeout=5).status_code == 200  # the fault is used up
    assert [entry.status for entry in mock_catalog.requests] == [0, 0, 0, 200]  # as the live server's


def test_an_answer_later_than_the_read_timeout_is_the_clients_timeout(mock_catalog: MockCatalog) -> None:
    mock_catalog.delay("GET /batches", seconds=0.2, times=2)
    url, headers = f"{CATALOG}/batches", mock_catalog.headers
    with mock_catalog.intercept():
        with pytest.raises(requests.ReadTimeout):
            requests.get(url, headers=headers, timeout=0.05)
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(url, headers=headers, timeout=0.05)
        assert httpx.get(url, headers=headers, timeout=0.05).status_code == 200


CONSUMER = """
import httpcore, httpx, pytest, requests
from mockcatalog.interception import NetworkBlocked

URL = "https://platform.adobe.io/data/foundation/catalog/batches"
ORG = "ACE0A1B2C3D4E5F60718293A@AdobeOrg"
HEADERS = {"Authorization": "Bearer t", "x-api-key": "k", "x-gw-ims-org-id": ORG}
ORIGINAL_SEND = requests.adapters.HTTPAdapter.send
ORIGINAL_HANDLE = httpcore.ConnectionPool.handle_request
"""


def test_the_flag_intercepts_every_test_even_one_that_does_not_ask_for_the_mock(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_consumer=CONSUMER
        + """
def test_a_client_that_knows_nothing_of_the_mock():
    assert requests.get(URL, params={"limit": 1}, headers=HEADERS, timeout=5).status_code == 200
    assert httpx.get(URL, params={"limit": 1}, headers=HEADERS).status_code == 200

def test_its_bad_request_fails_the_test_in_strict_mode():
    assert requests.get(URL, params={"limit": 500}, headers=HEADERS, timeout=5).status_code == 400

def test_other_hosts_fail():
    with pytest.raises(NetworkBlocked, match="'example.com'"):
        requests.get("https://example.com/", timeout=5)

@pytest.mark.mockcatalog(intercept=False)
def test_a_test_may_opt_out():
    assert requests.adapters.HTTPAdapter.send is ORIGINAL_SEND
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--mockcatalog-intercept")
    result.assert_outcomes(passed=4, errors=1)
    result.stdout.fnmatch_lines(["*GET /data/foundation/catalog/batches?limit=500 -> 400*"])


def test_a_plain_call_is_undone_when_the_test_ends(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_consumer=CONSUMER
        + """
def test_intercepts(mock_catalog):
    mock_catalog.intercept()
    assert requests.get(URL, params={"limit": 1}, headers=HEADERS, timeout=5).status_code == 200

def test_the_next_test_is_not_intercepted():
    assert requests.adapters.HTTPAdapter.send is ORIGINAL_SEND
    assert httpcore.ConnectionPool.handle_request is ORIGINAL_HANDLE
"""
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)
