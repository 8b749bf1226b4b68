"""Fake IMS tokens: their shape, and what strict auth accepts."""

from __future__ import annotations

import base64
import json

from mockcatalog.control.tokens import EXPIRES_IN_SECONDS, TokenIssuer


def test_a_token_looks_like_an_ims_access_token() -> None:
    response = TokenIssuer().issue("client-1", "openid", now_ms=1_000)
    assert response["token_type"] == "bearer" and response["expires_in"] == 86_399
    header, payload, _ = response["access_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["client_id"] == "client-1" and claims["type"] == "access_token"


def test_only_issued_unexpired_tokens_pass() -> None:
    issuer = TokenIssuer()
    token = issuer.issue("c", "", now_ms=0)["access_token"]
    assert issuer.problem(token, now_ms=1) is None
    assert "expired" in (issuer.problem(token, now_ms=EXPIRES_IN_SECONDS * 1000) or "")
    assert "not issued" in (issuer.problem("made-up", now_ms=1) or "")


def test_the_registry_is_bounded() -> None:
    issuer = TokenIssuer(max_tokens=2)
    first = issuer.issue("c", "", 0)["access_token"]
    issuer.issue("c", "", 0)
    issuer.issue("c", "", 0)
    assert issuer.problem(first, 1) is not None
