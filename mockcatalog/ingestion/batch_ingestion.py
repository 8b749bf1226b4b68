"""Batch Ingestion over the store: create a batch, upload files, signal actions, settle processing,
delete a batch with everything it uploaded and produced.

Composed with :class:`~mockcatalog.catalog.store.CatalogStore` through its public surface: a
tenant's data under its lock (``tenants.writing``), and the one check-then-write path (``save``).
Uploaded files and the processing state of completed batches live in the tenant's ``runs`` (one
:class:`~mockcatalog.ingestion.runs.Run` per batch), never in the batch objects the API returns,
and are reset with everything else.

Reading a completed batch's files (:func:`~mockcatalog.ingestion.processing.process_files`) is the
one piece of work whose cost a client controls (a 60 MiB upload), so it runs with no lock held:
COMPLETE claims the run under the tenant's lock, reads the files outside it, and stores the outcome
under the lock again, unless the run was aborted, failed or reset in between.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from mockcatalog.catalog.model import (
    BATCHES,
    DATASET_FILES,
    DATASETS,
    ENDS_A_RUN,
    LAST_BATCH_STATUS,
    SCHEMAS,
    SUCCEEDED,
    TAGGED_ON_CREATE,
    BatchStatus,
    dataset_file_id,
    dataset_ids_of,
    failed_batch_location,
    made_by,
    new_batch,
    new_dataset_file,
    next_version,
    view_of,
)
from mockcatalog.catalog.references import require_predecessors
from mockcatalog.catalog.store import CatalogStore
from mockcatalog.catalog.tenancy import Caller
from mockcatalog.catalog.tenants import TenantData
from mockcatalog.catalog.xdm import RowCheck, SchemaError, compile_schema
from mockcatalog.core.errors import BadRequest, MockCatalogError, NotFound, UploadsFull
from mockcatalog.core.json import Json
from mockcatalog.ingestion import large_files
from mockcatalog.ingestion.data_access import (
    FAILED_ROWS_FILES,
    FAILED_ROWS_MEDIA_TYPE,
    DataAccess,
    batch_of,
    failed_rows_key,
    files_made_by,
)
from mockcatalog.ingestion.file_vault import FileVault, KeptFile
from mockcatalog.ingestion.processing import PolicySetting, next_status
from mockcatalog.ingestion.reading import Outcome, failed_reading, process_files
from mockcatalog.ingestion.runs import Run


@dataclass(frozen=True, slots=True)
class UploadLimits:
    """The mock's bounds on what clients upload (settings ``max_upload_bytes``, ``max_file_bytes``):
    given once, at construction, like every bound of a domain object."""

    max_upload_bytes: int  # held by batches not yet processed, in all tenants
    max_file_bytes: int  # one file, small or stitched from parts


class BatchIngestion:
    """Batch Ingestion's operations, and the processing that finishes completed batches."""

    def __init__(
        self,
        store: CatalogStore,
        policy: PolicySetting,
        files: FileVault,
        limits: UploadLimits,
        data_access: DataAccess,
    ) -> None:
        self.store = store
        self.tenants = store.tenants
        self.policy = policy
        self.files = files
        self.limits = limits
        self.data_access = data_access

    # --- creating -----------------------------------------------------------------------------

    def create_batch(self, caller: Caller, body: Mapping[str, Any]) -> Json:
        """Register a new batch in status ``loading`` (Batch Ingestion ``POST /batches``)."""
        with self.tenants.writing(caller.tenant) as data:
            dataset_id = body["datasetId"]
            self.store.require_datasets(data, [dataset_id], "datasetId")
            require_predecessors(data, body.get("replay"))
            input_format = dict(body.get("inputFormat") or {})
            input_format["format"] = str(input_format.get("format", "json")).lower()
            extra = {
                key: body[key]
                for key in ("replay", "enableErrorDiagnostics", "partialIngestionPercentage", "externalId")
                if key in body
            }
            reflected = {tag: body[key] for key, tag in TAGGED_ON_CREATE.items() if key in body}
            now = self.store.clock.now_ms()
            batch = new_batch(
                **made_by(caller),
                object_id=self.store.unused_id(data[BATCHES], self.store.ids.batch_id, now),
                now_ms=now,
                related=[{"type": "dataSet", "id": dataset_id}],
                inputFormat=input_format,
                tags={**(body.get("tags") or {}), **reflected},
                **extra,
            )
            self.store.save(data, BATCHES, batch["id"], batch)
            return batch

    # --- uploading ----------------------------------------------------------------------------

    def upload_file(self, caller: Caller, batch_id: str, dataset_id: str, path: str, content: bytes) -> None:
        """Keep ``content`` as the batch's file ``path`` (replacing one of that path)."""
        self._make_room(len(content))
        with self.tenants.writing(caller.tenant) as data:
            run = _loading_run(data, batch_id, dataset_id)
            run.refuse_past_file_limit(path)
            data.runs[batch_id] = run.with_file(path, content, dataset_id)

    def _make_room(self, size: int) -> None:
        """A 413 when ``size`` more bytes would take what batches not yet processed hold, in all
        tenants, past ``--max-upload-bytes``. Counted before the tenant's lock is taken (never two
        tenants' locks at once), so concurrent uploads may pass it by at most one file each."""
        bound = self.limits.max_upload_bytes
        held = self.tenants.total_runs(_held)
        if held + size > bound:
            raise UploadsFull(
                f"Batches not yet processed hold {held} bytes of uploads; {size} more would pass the "
                f"mock's bound of {bound} (--max-upload-bytes). Complete, abort or delete batches to "
                "free it.",
                bound="--max-upload-bytes",
                value=bound,
                errors={"body": [f"At most {bound} bytes held by unprocessed batches."]},
            )

    def initialize_large_file(self, caller: Caller, batch_id: str, dataset_id: str, path: str) -> None:
        """Start a large-file upload of ``path`` (again from nothing, if it was started before)."""
        with self.tenants.writing(caller.tenant) as data:
            run = _loading_run(data, batch_id, dataset_id)
            run.refuse_past_file_limit(path)
            data.runs[batch_id] = run.with_large(path, large_files.new_upload())

    def upload_large_file_part(
        self,
        caller: Caller,
        target: tuple[str, str, str],
        first: int,
        content: bytes,
        length: int | None,
    ) -> large_files.Ranges:
        """Keep one part of a large file (``target``: batch, dataset, path), checked against the
        parts already received (see :mod:`mockcatalog.ingestion.large_files`); every byte range received."""
        self._make_room(len(content))
        batch_id, dataset_id, path = target
        with self.tenants.writing(caller.tenant) as data:
            run = _loading_run(data, batch_id, dataset_id)
            upload = large_files.with_part(
                _started(run, path), first, content, length, self.limits.max_file_bytes
            )
            data.runs[batch_id] = run.with_large(path, upload)
            return large_files.received(upload)

    def complete_large_file(self, caller: Caller, batch_id: str, dataset_id: str, path: str) -> int:
        """Stitch a large file's parts into the batch's file ``path`` (replacing one of that path);
        its size."""
        with self.tenants.writing(caller.tenant) as data:
            run = _loading_run(data, batch_id, dataset_id)
            content = large_files.stitched(_started(run, path), path)
            data.runs[batch_id] = run.with_file(path, content, dataset_id).with_large(path, None)
            return len(content)

    def uploaded_files(self, caller: Caller, batch_id: str, dataset_id: str) -> list[tuple[str, bytes]]:
        """What the batch holds for a preview, in upload order: the files uploaded so far, or once
        it was processed, the accepted rows of the dataset files it made (those still kept)."""
        with self.tenants.reading(caller.tenant) as data:
            _batch_into(data, batch_id, dataset_id)
            run = _run(data, batch_id)
        if run is not None:
            return list(run.files.items())
        kept = self.data_access.accepted_rows(caller.tenant, batch_id, kept_only=True)
        return [(file.name, file.data) for file in kept]

    def file_status(self, caller: Caller, batch_id: str, dataset_id: str, path: str) -> large_files.Ranges:
        """The bytes of ``path`` received so far: a large file's parts, or a whole small file."""
        with self.tenants.reading(caller.tenant) as data:
            _batch_into(data, batch_id, dataset_id)
            run = _run(data, batch_id) or Run()
        if path in run.large:
            return large_files.received(run.large[path])
        if path in run.files:
            size = len(run.files[path])
            return [(0, size - 1)] if size else []
        raise NotFound(
            f"Batch {batch_id} has no file {path!r}: upload it, or INITIALIZE it as a large file.",
            errors={"filePath": [f"No file {path!r} in this batch."]},
        )

    # --- actions ------------------------------------------------------------------------------

    def batch_action(self, caller: Caller, batch_id: str, action: str) -> None:
        """COMPLETE, ABORT, FAIL or REVERT, as :mod:`mockcatalog.ingestion.processing` allows."""
        with self.tenants.writing(caller.tenant) as data:
            self.settle(data, ())  # the action applies to the status as of now
            batch = batch_of(data, batch_id)
            status = next_status(str(batch.get("status", "")), action)
            if status == batch.get("status"):
                return  # an idempotent retry
            now = self.store.clock.now_ms()
            changes: Json = {"status": status}
            claimed, schemas = None, {}
            if action == "COMPLETE":
                run = _run(data, batch_id) or Run()
                if run.large:
                    unfinished = sorted(run.large)
                    raise BadRequest(
                        f"Batch {batch_id} has large files never COMPLETEd: {', '.join(unfinished)}; "
                        "complete each (POST .../files/{path}?action=COMPLETE) before the batch.",
                        errors={"action": [f"Large file not completed: {name}." for name in unfinished]},
                    )
                claimed = replace(run, completed_at=now, polls=0, outcome=None)
                data.runs[batch_id] = claimed
                schemas = _schemas_of(data, run.datasets)
                changes["started"] = now
            elif action in ("ABORT", "FAIL"):
                changes["completed"] = now
                data.runs.pop(batch_id, None)
            elif action == "REVERT":
                self._invalidate_files(data, batch_id, now)
            self._finish(
                data, batch_id, next_version(batch, {**batch, **changes}, user=caller.user, now_ms=now)
            )
        if claimed is not None:  # its files read with no lock held
            try:
                outcome = process_files(claimed.files, batch.get("inputFormat") or {}, _row_checks(schemas))
            except Exception:  # a bug in the mock: the batch fails (never stuck), the request a 500
                self._keep_outcome(caller, batch_id, claimed, failed_reading(len(claimed.files)))
                raise
            self._keep_outcome(caller, batch_id, claimed, outcome)

    def _keep_outcome(self, caller: Caller, batch_id: str, claimed: Run, outcome: Outcome) -> None:
        """The outcome of reading a claimed run's files, kept unless the run was aborted, failed or
        reset meanwhile; the batch finishes as the processing policy says."""
        with self.tenants.writing(caller.tenant) as data:
            if _run(data, batch_id) is claimed:
                data.runs[batch_id] = replace(claimed, outcome=outcome)
                self.settle(data, ())

    # --- processing ---------------------------------------------------------------------------

    def settle(self, data: TenantData, polled: Iterable[str]) -> None:
        """Finish every completed batch whose processing is due; count a poll for ``polled`` ids.
        Runs under the tenant's lock (the store calls it before every read)."""
        runs: dict[str, Run] = data.runs
        if not runs:  # no upload in progress: most reads
            return
        polled = set(polled)
        now = self.store.clock.now_ms()
        policy = self.policy.current
        for batch_id, run in list(runs.items()):
            completed_at, outcome = run.completed_at, run.outcome
            if completed_at is None or outcome is None:
                continue  # still loading, or its files are being read right now
            if batch_id in polled:
                run = runs[batch_id] = replace(run, polls=run.polls + 1)
            batch = data[BATCHES].get(batch_id)
            if batch is None:
                del runs[batch_id]
                continue
            pending = policy.pending_status(completed_at, run.polls, now)
            if pending is not None:
                if batch.get("status") != pending:
                    moved = next_version(batch, {**batch, "status": pending}, user=None, now_ms=now)
                    self._saved_by_the_mock(data, BATCHES, batch_id, moved)
                continue
            succeeded = outcome.succeeds(tolerated_percentage(batch, data))
            finished = policy.finish_time(completed_at, now)
            done = {
                **batch,
                **outcome.fields(succeeded),
                "status": BatchStatus.SUCCESS if succeeded else BatchStatus.FAILED,
                "started": completed_at,
                "completed": finished,
            }
            self._finish(data, batch_id, next_version(batch, done, user=None, now_ms=finished))
            self._keep_files(data, {**done, "id": batch_id}, run, succeeded)
            del runs[batch_id]  # once the batch is stored: a failure leaves the run to retry

    def _keep_files(self, data: TenantData, batch: Json, run: Run, succeeded: bool) -> None:
        """What processing leaves for Data Access: a dataset file (Catalog object and contents) for
        each file of a batch that succeeded, in the dataset it was uploaded to, and the failed-rows
        file of any batch with bad rows."""
        batch_id, outcome = batch["id"], run.outcome
        assert outcome is not None, "a run is settled only once its files were read"
        if succeeded:
            org, sandbox = data.tenant
            for number, produced in enumerate(outcome.produced, start=1):
                file_id = dataset_file_id(batch_id, number)
                dataset_id = run.datasets.get(produced.path, "")
                dataset_file = new_dataset_file(
                    org=org,
                    sandbox=sandbox,
                    now_ms=batch["completed"],
                    file_id=file_id,
                    batch_id=batch_id,
                    dataset_id=dataset_id,
                    view_id=view_of(dataset_id, data[DATASETS].get(dataset_id)),
                    records=produced.records,
                    size=len(produced.accepted),
                )
                self._saved_by_the_mock(data, DATASET_FILES, file_id, dataset_file)
                self.files.put(
                    data.tenant, file_id, KeptFile(produced.name, produced.media_type, produced.accepted)
                )
        for name, rows in outcome.refused.items():
            failed = KeptFile(name, FAILED_ROWS_MEDIA_TYPE, bytes(rows))
            self.files.put(data.tenant, failed_rows_key(batch_id, name), failed)

    def _invalidate_files(self, data: TenantData, batch_id: str, now: int) -> None:
        """A reverted batch's dataset files are no longer to be used (``isValid`` false, as Adobe's
        dataset file describes a file "part of a batch that was mistakenly uploaded")."""
        for file_id, dataset_file in files_made_by(data, batch_id):
            if dataset_file.get("isValid") is not False:
                invalid = next_version(
                    dataset_file, {**dataset_file, "isValid": False}, user=None, now_ms=now
                )
                self._saved_by_the_mock(data, DATASET_FILES, file_id, invalid)

    # --- deleting ---------------------------------------------------------------------------

    def delete_batch(self, caller: Caller, batch_id: str, if_match: str | None = None) -> bool:
        """Catalog's ``DELETE /batches/{id}``: the batch, what it uploaded (its run), the dataset
        files it made and their contents in the vault go together; False when the tenant holds no
        such batch."""
        with self.tenants.writing(caller.tenant) as data:
            made = [file_id for file_id, _ in files_made_by(data, batch_id)]
            if not self.store.delete_in(data, BATCHES, batch_id, if_match):
                return False
            data.runs.pop(batch_id, None)
            for file_id in made:
                data[DATASET_FILES].delete(file_id)
        self.files.forget(
            caller.tenant, [*made, *(failed_rows_key(batch_id, name) for name in FAILED_ROWS_FILES)]
        )
        return True

    def _finish(self, data: TenantData, batch_id: str, batch: Json) -> None:
        """Store ``batch`` (where its failed rows are read, if it failed); if it ended a run, point
        its dataset(s) at it."""
        if batch.get("status") == BatchStatus.FAILED:
            batch = {**batch, "failedBatchLocation": failed_batch_location(batch_id)}
        self._saved_by_the_mock(data, BATCHES, batch_id, batch)
        status = batch.get("status")
        if status not in ENDS_A_RUN:
            return
        for dataset_id in dataset_ids_of(batch):
            dataset = data[DATASETS].get(dataset_id)
            if dataset is None:
                continue
            pointers: Json = {
                "lastBatchId": batch_id,
                "lastBatchStatus": LAST_BATCH_STATUS[BatchStatus(status)],
            }
            if status in SUCCEEDED:
                pointers["lastSuccessfulBatch"] = batch_id
            elif status == BatchStatus.FAILED:
                pointers["lastFailedBatch"] = batch_id
            updated = next_version(dataset, {**dataset, **pointers}, user=None, now_ms=batch["updated"])
            self._saved_by_the_mock(data, DATASETS, dataset_id, updated)

    def _saved_by_the_mock(self, data: TenantData, collection: str, object_id: str, obj: Json) -> None:
        """Save what the mock itself changed (the lifecycle, processing): if that breaks the spec,
        the mock is wrong, not the client, so it is the mock's error (a 500 with its traceback,
        failing the consumer's test as a bug in the mock), never a contract violation."""
        try:
            self.store.save(data, collection, object_id, obj)
        except MockCatalogError as exc:
            raise RuntimeError(f"the mock made a {collection} object the spec refuses: {exc.errors}") from exc


def tolerated_percentage(batch: Json, data: TenantData) -> float:
    """The share of bad rows a batch tolerates, in percent: its ``partialIngestionPercentage``
    (aepp's create body), else its dataset's tag ``partialBatchIngestion:
    ["errorThresholdPercentage:N"]`` (Adobe's partial batch ingestion guide), else none. The spec
    keeps the batch's a number from 0 to 100; anything else (a hand-made fixture, a tag that is not
    a number) tolerates no bad row rather than failing a read."""
    value = batch.get("partialIngestionPercentage")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    for dataset_id in dataset_ids_of(batch):
        tags = (data[DATASETS].get(dataset_id) or {}).get("tags")
        entries = tags.get(PARTIAL_INGESTION_TAG) if isinstance(tags, dict) else None
        for entry in entries if isinstance(entries, list) else ():
            name, _, number = str(entry).partition(":")
            if name == "errorThresholdPercentage" and _percentage(number) is not None:
                return _percentage(number) or 0.0
    return 0.0


#: The dataset tag that sets the share of bad rows its batches tolerate (partial batch ingestion).
PARTIAL_INGESTION_TAG = "partialBatchIngestion"


def _percentage(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if 0 <= number <= 100 else None


def _schemas_of(data: TenantData, datasets: Mapping[str, str]) -> dict[str, Json]:
    """The schema each file's dataset names (``schemaRef.id``), by path, for those the tenant
    holds; the tenant's lock held. Schemas are immutable once stored, so they are read afterwards
    with no lock."""
    found = {}
    for path, dataset_id in datasets.items():
        reference = (data[DATASETS].get(dataset_id) or {}).get("schemaRef")
        schema_id = reference.get("id") if isinstance(reference, dict) else None
        schema = data[SCHEMAS].get(schema_id) if isinstance(schema_id, str) else None
        if schema is not None:
            found[path] = schema
    return found


def _row_checks(schemas: Mapping[str, Json]) -> dict[str, RowCheck]:
    """Each file's row check, a schema compiled once for all its files (every stored schema
    compiled when it was loaded, so none fails here; one that did would check nothing)."""
    compiled: dict[str, RowCheck] = {}
    checks = {}
    for path, schema in schemas.items():
        schema_id = str(schema.get("$id"))
        if schema_id not in compiled:
            try:
                compiled[schema_id] = compile_schema(schema)
            except SchemaError:
                continue
        checks[path] = compiled[schema_id]
    return checks


def _run(data: TenantData, batch_id: str) -> Run | None:
    """The batch's run, if it has one (the tenant's lock held)."""
    run: Run | None = data.runs.get(batch_id)
    return run


def _held(run: Run) -> int:
    return run.held_bytes


def _batch_into(data: TenantData, batch_id: str, dataset_id: str) -> Json:
    """The tenant's batch ``batch_id``, which ingests into its dataset ``dataset_id`` (else 404)."""
    batch = batch_of(data, batch_id)
    if dataset_id not in data[DATASETS]:
        raise NotFound.of("dataset", dataset_id)
    if dataset_id not in dataset_ids_of(batch):
        raise NotFound(f"Batch {batch_id} does not ingest into dataset {dataset_id}.")
    return batch


def _loading_run(data: TenantData, batch_id: str, dataset_id: str) -> Run:
    """The run of a batch that may take files into ``dataset_id`` now: the batch exists and relates
    to the dataset (404 otherwise) and is ``loading`` (400 otherwise)."""
    batch = _batch_into(data, batch_id, dataset_id)
    if batch.get("status") != BatchStatus.LOADING:
        raise BadRequest(
            f"Batch {batch_id} is {str(batch['status'])!r}: files can only be uploaded while it is "
            "'loading'.",
            errors={"id": [f"Batch status is {str(batch['status'])!r}."]},
        )
    return _run(data, batch_id) or Run()


def _started(run: Run, path: str) -> large_files.Upload:
    """The large-file upload of ``path`` in progress; 404 when it was never INITIALIZEd."""
    upload = run.large.get(path)
    if upload is None:
        raise NotFound(
            f"No large-file upload of {path!r} in this batch: POST ...?action=INITIALIZE first.",
            errors={"filePath": [f"Not initialized: {path!r}."]},
        )
    return dict(upload)
