"""The tenant registry on its own: objects land in their tenant, reading creates none, a reset
returns to the fixtures, and a state export and import round-trip every tenant."""

from __future__ import annotations

from mockcatalog.catalog.fixture_files import Fixtures
from mockcatalog.control.plane import MockControl

from .conftest import ORG_A, ORG_B, caller, everything, new_control


def test_objects_land_in_their_org_and_sandbox(control: MockControl) -> None:
    assert list(everything(control.store, (ORG_A, "prod"), "dataSets")) == ["dsA"]
    assert list(everything(control.store, (ORG_A, "dev"), "dataSets")) == ["dsAdev"]
    assert list(everything(control.store, (ORG_B, "prod"), "dataSets")) == ["dsB"]
    assert everything(control.store, ("nobody", "prod"), "dataSets") == {}


def test_reading_an_unknown_tenant_does_not_create_it(control: MockControl) -> None:
    before = control.tenants.known()
    everything(control.store, ("random@AdobeOrg", "prod"), "batches")
    assert control.tenants.known() == before


def test_reset_returns_to_the_fixtures_and_restarts_ids(control: MockControl) -> None:
    first = control.ingestion.create_batch(caller(ORG_B), {"datasetId": "dsB"})["id"]
    control.tenants.load(
        Fixtures(collections={"dataSets": {"dsNew": {"imsOrg": "new@AdobeOrg"}}}), baseline=False
    )
    control.reset()
    assert list(everything(control.store, (ORG_B, "prod"), "batches")) == []
    assert ("new@AdobeOrg", "prod") not in control.tenants.known()
    assert list(everything(control.store, (ORG_A, "prod"), "batches")) == ["b1"]
    assert control.ingestion.create_batch(caller(ORG_B), {"datasetId": "dsB"})["id"] == first


def test_export_then_replace_round_trips_every_tenant(control: MockControl) -> None:
    control.ingestion.create_batch(caller(ORG_A, "dev"), {"datasetId": "dsAdev"})
    exported = control.tenants.export()
    fresh = new_control()
    fresh.replace_all(exported)
    for tenant in control.tenants.known():
        for collection in ("dataSets", "batches"):
            assert everything(fresh.store, tenant, collection) == everything(
                control.store, tenant, collection
            )
    fresh.reset()
    assert len(everything(fresh.store, (ORG_A, "dev"), "batches")) == 1  # imported state is the new baseline


def test_a_tenants_newest_objects_are_listed_newest_first_bounded_with_their_status(
    control: MockControl,
) -> None:
    made = [control.ingestion.create_batch(caller(ORG_B), {"datasetId": "dsB"})["id"] for _ in range(3)]
    newest = control.tenants.newest_objects((ORG_B, "prod"), 2)
    assert newest["batches"]["total"] == 3
    assert [(b["id"], b["status"], b["dataSetIds"]) for b in newest["batches"]["newest"]] == [
        (batch_id, "loading", ["dsB"]) for batch_id in made[:0:-1]
    ]
    assert [d["id"] for d in newest["dataSets"]["newest"]] == ["dsB"]
    before = control.tenants.known()
    assert control.tenants.newest_objects(("nobody", "prod"), 5)["batches"] == {"total": 0, "newest": []}
    assert control.tenants.known() == before  # reading made no tenant
