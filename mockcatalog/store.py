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
from collections.abc import Iterable, Mapping
from typing import Any

from mockcatalog.clock import Clock
from mockcatalog.collection import Collection
from mockcatalog.errors import BadRequest, NotFound
from mockcatalog.fixture_files import Fixtures
from mockcatalog.ids import IdFactory
from mockcatalog.query import ListQuery, related_to
from mockcatalog.summary import summarize
from mockcatalog.tenancy import DEFAULT_SANDBOX, Caller, Tenant

Json = dict[str, Any]

COLLECTIONS = ("dataSets", "batches")
INITIAL_VERSION = "1.0.0"


class CatalogStore:
    """All tenants' datasets and batches, with the operations the API performs on them."""

    def __init__(self, *, clock: Clock | None = None, seed: int | None = None) -> None:
        self.clock = clock or Clock()
        self.seed = seed
        self.ids = IdFactory(seed)
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
                for name, collection in collections.items():
                    for object_id, obj in collection.items():
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
            return query.run(self._collection(tenant, collection).items())

    def get_objects(
        self, tenant: Tenant, collection: str, ids: Iterable[str], properties: tuple[str, ...] | None
    ) -> dict[str, Json]:
        """``{id: object}`` for each id, in the order given; 404 naming any id not found."""
        wanted = list(dict.fromkeys(ids))
        with self._lock:
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

    def ingest_batch_summary(self, tenant: Tenant, dataset_id: str, query: ListQuery) -> Json:
        """Summarize the dataset's batches that ``query`` selects (see :mod:`mockcatalog.summary`)."""
        with self._lock:
            dataset = self._collection(tenant, "dataSets").get(dataset_id)
            if dataset is None:
                raise NotFound(f"No dataset with id {dataset_id} in this organization and sandbox.")
            of_dataset = related_to("dataSet", dataset_id)
            batches = ((bid, b) for bid, b in self._collection(tenant, "batches").items() if of_dataset(b))
            chosen = [batch for _, batch in query.select(batches)]
        return query.project(summarize(dataset_id, dataset, chosen))

    # --- writes -------------------------------------------------------------------------------

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
            now = self.clock.now_ms()
            batch_id = self.ids.batch_id(now)
            input_format = dict(body.get("inputFormat") or {})
            input_format["format"] = str(input_format.get("format", "json")).lower()
            batch: Json = {
                "id": batch_id,
                "imsOrg": caller.org,
                "status": "loading",
                "created": now,
                "updated": now,
                "createdClient": caller.api_key,
                "createdUser": caller.user,
                "updatedUser": caller.user,
                "externalId": body.get("externalId", batch_id),
                "inputFormat": input_format,
                "relatedObjects": [{"type": "dataSet", "id": dataset_id}],
                "version": INITIAL_VERSION,
                "tags": dict(body.get("tags") or {}),
            }
            for optional in ("replay", "enableErrorDiagnostics", "partialIngestionPercentage"):
                if optional in body:
                    batch[optional] = body[optional]
            if caller.sandbox != DEFAULT_SANDBOX:
                batch["sandboxName"] = caller.sandbox
            self._collection(caller.tenant, "batches", create=True).put(batch_id, batch)
            return batch

    # --- helpers ------------------------------------------------------------------------------

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

    def _collection(self, tenant: Tenant, collection: str, *, create: bool = False) -> Collection:
        if collection not in COLLECTIONS:
            raise KeyError(collection)
        data = self._tenants.get(tenant)
        if data is None:
            if not create:
                return _EMPTY
            data = self._tenants[tenant] = {name: Collection() for name in COLLECTIONS}
        return data[collection]


def tenant_of(obj: Mapping[str, Any]) -> Tenant:
    """The tenant a fixture object names with ``imsOrg`` and ``sandboxName``."""
    return (obj["imsOrg"], obj.get("sandboxName") or DEFAULT_SANDBOX)


_EMPTY = Collection()  # what an unknown tenant reads; never written
