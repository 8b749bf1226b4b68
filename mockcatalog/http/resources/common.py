"""What the views share: Catalog's reference answers, and the by-id reads and writes that are the
same for datasets and batches."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from flask import Response

from mockcatalog.catalog.query import ListQuery, parse_properties
from mockcatalog.http.gateway import Call
from mockcatalog.http.responses import json_response


def references(collection: str, *object_ids: str) -> list[str]:
    """What Catalog writes answer: ``["@/dataSets/5ba9..."]``."""
    return [f"@/{collection}/{object_id}" for object_id in object_ids]


def validate_only(call: Call) -> bool:
    """``Pragma: validate-only`` (Catalog guide): check a POST or PUT completely, store nothing."""
    return str(call.valid.headers.get("pragma", "")).strip().lower() == "validate-only"


def checked_only() -> Response:
    """What a write checked under ``Pragma: validate-only`` answers: 200 and no references, since
    nothing was written (Adobe documents no answer; see the README's fidelity choices)."""
    return json_response([])


def created(call: Call, collection: str, object_id: str) -> Response:
    """A Catalog create's 201: the new object's reference, and its URL in ``Location`` (Adobe's
    Catalog spec declares it), under the base path the call was made at."""
    location = f"{call.path.rstrip('/')}/{object_id}"
    return json_response(references(collection, object_id), 201, {"Location": location})


def list_response(call: Call, collection: str) -> Response:
    """A list operation's page."""
    return encoded_read(
        call, collection, partial(call.control.store.listing, call.who.tenant, collection, call.query)
    )


def encoded_read(call: Call, collection: str, read: Callable[[], tuple[Any, int]]) -> Response:
    """The answer ``read`` computes from ``collection`` (it returns the answer and the generation
    of the contents it read). The same request over the same contents answers the same bytes, so an
    answer encoded before is answered without reading the store again. The request's digest names
    its query string, path values and headers: a uniques answer (its field is a path value) never
    shares a key with a list page."""
    store, pages, tenant = call.control.store, call.control.pages, call.who.tenant
    if call.request_key is not None:
        kept = pages.get((store.generation(tenant, collection), call.request_key))
        if kept is not None:
            return json_response(kept)
    answer, generation = read()
    key = (generation, call.request_key) if call.request_key is not None else None
    return json_response(pages.encoded(key, answer))


def get_by_ids(collection: str, call: Call) -> Response:
    """``GET /{collection}/{id1},{id2}``: the objects keyed by id, ``properties`` applied. An answer
    holding one object carries its version in ``ETag`` (the Catalog guide: what ``If-Match`` takes)."""
    ids = call.valid.path["id"].split(",")
    properties = call.valid.query.get("properties")
    fields = parse_properties(properties) if properties else None
    found = call.control.store.get_objects(call.who.tenant, collection, ids)
    projection = ListQuery(properties=fields)
    projected = {object_id: projection.project(obj) for object_id, obj in found.items()}
    versions = [obj.get("version") for obj in found.values()]
    if len(versions) == 1 and isinstance(versions[0], str):
        return json_response(projected, headers={"ETag": f'"{versions[0]}"'})
    return json_response(projected)


def write_by_id(collection: str, call: Call, *, replace: bool = False) -> Response:
    """PATCH (fields or JSON Patch, by Content-Type) or PUT one object; answers its reference."""
    object_id, body = call.valid.path["id"], call.valid.body
    checking = replace and validate_only(call)
    call.control.store.write_object(
        call.who,
        collection,
        object_id,
        fields=body if isinstance(body, dict) else None,
        patch=body if isinstance(body, list) else None,
        replace=replace,
        if_match=call.valid.headers.get("if-match"),
        if_none_match=call.valid.headers.get("if-none-match"),
        validate_only=checking,
    )
    return checked_only() if checking else json_response(references(collection, object_id))


def delete_by_id(collection: str, call: Call) -> Response:
    """DELETE one object: its reference; ``[]`` when the tenant holds no object of that id (the
    Catalog guide: no match is still a 200, with an empty array)."""
    object_id = call.valid.path["id"]
    deleted = call.control.store.delete_object(
        call.who, collection, object_id, if_match=call.valid.headers.get("if-match")
    )
    return deleted_answer(collection, object_id, deleted)


def deleted_answer(collection: str, object_id: str, deleted: bool) -> Response:
    """What a DELETE answers: the deleted object's reference, or ``[]`` when there was none."""
    return json_response(references(collection, object_id) if deleted else [])
