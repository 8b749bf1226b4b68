"""Bad input, tried and answered: each gets its documented 4xx with a JSON body saying what was
wrong, none gets a 500, and none changes the store."""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from mockcatalog.server import LiveServer

from ..conftest import Credentials

pytestmark = pytest.mark.e2e

JSON = {"Content-Type": "application/json"}
XML = {"Content-Type": "text/xml"}
NESTED = ("[" * 100_000 + "]" * 100_000).encode()

CASES: list[tuple[str, str, str, dict[str, Any], int]] = [
    ("malformed JSON", "POST", "/batches", {"data": b'{"datasetId": ', "headers": JSON}, 400),
    ("JSON with NaN", "POST", "/batches", {"data": b'{"datasetId": NaN}', "headers": JSON}, 400),
    ("deeply nested JSON", "POST", "/batches", {"data": NESTED, "headers": JSON}, 400),
    ("non-UTF-8 body", "POST", "/batches", {"data": b'{"datasetId": "\xff\xfe"}', "headers": JSON}, 400),
    ("empty body", "POST", "/batches", {"data": b"", "headers": JSON}, 400),
    ("missing Content-Type", "POST", "/batches", {"data": b'{"datasetId": "x"}'}, 400),
    ("wrong Content-Type", "POST", "/batches", {"data": b"<x/>", "headers": XML}, 400),
    ("body over the maximum", "POST", "/dataSets", {"json": {"name": "x" * (1024 * 1024)}}, 413),
    ("URL over 2000 characters", "GET", "/dataSets?name=" + "a" * 2000, {}, 414),
    ("huge limit", "GET", "/batches?limit=99999999999999999999", {}, 400),
    ("negative limit", "GET", "/batches?limit=-5", {}, 400),
    ("negative start", "GET", "/batches?start=-1", {}, 400),
    ("start beyond int64", "GET", "/batches?start=9223372036854775808", {}, 400),
    ("invalid regex", "GET", "/batches?property=name~[a-", {}, 400),
    ("dot-dot id", "GET", "/dataSets/%2E%2E", {}, 400),  # clients resolve a bare `..` away
    ("dot-dot in an id", "GET", "/dataSets/a..b", {}, 400),
    ("encoded slash in an id", "GET", "/dataSets/a%2Fb", {}, 404),
    ("dot-dot file path", "PUT", "/batches/b/datasets/d/files/../../etc/passwd",
     {"data": b"x", "headers": {"Content-Type": "application/octet-stream"}}, 404),
    ("dot segment in a file path", "PUT", "/batches/01ZZZ/datasets/d1/files/a/.hidden",
     {"data": b"x", "headers": {"Content-Type": "application/octet-stream"}}, 400),
    ("bad sandbox header", "GET", "/dataSets", {"headers": {"x-sandbox-name": "Prod\tX"}}, 400),
    ("regex repeat past the limit", "GET", "/dataSets?property=name~x{4294967294}", {}, 400),
    ("regex repeats multiplying", "GET", "/dataSets?property=name~((a{100}){100}){100}", {}, 400),
    ("lone surrogate in a body", "POST", "/dataSets",
     {"data": b'{"name": "x\\ud800"}', "headers": JSON}, 400),
    ("lone surrogate in a batch tag", "POST", "/data/foundation/import/batches",
     {"data": b'{"datasetId": "6ac98000f2a74de452e6b438", "tags": {"t": ["\\udfff"]}}',
      "headers": JSON}, 400),
    ("number beyond a double", "POST", "/dataSets",
     {"data": b'{"name": "x", "size": 1e400}', "headers": JSON}, 400),
    ("start past the page range", "GET", "/batches?start=9223372036854775807", {}, 400),
    ("partialIngestionPercentage as text", "PATCH", "/batches/01M702VXG016CKDXKNSJ0YEKQN",
     {"json": {"partialIngestionPercentage": "abc"}}, 400),
    ("an empty path segment", "GET", "/batches//x", {}, 404),
]  # fmt: skip


@pytest.mark.parametrize(
    ("what", "method", "path", "kwargs", "status"), CASES, ids=[case[0] for case in CASES]
)
def test_bad_input_gets_its_documented_answer(
    live_server: LiveServer, credentials: Credentials, what: str, method: str, path: str,
    kwargs: dict[str, Any], status: int,
) -> None:  # fmt: skip
    before = requests.get(f"{live_server.url}/__admin/state", timeout=10).json()
    headers = {**credentials(), **kwargs.get("headers", {})}
    sent = {key: value for key, value in kwargs.items() if key != "headers"}
    response = requests.request(method, live_server.url + path, headers=headers, timeout=30, **sent)
    assert response.status_code == status, response.text[:500]
    body = response.json()
    assert body["status"] == status and body["detail"]
    assert "Location" not in response.headers  # no redirect, nothing echoed
    assert requests.get(f"{live_server.url}/__admin/state", timeout=10).json() == before


def test_header_injection_cannot_reach_the_response(live_server: LiveServer) -> None:
    """Raw bytes on the socket: CR/LF inside header values. Whatever the server makes of them, the
    mock never reflects a request header into its answer, so nothing can be smuggled into it."""
    host, port = urlsplit(live_server.url).hostname, urlsplit(live_server.url).port
    request = (
        b"GET /dataSets?limit=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nx-api-key: k\r\n"
        b"x-gw-ims-org-id: ORG\rSet-Cookie: evil=1\r\nx-sandbox-name: prod\nLocation: http://evil\r\n"
        b"Connection: close\r\n\r\n"
    )
    with socket.create_connection((host, port), timeout=10) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0]
    assert 200 <= int(head.split(b" ", 2)[1]) < 500
    assert b"evil" not in head and b"Set-Cookie" not in head
