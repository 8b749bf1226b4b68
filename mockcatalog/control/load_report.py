"""What a mock holds after loading fixtures, in words: per tenant (``2 datasets, 5 batches in
ORG/prod``), and a warning when nothing landed in the tenant a client reaches by default (every
list there would answer ``{}``, with no hint why). ``serve`` prints it at start-up; the pytest
plugin warns with it when its fixtures miss the tenant its tests call as."""

from __future__ import annotations

from collections.abc import Mapping

from mockcatalog.catalog.factories import DEFAULT_ORG
from mockcatalog.catalog.model import BATCHES, DATASETS, SCHEMAS
from mockcatalog.catalog.tenancy import DEFAULT_SANDBOX, Tenant

TENANTS_LISTED = 10
_NOUNS = {DATASETS: ("dataset", "datasets"), BATCHES: ("batch", "batches"), SCHEMAS: ("schema", "schemas")}


def counted(counts: Mapping[str, int]) -> str:
    """``2 datasets, 5 batches``: the collections that hold anything."""
    parts = [f"{count:,} {_NOUNS[name][count != 1]}" for name, count in counts.items() if count]
    return ", ".join(parts) or "no objects"


def load_report(by_tenant: Mapping[Tenant, Mapping[str, int]], seconds: float) -> list[str]:
    """What start-up loaded, per tenant (``2 datasets, 5 batches in ORG/prod``), and a warning when
    none of it is in the tenant that clients reach by default (:func:`unseen_warning`)."""
    loaded = {tenant: counts for tenant, counts in by_tenant.items() if any(counts.values())}
    totals = {name: sum(counts.get(name, 0) for counts in loaded.values()) for name in _NOUNS}
    tenants = f", in {len(loaded)} tenants:" if len(loaded) > 1 else ":" if loaded else ""
    lines = [f"loaded {counted(totals)} in {seconds:.1f} s{tenants}"]
    lines += [
        f"  {counted(counts)} in {org}/{sandbox}"
        for (org, sandbox), counts in list(loaded.items())[:TENANTS_LISTED]
    ]
    if len(loaded) > TENANTS_LISTED:
        lines.append(f"  and {len(loaded) - TENANTS_LISTED:,} more tenants")
    warning = unseen_warning(loaded)
    return [*lines, warning] if warning else lines


#: The tenant a client reaches unless told otherwise (the packaged fixtures' organization, ``prod``).
DEFAULT_TENANT: Tenant = (DEFAULT_ORG, DEFAULT_SANDBOX)


def unseen_warning(
    loaded: Mapping[Tenant, Mapping[str, int]], default: Tenant = DEFAULT_TENANT
) -> str | None:
    """A warning when objects were loaded, but none into ``default``: the tenant the docs' examples,
    ``mockcatalog contract`` and the pytest plugin call as unless told otherwise, where every list
    would answer ``{}``."""
    held = {tenant: sum(counts.values()) for tenant, counts in loaded.items() if any(counts.values())}
    if not held or default in held:
        return None
    org, sandbox = max(held, key=lambda tenant: held[tenant])
    headers = f"x-gw-ims-org-id: {org}" + (
        f" and x-sandbox-name: {sandbox}" if sandbox != DEFAULT_SANDBOX else ""
    )
    who = (
        "the docs, `mockcatalog contract` and the pytest plugin send by default"
        if default == DEFAULT_TENANT
        else "the tests call as"
    )
    return (
        f"warning: nothing was loaded into {default[0]}/{default[1]}, the org and sandbox {who}: lists "
        f"answer {{}} there. To see what was loaded, send {headers}."
    )
