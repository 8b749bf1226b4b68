"""The mock's vocabulary, in one place: batch statuses and their named sets, the fields the server
owns, how a batch names its datasets, and what a new dataset or batch looks like.

Every module that asks "is this batch finished?", "may a client set this field?" or "which
datasets does this batch feed?" asks here, so the answer cannot drift between modules. Objects
made by API writes, by the test helpers (``add_dataset``/``add_batch``) and by generated fake data
all come from :func:`new_dataset` and :func:`new_batch`, so all three agree.
"""

from __future__ import annotations

import uuid
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
#: Adobe's limit on the fields of one row (the batch ingestion overview's constraints): what a
#: schema may declare, a Parquet file may hold as columns, and a row may carry.
MAX_FIELDS_PER_ROW = 10_000

EMPTY_FILE = {
    "code": "106",
    "description": "Dataset file is empty. Please upload file with data.",
    "rows": [],
}
#: A CSV file (with a header expected) whose first line is blank: the troubleshooting guides' code 118.
EMPTY_CSV_HEADER = {
    "code": "118",
    "description": "The CSV file's header row is empty.",
    "rows": [],
}


class BatchStatus(StrEnum):
    """Every status a batch can be in: openapi.yaml's ``Batch.status`` enum, which lists the names
    Adobe's material uses. The mock produces the first seven; the others appear in older data and
    Adobe's narrative, so they are understood (a queued, retrying, stalled, loaded or staged batch
    is still in progress; an archived or retained one, whose data left the dataset, is settled),
    never produced."""

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
    ARCHIVED = "archived"  # the troubleshooting guides' state table; not in the specs' enum
    RETAINED = "retained"  # likewise


#: A batch whose data made it into the dataset.
SUCCEEDED = frozenset({BatchStatus.SUCCESS, BatchStatus.ACTIVE})
#: A batch whose data did not (failed in processing, or given up by its producer).
UNSUCCESSFUL = frozenset(
    {BatchStatus.FAILED, BatchStatus.FAILURE, BatchStatus.ABORTED, BatchStatus.ABANDONED}
)
#: A batch that changes no more on its own (reverted and deleted included).
SETTLED = (
    SUCCEEDED
    | UNSUCCESSFUL
    | frozenset({BatchStatus.INACTIVE, BatchStatus.DELETED, BatchStatus.ARCHIVED, BatchStatus.RETAINED})
)
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
#: ``namespace``, ``saveStrategy``, ``connectorId`` and ``connectionId`` as immutable through PUT
#: or PATCH): a write that changes one is a 400, a write that leaves it out keeps it.
SET_ONCE: Mapping[str, tuple[str, ...]] = {
    BATCHES: ("externalId",),
    DATASETS: ("namespace", "saveStrategy", "connectorId", "connectionId"),
}
#: Of the server-managed fields, the ones a write keeps from the stored object (the rest it sets anew).
KEPT_ON_WRITE = ("id", "imsOrg", "sandboxId", "created", "createdClient", "createdUser")
#: Per collection, the fields only the service sets, dotted for a member of an object field.
#: Adobe's dataset definitions say its statistics (``statsCache``) cannot be submitted, mark
#: ``basePath`` and ``persistence.adls`` read-only, say the ``lastBatch*`` fields change only
#: through batch ingestion (the 2021 request schema drops them), and describe ``files`` as the
#: link to the dataset's files. A client's value is dropped from a POST, PUT or merge body (an
#: object read back and sent again carries them), a write keeps the stored ones, and a JSON Patch
#: touching one is a 400. Processing sets ``lastBatch*`` itself (``BatchIngestion._finish``).
#: A dataset's ``viewId`` is response-only in Adobe's definition, and its dataset files name it
#: (:func:`dataset_view_id`); a batch's ``failedBatchLocation`` is response-only too, set when the
#: batch fails (:func:`failed_batch_location`).
SERVER_OWNED: Mapping[str, tuple[str, ...]] = {
    DATASETS: (
        "statsCache",
        "basePath",
        "persistence.adls",
        "lastBatchId",
        "lastBatchStatus",
        "lastSuccessfulBatch",
        "lastFailedBatch",
        "files",
        "viewId",
    ),
    BATCHES: ("failedBatchLocation",),
}
#: Per collection, the fields every object a client writes must keep (the README's choice: a
#: dataset without a name cannot be listed or found by it): a PUT leaving one out is a 400, a
#: JSON Patch removing it a 422. openapi.yaml's ``minLength`` refuses an empty one.
REQUIRED_ON_WRITE: Mapping[str, tuple[str, ...]] = {DATASETS: ("name",)}
#: The ``contentType`` of a ``schemaRef`` derived from a dataset's ``schema`` (Adobe's specs say it
#: is derived when absent, without the type; every guide's dataset shows this one).
XDM_CONTENT_TYPE = "application/vnd.adobe.xed+json;version=1"


def write_defaults(collection: str) -> Json:
    """What an object of ``collection`` holds unless its client says otherwise, fresh on each
    call: a dataset's ``classification`` and ``tags`` (SDKs read them unconditionally) and its
    ``state``, ``DRAFT`` as in every example of Adobe's guides. A create and a PUT start from
    these, and a JSON Patch may not remove them."""
    if collection == DATASETS:
        return {"state": "DRAFT", "tags": {}, "classification": {"dataBehavior": "time-series"}}
    return {}


def with_schema_ref(dataset: Json) -> Json:
    """``dataset`` with the ``schemaRef`` Adobe's specs derive from ``schema`` when it has none."""
    schema = dataset.get("schema")
    if isinstance(schema, str) and schema and "schemaRef" not in dataset:
        return {**dataset, "schemaRef": {"id": schema, "contentType": XDM_CONTENT_TYPE}}
    return dataset


def server_owned_at(collection: str, pointer: list[str]) -> str | None:
    """The server-owned field of ``collection`` that a JSON Patch ``pointer`` (its segments) names
    or reaches into; None when it names none (an object holding one, such as ``persistence``, is
    the client's: the owned member is put back afterwards)."""
    for owned in SERVER_OWNED.get(collection, ()):
        parts = owned.split(".")
        if pointer[: len(parts)] == parts:
            return owned
    return None


def with_server_owned(collection: str, stored: Json, written: Json) -> Json:
    """``written`` holding exactly the server-owned fields ``stored`` holds, with their values.
    Objects on the way to a member are copied, never changed in place (they may be shared)."""
    for owned in SERVER_OWNED.get(collection, ()):
        parts = owned.split(".")
        found, value = _at(stored, parts)
        written = _put(written, parts, value) if found else _without(written, parts)
    return written


def dataset_ids_of(batch: Mapping[str, Any]) -> Iterator[str]:
    """The ids of the datasets a batch names in ``relatedObjects`` (malformed entries skipped)."""
    related = batch.get("relatedObjects")
    if not isinstance(related, list):
        return
    for ref in related:
        if isinstance(ref, dict) and ref.get("type") == "dataSet" and isinstance(ref.get("id"), str):
            yield ref["id"]


def client_fields(body: Mapping[str, Any], collection: str | None = None) -> Json:
    """The fields of a request body a client may set: server-managed ones dropped, and the
    server-owned ones of ``collection``."""
    fields: Json = {key: value for key, value in body.items() if key not in SERVER_MANAGED}
    for owned in SERVER_OWNED.get(collection, ()) if collection is not None else ():
        fields = _without(fields, owned.split("."))
    return fields


def _at(obj: Any, parts: list[str]) -> tuple[bool, Any]:
    """(found, value) at the member path ``parts`` of ``obj``."""
    for part in parts:
        if not isinstance(obj, dict) or part not in obj:
            return False, None
        obj = obj[part]
    return True, obj


def _put(obj: Json, parts: list[str], value: Any) -> Json:
    """A copy of ``obj`` with ``value`` at ``parts``; as it is when an object on the way is not one
    (the spec's check then refuses the write)."""
    head, rest = parts[0], parts[1:]
    if not rest:
        return {**obj, head: value}
    inner = obj.get(head, {})
    return {**obj, head: _put(inner, rest, value)} if isinstance(inner, dict) else obj


def _without(obj: Json, parts: list[str]) -> Json:
    """A copy of ``obj`` without the member at ``parts`` (``obj`` itself when it has none)."""
    head, rest = parts[0], parts[1:]
    if head not in obj:
        return obj
    if not rest:
        return {key: value for key, value in obj.items() if key != head}
    inner = obj[head]
    return {**obj, head: _without(inner, rest)} if isinstance(inner, dict) else obj


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
    """A dataset; ``fields`` add to or override the defaults (:func:`write_defaults`), and a
    ``schema`` without a ``schemaRef`` gives one (:func:`with_schema_ref`)."""
    dataset: Json = {
        **write_defaults(DATASETS),
        "version": INITIAL_VERSION,
        **audit_fields(org=org, now_ms=now_ms, client=client, user=user),
        "files": f"@/dataSetFiles?dataSetId={object_id}",
        "viewId": dataset_view_id(object_id),
    }
    made = with_query_table(with_schema_ref({**dataset, **fields}), object_id)
    return in_tenant(made, (org, sandbox))


#: The tag naming a dataset's Query Service table (Adobe's Catalog guide shows a dataset named
#: "Sample Dataset" tagged ``"adobe/pqs/table": ["sample_dataset"]``; aepp reads it from every dataset).
QUERY_TABLE_TAG = "adobe/pqs/table"


def query_table_name(name: str, object_id: str) -> str:
    """The table name a new dataset's ``name`` gives: lower case, each run of characters other than
    ASCII letters and digits one ``_``, none at the ends (``Sample Dataset`` -> ``sample_dataset``);
    ``dataset_{id}`` when nothing is left. Adobe documents neither the rule nor how colliding names
    are told apart: the mock does not tell them apart."""
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in name.lower()).split()
    return "_".join(words) or f"dataset_{object_id}"


def keeping_query_table(current: Json, written: Json) -> Json:
    """``written`` (a dataset's PUT or merge PATCH) with the query table tag ``current`` has, when
    its new ``tags`` leave it out: the tag is Catalog's, which a client rewriting its own tags does
    not take away (a JSON Patch may still remove it on purpose)."""
    before, tags = current.get("tags"), written.get("tags")
    if not isinstance(before, dict) or QUERY_TABLE_TAG not in before or not isinstance(tags, dict):
        return written
    if QUERY_TABLE_TAG in tags:
        return written
    return {**written, "tags": {**tags, QUERY_TABLE_TAG: before[QUERY_TABLE_TAG]}}


def with_query_table(dataset: Json, object_id: str) -> Json:
    """A new ``dataset`` with its Query Service table tag, unless its client gave one (or its
    ``tags`` or ``name`` are not what the spec's check accepts: that check refuses the write)."""
    tags, name = dataset.get("tags"), dataset.get("name")
    if not isinstance(tags, dict) or QUERY_TABLE_TAG in tags or not isinstance(name, str):
        return dataset
    return {**dataset, "tags": {**tags, QUERY_TABLE_TAG: [query_table_name(name, object_id)]}}


#: Who Catalog names as the maker of the dataset files processing writes (Adobe's examples of
#: dataset files show the platform's own client, not the batch's producer).
PLATFORM_CLIENT = "acp_foundation_catalog"
PLATFORM_USER = "acp_foundation_catalog@AdobeID"


def dataset_file_id(batch_id: str, number: int) -> str:
    """The id of the ``number``-th (from 1) dataset file of a batch: Data Access's examples show ids
    that end in ``-1``, ``-2``... after a unique stem; the batch's id is the mock's stem."""
    return f"{batch_id}-{number}"


#: Namespace of the view ids the mock derives (any fixed UUID would do: it only has to be constant).
_VIEW_IDS = uuid.UUID("2b7e151b-6d3a-4f1c-8a09-cf4f3c762e71")


def dataset_view_id(dataset_id: str) -> str:
    """The id of a dataset's view: Adobe's datasets each name one (``viewId``, 24 hex digits like
    a dataset id), and their dataset files name it too (``dataSetViewId``); no source says how it is
    made, so the mock derives it from the dataset's id: the same for the dataset in every run."""
    return uuid.uuid5(_VIEW_IDS, dataset_id).hex[:24]


def view_of(dataset_id: str, dataset: Json | None) -> str:
    """The view a dataset's files name (``dataSetViewId``): the dataset's own ``viewId`` (one of a
    snapshot's, or one the mock made), else the one derived from its id (a fixture's has none)."""
    view_id = (dataset or {}).get("viewId")
    return view_id if isinstance(view_id, str) else dataset_view_id(dataset_id)


def failed_batch_location(batch_id: str) -> str:
    """A failed batch's ``failedBatchLocation``: where Data Access lists its failed rows. Adobe says
    only that it is a URI; the path is Data Access's, without a host (the batch is served on every
    host the mock answers on, so a client joins it to the one it called)."""
    return f"/data/foundation/export/batches/{batch_id}/failed"


def new_dataset_file(
    *,
    org: str,
    sandbox: str,
    now_ms: int,
    file_id: str,
    batch_id: str,
    dataset_id: str,
    view_id: str,
    records: int,
    size: int,
) -> Json:
    """A dataset file, as processing writes one for each file of a batch that succeeded: with its
    own ``id`` and its dataset's view (``dataSetViewId``), as Adobe's examples show them."""
    dataset_file: Json = {
        "id": file_id,
        "batchId": batch_id,
        "dataSetId": dataset_id,
        "dataSetViewId": view_id,
        "records": records,
        "size": size,
        "isValid": True,
        "version": INITIAL_VERSION,
        **audit_fields(org=org, now_ms=now_ms, client=PLATFORM_CLIENT, user=PLATFORM_USER),
    }
    return in_tenant(dataset_file, (org, sandbox))


#: Fields of a Batch Ingestion create that the new batch also carries as tags, under these names
#: and with the value sent, as Adobe's example batches of error diagnostics and partial ingestion
#: show them (a boolean and a number, not the arrays of strings Adobe's schemas give tags).
TAGGED_ON_CREATE: Mapping[str, str] = {
    "enableErrorDiagnostics": "acp_enableErrorDiagnostics",
    "partialIngestionPercentage": "acp_partialIngestionPercent",
}


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
