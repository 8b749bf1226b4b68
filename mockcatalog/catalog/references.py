"""What a batch names must exist in its tenant: the batches its ``replay`` replaces.

Checked on every write of a batch (Batch Ingestion's create, Catalog's create, PUT, merge PATCH and
JSON Patch), under the tenant's lock and before anything is stored, so a refused write changes
nothing. A write is refused only for the names it adds: a batch that named a batch since deleted
can still be written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockcatalog.catalog.fixture_files import Fixtures
from mockcatalog.catalog.model import BATCHES, DATASETS, dataset_ids_of
from mockcatalog.catalog.tenancy import Tenant, tenant_of
from mockcatalog.catalog.tenants import TenantData, TenantRegistry
from mockcatalog.core.errors import BadRequest


def require_predecessors(data: TenantData, replay: Any, kept: Any = None) -> None:
    """A 400 naming the field and each name sent when ``replay`` names a batch the tenant does not
    hold, by id (``predecessors``) or by ``externalId`` (``predecessorsByExternalId``); the names
    ``kept`` (the stored batch's replay) already had are not checked again."""
    batches = data[BATCHES]
    unknown = {
        "replay.predecessors": [bid for bid in new_names(replay, kept, "predecessors") if bid not in batches]
    }
    by_external_id = new_names(replay, kept, "predecessorsByExternalId")
    if by_external_id:  # rare: a scan of the tenant's batches, under its lock, is bounded by them
        known = {batch.get("externalId") for _, batch in batches.items()}
        unknown["replay.predecessorsByExternalId"] = [eid for eid in by_external_id if eid not in known]
    rule = "a replayed batch must be one of this organization and sandbox's"
    errors = {
        field: [f"Sent {name!r}: no batch of that {kind} here; {rule}." for name in names]
        for (field, names), kind in zip(unknown.items(), ("id", "externalId"), strict=False)
        if names
    }
    if errors:
        raise BadRequest(
            "replay names batches that do not exist here: "
            + ", ".join(name for names in unknown.values() for name in names)
            + ".",
            errors=errors,
        )


def new_names(replay: Any, kept: Any, field: str) -> list[str]:
    """The batch names (ids, or external ids) ``replay`` lists under ``field`` that ``kept`` (the
    replay stored before, if any) does not; what is not a list of strings names nothing here (the
    spec's check refuses it)."""

    def names(obj: Any) -> list[str]:
        listed = obj.get(field) if isinstance(obj, Mapping) else None
        return [name for name in listed if isinstance(name, str)] if isinstance(listed, list) else []

    before = set(names(kept))
    return [name for name in names(replay) if name not in before]


def require_loaded_references(tenants: TenantRegistry, fixtures: Fixtures) -> None:
    """What a write of each batch checks, for batches loaded as fixtures (``POST /__admin/fixtures``):
    the datasets it relates to and the batches it replays exist in its tenant, stored or loaded with
    it. A 400 naming each batch, field and name otherwise; nothing is read for a load of no batches."""
    batches = fixtures.collections.get(BATCHES) or {}
    by_tenant: dict[Tenant, list[tuple[str, Mapping[str, Any]]]] = {}
    for batch_id, batch in batches.items():
        by_tenant.setdefault(tenant_of(batch), []).append((batch_id, batch))
    errors: dict[str, list[str]] = {}
    for tenant, loaded in by_tenant.items():
        datasets = {
            oid for oid, obj in (fixtures.collections.get(DATASETS) or {}).items() if tenant_of(obj) == tenant
        }
        batch_ids = {batch_id for batch_id, _ in loaded}
        external_ids = {named.get("externalId") for _, named in loaded}
        with tenants.reading(tenant) as data:
            for batch_id, written in loaded:
                where = f"{BATCHES}.{batch_id}"
                for dataset_id in dataset_ids_of(written):
                    if dataset_id not in datasets and dataset_id not in data[DATASETS]:
                        errors.setdefault(f"{where}.relatedObjects", []).append(
                            f"Names dataset {dataset_id!r}, which {tenant[0]}/{tenant[1]} does not hold "
                            "(nor this load); load the dataset too."
                        )
                for batch_name in new_names(written.get("replay"), None, "predecessors"):
                    if batch_name not in batch_ids and batch_name not in data[BATCHES]:
                        errors.setdefault(f"{where}.replay.predecessors", []).append(
                            f"Names batch {batch_name!r}, which {tenant[0]}/{tenant[1]} does not hold "
                            "(nor this load)."
                        )
                by_external_id = new_names(written.get("replay"), None, "predecessorsByExternalId")
                if by_external_id:
                    known = external_ids | {stored.get("externalId") for _, stored in data[BATCHES].items()}
                    for external_id in by_external_id:
                        if external_id not in known:
                            errors.setdefault(f"{where}.replay.predecessorsByExternalId", []).append(
                                f"Names batch externalId {external_id!r}, which no batch of "
                                f"{tenant[0]}/{tenant[1]} has (nor of this load)."
                            )
    if errors:
        raise BadRequest(
            "Batches name objects that do not exist in their organization and sandbox (a write of them "
            "would be refused): " + ", ".join(errors) + ".",
            errors=errors,
        )
