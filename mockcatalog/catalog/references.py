"""What a batch names must exist in its tenant: the batches its ``replay`` replaces.

Checked on every write of a batch (Batch Ingestion's create, Catalog's create, PUT, merge PATCH and
JSON Patch), under the tenant's lock and before anything is stored, so a refused write changes
nothing. A write is refused only for the names it adds: a batch that named a batch since deleted
can still be written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockcatalog.catalog.model import BATCHES
from mockcatalog.catalog.tenants import TenantData
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
