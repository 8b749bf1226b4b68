"""A fake Adobe IMS: tokens for SDKs that authenticate before calling Platform.

Tokens look like IMS access tokens (three base64url parts, a JSON payload with ``client_id``,
``created_at`` and ``expires_in`` in ms) but are not signed. They live 24 hours (``expires_in``
86399 s, as IMS answers); SDKs refresh when under ~500 s are left. With strict auth the mock
accepts only the tokens it issued and that have not expired by its clock, so a test can advance
the clock a day and watch its client refresh.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from dataclasses import dataclass
from typing import Any

EXPIRES_IN_SECONDS = 86_399


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).rstrip(b"=").decode()


@dataclass(frozen=True)
class IssuedToken:
    client_id: str
    expires_at_ms: int


class TokenIssuer:
    """Issues tokens and remembers them (they survive per-test resets, as a real token would)."""

    def __init__(self, max_tokens: int = 10_000) -> None:
        self._tokens: dict[str, IssuedToken] = {}
        self._max = max_tokens
        self._lock = threading.Lock()

    def issue(self, client_id: str, scope: str, now_ms: int) -> dict[str, Any]:
        """The IMS token response: ``{"access_token", "token_type": "bearer", "expires_in"}``."""
        payload = {
            "type": "access_token",
            "client_id": client_id,
            "scope": scope,
            "created_at": str(now_ms),
            "expires_in": str(EXPIRES_IN_SECONDS * 1000),
            "id": secrets.token_hex(8),
        }
        token = ".".join([_b64({"alg": "none", "typ": "JWT", "x5u": "mockcatalog"}), _b64(payload), "mock"])
        with self._lock:
            if len(self._tokens) >= self._max:
                self._tokens.pop(next(iter(self._tokens)))
            self._tokens[token] = IssuedToken(client_id, now_ms + EXPIRES_IN_SECONDS * 1000)
        return {"access_token": token, "token_type": "bearer", "expires_in": EXPIRES_IN_SECONDS}

    def problem(self, token: str, now_ms: int) -> str | None:
        """Why ``token`` is not acceptable under strict auth, or None when it is."""
        with self._lock:
            issued = self._tokens.get(token)
        if issued is None:
            return "The bearer token was not issued by this mock; get one from POST /ims/token/v3."
        if now_ms >= issued.expires_at_ms:
            return "The bearer token has expired; get a new one from POST /ims/token/v3."
        return None

    def client_of(self, token: str) -> str | None:
        """The client a token was issued to (what its caller's ``x-api-key`` must be), or None."""
        with self._lock:
            issued = self._tokens.get(token)
        return issued.client_id if issued is not None else None
