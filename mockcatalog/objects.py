"""What a dataset or batch looks like when the mock makes one: for API writes, for the test helpers
(``add_dataset``/``add_batch``) and for generated fake data alike, so all three agree."""

from __future__ import annotations

from typing import Any

from mockcatalog.tenancy import DEFAULT_SANDBOX, Caller

Json = dict[str, Any]

INITIAL_VERSION = "1.0.0"


def made_by(caller: Caller) -> dict[str, str]:
    """The keyword arguments of :func:`new_dataset` and :func:`new_batch` that say who made it."""
    return {"org": caller.org, "sandbox": caller.sandbox, "client": caller.api_key, "user": caller.user}


def audit_fields(*, org: str, now_ms: int, client: str, user: str) -> Json:
    """Who made an object and when: the fields the server sets on every new object."""
    return {
        "imsOrg": org,
        "created": now_ms,
        "updated": now_ms,
        "createdClient": client,
        "createdUser": user,
        "updatedUser": user,
    }


def new_dataset(
    *, org: str, sandbox: str, object_id: str, now_ms: int, client: str, user: str, **fields: Any
) -> Json:
    """A dataset; ``fields`` add to or override the defaults. ``classification`` and ``tags`` are
    always there, because SDKs read them unconditionally."""
    dataset: Json = {
        "tags": {},
        "classification": {"dataBehavior": "time-series"},
        "version": INITIAL_VERSION,
        **audit_fields(org=org, now_ms=now_ms, client=client, user=user),
        "files": f"@/dataSetFiles?dataSetId={object_id}",
    }
    return _in_sandbox({**dataset, **fields}, sandbox)


def new_batch(
    *,
    org: str,
    sandbox: str,
    object_id: str,
    now_ms: int,
    client: str,
    user: str,
    related: list[Json],
    status: str = "loading",
    **fields: Any,
) -> Json:
    """A batch related to ``related`` objects, in ``status``; ``fields`` add to or override the defaults."""
    batch: Json = {
        "id": object_id,
        "status": status,
        **audit_fields(org=org, now_ms=now_ms, client=client, user=user),
        "externalId": object_id,
        "inputFormat": {"format": "json"},
        "relatedObjects": related,
        "version": INITIAL_VERSION,
        "tags": {},
    }
    return _in_sandbox({**batch, **fields}, sandbox)


def _in_sandbox(obj: Json, sandbox: str) -> Json:
    if sandbox != DEFAULT_SANDBOX:
        obj["sandboxName"] = sandbox
    return obj
