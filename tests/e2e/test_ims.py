"""The fake IMS, and strict auth: what an SDK that authenticates first goes through."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from flask import Flask

from mockcatalog import create_app
from mockcatalog.control.tokens import EXPIRES_IN_SECONDS
from mockcatalog.http.extension import control_of
from mockcatalog.server import LiveServer

from ..conftest import ACME

pytestmark = pytest.mark.e2e

FORM = {
    "grant_type": "client_credentials",
    "client_id": "my-client",
    "client_secret": "s3cret",
    "scope": "openid",
}


@pytest.fixture
def strict_server() -> Iterator[tuple[LiveServer, Flask]]:
    app = create_app({"strict_auth": True, "frozen_at_ms": 1_800_000_000_000})
    with LiveServer(app) as server:
        yield server, app


def call_with(server: LiveServer, token: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}", "x-api-key": "my-client", "x-gw-ims-org-id": ACME}
    return requests.get(f"{server.url}/data/foundation/catalog/batches", headers=headers, timeout=10)


def test_v3_form_body_issues_a_token(live_server: LiveServer) -> None:
    response = requests.post(f"{live_server.url}/ims/token/v3", data=FORM, timeout=10)
    assert response.status_code == 200
    token = response.json()
    assert token["token_type"] == "bearer" and token["expires_in"] == EXPIRES_IN_SECONDS
    assert call_with(live_server, token["access_token"]).status_code == 200


def test_v2_query_parameters_issue_a_token(live_server: LiveServer) -> None:
    response = requests.post(f"{live_server.url}/ims/token/v2", params=FORM, timeout=10)
    assert response.status_code == 200 and response.json()["access_token"]


@pytest.mark.parametrize(
    ("data", "field"),
    [({**FORM, "grant_type": "password"}, "grant_type"), ({"client_id": "c"}, "client_secret")],
)
def test_bad_token_requests_are_400s(live_server: LiveServer, data: dict[str, str], field: str) -> None:
    response = requests.post(f"{live_server.url}/ims/token/v3", data=data, timeout=10)
    assert response.status_code == 400 and field in response.json()["errors"]
    as_json = requests.post(f"{live_server.url}/ims/token/v3", json=FORM, timeout=10)
    assert as_json.status_code == 415


def test_strict_auth_accepts_only_issued_unexpired_tokens(strict_server: tuple[LiveServer, Flask]) -> None:
    server, app = strict_server
    refused = call_with(server, "made-up-token")
    assert refused.status_code == 401 and refused.json() == {
        "error_code": "401013",
        "message": "Oauth token is not valid",
    }
    assert (
        "/ims/token/v3" in control_of(app).journal.violations()[-1].violation
    )  # the report says how to fix it
    token = requests.post(f"{server.url}/ims/token/v3", data=FORM, timeout=10).json()["access_token"]
    assert call_with(server, token).status_code == 200
    control_of(app).reset()  # tokens outlive a per-test reset, as a cached SDK token would
    assert call_with(server, token).status_code == 200
    control_of(app).clock.advance(EXPIRES_IN_SECONDS * 1000)
    expired = call_with(server, token)
    assert expired.status_code == 401 and expired.json()["error_code"] == "401013"
    assert "expired" in control_of(app).journal.violations()[-1].violation
