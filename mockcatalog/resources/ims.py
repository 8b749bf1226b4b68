"""Fake IMS token views: ``/ims/token/v3`` (form body) and the older ``/ims/token/v2`` (query)."""

from __future__ import annotations

from flask import Response, current_app

from mockcatalog.control import MockControl
from mockcatalog.resources.common import current_call, json_response


def _issue(fields: dict[str, str]) -> Response:
    control: MockControl = current_app.extensions["mockcatalog"]
    token = control.tokens.issue(fields["client_id"], fields.get("scope", ""), control.store.clock.now_ms())
    return json_response(token)


def ims_token_v3() -> Response:
    return _issue(current_call().valid.body)


def ims_token_v2() -> Response:
    return _issue(current_call().valid.query)
