"""Fake IMS token views: ``/ims/token/v3`` (form body) and the older ``/ims/token/v2`` (query)."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Response

from mockcatalog.http.gateway import Call
from mockcatalog.http.responses import json_response


def _issue(call: Call, fields: Mapping[str, str]) -> Response:
    control = call.control
    return json_response(
        control.tokens.issue(fields["client_id"], fields.get("scope", ""), control.clock.now_ms())
    )


def ims_token_v3(call: Call) -> Response:
    return _issue(call, call.valid.body)


def ims_token_v2(call: Call) -> Response:
    return _issue(call, call.valid.query)
