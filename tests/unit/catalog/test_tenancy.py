"""Credentials, refused in the gateway's order (token, API key, org), and the sandbox default."""

from __future__ import annotations

import pytest

from mockcatalog.catalog.tenancy import caller_from_headers
from mockcatalog.core.errors import (
    ApiKeyMissing,
    MockCatalogError,
    OrgHeaderMissing,
    TokenMissing,
    Unauthorized,
)

GOOD = {
    "authorization": "Bearer abc",
    "x-api-key": "client",
    "x-gw-ims-org-id": "ORG@AdobeOrg",
}  # names lower-cased


def test_good_headers_name_the_tenant_and_default_the_sandbox() -> None:
    caller = caller_from_headers(GOOD)
    assert caller.tenant == ("ORG@AdobeOrg", "prod")
    assert caller_from_headers({**GOOD, "x-sandbox-name": "dev"}).tenant == ("ORG@AdobeOrg", "dev")


@pytest.mark.parametrize(
    ("change", "error", "field"),
    [
        ({"authorization": None}, TokenMissing, "Authorization"),
        ({"authorization": "Basic abc"}, Unauthorized, "Authorization"),
        ({"authorization": "Bearer "}, TokenMissing, "Authorization"),
        ({"x-api-key": None}, ApiKeyMissing, "x-api-key"),
        ({"x-gw-ims-org-id": " "}, OrgHeaderMissing, "x-gw-ims-org-id"),
    ],
)
def test_missing_credentials(
    change: dict[str, str | None], error: type[MockCatalogError], field: str
) -> None:
    headers = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    with pytest.raises(error) as raised:
        caller_from_headers(headers)
    assert raised.value.errors is not None and field in raised.value.errors
