"""The in-memory store: plain dicts, one set of collections per (IMS org, sandbox) tenant.

Each tenant's collections are :class:`~mockcatalog.collection.Collection` objects: the loaded
fixtures are their untouched base, and writes go to an overlay, so :meth:`CatalogStore.reset` (run
before every test by the pytest plugin) costs the same at 100 or 100,000 fixture objects.

Rules that keep it simple and safe under a threaded server:

- **one lock per tenant**, held only for bounded work: a read takes it to settle due processing and
  to copy what it will read (:meth:`Collection.snapshot` copies only the overlay), then filters,
  sorts and projects outside it; a client's regular expression never runs under a lock, and one
  tenant's slow request never waits on another tenant;
- a stored object is never changed in place: a write stores a new dict, so an object handed to a
  view can be serialized after the lock is released;
- **check, then write**: every object a write produces goes through :meth:`CatalogStore.save`,
  which checks it against openapi.yaml's shapes before storing it, so a failed request leaves
  nothing behind;
- a tenant that was never written to is not created by reading it (random org ids do not grow
  the store).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NamedTuple

import jsonpatch

from mockcatalog.clock import Clock
from mockcatalog.collection import Collection, IndexKeys
from mockcatalog.errors import BadRequest, InvalidRequest, NotFound, PreconditionFailed, UnprocessableEntity
from mockcatalog.fixture_files import Fixtures
from mockcatalog.ids import IdFactory
from mockcatalog.model import (
    FIXTURE_ONLY,
    KEPT_ON_WRITE,
    SERVER_MANAGED,
    SET_ONCE,
    client_fields,
    dataset_ids_of,
    in_fixture_form,
    in_tenant,
    made_by,
    new_batch,
    new_dataset,
    next_version,
)
from mockcatalog.query import ListQuery, related_to
from mockcatalog.summary import BatchRows, created_inside
from mockcatalog.tenancy import Caller, Tenant, tenant_of

Json = dict[str, Any]

COLLECTIONS = ("dataSets", "batches")  # what the API serves, exports and imports
#: What the API serves that only processing makes: dataset files. Not in fixture or state files,
#: which cannot hold the contents Data Access serves for them.
PRODUCED = ("dataSetFiles",)
#: The id of an object a create checked under ``Pragma: validate-only``: it was never stored.
UNSAVED = "validate-only"
INTERNAL = ("runs",)  # per-batch uploads and processing state (see ingestion.py)
DATASET_INDEX = "related:dataSet"
#: Indexes over the fixtures, for the filters consumers use most (see Collection.candidates). Only
#: selective keys pay: an index on status (a few values over 100,000 batches) made
#: `status=success&limit=20` slower than scanning in store order until the page is full.
INDEXES: Mapping[str, Mapping[str, IndexKeys]] = {"batches": {DATASET_INDEX: dataset_ids_of}}
#: ``validate(collection, object)``: raises when an object may not be stored.
Validate = Callable[[str, Json], None]


class TenantData:
    """One tenant's collections and the lock that guards them."""

    __slots__ = ("tenant", "lock", "collections", "retired")

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant  # whose they are: for what is kept outside them (the file vault)
        self.lock = threading.RLock()
        self.collections = {
            name: Collection(indexers=INDEXES.get(name)) for name in COLLECTIONS + PRODUCED + INTERNAL
        }
        self.retired = False  # dropped by a reset or an import: a writer holding it must look again

    def __getitem__(self, collection: str) -> Collection:
        return self.collections[collection]


#: ``settle(tenant_data, polled_batch_ids)``: finish the processing that is due before a read.
Settle = Callable[[TenantData, Iterable[str]], None]
_UNKNOWN_TENANT = TenantData(("", ""))  # what a tenant that was never written reads; never written


class Listed(NamedTuple):
    page: dict[str, Json]
    generation: int  # of the collection read (Collection.generation): equal ones, equal pages


class Uniques(NamedTuple):
    values: list[Any]
    generation: int  # as for Listed


class _Reading:
    """``with store.reading(tenant) as data``: see :meth:`CatalogStore.reading`."""

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


class CatalogStore:
    """All tenants' datasets and batches, with the Catalog operations on them.

    ``validate`` (the app passes openapi.yaml's shapes) checks every object before it is stored;
    ``settle`` (batch ingestion's, set by the control plane) runs under the tenant's lock before
    every read.
    """

    def __init__(self, *, clock: Clock, ids: IdFactory, validate: Validate | None = None) -> None:
        self.clock = clock
        self.ids = ids
        self.settle: Settle | None = None
        self._validate = validate
        self._tenants: dict[Tenant, TenantData] = {}
        self._baseline: set[Tenant] = set()
        self._registry = threading.Lock()  # guards the two above; never held while waiting for a tenant

    # --- tenants ------------------------------------------------------------------------------

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

    def save(
        self, data: TenantData, collection: str, object_id: str, obj: Json, *, persist: bool = True
    ) -> None:
        """The one way an object is written: checked against the spec, then stored under its id
        (unless not ``persist``: ``Pragma: validate-only`` checks everything and stores nothing)."""
        if self._validate is not None:
            self._validate(collection, obj)
        if persist:
            data[collection].put(object_id, obj)

    @staticmethod
    def unused_id(objects: Collection, make: Callable[[int], str], now_ms: int) -> str:
        """A new id no object of ``objects`` has: a seeded generator under a frozen clock repeats
        its ids after a restart or a reset, and must not overwrite what is stored."""
        object_id = make(now_ms)
        while object_id in objects:
            object_id = make(now_ms)
        return object_id

    def held_by_runs(self, size: Callable[[Json], int]) -> int:
        """What ``size`` says every tenant's runs hold, in all (each tenant's lock taken in turn,
        never two at once)."""
        total = 0
        for data in list(self._tenants.values()):
            with data.lock:
                total += sum(size(run) for _, run in data["runs"].items())
        return total

    def counts(self) -> dict[str, int]:
        """How many objects of each collection all tenants hold."""
        totals = dict.fromkeys(COLLECTIONS, 0)
        for data in list(self._tenants.values()):
            with data.lock:
                for name in COLLECTIONS:
                    totals[name] += len(data[name])
        return totals

    def overview(self) -> list[Json]:
        """Per tenant: its datasets and batches counted, batches by status (for the dashboard)."""
        described = []
        for org, sandbox in sorted(self._tenants):
            with self.reading((org, sandbox)) as current:
                views = {name: current[name].snapshot() for name in COLLECTIONS}
            statuses = Counter(str(batch.get("status")) for _, batch in views["batches"].items())
            described.append(
                {
                    "org": org,
                    "sandbox": sandbox,
                    "dataSets": sum(1 for _ in views["dataSets"].items()),
                    "batches": sum(statuses.values()),
                    "batchStatuses": dict(sorted(statuses.items())),
                }
            )
        return described

    def tenants(self) -> list[Tenant]:
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
                if not baseline:
                    for name, object_id, obj in placed:
                        data[name].put(object_id, obj)
                    continue
                by_collection: dict[str, dict[str, Json]] = {}
                for name, object_id, obj in placed:
                    by_collection.setdefault(name, {})[object_id] = obj
                for name, objects in by_collection.items():
                    data[name].add_to_base(objects)  # a test's own writes stay its own
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

    # --- reads --------------------------------------------------------------------------------

    def list_objects(self, tenant: Tenant, collection: str, query: ListQuery) -> dict[str, Json]:
        return self.listing(tenant, collection, query).page

    def generation(self, tenant: Tenant, collection: str) -> int:
        """The generation of a collection's contents as a list would read them now (processing due
        settled): a reader holding something derived from that generation may use it as it is."""
        with self.reading(tenant) as data:
            return data[collection].contents_generation

    def listing(self, tenant: Tenant, collection: str, query: ListQuery) -> Listed:
        """A list's page, and the generation of the contents it was read from."""
        with self.reading(tenant) as data:
            objects = data[collection]
            ordered = self._in_created_order(objects, data["dataSets"], query)
            view = objects.snapshot() if ordered is None else None
            generation = objects.contents_generation
        if view is None:
            assert ordered is not None
            return Listed(query.page(query.select_sorted(ordered)), generation)
        return Listed(query.run(_candidates(view, query.hints)), generation)

    def unique_values(self, tenant: Tenant, collection: str, field: str, query: ListQuery) -> Uniques:
        """Catalog's ``GET /batches/uniques/{field}``: the distinct values of ``field`` over the
        objects ``query`` selects (:meth:`ListQuery.unique_values`), read from a snapshot outside
        the lock as a list is, and the generation of the contents they come from."""
        with self.reading(tenant) as data:
            objects = data[collection]
            view = objects.snapshot()
            generation = objects.contents_generation
        return Uniques(query.unique_values(field, _candidates(view, query.hints)), generation)

    def get_objects(self, tenant: Tenant, collection: str, ids: Iterable[str]) -> dict[str, Json]:
        """``{id: object}`` for each id, in the order given, whole (the view projects them, after
        reading the version for ``ETag``); 404 naming any id not found."""
        wanted = list(dict.fromkeys(ids))
        with self.reading(tenant, polled=wanted if collection == "batches" else ()) as data:
            objects = data[collection]
            found = {oid: obj for oid in wanted if (obj := objects.get(oid)) is not None}
        missing = [object_id for object_id in wanted if object_id not in found]
        if missing:
            raise NotFound(
                f"No {collection} object with id {', '.join(missing)} in this organization and sandbox.",
                errors={"ids": [f"Not found: {object_id}" for object_id in missing]},
            )
        return found

    def ingest_batch_summary(
        self, tenant: Tenant, dataset_id: str, query: ListQuery, created_window: tuple[int, int | None]
    ) -> Json:
        """Summarize the dataset's batches created inside ``created_window`` (exclusive) that
        ``query`` then selects (see :mod:`mockcatalog.summary`).

        Without filters, order or paging (the usual call), the dataset's :class:`BatchRows` are
        built once and then follow its batches' writes; any window is cut out of them, under the
        lock (bounded work: bisections and sums). With filters, the batches are copied out and
        selected outside it.
        """
        with self.reading(tenant) as data:
            dataset = data["dataSets"].get(dataset_id)
            if dataset is None:
                raise NotFound(f"No dataset with id {dataset_id} in this organization and sandbox.")
            if query.selects_all:
                rows = data["batches"].derived(DATASET_INDEX, dataset_id, BatchRows)
                return query.project(rows.within(*created_window).summary(dataset_id, dataset))
            filed = data["batches"].candidates(DATASET_INDEX, (dataset_id,))
        of_dataset = related_to("dataSet", dataset_id)
        in_window = (
            (oid, batch)
            for oid, batch in filed
            if of_dataset(batch) and created_inside(batch, *created_window)
        )
        selected = BatchRows(
            (position, oid, batch) for position, (oid, batch) in enumerate(query.select(in_window))
        )
        return query.project(selected.summary(dataset_id, dataset))

    def _in_created_order(
        self, batches: Collection, datasets: Collection, query: ListQuery
    ) -> Iterator[tuple[str, Json]] | None:
        """One dataset's batches already in ``created`` order, when the query asks for that order
        and the dataset's kept rows hold every one of its batches; else None (sort as usual)."""
        order = query.sole_order
        if order is None or order.field != "created" or not batches.has_index(DATASET_INDEX):
            return None
        keys = next((keys for index, keys in query.hints if index == DATASET_INDEX), ())
        if len(keys) != 1 or keys[0] not in datasets:
            return None  # kept rows are for datasets that exist: a made-up id keeps nothing
        rows = batches.derived(DATASET_INDEX, keys[0], BatchRows)
        return None if rows.undated else rows.by_created(descending=order.descending)

    # --- Catalog writes -----------------------------------------------------------------------

    def create_dataset(self, caller: Caller, body: Mapping[str, Any], *, validate_only: bool = False) -> str:
        """Catalog ``POST /dataSets``: a new dataset with the given fields; returns its id (with
        ``validate_only``, checks it and returns :data:`UNSAVED`, taking no id)."""
        with self.writing(caller.tenant) as data:
            now = self.clock.now_ms()
            dataset_id = (
                UNSAVED if validate_only else self.unused_id(data["dataSets"], self.ids.object_id, now)
            )
            dataset = new_dataset(**made_by(caller), object_id=dataset_id, now_ms=now, **client_fields(body))
            self.save(data, "dataSets", dataset_id, dataset, persist=not validate_only)
            return dataset_id

    def require_datasets(self, data: TenantData, dataset_ids: Iterable[str], field: str) -> None:
        """A 400 naming ``field`` when any of ``dataset_ids`` is not a dataset of the tenant."""
        missing = [ds for ds in dataset_ids if ds not in data["dataSets"]]
        if missing:
            raise BadRequest(
                f"{field} names datasets that do not exist in this organization and sandbox: "
                f"{', '.join(missing)}; create the dataset first or check x-gw-ims-org-id / x-sandbox-name.",
                errors={field: [f"No dataset {ds!r} here." for ds in missing]},
            )

    def create_catalog_batch(
        self, caller: Caller, body: Mapping[str, Any], *, validate_only: bool = False
    ) -> str:
        """Catalog's own ``POST /batches``: a batch related to existing datasets; returns its id
        (``validate_only``: as :meth:`create_dataset`)."""
        with self.writing(caller.tenant) as data:
            self.require_datasets(data, dataset_ids_of(body), "relatedObjects")
            fields = client_fields(body)
            now = self.clock.now_ms()
            batch_id = UNSAVED if validate_only else self.unused_id(data["batches"], self.ids.batch_id, now)
            related = list(fields.pop("relatedObjects", []))
            batch = new_batch(**made_by(caller), object_id=batch_id, now_ms=now, related=related, **fields)
            self.save(data, "batches", batch_id, batch, persist=not validate_only)
            return batch_id

    def write_object(
        self,
        caller: Caller,
        collection: str,
        object_id: str,
        *,
        fields: Mapping[str, Any] | None = None,
        patch: list[Json] | None = None,
        replace: bool = False,
        if_match: str | None = None,
        validate_only: bool = False,
    ) -> None:
        """PATCH (``fields`` merged, or a JSON ``patch``) or PUT (``replace``) one object.

        Server-managed fields keep their values; ``version`` is bumped and ``updated`` set.
        """
        with self.writing(caller.tenant) as data:
            current = _current(data[collection], collection, object_id, if_match)
            if patch is not None:
                written = apply_json_patch(current, patch)
            elif replace:
                written = client_fields(fields or {})
                if collection == "batches" and "status" in current:
                    written.setdefault("status", current["status"])  # the lifecycle owns it
            else:
                written = {**current, **client_fields(fields or {})}
            set_once = SET_ONCE.get(collection, ())
            changed = [n for n in set_once if n in current and n in written and written[n] != current[n]]
            if changed:
                raise InvalidRequest(
                    f"{', '.join(changed)} cannot change once the object exists.",
                    errors={
                        name: [f"Read-only after creation; it is {current[name]!r}."] for name in changed
                    },
                )
            for name in set_once:
                if name in current:
                    written[name] = current[name]
            for name in KEPT_ON_WRITE:  # exactly the stored ones: a root JSON Patch cannot add any
                if name in current:
                    written[name] = current[name]
                else:
                    written.pop(name, None)
            for name in FIXTURE_ONLY:  # a root JSON Patch may send one
                written.pop(name, None)
            written = next_version(current, written, user=caller.user, now_ms=self.clock.now_ms())
            try:
                self.save(data, collection, object_id, written, persist=not validate_only)
            except InvalidRequest as exc:
                if patch is None:
                    raise
                raise UnprocessableEntity(
                    "The JSON Patch would leave an object that does not match openapi.yaml.",
                    errors=exc.errors,
                ) from exc

    def delete_object(
        self, caller: Caller, collection: str, object_id: str, if_match: str | None = None
    ) -> bool:
        """Delete one of the tenant's objects; False when it holds none of that id (whatever
        ``If-Match`` says: there is no version to compare)."""
        with self.writing(caller.tenant) as data:
            if data[collection].get(object_id) is None:
                return False
            _current(data[collection], collection, object_id, if_match)
            data[collection].delete(object_id)
            if collection == "batches":  # what the batch uploaded and the dataset files it made go too
                data["runs"].delete(object_id)
                made = [fid for fid, made in data["dataSetFiles"].items() if made.get("batchId") == object_id]
                for file_id in made:
                    data["dataSetFiles"].delete(file_id)
            return True

    def _free_if_empty(self, tenant: Tenant, data: TenantData) -> None:
        """Forget a tenant that holds nothing and is not part of the fixtures (its lock held): a
        long-lived server's memory follows the data it holds, not every tenant it ever saw."""
        if data.retired or tenant in self._baseline:
            return
        if not all(collection.is_empty for collection in data.collections.values()):
            return
        data.retired = True
        with self._registry:
            if self._tenants.get(tenant) is data:
                del self._tenants[tenant]


def _candidates(
    collection: Collection, hints: Iterable[tuple[str, tuple[str, ...]]]
) -> Iterable[tuple[str, Json]]:
    """The objects a query need look at: from the first index a hint names, else all of them."""
    for index, keys in hints:
        if collection.has_index(index):
            return collection.candidates(index, keys)
    return collection.items()


def _current(objects: Collection, collection: str, object_id: str, if_match: str | None) -> Json:
    current = objects.get(object_id)
    if current is None:
        raise NotFound(f"No {collection} object with id {object_id} in this organization and sandbox.")
    version = str(current.get("version", ""))
    if if_match is not None and if_match.strip() != "*" and if_match.strip().strip('"') != version:
        raise PreconditionFailed(
            f"If-Match names version {if_match!r}, but {object_id} is at version {version!r}; "
            "read it again and retry.",
            errors={"If-Match": [f"Current version is {version!r}."]},
        )
    return current


def apply_json_patch(document: Json, patch: list[Json]) -> Json:
    """RFC 6902, all or nothing, through the jsonpatch library; server-managed fields are off limits.

    A patch that cannot be applied (a failed ``test``, a missing path) is a 422, as RFC 5789 says.
    """
    for operation in patch:
        for pointer in (operation.get("path"), operation.get("from")):
            top = str(pointer or "").split("/")[1:2]
            if top and top[0] in SERVER_MANAGED:
                raise InvalidRequest(
                    f"JSON Patch may not change the server-managed field {top[0]!r}.",
                    errors={"body": [f"{operation.get('op')} {pointer}: server-managed field."]},
                )
    try:
        result = jsonpatch.apply_patch(document, patch)
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as exc:
        raise UnprocessableEntity(
            f"The JSON Patch cannot be applied: {exc}.", errors={"body": [str(exc)]}
        ) from exc
    if not isinstance(result, dict):
        raise UnprocessableEntity("The JSON Patch must leave an object.", errors={"body": ["Not an object."]})
    return result
