"""Remembered checks of bodiless requests must never answer for a request they were not made for."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from mockcatalog.contract.validation import ValidRequest, build_validators
from mockcatalog.http.extension import control_of
from mockcatalog.http.gateway import Admitted
from mockcatalog.http.request_memo import MAX_KEY_BYTES, MAX_MEMO_BYTES, MemoKey, RequestMemo, environ_key
from mockcatalog.http.routing import Route

from ...conftest import ACME, GLOBEX, make_credentials


def batch_ids(client: FlaskClient, headers: dict[str, str], url: str = "/batches?limit=100") -> set[str]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_json()
    return set(response.get_json())


def test_each_org_sandbox_and_filter_header_gets_its_own_answer(client: FlaskClient) -> None:
    acme, globex, acme_dev = make_credentials(ACME), make_credentials(GLOBEX), make_credentials(ACME, "dev")
    first = {name: batch_ids(client, headers) for name, headers in [("acme", acme), ("globex", globex)]}
    for _ in range(2):  # again, interleaved: remembered checks must not leak a caller
        assert batch_ids(client, globex) == first["globex"]
        assert batch_ids(client, acme) == first["acme"]
        assert batch_ids(client, acme_dev).isdisjoint(first["acme"])
    failed = batch_ids(client, {**acme, "status": "failed"})  # a filter sent as a header
    assert failed and failed < first["acme"]
    assert batch_ids(client, acme) == first["acme"]


def test_a_bad_request_is_refused_every_time_even_after_good_ones(client: FlaskClient) -> None:
    headers = make_credentials()
    assert batch_ids(client, headers, "/batches?limit=5")
    for _ in range(2):
        assert client.get("/batches?limit=5", headers={**headers, "x-api-key": ""}).status_code == 403
        assert client.get("/batches?limit=0", headers=headers).status_code == 400


def test_remembered_requests_still_count_for_contract_coverage(app: Flask, client: FlaskClient) -> None:
    headers = make_credentials()
    for _ in range(2):
        batch_ids(client, headers, "/batches?limit=5&orderBy=desc:created")
    batches = control_of(app).coverage.report()["operations"]["GET /batches"]
    assert batches["calls"] == 2
    assert {"limit", "orderBy", "x-api-key"} <= set(batches["parameters"]["used"])


def test_keys_ignore_headers_the_operation_does_not_read_and_the_memo_stays_bounded() -> None:
    memo = RequestMemo(build_validators()["listBatches"].header_names_read, max_entries=2)
    environ = {"HTTP_X_GW_IMS_ORG_ID": ACME, "HTTP_USER_AGENT": "a"}
    key = memo.key(environ, b"limit=5", {})
    assert memo.key({**environ, "HTTP_USER_AGENT": "b", "HTTP_X_REQUEST_ID": "1"}, b"limit=5", {}) == key
    assert memo.key({**environ, "HTTP_X_SANDBOX_NAME": "dev"}, b"limit=5", {}) != key
    assert memo.key({**environ, "HTTP_STATUS": "failed"}, b"limit=5", {}) != key
    assert memo.key(environ, b"limit=6", {}) != key
    assert (environ_key("x-api-key"), environ_key("Content-Type")) == ("HTTP_X_API_KEY", "CONTENT_TYPE")
    assert key is not None and len(key.digest) == 16  # a digest: a 200 KB token is not kept
    assert memo.key({**environ, "HTTP_AUTHORIZATION": "Bearer " + "x" * MAX_KEY_BYTES}, b"", {}) is None
    admitted = Admitted(None, ValidRequest(query={}, headers={}, path={}), (), None)
    for n in range(3):
        memo.put(MemoKey(bytes([n]), 100), admitted)
    assert memo.get(bytes([2])) is admitted and memo.get(bytes([0])) is None  # full: forgotten, not grown
    assert len(memo) == 1
    roomy = RequestMemo(build_validators()["listBatches"].header_names_read, max_entries=10_000)
    for n in range(1000):  # each near the byte bound's thousandth part: forgotten before it is passed
        roomy.put(MemoKey(n.to_bytes(4, "big"), MAX_MEMO_BYTES // 600), admitted)
    assert len(roomy) < 600


def test_a_list_query_is_built_once_unless_it_keeps_a_regex_time_budget(
    app: Flask, client: FlaskClient
) -> None:
    route = app.view_functions["listBatches@/"].__self__
    assert isinstance(route, Route) and route.gate.memo is not None
    memo = route.gate.memo
    headers = make_credentials()
    environ = {environ_key(name): value for name, value in headers.items()}

    def kept_query(url: str) -> object:
        assert client.get(url, headers=headers).status_code == 200
        key = memo.key(environ, url.partition("?")[2].encode(), {})
        assert key is not None
        admitted = memo.get(key.digest)
        assert admitted is not None
        return admitted.list_query

    plain = kept_query("/batches?limit=3&status=success")
    assert plain is not None and kept_query("/batches?limit=3&status=success") is plain
    assert kept_query("/batches?limit=3&property=status~^succ") is None  # each request gets its own budget
