"""What the Catalog unit tests start from: a control plane without Flask, with three tenants'
fixtures."""

from __future__ import annotations

import pytest

from mockcatalog.catalog.fixture_files import Fixtures
from mockcatalog.catalog.query import ListQuery
from mockcatalog.catalog.store import CatalogStore
from mockcatalog.catalog.tenancy import Caller
from mockcatalog.contract.spec import load_spec
from mockcatalog.control.plane import MockControl
from mockcatalog.core.settings import Settings

NOW = 1_800_000_000_000
ORG_A, ORG_B = "A@AdobeOrg", "B@AdobeOrg"


def new_control(seed: int | None = None) -> MockControl:
    """A control plane as create_app makes one, without Flask or fixtures."""
    return MockControl(Settings(frozen_at_ms=NOW, seed=seed), load_spec())


@pytest.fixture
def control() -> MockControl:
    control = new_control(seed=3)
    control.tenants.load(
        Fixtures(
            collections={
                "dataSets": {
                    "dsA": {"imsOrg": ORG_A, "name": "a"},
                    "dsAdev": {"imsOrg": ORG_A, "sandboxName": "dev", "name": "a-dev"},
                    "dsB": {"imsOrg": ORG_B, "name": "b"},
                },
                "batches": {
                    "b1": {
                        "imsOrg": ORG_A,
                        "created": NOW - 1000,
                        "relatedObjects": [{"type": "dataSet", "id": "dsA"}],
                    }
                },
            }
        )
    )
    return control


def caller(org: str = ORG_A, sandbox: str = "prod") -> Caller:
    return Caller(org=org, sandbox=sandbox, api_key="client-1", token="t")


def everything(store: CatalogStore, tenant: tuple[str, str], collection: str) -> dict[str, object]:
    return store.list_objects(tenant, collection, ListQuery(limit=None))
