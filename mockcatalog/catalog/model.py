"""The mock's vocabulary, in one place: batch statuses and their named sets, the fields the server
owns, how a batch names its datasets, and what a new dataset or batch looks like.

Every module that asks "is this batch finished?", "may a client set this field?" or "which
datasets does this batch feed?" asks here, so the answer cannot drift between modules. Objects
made by API writes, by the test helpers (``add_dataset``/``add_batch``) and by generated fake data
all come from :func:`new_dataset` and :func:`new_batch`, so all three agree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import Any

from mockcatalog.catalog.tenancy import DEFAULT_SANDBOX, Caller, Tenant, sandbox_id
from mockcatalog.core.json import Json

INITIAL_VERSION = "1.0.0"

#: The Catalog collections, spelled as the API's paths spell them (one home for each spelling).
DATASETS = "dataSets"
BATCHES = "batches"
DATASET_FILES = "dataSetFiles"
#: XDM schemas in their resolved form, by ``$id`` (served by the Schema Registry reads; a dataset
#: names one with ``schemaRef.id``)
SCHEMAS = "schemas"

# --- the error codes a batch carries (Adobe's documented ones) ---------------------------------
#: The code Adobe's partial ingestion guide gives rows that cannot be read (was ``101`` here).
UNREADABLE_ROWS_CODE = "1401"
UNREADABLE_ROWS_DESCRIPTION = "Rows are corrupted and cannot be read; fix them and send them again."
#: Rows of a dataset with a schema whose values do not convert to it or break its ``enum`` or range
#: (the code Adobe's partial ingestion guide shows on conversion errors), and rows missing a
#: required field (``INGEST-1555-400`` in the error diagnostics guide: its number is kept, as 1401's).
CONVERSION_CODE = "100"
CONVERSION_DESCRIPTION = "Values cannot be converted to the dataset's schema, or break its enum or range."
REQUIRED_FIELD_CODE = "1555"
REQUIRED_FIELD_DESCRIPTION = "A required field is missing or null."
EMPTY_FILE = {
    "code": "106",
    "description": "Dataset file is empty. Please upload file with data.",
    "rows": [],
}


class BatchStatus(StrEnum):
    """Every status a batch can be in: openapi.yaml's ``Batch.status`` enum, which lists the names
    Adobe's material uses. The mock produces the first seven; the others appear in older data and
    Adobe's narrative, so they are understood (a queued, retrying, stalled, loaded or staged batch
    is still in progress), never produced."""

    LOADING = "loading"
    STAGING = "staging"
    PROCESSING = "processing"
    SUCCESS = "success"
    FAILED = "failed"
    ABORTED = "aborted"
    INACTIVE = "inactive"
    ACTIVE = "active"
    FAILURE = "failure"
    ABANDONED = "abandoned"
    DELETED = "deleted"
    QUEUED = "queued"
    RETRYING = "retrying"
    STALLED = "stalled"
    LOADED = "loaded"
    STAGED = "staged"


#: A batch whose data made it into the dataset.
SUCCEEDED = frozenset({BatchStatus.SUCCESS, BatchStatus.ACTIVE})
#: A batch whose data did not (failed in processing, or given up by its producer).
UNSUCCESSFUL = frozenset(
    {BatchStatus.FAILED, BatchStatus.FAILURE, BatchStatus.ABORTED, BatchStatus.ABANDONED}
)
#: A batch that changes no more on its own (reverted and deleted included).
SETTLED = SUCCEEDED | UNSUCCESSFUL | frozenset({BatchStatus.INACTIVE, BatchStatus.DELETED})
#: Reaching one of these points the batch's datasets at it (``lastBatchId``, ``lastBatchStatus``).
ENDS_A_RUN = frozenset({BatchStatus.SUCCESS, BatchStatus.FAILED, BatchStatus.ABORTED})
#: What a dataset's ``lastBatchStatus`` says of a batch that ended a run in it: Adobe's dataset
#: names these outcomes apart from batch statuses (``failure``, not ``failed``).
LAST_BATCH_STATUS: Mapping[BatchStatus, str] = {
    BatchStatus.SUCCESS: "success",
    BatchStatus.FAILED: "failure",
    BatchStatus.ABORTED: "aborted",
}
#: A batch that went through processing, so it carries counts and a completion time.
PROCESSED = frozenset({BatchStatus.SUCCESS, BatchStatus.FAILED, BatchStatus.INACTIVE})

#: Fields the server sets on every object; a client's value for them is ignored on writes, and a
#: JSON Patch may not touch them.
SERVER_MANAGED = frozenset(
    {
        "id",
        "imsOrg",
        "sandboxId",
        "sandboxName",  # the fixture files' name of the tenant's sandbox, never served
        "created",
        "createdClient",
        "createdUser",
        "version",
        "updated",
        "updatedUser",
    }
)
#: Of those, the ones only fixture files carry, never stored or served (the tenant is where an
#: object is stored).
FIXTURE_ONLY = ("sandboxName",)
#: Per collection, the fields a client sets when it creates an object and may not change afterwards
#: (Adobe documents a batch's ``externalId`` as read-only once it exists, and a dataset's
#: ``namespace`` and ``saveStrategy`` as immutable through PUT or PATCH): a write that changes one
#: is a 400, a write that leaves it out keeps it.
SET_ONCE: Mapping[str, tuple[str, ...]] = {
    BATCHES: ("externalId",),
    DATASETS: ("namespace", "saveStrategy"),
}
#: Of the server-managed fields, the ones a write keeps from the stored object (the rest it sets anew).
KEPT_ON_WRITE = ("id", "imsOrg", "sandboxId", "created", "createdClient", "createdUser")


def dataset_ids_of(batch: Mapping[str, Any]) -> Iterator[str]:
    """The ids of the datasets a batch names in ``relatedObjects`` (malformed entries skipped)."""
    related = batch.get("relatedObjects")
    if not isinstance(related, list):
        return
    for ref in related:
        if isinstance(ref, dict) and ref.get("type") == "dataSet" and isinstance(ref.get("id"), str):
            yield ref["id"]


def client_fields(body: Mapping[str, Any]) -> Json:
    """The fields of a request body a client may set (server-managed ones dropped)."""
    return {key: value for key, value in body.items() if key not in SERVER_MANAGED}


def bump_version(version: str) -> str:
    """``1.0.3`` -> ``1.0.4``; anything else gets a ``.1`` appended."""
    head, _, last = version.rpartition(".")
    if last.isdigit():
        return f"{head}.{int(last) + 1}" if head else str(int(last) + 1)
    return f"{version}.1"


def next_version(previous: Mapping[str, Any], obj: Json, *, user: str | None, now_ms: int) -> Json:
    """``obj`` as the version after ``previous``: ``version`` bumped, ``updated`` now, and
    ``updatedUser`` the ``user`` who changed it (None: the mock itself, which leaves it as it was).
    Every change of a stored object goes through here, the lifecycle's included, so a client
    holding an old version always gets a 412 from ``If-Match``."""
    changed = {
        **obj,
        "version": bump_version(str(previous.get("version", INITIAL_VERSION))),
        "updated": now_ms,
    }
    if user is not None:
        changed["updatedUser"] = user
    return changed


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
    always there, because SDKs read them unconditionally; a new dataset is a ``DRAFT``, as in
    every example of Adobe's Catalog guides."""
    dataset: Json = {
        "state": "DRAFT",
        "tags": {},
        "classification": {"dataBehavior": "time-series"},
        "version": INITIAL_VERSION,
        **audit_fields(org=org, now_ms=now_ms, client=client, user=user),
        "files": f"@/dataSetFiles?dataSetId={object_id}",
    }
    return in_tenant({**dataset, **fields}, (org, sandbox))


#: Who Catalog names as the maker of the dataset files processing writes (Adobe's examples of
#: dataset files show the platform's own client, not the batch's producer).
PLATFORM_CLIENT = "acp_foundation_catalog"
PLATFORM_USER = "acp_foundation_catalog@AdobeID"


def dataset_file_id(batch_id: str, number: int) -> str:
    """The id of the ``number``-th (from 1) dataset file of a batch: Data Access's examples show ids
    that end in ``-1``, ``-2``... after a unique stem; the batch's id is the mock's stem."""
    return f"{batch_id}-{number}"


def new_dataset_file(
    *, org: str, sandbox: str, now_ms: int, batch_id: str, dataset_id: str, records: int, size: int
) -> Json:
    """A dataset file, as processing writes one for each file of a batch that succeeded."""
    dataset_file: Json = {
        "batchId": batch_id,
        "dataSetId": dataset_id,
        "records": records,
        "size": size,
        "isValid": True,
        "version": INITIAL_VERSION,
        **audit_fields(org=org, now_ms=now_ms, client=PLATFORM_CLIENT, user=PLATFORM_USER),
    }
    return in_tenant(dataset_file, (org, sandbox))


def new_batch(
    *,
    org: str,
    sandbox: str,
    object_id: str,
    now_ms: int,
    client: str,
    user: str,
    related: list[Json],
    status: str = BatchStatus.LOADING,
    **fields: Any,
) -> Json:
    """A batch related to ``related`` objects, in ``status``; ``fields`` add to or override the defaults."""
    batch: Json = {
        "id": object_id,
        "status": str(status),
        **audit_fields(org=org, now_ms=now_ms, client=client, user=user),
        "externalId": object_id,
        "inputFormat": {"format": "json"},
        "relatedObjects": related,
        "version": INITIAL_VERSION,
        "tags": {},
    }
    return in_tenant({**batch, **fields}, (org, sandbox))


def in_tenant(obj: Json, tenant: Tenant) -> Json:
    """``obj`` as the store keeps and serves it: with its tenant's ``sandboxId``, and without the
    fixture files' ``sandboxName`` (the tenant is where it is stored; the real service has no such
    field)."""
    for name in FIXTURE_ONLY:
        obj.pop(name, None)
    obj["sandboxId"] = sandbox_id(tenant)
    return obj


def in_fixture_form(obj: Json, tenant: Tenant) -> Json:
    """The inverse of :func:`in_tenant`, for fixture and state files: ``sandboxName`` outside
    ``prod``, no ``sandboxId``."""
    kept = {key: value for key, value in obj.items() if key != "sandboxId"}
    if tenant[1] != DEFAULT_SANDBOX:
        kept["sandboxName"] = tenant[1]
    return kept
