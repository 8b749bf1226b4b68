"""Who is calling: credentials from the gateway headers, and the (org, sandbox) tenant they reach.

Like the real gateway, credentials are checked before anything else: a missing or malformed
``Authorization: Bearer`` answers 401, a missing ``x-api-key`` or ``x-gw-ims-org-id`` answers 403.
Any non-empty token is accepted (the mock has no identity provider). ``x-sandbox-name`` defaults
to ``prod``; its format is checked by the spec-generated header schema.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from mockcatalog.core.errors import (
    ApiKeyMissing,
    InvalidRequest,
    OrgHeaderMissing,
    TokenMissing,
    Unauthorized,
)

DEFAULT_SANDBOX = "prod"

Tenant = tuple[str, str]  # (IMS org, sandbox name)


class HeaderLookup(Protocol):
    """Request headers by lower-case name (a dict from ``lowercase_headers``, or werkzeug's
    case-insensitive ``Headers``)."""

    def get(self, key: str, /) -> str | None: ...


@dataclass(frozen=True)
class Caller:
    org: str
    sandbox: str
    api_key: str
    token: str

    @property
    def tenant(self) -> Tenant:
        return (self.org, self.sandbox)

    @property
    def user(self) -> str:
        """The user id the mock records as ``createdUser``: the client's technical account."""
        return f"{self.api_key}@techacct.adobe.com"


#: Namespace of the sandbox ids the mock makes (any fixed UUID would do: it only has to be constant).
_SANDBOX_IDS = uuid.UUID("6f1c2a4e-3d5b-4c7a-9e8f-0a1b2c3d4e5f")


def sandbox_id(tenant: Tenant) -> str:
    """The ``sandboxId`` every object of ``tenant`` carries: the Platform gives each sandbox a UUID
    (aepp reads it from every batch), which no source of ours shows; a UUID made from the org and
    the sandbox name is the same for every object, run and restart, and differs between tenants."""
    org, sandbox = tenant
    return str(uuid.uuid5(_SANDBOX_IDS, f"{org}/{sandbox}"))


def tenant_of(obj: Mapping[str, Any]) -> Tenant:
    """The tenant a stored object names with ``imsOrg`` and ``sandboxName`` (absent: ``prod``)."""
    return (obj["imsOrg"], obj.get("sandboxName") or DEFAULT_SANDBOX)


#: The headers that say who calls and which tenant they reach (names in lower case).
CREDENTIAL_HEADERS = ("authorization", "x-api-key", "x-gw-ims-org-id", "x-sandbox-name")


def one_value_each(headers: dict[str, str]) -> dict[str, str]:
    """``headers`` with each credential header sent more than once reduced to its one value.

    A header sent twice reaches a WSGI app as one value, the two joined by a comma. Adobe's own
    legacy Batch Ingestion Postman collection sends ``x-gw-ims-org-id`` twice, with the same value,
    and works against the real service; read as it arrives, it would name a tenant of its own. The
    same value repeated is that value; different values are a 400 naming the header (a request may
    not name two organizations, and no credential holds a comma)."""
    repeated: dict[str, str] = {}
    for name in CREDENTIAL_HEADERS:
        value = headers.get(name)
        if value is None or "," not in value:
            continue
        values = {part.strip() for part in value.split(",")}
        if len(values) > 1:
            raise InvalidRequest(
                f"The {name} header was sent with {len(values)} different values; send it once.",
                errors={name: [f"Sent {value!r}: one value is allowed."]},
            )
        repeated[name] = values.pop()
    return {**headers, **repeated} if repeated else headers


def caller_from_headers(headers: HeaderLookup) -> Caller:
    """Read the caller's credentials, refusing as the Platform gateway does (in its order: token,
    API key, organization); the refusal's ``detail`` says which header to send."""
    token = bearer_token(headers)
    api_key = (headers.get("x-api-key") or "").strip()
    if not api_key:
        raise ApiKeyMissing(
            "Missing x-api-key header: send the client id of your credentials.",
            errors={"x-api-key": ["Missing data for required header."]},
        )
    org = (headers.get("x-gw-ims-org-id") or "").strip()
    if not org:
        raise OrgHeaderMissing(
            "Missing x-gw-ims-org-id header: send your IMS organization id (…@AdobeOrg).",
            errors={"x-gw-ims-org-id": ["Missing data for required header."]},
        )
    sandbox = (headers.get("x-sandbox-name") or "").strip() or DEFAULT_SANDBOX
    return Caller(org=org, sandbox=sandbox, api_key=api_key, token=token)


def bearer_token(headers: HeaderLookup) -> str:
    """The access token of ``Authorization: Bearer <token>``, which every Platform API needs (the
    gateway's first refusal: 403 without it, 401 for another scheme)."""
    authorization = (headers.get("authorization") or "").strip()
    scheme, _, token = authorization.partition(" ")
    if not authorization or (scheme.lower() == "bearer" and not token.strip()):
        raise TokenMissing(
            "Missing Authorization header: send 'Authorization: Bearer <access token>'.",
            errors={"Authorization": ["Missing data for required header."]},
        )
    if scheme.lower() != "bearer":
        raise Unauthorized(
            "Malformed Authorization header: send 'Authorization: Bearer <access token>'.",
            errors={"Authorization": ["Expected 'Bearer <access token>'."]},
        )
    return token.strip()
