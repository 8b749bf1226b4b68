"""Batch Ingestion over the store: create a batch, upload files, signal actions, settle processing.

Composed with :class:`~mockcatalog.store.CatalogStore`, through its public surface only: a tenant's
data under its lock (``writing``), and the one check-then-write path (``save``). Uploaded files and
the processing state of completed batches live in the tenant's internal ``runs`` collection, never
in the batch objects the API returns, and are reset with everything else.

Reading a completed batch's files (:func:`~mockcatalog.processing.process_files`) is the one piece
of work whose cost a client controls (a 60 MiB upload), so it runs with no lock held: COMPLETE
claims the run under the tenant's lock, reads the files outside it, and stores the outcome under
the lock again, unless the run was aborted, failed or reset in between.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mockcatalog.errors import BadRequest, MockCatalogError, NotFound
from mockcatalog.model import (
    ENDS_A_RUN,
    LAST_BATCH_STATUS,
    SUCCEEDED,
    BatchStatus,
    dataset_ids_of,
    made_by,
    new_batch,
    next_version,
)
from mockcatalog.processing import PolicySetting, next_status, process_files
from mockcatalog.store import CatalogStore, TenantData
from mockcatalog.tenancy import Caller

Json = dict[str, Any]


class BatchIngestion:
    def __init__(self, store: CatalogStore, policy: PolicySetting) -> None:
        self.store = store
        self.policy = policy

    # --- creating -----------------------------------------------------------------------------

    def create_batch(self, caller: Caller, body: Mapping[str, Any]) -> Json:
        """Register a new batch in status ``loading`` (Batch Ingestion ``POST /batches``)."""
        with self.store.writing(caller.tenant) as data:
            dataset_id = body["datasetId"]
            self.store.require_datasets(data, [dataset_id], "datasetId")
            _check_predecessors(data, body.get("replay"))
            input_format = dict(body.get("inputFormat") or {})
            input_format["format"] = str(input_format.get("format", "json")).lower()
            extra = {
                key: body[key]
                for key in ("replay", "enableErrorDiagnostics", "partialIngestionPercentage", "externalId")
                if key in body
            }
            now = self.store.clock.now_ms()
            batch = new_batch(
                **made_by(caller),
                object_id=self.store.unused_id(data["batches"], self.store.ids.batch_id, now),
                now_ms=now,
                related=[{"type": "dataSet", "id": dataset_id}],
                inputFormat=input_format,
                tags=dict(body.get("tags") or {}),
                **extra,
            )
            self.store.save(data, "batches", batch["id"], batch)
            return batch

    # --- uploading ----------------------------------------------------------------------------

    def upload_file(self, caller: Caller, batch_id: str, dataset_id: str, path: str, content: bytes) -> bool:
        """Keep ``content`` as the batch's file ``path``; True when the file is new, False if replaced."""
        with self.store.writing(caller.tenant) as data:
            batch = _batch(data, batch_id)
            if dataset_id not in data["dataSets"]:
                raise NotFound(f"No dataset with id {dataset_id} in this organization and sandbox.")
            if dataset_id not in dataset_ids_of(batch):
                raise NotFound(f"Batch {batch_id} does not ingest into dataset {dataset_id}.")
            if batch.get("status") != BatchStatus.LOADING:
                raise BadRequest(
                    f"Batch {batch_id} is {batch['status']!r}: files can only be uploaded while it is "
                    "'loading'.",
                    errors={"id": [f"Batch status is {batch['status']!r}."]},
                )
            run = data["runs"].get(batch_id) or _new_run()
            data["runs"].put(batch_id, {**run, "files": {**run["files"], path: content}})
            return path not in run["files"]

    # --- actions ------------------------------------------------------------------------------

    def batch_action(self, caller: Caller, batch_id: str, action: str) -> None:
        """COMPLETE, ABORT, FAIL or REVERT, as :mod:`mockcatalog.processing` allows."""
        with self.store.writing(caller.tenant) as data:
            self.settle(data, ())  # the action applies to the status as of now
            batch = _batch(data, batch_id)
            status = next_status(str(batch.get("status", "")), action)
            if status == batch.get("status"):
                return  # an idempotent retry
            now = self.store.clock.now_ms()
            changes: Json = {"status": status}
            claimed = None
            if action == "COMPLETE":
                run = data["runs"].get(batch_id) or _new_run()
                claimed = {**run, "completedAt": now, "polls": 0, "outcome": None}
                data["runs"].put(batch_id, claimed)
                changes["started"] = now
            elif action in ("ABORT", "FAIL"):
                changes["completed"] = now
                data["runs"].delete(batch_id)
            self._finish(
                data, batch_id, next_version(batch, {**batch, **changes}, user=caller.user, now_ms=now)
            )
        if claimed is not None:
            outcome = process_files(claimed["files"], batch.get("inputFormat") or {})  # no lock held
            with self.store.writing(caller.tenant) as data:
                if data["runs"].get(batch_id) is claimed:  # not aborted, failed or reset meanwhile
                    data["runs"].put(batch_id, {**claimed, "outcome": outcome})
                    self.settle(data, ())

    # --- processing ---------------------------------------------------------------------------

    def settle(self, data: TenantData, polled: Iterable[str]) -> None:
        """Finish every completed batch whose processing is due; count a poll for ``polled`` ids.
        Runs under the tenant's lock (the store calls it before every read)."""
        runs = data["runs"]
        if runs.is_empty:  # no upload in progress: most reads
            return
        polled = set(polled)
        now = self.store.clock.now_ms()
        policy = self.policy.current
        for batch_id, run in list(runs.items()):
            if run.get("completedAt") is None or run.get("outcome") is None:
                continue  # still loading, or its files are being read right now
            if batch_id in polled:
                run = {**run, "polls": run["polls"] + 1}
                runs.put(batch_id, run)
            batch = data["batches"].get(batch_id)
            if batch is None:
                runs.delete(batch_id)
                continue
            pending = policy.pending_status(run["completedAt"], run["polls"], now)
            if pending is not None:
                if batch.get("status") != pending:
                    moved = next_version(batch, {**batch, "status": pending}, user=None, now_ms=now)
                    self._saved_by_the_mock(data, "batches", batch_id, moved)
                continue
            outcome = run["outcome"]
            succeeded = outcome.succeeds(_tolerated_percentage(batch))
            finished = policy.finish_time(run["completedAt"], now)
            done = {
                **batch,
                **outcome.fields(succeeded),
                "status": BatchStatus.SUCCESS if succeeded else BatchStatus.FAILED,
                "started": run["completedAt"],
                "completed": finished,
            }
            self._finish(data, batch_id, next_version(batch, done, user=None, now_ms=finished))
            runs.delete(batch_id)  # once the batch is stored: a failure leaves the run to retry

    def _finish(self, data: TenantData, batch_id: str, batch: Json) -> None:
        """Store ``batch``; if it ended a run, point its dataset(s) at it."""
        self._saved_by_the_mock(data, "batches", batch_id, batch)
        status = batch.get("status")
        if status not in ENDS_A_RUN:
            return
        for dataset_id in dataset_ids_of(batch):
            dataset = data["dataSets"].get(dataset_id)
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
            self._saved_by_the_mock(data, "dataSets", dataset_id, updated)

    def _saved_by_the_mock(self, data: TenantData, collection: str, object_id: str, obj: Json) -> None:
        """Save what the mock itself changed (the lifecycle, processing): if that breaks the spec,
        the mock is wrong, not the client, so it is the mock's error (a 500 with its traceback,
        failing the consumer's test as a bug in the mock), never a contract violation."""
        try:
            self.store.save(data, collection, object_id, obj)
        except MockCatalogError as exc:
            raise RuntimeError(f"the mock made a {collection} object the spec refuses: {exc.errors}") from exc


def _tolerated_percentage(batch: Json) -> float:
    """``partialIngestionPercentage`` (the spec keeps it a number from 0 to 100 on every write;
    anything else, from hand-made fixtures say, tolerates no bad row rather than failing a read)."""
    value = batch.get("partialIngestionPercentage")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _new_run() -> Json:
    return {"files": {}, "completedAt": None, "polls": 0, "outcome": None}


def _batch(data: TenantData, batch_id: str) -> Json:
    batch = data["batches"].get(batch_id)
    if batch is None:
        raise NotFound(f"No batch with id {batch_id} in this organization and sandbox.")
    return batch


def _check_predecessors(data: TenantData, replay: Mapping[str, Any] | None) -> None:
    """Every replayed batch, named by id or by ``externalId``, must be a batch of the tenant."""
    if not replay:
        return
    batches = data["batches"]
    unknown = {"replay.predecessors": [bid for bid in replay.get("predecessors", ()) if bid not in batches]}
    by_external_id = replay.get("predecessorsByExternalId") or ()
    if by_external_id:  # rare: a scan of the tenant's batches, under its lock, is bounded by them
        known = {batch.get("externalId") for _, batch in batches.items()}
        unknown["replay.predecessorsByExternalId"] = [eid for eid in by_external_id if eid not in known]
    errors = {
        field: [f"No batch {name!r} here." for name in names] for field, names in unknown.items() if names
    }
    if errors:
        raise BadRequest(
            "replay names batches that do not exist here: "
            + ", ".join(name for names in unknown.values() for name in names)
            + ".",
            errors=errors,
        )
