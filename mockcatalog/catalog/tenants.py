"""The tenants: one set of collections per (IMS org, sandbox), each behind its own lock.

Each tenant's collections are :class:`~mockcatalog.catalog.collection.Collection` objects: the
loaded fixtures are their untouched base, and writes go to an overlay, so :meth:`TenantRegistry.reset`
(run before every test by the pytest plugin) costs the same at 100 or 100,000 fixture objects.

Rules that keep it simple and safe under a threaded server:

- **one lock per tenant**, held only for bounded work (see :mod:`mockcatalog.catalog.store` for
  what reads do under it); one tenant's slow request never waits on another tenant, and no code
  holds two tenants' locks at once;
- the registry's own lock guards only the map of tenants, and is never held while waiting for a
  tenant's;
- a tenant that was never written to is not created by reading it (random org ids do not grow
  the store), and one a write leaves empty is forgotten unless the fixtures name it.
"""

from __future__ import annotations

import heapq
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from mockcatalog.catalog.collection import Collection, IndexKeys
from mockcatalog.catalog.fixture_files import Fixtures
from mockcatalog.catalog.model import (
    BATCHES,
    DATASET_FILES,
    DATASETS,
    SCHEMAS,
    SUCCEEDED,
    BatchStatus,
    dataset_file_id,
    dataset_ids_of,
    in_fixture_form,
    in_tenant,
    new_dataset_file,
    view_of,
)
from mockcatalog.catalog.tenancy import Tenant, tenant_of
from mockcatalog.core.json import Json

COLLECTIONS = (DATASETS, BATCHES, SCHEMAS)  # what the API serves, exports and imports
#: What the API serves that only processing makes: dataset files. Not in fixture or state files,
#: which cannot hold the contents Data Access serves for them.
PRODUCED = (DATASET_FILES,)
DATASET_INDEX = "related:dataSet"
#: Indexes over the fixtures, for the filters consumers use most (see Collection.candidates). Only
#: selective keys pay: an index on status (a few values over 100,000 batches) made
#: `status=success&limit=20` slower than scanning in store order until the page is full.
INDEXES: Mapping[str, Mapping[str, IndexKeys]] = {BATCHES: {DATASET_INDEX: dataset_ids_of}}


class TenantData:
    """One tenant's collections, batch ingestion's runs, and the lock that guards them."""

    __slots__ = ("tenant", "lock", "collections", "runs", "retired")

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant  # whose they are: for what is kept outside them (the file vault)
        self.lock = threading.RLock()
        self.collections = {name: Collection(indexers=INDEXES.get(name)) for name in COLLECTIONS + PRODUCED}
        #: per batch id, its uploads and processing state (:class:`mockcatalog.ingestion.runs.Run`,
        #: which this layer does not know): kept and reset with the tenant's objects, never served
        self.runs: dict[str, Any] = {}
        self.retired = False  # dropped by a reset or an import: a writer holding it must look again

    def __getitem__(self, collection: str) -> Collection:
        return self.collections[collection]


#: ``settle(tenant_data, polled_batch_ids)``: finish the processing that is due before a read.
Settle = Callable[[TenantData, Iterable[str]], None]
_UNKNOWN_TENANT = TenantData(("", ""))  # what a tenant that was never written reads; never written


class _Reading:
    """``with tenants.reading(tenant) as data``: see :meth:`TenantRegistry.reading`."""

    __slots__ = ("data", "settle", "polled")

    def __init__(self, data: TenantData, settle: Settle | None, polled: Iterable[str]) -> None:
        self.data, self.settle, self.polled = data, settle, polled

    def __enter__(self) -> TenantData:
        self.data.lock.acquire()
        try:
            if self.settle is not None and self.data is not _UNKNOWN_TENANT:
                self.settle(self.data, self.polled)
        except BaseException:
            self.data.lock.release()
            raise
        return self.data

    def __exit__(self, *exc: object) -> None:
        self.data.lock.release()


class TenantRegistry:
    """Every tenant's data: found or made under the registry's lock, read and written under the
    tenant's own; loaded from fixtures, reset to them, replaced and exported whole.

    ``settle`` (batch ingestion's, set by the control plane) runs under the tenant's lock before
    every read.
    """

    def __init__(self) -> None:
        self.settle: Settle | None = None
        self._tenants: dict[Tenant, TenantData] = {}
        self._baseline: set[Tenant] = set()
        self._registry = threading.Lock()  # guards the two above; never held while waiting for a tenant

    @contextmanager
    def writing(self, tenant: Tenant) -> Iterator[TenantData]:
        """The tenant's data (created if need be), its lock held. A tenant the write left empty (a
        failed write from a new organization, the last object deleted) is forgotten on the way out,
        unless the fixtures name it: memory follows the data, not every organization ever seen."""
        while True:
            data = self._tenants.get(tenant)
            if data is None:
                with self._registry:
                    data = self._tenants.setdefault(tenant, TenantData(tenant))
            with data.lock:
                if data.retired:
                    continue
                try:
                    yield data
                finally:
                    self._free_if_empty(tenant, data)
                return

    def reading(self, tenant: Tenant, polled: Iterable[str] = ()) -> _Reading:
        """The tenant's data, its lock held and its due processing settled (``polled``: batch ids
        read by id, which counts as a poll). A class, not a generator: every read goes through it."""
        return _Reading(self._tenants.get(tenant, _UNKNOWN_TENANT), self.settle, polled)

    def total_runs(self, size: Callable[[Any], int]) -> int:
        """What ``size`` says every tenant's runs hold, in all (each tenant's lock taken in turn,
        never two at once)."""
        total = 0
        for data in list(self._tenants.values()):
            with data.lock:
                total += sum(map(size, data.runs.values()))
        return total

    def counts(self) -> dict[str, int]:
        """How many objects of each collection all tenants hold."""
        totals = dict.fromkeys(COLLECTIONS, 0)
        for counted in self.counts_by_tenant().values():
            for name, count in counted.items():
                totals[name] += count
        return totals

    def counts_by_tenant(self) -> dict[Tenant, dict[str, int]]:
        """Per tenant (in order), how many objects of each collection it holds (what ``serve``
        reports at start-up)."""
        counted = {}
        for tenant, data in sorted(list(self._tenants.items())):
            with data.lock:
                counted[tenant] = {name: len(data[name]) for name in COLLECTIONS}
        return counted

    def overview(self) -> list[Json]:
        """Per tenant: its datasets and batches counted, batches by status, its schemas and the
        datasets whose rows are validated against one (for the dashboard)."""
        described = []
        for org, sandbox in sorted(self._tenants):
            with self.reading((org, sandbox)) as current:
                views = {name: current[name].snapshot() for name in COLLECTIONS}
            statuses = Counter(str(batch.get("status")) for _, batch in views[BATCHES].items())
            schemas = views[SCHEMAS]
            validated = sorted(
                str(dataset.get("name", dataset_id))
                for dataset_id, dataset in views[DATASETS].items()
                if isinstance(ref := dataset.get("schemaRef"), dict) and ref.get("id") in schemas
            )
            described.append(
                {
                    "org": org,
                    "sandbox": sandbox,
                    DATASETS: sum(1 for _ in views[DATASETS].items()),
                    BATCHES: sum(statuses.values()),
                    "batchStatuses": dict(sorted(statuses.items())),
                    SCHEMAS: sum(1 for _ in schemas.items()),
                    #: the datasets whose rows are checked against a schema the mock holds
                    "validatedDataSets": validated,
                }
            )
        return described

    def newest_objects(self, tenant: Tenant, limit: int) -> Json:
        """A tenant's newest ``limit`` datasets and batches (by ``created``), each in a few fields
        (its id, name or status, ...), with how many it holds (for the dashboard)."""
        with self.reading(tenant) as current:  # settles due processing: statuses are current
            datasets, batches = current[DATASETS].snapshot(), current[BATCHES].snapshot()
        return {
            DATASETS: {
                "total": len(datasets),
                "newest": [
                    {"id": dataset_id, **{key: dataset.get(key) for key in _DATASET_LINE}}
                    for _, (dataset_id, dataset) in _newest(datasets.items(), limit)
                ],
            },
            BATCHES: {
                "total": len(batches),
                "newest": [
                    {
                        "id": batch_id,
                        "dataSetIds": list(dataset_ids_of(batch)),
                        **{key: batch.get(key) for key in _BATCH_LINE},
                    }
                    for _, (batch_id, batch) in _newest(batches.items(), limit)
                ],
            },
        }

    def known(self) -> list[Tenant]:
        """Every tenant that holds something now (or that the fixtures name)."""
        return list(self._tenants)

    # --- loading, resetting, exporting --------------------------------------------------------

    def load(self, fixtures: Fixtures, *, baseline: bool = True) -> dict[str, list[str]]:
        """Add fixture objects (already checked), each to the tenant its ``imsOrg``/``sandboxName``
        names. With ``baseline`` they become part of what :meth:`reset` returns to; without, they
        are changes like any write, and the next reset removes them. Returns the ids per collection."""
        added: dict[str, list[str]] = {}
        by_tenant: dict[Tenant, list[tuple[str, str, Json]]] = {}
        for name, objects in fixtures.collections.items():
            for object_id, obj in objects.items():
                tenant = tenant_of(obj)
                by_tenant.setdefault(tenant, []).append((name, object_id, in_tenant(dict(obj), tenant)))
                added.setdefault(name, []).append(object_id)
        for tenant, placed in by_tenant.items():
            if baseline:  # first, so that a reset meanwhile keeps the tenant
                with self._registry:
                    self._baseline.add(tenant)
            with self.writing(tenant) as data:
                by_collection: dict[str, dict[str, Json]] = {}
                for name, object_id, obj in placed:
                    by_collection.setdefault(name, {})[object_id] = obj
                by_collection.pop(DATASET_FILES, None)  # made below, never loaded
                for name, objects in by_collection.items():
                    _add(data[name], objects, baseline)
                files = {  # after the datasets, whose views they name
                    file_id: dataset_file
                    for batch_id, batch in by_collection.get(BATCHES, {}).items()
                    for file_id, dataset_file in _files_of_loaded_batch(tenant, batch_id, batch, data).items()
                    if data[DATASET_FILES].get(file_id) is None
                }
                _add(data[DATASET_FILES], files, baseline)
        return added

    def reset(self) -> None:
        """Back to the baseline fixtures; cost independent of their size."""
        with self._registry:
            tenants = list(self._tenants.items())
            baseline = set(self._baseline)
        for tenant, data in tenants:
            with data.lock:
                if tenant in baseline:
                    for collection in data.collections.values():
                        if not collection.is_pristine:
                            collection.reset()
                    data.runs.clear()
                    continue
                data.retired = True
                with self._registry:
                    if self._tenants.get(tenant) is data:
                        del self._tenants[tenant]

    def replace_all(self, fixtures: Fixtures) -> None:
        """Forget everything and make ``fixtures`` the new baseline (a state import)."""
        with self._registry:
            dropped = list(self._tenants.values())
            self._tenants = {}
            self._baseline = set()
        for data in dropped:
            with data.lock:
                data.retired = True
        self.load(fixtures, baseline=True)

    def export(self) -> Fixtures:
        """Every tenant's current objects, in fixture-file form (``sandboxName`` set outside prod)."""
        exported = Fixtures(collections={name: {} for name in COLLECTIONS})
        for tenant in list(self._tenants):
            with self.reading(tenant) as data:  # processing that is due is settled first
                views = {name: data[name].snapshot() for name in COLLECTIONS}
            for name, view in views.items():
                for object_id, obj in view.items():
                    exported.collections[name][object_id] = in_fixture_form(obj, tenant)
        return exported

    def _free_if_empty(self, tenant: Tenant, data: TenantData) -> None:
        """Forget a tenant that holds nothing and is not part of the fixtures (its lock held): a
        long-lived server's memory follows the data it holds, not every tenant it ever saw."""
        if data.retired or tenant in self._baseline:
            return
        if data.runs or not all(collection.is_empty for collection in data.collections.values()):
            return
        data.retired = True
        with self._registry:
            if self._tenants.get(tenant) is data:
                del self._tenants[tenant]


def _add(collection: Collection, objects: Mapping[str, Json], baseline: bool) -> None:
    """Loaded objects into ``collection``: into its base (what a reset returns to; a test's own
    writes stay its own), or as writes, which the next reset removes."""
    if baseline:
        collection.add_to_base(dict(objects))
        return
    for object_id, obj in objects.items():
        collection.put(object_id, obj)


def _files_of_loaded_batch(tenant: Tenant, batch_id: str, batch: Json, data: TenantData) -> dict[str, Json]:
    """The dataset files a batch of the fixtures stands for: one that succeeded (or was reverted
    since) wrote its rows into its datasets, so Catalog lists a dataset file per related dataset
    (the first holding its ``recordCount`` and ``size``), valid unless the batch was reverted. No
    fixture holds their contents: Data Access lists them, and reading one says the mock holds none."""
    status = batch.get("status")
    if status not in SUCCEEDED and status != BatchStatus.INACTIVE:
        return {}
    org, sandbox = tenant
    made_at = next(
        (batch[n] for n in ("completed", "updated", "created") if isinstance(batch.get(n), int)), 0
    )
    files: dict[str, Json] = {}
    for number, dataset_id in enumerate(dataset_ids_of(batch), start=1):
        dataset_file = new_dataset_file(
            org=org,
            sandbox=sandbox,
            now_ms=made_at,
            file_id=dataset_file_id(batch_id, number),
            batch_id=batch_id,
            dataset_id=dataset_id,
            view_id=view_of(dataset_id, data[DATASETS].get(dataset_id)),
            records=_count(batch.get("recordCount")) if number == 1 else 0,
            size=_count(batch.get("size")) if number == 1 else 0,
        )
        files[dataset_file["id"]] = {**dataset_file, "isValid": status != BatchStatus.INACTIVE}
    return files


#: The fields of a dataset and of a batch that :meth:`TenantRegistry.newest_objects` shows.
_DATASET_LINE = ("name", "state", "created", "lastBatchStatus")
_BATCH_LINE = ("status", "created", "recordCount", "failedRecordCount")


def _newest(items: Iterable[tuple[str, Json]], limit: int) -> list[tuple[int, tuple[str, Json]]]:
    """The newest ``limit`` of ``items`` (by ``created``; of two made in one millisecond, the one
    stored later), numbered in store order."""
    return heapq.nlargest(
        limit, enumerate(items), key=lambda item: (_count(item[1][1].get("created")), item[0])
    )


def _count(value: Any) -> int:
    """A count a fixture gives, or 0 for anything that is not one."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
