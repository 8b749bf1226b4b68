"""Platform operations the mock does not serve answer 501 naming the real operation, and strict mode
counts them apart from requests the real service rejects."""

from __future__ import annotations

import pytest
import requests

from mockcatalog.contract.scope import NOT_SERVED
from mockcatalog.server import LiveServer

from ..conftest import concrete, make_credentials

pytestmark = pytest.mark.e2e


def test_every_operation_out_of_scope_answers_501_naming_it(live_server: LiveServer) -> None:
    with requests.Session() as session:
        for operation in NOT_SERVED:
            body = {"name": "x"} if operation.method in {"POST", "PUT", "PATCH"} else None
            answer = session.request(
                operation.method,
                live_server.url + concrete(operation),
                json=body,
                headers=make_credentials(),
                timeout=10,
            )
            assert answer.status_code == 501, operation.label
            assert answer.headers["Content-Type"] == "application/json", operation.label
            if operation.method != "HEAD":
                error = answer.json()
                assert error["operation"] == operation.describe()
                assert operation.operation_id in error["detail"] and error["status"] == 501

    evidence = requests.get(f"{live_server.url}/__admin/violations", timeout=10).json()
    assert evidence["violations"] == []
    unsupported = evidence["unsupported"]
    assert [(entry["method"], entry["status"]) for entry in unsupported] == [
        (operation.method, 501) for operation in NOT_SERVED
    ]
    assert "the mock does not serve" in evidence["report"] and "would reject" not in evidence["report"]


def test_a_head_of_an_operation_not_served_is_a_501_too(live_server: LiveServer) -> None:
    answer = requests.head(
        f"{live_server.url}/data/foundation/catalog/accounts/x", headers=make_credentials(), timeout=10
    )
    assert answer.status_code == 501


def test_an_unknown_path_or_method_is_still_a_violation(live_server: LiveServer) -> None:
    for method, path in [
        ("PUT", "/data/foundation/catalog/accounts"),
        ("GET", "/data/foundation/catalog/acounts"),
    ]:
        answer = requests.request(method, live_server.url + path, headers=make_credentials(), timeout=10)
        assert answer.status_code == 404
    evidence = requests.get(f"{live_server.url}/__admin/violations", timeout=10).json()
    assert len(evidence["violations"]) == 2 and evidence["unsupported"] == []


def test_the_head_of_a_path_is_the_get_of_it_in_the_table() -> None:
    from mockcatalog.contract import scope

    accounts = scope.not_served("HEAD", "/data/foundation/catalog/accounts/x")
    assert accounts is not None and accounts.method == "GET"
    assert scope.not_served("HEAD", "/data/foundation/catalog/nothing/here") is None
