"""The gateway's checks, each on its own inputs, and remembering as a cache around them."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from flask import Flask

from mockcatalog import create_app
from mockcatalog.catalog.tenancy import Caller
from mockcatalog.core.errors import ApiKeyInvalid, TokenMissing, Unauthorized, UriTooLong
from mockcatalog.http import gateway
from mockcatalog.http.extension import control_of
from mockcatalog.http.routing import Route

from ...conftest import make_credentials


def route_of(app: Flask, endpoint: str) -> Route:
    route = app.view_functions[endpoint].__self__
    assert isinstance(route, Route)
    return route


def test_each_route_runs_the_first_checks_that_apply_in_order() -> None:
    assert gateway.first_checks_for(admin=True, behind_gateway=False) == (gateway.check_local_admin,)
    assert gateway.first_checks_for(admin=False, behind_gateway=True) == (
        gateway.check_url_length,
        gateway.check_fault,
    )
    assert gateway.first_checks_for(admin=False, behind_gateway=False) == ()  # the fake IMS


def test_the_token_check_reads_only_the_control_plane_and_the_caller() -> None:
    lenient = control_of(create_app({"seed": 1}))
    strict = control_of(create_app({"seed": 1, "strict_auth": True}))
    stranger = Caller(org="o@AdobeOrg", sandbox="prod", api_key="k", token="not-issued")
    gateway.check_token(lenient, stranger)  # any token, without strict auth
    gateway.check_token(strict, None)  # an operation without credentials
    with pytest.raises(Unauthorized):
        gateway.check_token(strict, stranger)
    issued = strict.tokens.issue("k", "openid", strict.clock.now_ms())["access_token"]
    gateway.check_token(strict, dataclasses.replace(stranger, token=issued))
    with pytest.raises(ApiKeyInvalid):  # the key must be the client the token was issued to
        gateway.check_token(strict, dataclasses.replace(stranger, token=issued, api_key="another"))


def test_a_remembered_request_skips_validation_but_not_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """The memo is a cache around the checks that depend only on the request: a request seen
    before is not validated again, while the token, which expires with the clock, always is."""
    app = create_app({"seed": 1, "strict_auth": True})
    control, client = control_of(app), app.test_client()
    route = route_of(app, "listBatches@/")
    validated: list[Any] = []
    real_validate = route.gate.validator.validate

    def counting(**kwargs: Any) -> Any:
        validated.append(kwargs["args"])
        return real_validate(**kwargs)

    monkeypatch.setattr(route.gate.validator, "validate", counting)
    token = control.tokens.issue("test-client", "openid", control.clock.now_ms())["access_token"]
    headers = {**make_credentials(api_key="test-client"), "Authorization": f"Bearer {token}"}
    for _ in range(3):
        assert client.get("/batches?limit=2", headers=headers).status_code == 200
    assert len(validated) == 1  # checked once, remembered twice
    control.clock.advance(2 * 24 * 3600 * 1000)  # the token expires: the remembered request is refused
    expired = client.get("/batches?limit=2", headers=headers)
    assert expired.status_code == 401 and len(validated) == 1


def test_credentials_are_checked_before_parameters() -> None:
    client = create_app({"seed": 1}).test_client()
    no_token = {k: v for k, v in make_credentials().items() if k != "Authorization"}
    answer = client.get("/batches?limit=999", headers=no_token)  # both wrong: the gateway's first
    assert answer.status_code == TokenMissing.status and answer.json == TokenMissing("").to_dict()


def test_a_url_over_the_gateways_limit_is_a_414_before_anything_else() -> None:
    client = create_app({"seed": 1}).test_client()
    answer = client.get("/batches?property=" + "x" * (gateway.MAX_URL_LENGTH + 1))  # no credentials either
    assert answer.status_code == UriTooLong.status
