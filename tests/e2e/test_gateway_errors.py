"""The Platform gateway's refusals, on every operation of openapi.yaml, as Adobe's platform FAQ
documents them: missing or bad credentials answer ``{"error_code", "message"}`` with the code's
status; a JSON body without a JSON ``Content-Type`` is a 400 with the documented detail. Each is a
contract violation in the journal, with our explanation there rather than on the wire.

(schemathesis' own missing-header check expects 401 for a missing ``Authorization``, where the
gateway answers 403, so contract.toml turns it off; this module checks every header instead.)
"""

from __future__ import annotations

import re

import pytest
import requests
from flask import Flask

from mockcatalog import create_app
from mockcatalog.contract.spec import GATEWAY_PREFIXES, Operation, load_spec
from mockcatalog.http.extension import control_of
from mockcatalog.server import LiveServer

from ..conftest import ACME

pytestmark = pytest.mark.e2e

ORG = ACME  # the packaged fixtures' organization
DATASET = "6ac98000f2a74de452e6b438"
BATCH = "01M702VXG016CKDXKNSJ0YEKQN"
CREDENTIALS = {"Authorization": "Bearer t", "x-api-key": "k", "x-gw-ims-org-id": ORG}
#: Operations behind the gateway (the fake IMS is another host, with no gateway in front).
GATED = [op for op in load_spec().operations.values() if op.needs_credentials]
#: (what is sent instead of the credentials, status, code, message)
REFUSALS = {
    "no token": ({"Authorization": None}, 403, "403010", "Oauth token is missing."),
    "empty bearer": ({"Authorization": "Bearer "}, 403, "403010", "Oauth token is missing."),
    "not a bearer token": (
        {"Authorization": "Basic dXNlcjpwdw=="},
        401,
        "401013",
        "Oauth token is not valid",
    ),
    "no API key": ({"x-api-key": None}, 403, "403000", "Api Key is required"),
    "no org": ({"x-gw-ims-org-id": None}, 400, "400003", "Missing header"),
}


def concrete(operation: Operation) -> str:
    """The operation's path under its gateway base path, with fixture ids for its placeholders."""
    path = re.sub(r"\{id\}", BATCH if operation.path.startswith("/batches") else DATASET, operation.path)
    path = path.replace("{datasetId}", DATASET).replace("{filePath}", "part-1.json")
    prefix = GATEWAY_PREFIXES[operation.gateway] if operation.gateway else ""
    return prefix + path


@pytest.fixture(scope="module")
def server() -> tuple[LiveServer, Flask]:
    app = create_app()
    with LiveServer(app) as live:
        yield live, app


def test_every_gated_operation_is_checked() -> None:
    assert len(GATED) >= 16 and all(op.operation_id.startswith("ims") is False for op in GATED)


@pytest.mark.parametrize("operation", GATED, ids=lambda op: op.label)
@pytest.mark.parametrize("refusal", sorted(REFUSALS))
def test_missing_credentials_answer_the_gateways_code(
    server: tuple[LiveServer, Flask], operation: Operation, refusal: str
) -> None:
    live, app = server
    change, status, code, message = REFUSALS[refusal]
    headers = {name: value for name, value in {**CREDENTIALS, **change}.items() if value is not None}
    before = control_of(app).tenants.counts()
    answer = requests.request(operation.method, live.url + concrete(operation), headers=headers, timeout=10)
    assert answer.status_code == status
    if operation.method != "HEAD":  # a HEAD answer has no body to carry the code
        assert answer.json() == {"error_code": code, "message": message}
    assert control_of(app).tenants.counts() == before
    recorded = control_of(app).journal.entries()[-1]
    assert recorded.violation and recorded.errors  # the report names the header and how to fix it


@pytest.mark.parametrize(
    "operation",
    [op for op in GATED if op.bodies and all(kind.endswith("json") for kind in op.bodies)],
    ids=lambda op: op.label,
)
@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_a_json_body_without_a_json_content_type_is_a_400(
    server: tuple[LiveServer, Flask], operation: Operation, content_type: str | None
) -> None:
    live, _app = server
    headers = dict(CREDENTIALS) | ({"Content-Type": content_type} if content_type else {})
    answer = requests.request(
        operation.method, live.url + concrete(operation), headers=headers, data=b'{"name": "x"}', timeout=10
    )
    body = answer.json()
    assert answer.status_code == 400 and body["detail"] == "A valid content-type must be specified"
    assert body["type"] and body["title"] and "Content-Type" in body["errors"]


def test_an_upload_in_another_media_type_keeps_its_415(server: tuple[LiveServer, Flask]) -> None:
    live, _app = server
    upload = load_spec().operations["uploadFile"]
    headers = CREDENTIALS | {"Content-Type": "application/json"}
    answer = requests.put(live.url + concrete(upload), headers=headers, data=b"{}", timeout=10)
    assert answer.status_code == 415
