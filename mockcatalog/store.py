"""The in-memory store: plain dicts, one set of collections per (IMS org, sandbox) tenant.

Each tenant's collections are :class:`~mockcatalog.collection.Collection` objects: the loaded
fixtures are their untouched base, and writes go to an overlay, so :meth:`CatalogStore.reset` (run
before every test by the pytest plugin) costs the same at 100 or 100,000 fixture objects.

Rules that keep it simple and safe under a threaded server:

- every read and write takes the store's lock, so a list never sees a half-made write;
- a stored object is never changed in place: a write stores a new dict, so an object handed to a
  view can be serialized after the lock is released;
- a request that fails validation never reaches the store, and a store method checks everything
  before it writes, so a failed request leaves nothing behind;
- a tenant that was never written to is not created by reading it (random org ids do not grow
  the store).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import jsonpatch

from mockcatalog.clock import Clock
from mockcatalog.collection import Collection, IndexKeys
from mockcatalog.errors import BadRequest, NotFound, PreconditionFailed, UnprocessableEntity
from mockcatalog.fixture_files import Fixtures
from mockcatalog.ids import IdFactory
from mockcatalog.ingestion import Ingestion
from mockcatalog.lifecycle import ProcessingPolicy
from mockcatalog.objects import INITIAL_VERSION, made_by, new_dataset
from mockcatalog.query import ListQuery, related_to
from mockcatalog.summary import BatchRows, created_inside
from mockcatalog.tenancy import DEFAULT_SANDBOX, Caller, Tenant

Json = dict[str, Any]

COLLECTIONS = ("dataSets", "batches")  # what the API serves, exports and imports
INTERNAL = ("runs",)  # per-batch uploads and processing state (see ingestion.py)
#: Indexes over the fixtures, for the filters consumers use most (see Collection.candidates). Only
#: selective keys pay: an index on status (a few values over 100,000 batches) made
#: `status=success&limit=20` slower than scanning in store order until the page is full.
INDEXES: Mapping[str, Mapping[str, IndexKeys]] = {
    "batches": {
        "related:dataSet": lambda batch: [
            ref["id"]
            for ref in batch.get("relatedObjects") or ()
            if isinstance(ref, dict) and ref.get("type") == "dataSet" and isinstance(ref.get("id"), str)
        ],
    }
}
#: Fields the server sets; a client's value for them is ignored (a JSON Patch touching them is a 400).
SERVER_MANAGED = ("id", "imsOrg", "sandboxName", "created", "createdClient", "createdUser")


class CatalogStore(Ingestion):
    """All tenants' datasets and batches, with the operations the API performs on them.

    ``validate(collection, obj)`` (the app passes openapi.yaml's shapes) checks every object a
    Catalog write produces, raising :class:`~mockcatalog.errors.BadRequest`.
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        seed: int | None = None,
        policy: ProcessingPolicy | None = None,
        validate: Callable[[str, Json], None] | None = None,
    ) -> None:
        self.clock = clock or Clock()
        self.seed = seed
        self.ids = IdFactory(seed)
        self.initial_policy = self.policy = policy or ProcessingPolicy()
        self.validate = validate
        self._lock = threading.RLock()
        self._tenants: dict[Tenant, dict[str, Collection]] = {}
        self._baseline: set[Tenant] = set()

    # --- loading, resetting, exporting --------------------------------------------------------

    def load(self, fixtures: Fixtures, *, baseline: bool = True) -> dict[str, list[str]]:
        """Add fixture objects, each to the tenant its ``imsOrg``/``sandboxName`` names.

        With ``baseline`` they become part of what :meth:`reset` returns to; without, they are
        changes like any write, and the next reset removes them. Returns the ids per collection.
        """
        added: dict[str, list[str]] = {}
        with self._lock:
            touched: set[Tenant] = set()
            for name, objects in fixtures.collections.items():
                for object_id, obj in objects.items():
                    tenant = tenant_of(obj)
                    self._collection(tenant, name, create=True).put(object_id, obj)
                    touched.add(tenant)
                    added.setdefault(name, []).append(object_id)
            if baseline:
                for tenant in touched:
                    for collection in self._tenants[tenant].values():
                        collection.commit()
                self._baseline |= touched
        return added

    def reset(self) -> None:
        """Back to the baseline fixtures, ids restarting from the seed; cost independent of their size."""
        with self._lock:
            for tenant in list(self._tenants):
                if tenant not in self._baseline:
                    del self._tenants[tenant]
                    continue
                for collection in self._tenants[tenant].values():
                    if not collection.is_pristine:
                        collection.reset()
            self.ids = IdFactory(self.seed)
            self.policy = self.initial_policy
            self.clock.reset()

    def replace_all(self, fixtures: Fixtures) -> None:
        """Forget everything and make ``fixtures`` the new baseline (a state import)."""
        with self._lock:
            self._tenants.clear()
            self._baseline.clear()
            self.load(fixtures, baseline=True)

    def export(self) -> Fixtures:
        """Every tenant's current objects, in fixture-file form (``sandboxName`` set outside prod)."""
        exported = Fixtures(collections={name: {} for name in COLLECTIONS})
        with self._lock:
            for (_org, sandbox), collections in self._tenants.items():
                for name in COLLECTIONS:
                    for object_id, obj in collections[name].items():
                        if sandbox != DEFAULT_SANDBOX and obj.get("sandboxName") != sandbox:
                            obj = {**obj, "sandboxName": sandbox}
                        exported.collections[name][object_id] = obj
        return exported

    def tenants(self) -> list[Tenant]:
        with self._lock:
            return list(self._tenants)

    # --- reads --------------------------------------------------------------------------------

    def list_objects(self, tenant: Tenant, collection: str, query: ListQuery) -> dict[str, Json]:
        with self._lock:
            self._settle(tenant)
            return query.run(self._candidates(self._collection(tenant, collection), query.hints))

    def get_objects(
        self, tenant: Tenant, collection: str, ids: Iterable[str], properties: tuple[str, ...] | None
    ) -> dict[str, Json]:
        """``{id: object}`` for each id, in the order given; 404 naming any id not found."""
        wanted = list(dict.fromkeys(ids))
        with self._lock:
            self._settle(tenant, polled=wanted if collection == "batches" else ())
            objects = self._collection(tenant, collection)
            found = {oid: obj for oid in wanted if (obj := objects.get(oid)) is not None}
        missing = [object_id for object_id in wanted if object_id not in found]
        if missing:
            raise NotFound(
                f"No {collection} object with id {', '.join(missing)} in this organization and sandbox.",
                errors={"ids": [f"Not found: {object_id}" for object_id in missing]},
            )
        projection = ListQuery(properties=properties)
        return {object_id: projection.project(obj) for object_id, obj in found.items()}

    def ingest_batch_summary(
        self, tenant: Tenant, dataset_id: str, query: ListQuery, created_window: tuple[int, int | None]
    ) -> Json:
        """Summarize the dataset's batches created inside ``created_window`` (exclusive) that
        ``query`` then selects (see :mod:`mockcatalog.summary`).

        Without filters, order or paging (the usual call), the dataset's :class:`BatchRows` are
        built once and then follow its batches' writes; any window is cut out of them.
        """
        with self._lock:
            self._settle(tenant)
            dataset = self._collection(tenant, "dataSets").get(dataset_id)
            if dataset is None:
                raise NotFound(f"No dataset with id {dataset_id} in this organization and sandbox.")
            batches = self._collection(tenant, "batches")
            if query.selects_all:
                rows = batches.derived("related:dataSet", dataset_id, BatchRows)
            else:
                of_dataset = related_to("dataSet", dataset_id)
                filed = batches.candidates("related:dataSet", (dataset_id,))
                in_window = (
                    (oid, batch)
                    for oid, batch in filed
                    if of_dataset(batch) and created_inside(batch, *created_window)
                )
                rows = BatchRows(enumerate(batch for _, batch in query.select(in_window)))
            return query.project(rows.within(*created_window).summary(dataset_id, dataset))

    # --- Catalog writes -----------------------------------------------------------------------

    def create_dataset(self, caller: Caller, body: Mapping[str, Any]) -> str:
        """Catalog ``POST /dataSets``: a new dataset with the given fields; returns its id."""
        with self._lock:
            now = self.clock.now_ms()
            dataset_id = self.ids.object_id(now)
            dataset = new_dataset(**made_by(caller), object_id=dataset_id, now_ms=now, **_client_fields(body))
            self._check("dataSets", dataset)
            self._collection(caller.tenant, "dataSets", create=True).put(dataset_id, dataset)
            return dataset_id

    def create_catalog_batch(self, caller: Caller, body: Mapping[str, Any]) -> str:
        """Catalog's own ``POST /batches``: a batch related to existing datasets; returns its id."""
        with self._lock:
            datasets = self._collection(caller.tenant, "dataSets")
            missing = [
                ref["id"]
                for ref in body["relatedObjects"]
                if ref["type"] == "dataSet" and ref["id"] not in datasets
            ]
            if missing:
                raise BadRequest(
                    f"relatedObjects names datasets that do not exist here: {', '.join(missing)}.",
                    errors={"relatedObjects": [f"No dataset {ds!r} here." for ds in missing]},
                )
            fields = _client_fields(body)
            batch = self.new_batch(caller, list(fields.pop("relatedObjects")), fields)
            self._check("batches", batch)
            return str(batch["id"])

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
    ) -> None:
        """PATCH (``fields`` merged, or a JSON ``patch``) or PUT (``replace``) one object.

        Server-managed fields keep their values; ``version`` is bumped and ``updated`` set.
        """
        with self._lock:
            current = self._current(caller.tenant, collection, object_id, if_match)
            if patch is not None:
                written = apply_json_patch(current, patch)
                try:
                    self._check(collection, written)
                except BadRequest as exc:
                    raise UnprocessableEntity(
                        "The JSON Patch would leave an object that does not match openapi.yaml.",
                        errors=exc.errors,
                    ) from exc
            elif replace:
                written = dict(_client_fields(fields or {}))
                if collection == "batches" and "status" in current:
                    written.setdefault("status", current["status"])  # the lifecycle owns it
            else:
                written = {**current, **_client_fields(fields or {})}
            written.update({name: current[name] for name in SERVER_MANAGED if name in current})
            written.update(
                version=bump_version(str(current.get("version", INITIAL_VERSION))),
                updated=self.clock.now_ms(),
                updatedUser=caller.user,
            )
            self._check(collection, written)
            self._collection(caller.tenant, collection).put(object_id, written)

    def delete_object(
        self, caller: Caller, collection: str, object_id: str, if_match: str | None = None
    ) -> None:
        with self._lock:
            self._current(caller.tenant, collection, object_id, if_match)
            self._collection(caller.tenant, collection).delete(object_id)
            if collection == "batches":
                self._collection(caller.tenant, "runs").delete(object_id)

    # --- helpers ------------------------------------------------------------------------------

    def _current(self, tenant: Tenant, collection: str, object_id: str, if_match: str | None) -> Json:
        current = self._collection(tenant, collection).get(object_id)
        if current is None:
            raise NotFound(f"No {collection} object with id {object_id} in this organization and sandbox.")
        version = str(current.get("version", ""))
        if if_match is not None and if_match.strip('"') != version:
            raise PreconditionFailed(
                f"If-Match names version {if_match!r}, but {object_id} is at version {version!r}; "
                "read it again and retry.",
                errors={"If-Match": [f"Current version is {version!r}."]},
            )
        return current

    @staticmethod
    def _candidates(
        collection: Collection, hints: Iterable[tuple[str, tuple[str, ...]]]
    ) -> Iterable[tuple[str, Json]]:
        """The objects a query need look at: from the first index a hint names, else all of them."""
        for index, keys in hints:
            if collection.has_index(index):
                return collection.candidates(index, keys)
        return collection.items()

    def _check(self, collection: str, obj: Json) -> None:
        if self.validate is not None:
            self.validate(collection, obj)

    def _collection(self, tenant: Tenant, collection: str, *, create: bool = False) -> Collection:
        if collection not in COLLECTIONS + INTERNAL:
            raise KeyError(collection)
        data = self._tenants.get(tenant)
        if data is None:
            if not create:
                return _EMPTY
            data = self._tenants[tenant] = {
                name: Collection(indexers=INDEXES.get(name)) for name in COLLECTIONS + INTERNAL
            }
        return data[collection]


def tenant_of(obj: Mapping[str, Any]) -> Tenant:
    """The tenant a fixture object names with ``imsOrg`` and ``sandboxName``."""
    return (obj["imsOrg"], obj.get("sandboxName") or DEFAULT_SANDBOX)


_EMPTY = Collection()  # what an unknown tenant reads; never written


def _client_fields(body: Mapping[str, Any]) -> Json:
    """The fields of a request body a client may set (server-managed ones dropped)."""
    ignored = {*SERVER_MANAGED, "version", "updated", "updatedUser"}
    return {key: value for key, value in body.items() if key not in ignored}


def apply_json_patch(document: Json, patch: list[Json]) -> Json:
    """RFC 6902, all or nothing, through the jsonpatch library; server-managed fields are off limits.

    A patch that cannot be applied (a failed ``test``, a missing path) is a 422, as RFC 5789 says.
    """
    for operation in patch:
        for pointer in (operation.get("path"), operation.get("from")):
            top = str(pointer or "").split("/")[1:2]
            if top and top[0] in (*SERVER_MANAGED, "version", "updated", "updatedUser"):
                raise BadRequest(
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


def bump_version(version: str) -> str:
    """``1.0.3`` -> ``1.0.4``; anything else gets a ``.1`` appended."""
    head, _, last = version.rpartition(".")
    if last.isdigit():
        return f"{head}.{int(last) + 1}" if head else str(int(last) + 1)
    return f"{version}.1"
