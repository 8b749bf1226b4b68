"""The Catalog operations over the tenants' collections: lists, reads by id, the ingest summary,
creates, PATCH, PUT and DELETE.

Rules that keep it simple and safe under a threaded server (the tenants and their locks are
:mod:`mockcatalog.catalog.tenants`'):

- a read takes the tenant's lock to settle due processing and to copy what it will read
  (:meth:`Collection.snapshot` copies only the overlay), then filters, sorts and projects outside
  it; a client's regular expression never runs under a lock;
- a stored object is never changed in place: a write stores a new dict, so an object handed to a
  view can be serialized after the lock is released;
- **check, then write**: every object a write produces goes through :meth:`CatalogStore.save`,
  which checks it against openapi.yaml's shapes before storing it, so a failed request leaves
  nothing behind.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple

import jsonpatch

from mockcatalog.catalog.collection import Collection
from mockcatalog.catalog.ids import IdFactory
from mockcatalog.catalog.model import (
    BATCHES,
    DATASETS,
    FIXTURE_ONLY,
    KEPT_ON_WRITE,
    REQUIRED_ON_WRITE,
    SERVER_MANAGED,
    SET_ONCE,
    client_fields,
    dataset_ids_of,
    in_tenant,
    keeping_query_table,
    made_by,
    new_batch,
    new_dataset,
    next_version,
    server_owned_at,
    with_schema_ref,
    with_server_owned,
    write_defaults,
)
from mockcatalog.catalog.query import ListQuery, related_to
from mockcatalog.catalog.references import require_predecessors
from mockcatalog.catalog.summary import BatchRows, created_inside
from mockcatalog.catalog.tenancy import Caller, Tenant
from mockcatalog.catalog.tenants import DATASET_INDEX, TenantData, TenantRegistry
from mockcatalog.core.clock import Clock
from mockcatalog.core.errors import (
    BadRequest,
    InvalidRequest,
    NotFound,
    PreconditionFailed,
    UnprocessableEntity,
)
from mockcatalog.core.json import Json

#: The id of an object a create checked under ``Pragma: validate-only``: it was never stored.
UNSAVED = "validate-only"
#: ``validate(collection, object)``: raises when an object may not be stored (the app passes
#: :func:`mockcatalog.contract.objects.object_validator`'s check).
Validate = Callable[[str, Json], None]


class Listed(NamedTuple):
    page: dict[str, Json]
    generation: int  # of the collection read (Collection.generation): equal ones, equal pages


class Uniques(NamedTuple):
    values: list[Any]
    generation: int  # as for Listed


class CatalogStore:
    """The Catalog operations on every tenant's datasets, batches and dataset files.

    ``validate`` (the app passes openapi.yaml's shapes) checks every object before it is stored.
    """

    def __init__(
        self, tenants: TenantRegistry, *, clock: Clock, ids: IdFactory, validate: Validate | None = None
    ) -> None:
        self.tenants = tenants
        self.clock = clock
        self.ids = ids
        self._validate = validate

    def save(
        self, data: TenantData, collection: str, object_id: str, obj: Json, *, persist: bool = True
    ) -> None:
        """The one way an object is written: checked against the spec, then stored under its id
        (unless not ``persist``: ``Pragma: validate-only`` checks everything and stores nothing)."""
        self.check(collection, obj)
        if persist:
            data[collection].put(object_id, obj)

    def check(self, collection: str, obj: Json) -> None:
        """The check :meth:`save` runs (openapi.yaml's shape): an InvalidRequest naming the fields."""
        if self._validate is not None:
            self._validate(collection, obj)

    @staticmethod
    def unused_id(objects: Collection, make: Callable[[int], str], now_ms: int) -> str:
        """A new id no object of ``objects`` has: a seeded generator under a frozen clock repeats
        its ids after a restart or a reset, and must not overwrite what is stored."""
        object_id = make(now_ms)
        while object_id in objects:
            object_id = make(now_ms)
        return object_id

    def add(
        self, tenant: Tenant, collection: str, build: Callable[[str], Json], object_id: str | None = None
    ) -> str:
        """Store the object ``build`` makes for its id (a test's own: its links name the id), checked
        like any write; returns the id. Without ``object_id``, a new id no object of the tenant has;
        a ValueError when the tenant already holds ``object_id``: adding never overwrites."""
        with self.tenants.writing(tenant) as data:
            objects = data[collection]
            if object_id is None:
                make = self.ids.batch_id if collection == BATCHES else self.ids.object_id
                object_id = self.unused_id(objects, make, self.clock.now_ms())
            elif object_id in objects:
                raise ValueError(f"{collection} already holds an object with id {object_id!r} here.")
            self.save(data, collection, object_id, in_tenant(build(object_id), tenant))
            return object_id

    def list_objects(self, tenant: Tenant, collection: str, query: ListQuery) -> dict[str, Json]:
        return self.listing(tenant, collection, query).page

    def generation(self, tenant: Tenant, collection: str) -> int:
        """The generation of a collection's contents as a list would read them now (processing due
        settled): a reader holding something derived from that generation may use it as it is."""
        with self.tenants.reading(tenant) as data:
            return data[collection].contents_generation

    def listing(self, tenant: Tenant, collection: str, query: ListQuery) -> Listed:
        """A list's page, and the generation of the contents it was read from."""
        with self.tenants.reading(tenant) as data:
            objects = data[collection]
            ordered = self._in_created_order(objects, data[DATASETS], query)
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
        with self.tenants.reading(tenant) as data:
            objects = data[collection]
            view = objects.snapshot()
            generation = objects.contents_generation
        return Uniques(query.unique_values(field, _candidates(view, query.hints)), generation)

    def get_objects(self, tenant: Tenant, collection: str, ids: Iterable[str]) -> dict[str, Json]:
        """``{id: object}`` for each id, in the order given, whole (the view projects them, after
        reading the version for ``ETag``); 404 naming any id not found."""
        wanted = list(dict.fromkeys(ids))
        with self.tenants.reading(tenant, polled=wanted if collection == BATCHES else ()) as data:
            objects = data[collection]
            found = {oid: obj for oid in wanted if (obj := objects.get(oid)) is not None}
        missing = [object_id for object_id in wanted if object_id not in found]
        if missing:
            raise NotFound.of(
                f"{collection} object",
                ", ".join(missing),
                errors={"ids": [f"Not found: {object_id}" for object_id in missing]},
            )
        return found

    def ingest_batch_summary(
        self, tenant: Tenant, dataset_id: str, query: ListQuery, created_window: tuple[int, int | None]
    ) -> Json:
        """Summarize the dataset's batches created inside ``created_window`` (exclusive) that
        ``query`` then selects (see :mod:`mockcatalog.catalog.summary`).

        Without filters, order or paging (the usual call), the dataset's :class:`BatchRows` are
        built once and then follow its batches' writes; any window is cut out of them, under the
        lock (bounded work: bisections and sums). With filters, the batches are copied out and
        selected outside it.
        """
        with self.tenants.reading(tenant) as data:
            dataset = data[DATASETS].get(dataset_id)
            if dataset is None:
                raise NotFound.of("dataset", dataset_id)
            if query.selects_all:
                rows = data[BATCHES].derived(DATASET_INDEX, dataset_id, BatchRows)
                return query.project(rows.within(*created_window).summary(dataset_id, dataset))
            filed = data[BATCHES].candidates(DATASET_INDEX, (dataset_id,))
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
        with self.tenants.writing(caller.tenant) as data:
            now = self.clock.now_ms()
            dataset_id = UNSAVED if validate_only else self.unused_id(data[DATASETS], self.ids.object_id, now)
            fields = client_fields(body, DATASETS)
            dataset = new_dataset(**made_by(caller), object_id=dataset_id, now_ms=now, **fields)
            self.save(data, DATASETS, dataset_id, dataset, persist=not validate_only)
            return dataset_id

    def require_datasets(self, data: TenantData, dataset_ids: Iterable[str], field: str) -> None:
        """A 400 naming ``field`` when any of ``dataset_ids`` is not a dataset of the tenant."""
        missing = [ds for ds in dataset_ids if ds not in data[DATASETS]]
        if missing:
            raise BadRequest(
                f"{field} names datasets that do not exist in this organization and sandbox: "
                f"{', '.join(missing)}; create the dataset first or check x-gw-ims-org-id / x-sandbox-name.",
                errors={
                    field: [f"Sent {ds!r}: no dataset of that id here; it must name one." for ds in missing]
                },
            )

    def create_catalog_batch(
        self, caller: Caller, body: Mapping[str, Any], *, validate_only: bool = False
    ) -> str:
        """Catalog's own ``POST /batches``: a batch related to existing datasets, replaying existing
        batches; returns its id (``validate_only``: as :meth:`create_dataset`)."""
        with self.tenants.writing(caller.tenant) as data:
            self.require_datasets(data, dataset_ids_of(body), "relatedObjects")
            require_predecessors(data, body.get("replay"))
            fields = client_fields(body, BATCHES)
            now = self.clock.now_ms()
            batch_id = UNSAVED if validate_only else self.unused_id(data[BATCHES], self.ids.batch_id, now)
            related = list(fields.pop("relatedObjects", []))
            batch = new_batch(**made_by(caller), object_id=batch_id, now_ms=now, related=related, **fields)
            self.save(data, BATCHES, batch_id, batch, persist=not validate_only)
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
        if_none_match: str | None = None,
        validate_only: bool = False,
    ) -> None:
        """PATCH (``fields`` merged, or a JSON ``patch``) or PUT (``replace``) one object.

        Server-managed and server-owned fields keep their values; a PUT starts from the defaults a
        create has (:func:`write_defaults`); ``version`` is bumped and ``updated`` set.
        """
        with self.tenants.writing(caller.tenant) as data:
            current = _current(data[collection], collection, object_id, if_match, if_none_match)
            if patch is not None:
                written = apply_json_patch(current, patch, collection)
            elif replace:
                written = client_fields(fields or {}, collection)
                if collection == BATCHES and "status" in current:
                    written.setdefault("status", current["status"])  # the lifecycle owns it
            else:
                written = {**current, **client_fields(fields or {}, collection)}
            if replace:  # a PUT starts from a create's defaults; a merge writes only what was sent
                for name, value in write_defaults(collection).items():
                    written.setdefault(name, value)
            set_once = SET_ONCE.get(collection, ())
            _refuse_lost_or_changed(collection, current, written, patched=patch is not None)
            if collection == BATCHES:  # what it newly names must exist, as on a create
                before = set(dataset_ids_of(current))
                added = [ds for ds in dataset_ids_of(written) if ds not in before]
                self.require_datasets(data, added, "relatedObjects")
                require_predecessors(data, written.get("replay"), current.get("replay"))
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
            written = with_server_owned(collection, current, written)
            if collection == DATASETS:
                written = with_schema_ref(
                    written if patch is not None else keeping_query_table(current, written)
                )
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
        ``If-Match`` says: there is no version to compare). Not a batch: batch ingestion deletes
        those, with what they uploaded and produced (``BatchIngestion.delete_batch``)."""
        if collection == BATCHES:
            raise ValueError("a batch is deleted by BatchIngestion.delete_batch, with its files")
        with self.tenants.writing(caller.tenant) as data:
            return self.delete_in(data, collection, object_id, if_match)

    def delete_in(self, data: TenantData, collection: str, object_id: str, if_match: str | None) -> bool:
        """:meth:`delete_object` with the tenant's lock already held."""
        if data[collection].get(object_id) is None:
            return False
        _current(data[collection], collection, object_id, if_match)
        data[collection].delete(object_id)
        return True


def _candidates(
    collection: Collection, hints: Iterable[tuple[str, tuple[str, ...]]]
) -> Iterable[tuple[str, Json]]:
    """The objects a query need look at: from the first index a hint names, else all of them."""
    for index, keys in hints:
        if collection.has_index(index):
            return collection.candidates(index, keys)
    return collection.items()


def _current(
    objects: Collection,
    collection: str,
    object_id: str,
    if_match: str | None,
    if_none_match: str | None = None,
) -> Json:
    """The object a write or delete acts on, once its preconditions hold: ``If-Match`` must name
    its version (or ``*``), ``If-None-Match`` none of the versions it lists (``*`` names every one).
    Versions may be quoted, as ``ETag`` sends them."""
    current = objects.get(object_id)
    if current is None:
        raise NotFound.of(f"{collection} object", object_id)
    version = str(current.get("version", ""))
    if if_match is not None and not _names_version(if_match, version):
        raise PreconditionFailed(
            f"If-Match names version {if_match!r}, but {object_id} is at version {version!r}; "
            "read it again and retry.",
            errors={"If-Match": [f"Sent {if_match!r}; the current version is {version!r}."]},
        )
    if if_none_match is not None and _names_version(if_none_match, version):
        raise PreconditionFailed(
            f"If-None-Match names version {version!r}, which {object_id} is at; nothing was written.",
            errors={
                "If-None-Match": [
                    f"Sent {if_none_match!r}; it must not name the current version {version!r}."
                ]
            },
        )
    return current


def _names_version(header: str, version: str) -> bool:
    """Whether a precondition header's list of versions (``*``, or comma-separated, each maybe
    quoted or weak-tagged) includes ``version``."""
    listed = {part.strip().removeprefix("W/").strip('"') for part in header.split(",")}
    return "*" in listed or version in listed


def apply_json_patch(document: Json, patch: list[Json], collection: str | None = None) -> Json:
    """RFC 6902, all or nothing, through the jsonpatch library; server-managed fields and the
    server-owned ones of ``collection`` are off limits, and its defaulted fields may not be removed.

    A patch that cannot be applied (a failed ``test``, a missing path) is a 422, as RFC 5789 says.
    """
    defaulted = write_defaults(collection) if collection is not None else {}
    for operation in patch:
        for role in ("path", "from"):
            pointer = operation.get(role)
            top = str(pointer or "").split("/")[1:2]
            if top and top[0] in SERVER_MANAGED:
                raise InvalidRequest(
                    f"JSON Patch may not change the server-managed field {top[0]!r}.",
                    errors={"body": [f"{operation.get('op')} {pointer}: server-managed field."]},
                )
            if pointer is not None and collection is not None:
                _refuse_owned_or_defaulted(collection, operation, role, str(pointer), defaulted)
    try:
        result = jsonpatch.apply_patch(document, patch)
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as exc:
        raise UnprocessableEntity(
            f"The JSON Patch cannot be applied: {exc}.", errors={"body": [str(exc)]}
        ) from exc
    if not isinstance(result, dict):
        raise UnprocessableEntity("The JSON Patch must leave an object.", errors={"body": ["Not an object."]})
    return result


def _refuse_lost_or_changed(collection: str, current: Json, written: Json, *, patched: bool) -> None:
    """A 400 when ``written`` changes a set-once field ``current`` holds; a 400 (a 422 for a JSON
    Patch, whose result is what is wrong) when it lacks a field every write must keep."""
    changed = [
        name
        for name in SET_ONCE.get(collection, ())
        if name in current and name in written and written[name] != current[name]
    ]
    if changed:
        raise InvalidRequest(
            f"{', '.join(changed)} cannot change once the object exists.",
            errors={
                name: [
                    f"Read-only after creation; it is {_sent(current[name])}. Sent: {_sent(written[name])}."
                ]
                for name in changed
            },
        )
    missing = [name for name in REQUIRED_ON_WRITE.get(collection, ()) if name not in written]
    if missing:
        how = "a JSON Patch removing it" if patched else "a body without it"
        raise (UnprocessableEntity if patched else InvalidRequest)(
            f"A {collection} object must keep {', '.join(missing)}; the write would leave it out.",
            errors={
                name: [f"Required on every write; it may change, not go. Sent: {how}."] for name in missing
            },
        )


def _refuse_owned_or_defaulted(
    collection: str, operation: Json, role: str, pointer: str, defaulted: Json
) -> None:
    """A 400 when one JSON Patch operation touches a server-owned field (its ``path`` or ``from``
    names it or a member of it), or removes a field every such object keeps (``remove`` of it, or
    ``move`` from it)."""
    parts = [part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]]
    op = operation.get("op")
    sent = f"{op} {pointer}" + (f" {_sent(operation['value'])}" if "value" in operation else "")
    owned = server_owned_at(collection, parts)
    if owned is not None:
        raise InvalidRequest(
            f"JSON Patch may not change {owned!r}: only the service sets it.",
            errors={owned: [f"Set by the service; a write keeps its value. Sent: {sent}."]},
        )
    removes = (op == "remove" and role == "path") or (op == "move" and role == "from")
    if removes and len(parts) == 1 and parts[0] in defaulted:
        raise InvalidRequest(
            f"JSON Patch may not remove {parts[0]!r}: every {collection} object has it.",
            errors={parts[0]: [f"Always present; it may be replaced, not removed. Sent: {sent}."]},
        )


def _sent(value: object) -> str:
    """A value a client sent, as an error message shows it: JSON, cut to 64 characters."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 64 else text[:64] + "…"
