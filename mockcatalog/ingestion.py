"""Batch Ingestion on the store: create a batch, upload files, signal actions, finish processing.

A mixin of :class:`~mockcatalog.store.CatalogStore` (it uses the store's lock, clock, ids and
collections). Uploaded files and the processing state of completed batches live in the tenant's
internal ``runs`` collection, never in the batch objects the API returns, and are reset with
everything else.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any

from mockcatalog.clock import Clock
from mockcatalog.collection import Collection
from mockcatalog.errors import BadRequest, NotFound
from mockcatalog.ids import IdFactory
from mockcatalog.ingest import process_files
from mockcatalog.lifecycle import ABORTED, FAILED, LOADING, SUCCESS, ProcessingPolicy, next_status
from mockcatalog.objects import made_by, new_batch
from mockcatalog.tenancy import Caller, Tenant

Json = dict[str, Any]

#: Statuses after which the dataset's lastBatchId/lastBatchStatus point at the batch.
_FINAL = frozenset({SUCCESS, FAILED, ABORTED})


class Ingestion:
    clock: Clock
    ids: IdFactory
    policy: ProcessingPolicy
    _lock: threading.RLock

    def _collection(self, tenant: Tenant, collection: str, *, create: bool = False) -> Collection:
        raise NotImplementedError

    # --- creating -----------------------------------------------------------------------------

    def create_batch(self, caller: Caller, body: Mapping[str, Any]) -> Json:
        """Register a new batch in status ``loading`` (Batch Ingestion ``POST /batches``)."""
        with self._lock:
            dataset_id = body["datasetId"]
            if dataset_id not in self._collection(caller.tenant, "dataSets"):
                raise BadRequest(
                    f"datasetId {dataset_id!r} is not a dataset of this organization and sandbox; "
                    "create the dataset first or check x-gw-ims-org-id / x-sandbox-name.",
                    errors={"datasetId": [f"No dataset {dataset_id!r} here."]},
                )
            self._check_predecessors(caller.tenant, body.get("replay"))
            input_format = dict(body.get("inputFormat") or {})
            input_format["format"] = str(input_format.get("format", "json")).lower()
            extra = {
                key: body[key]
                for key in ("replay", "enableErrorDiagnostics", "partialIngestionPercentage")
                if key in body
            }
            fields = {"inputFormat": input_format, "tags": dict(body.get("tags") or {}), **extra}
            if "externalId" in body:
                fields["externalId"] = body["externalId"]
            return self.new_batch(caller, [{"type": "dataSet", "id": dataset_id}], fields)

    def new_batch(self, caller: Caller, related: list[Json], fields: Mapping[str, Any]) -> Json:
        """Store a new ``loading`` batch of the caller; ``fields`` add to (or override) the defaults."""
        now = self.clock.now_ms()
        batch_id = self.ids.batch_id(now)
        batch = new_batch(**made_by(caller), object_id=batch_id, now_ms=now, related=related, **fields)
        self._collection(caller.tenant, "batches", create=True).put(batch_id, batch)
        return batch

    # --- uploading ----------------------------------------------------------------------------

    def upload_file(self, caller: Caller, batch_id: str, dataset_id: str, path: str, data: bytes) -> bool:
        """Keep ``data`` as the batch's file ``path``; True when the file is new, False if replaced."""
        with self._lock:
            batch = self._batch(caller.tenant, batch_id)
            if dataset_id not in self._collection(caller.tenant, "dataSets"):
                raise NotFound(f"No dataset with id {dataset_id} in this organization and sandbox.")
            if not any(
                r.get("type") == "dataSet" and r.get("id") == dataset_id
                for r in batch.get("relatedObjects") or ()
            ):
                raise NotFound(f"Batch {batch_id} does not ingest into dataset {dataset_id}.")
            if batch.get("status") != LOADING:
                raise BadRequest(
                    f"Batch {batch_id} is {batch['status']!r}: files can only be uploaded while it is "
                    "'loading'.",
                    errors={"id": [f"Batch status is {batch['status']!r}."]},
                )
            runs = self._collection(caller.tenant, "runs", create=True)
            run = runs.get(batch_id) or {"files": {}, "completedAt": None, "polls": 0}
            files = {**run["files"], path: data}
            runs.put(batch_id, {**run, "files": files})
            return path not in run["files"]

    # --- actions ------------------------------------------------------------------------------

    def batch_action(self, caller: Caller, batch_id: str, action: str) -> None:
        """COMPLETE, ABORT, FAIL or REVERT, as :mod:`mockcatalog.lifecycle` allows."""
        with self._lock:
            self._settle(caller.tenant)
            batch = self._batch(caller.tenant, batch_id)
            status = next_status(str(batch.get("status", "")), action)
            if status == batch.get("status"):
                return  # an idempotent retry
            now = self.clock.now_ms()
            changes: Json = {"status": status, "updated": now, "updatedUser": caller.user}
            if action == "COMPLETE":
                runs = self._collection(caller.tenant, "runs", create=True)
                run = runs.get(batch_id) or {"files": {}, "polls": 0}
                runs.put(batch_id, {**run, "completedAt": now, "polls": 0})
                changes["started"] = now
            elif action in ("ABORT", "FAIL"):
                changes["completed"] = now
                self._collection(caller.tenant, "runs").delete(batch_id)
            self._finish(caller.tenant, {**batch, **changes})
            self._settle(caller.tenant)

    # --- processing ---------------------------------------------------------------------------

    def _settle(self, tenant: Tenant, polled: Iterable[str] = ()) -> None:
        """Finish every completed batch whose processing is due; count a poll for ``polled`` ids."""
        runs = self._collection(tenant, "runs")
        if runs.is_empty:  # no upload in progress: most reads
            return
        polled = set(polled)
        now = self.clock.now_ms()
        for batch_id, run in list(runs.items()):
            if run.get("completedAt") is None:
                continue
            if batch_id in polled:
                run = {**run, "polls": run["polls"] + 1}
                runs.put(batch_id, run)
            batch = self._collection(tenant, "batches").get(batch_id)
            if batch is None:
                runs.delete(batch_id)
                continue
            pending = self.policy.pending_status(run["completedAt"], run["polls"], now)
            if pending is not None:
                if batch.get("status") != pending:
                    self._collection(tenant, "batches").put(batch_id, {**batch, "status": pending})
                continue
            outcome = process_files(run["files"], batch.get("inputFormat") or {})
            succeeded = outcome.succeeds(float(batch.get("partialIngestionPercentage") or 0))
            finished = self.policy.finish_time(run["completedAt"], now)
            done = {**batch, **outcome.fields(succeeded), "status": SUCCESS if succeeded else FAILED}
            done.update(started=run["completedAt"], completed=finished, updated=finished)
            runs.delete(batch_id)
            self._finish(tenant, done)

    def _finish(self, tenant: Tenant, batch: Json) -> None:
        """Store ``batch``; if it reached a final status, point its dataset(s) at it."""
        batches = self._collection(tenant, "batches")
        batches.put(batch["id"], batch)
        if batch.get("status") not in _FINAL:
            return
        datasets = self._collection(tenant, "dataSets")
        for ref in batch.get("relatedObjects") or ():
            dataset = datasets.get(ref.get("id", "")) if ref.get("type") == "dataSet" else None
            if dataset is None:
                continue
            updated = {**dataset, "lastBatchId": batch["id"], "lastBatchStatus": batch["status"]}
            if batch["status"] == SUCCESS:
                updated["lastSuccessfulBatch"] = batch["id"]
            datasets.put(ref["id"], updated)

    # --- helpers ------------------------------------------------------------------------------

    def _batch(self, tenant: Tenant, batch_id: str) -> Json:
        batch = self._collection(tenant, "batches").get(batch_id)
        if batch is None:
            raise NotFound(f"No batch with id {batch_id} in this organization and sandbox.")
        return batch

    def _check_predecessors(self, tenant: Tenant, replay: Mapping[str, Any] | None) -> None:
        if not replay:
            return
        batches = self._collection(tenant, "batches")
        unknown = [bid for bid in replay.get("predecessors", ()) if bid not in batches]
        if unknown:
            raise BadRequest(
                f"replay.predecessors names batches that do not exist here: {', '.join(unknown)}.",
                errors={"replay.predecessors": [f"No batch {bid!r} here." for bid in unknown]},
            )
