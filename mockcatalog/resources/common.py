"""What the views share: Catalog's reference answers, and the by-id reads and writes that are the
same for datasets and batches."""

from __future__ import annotations

from flask import Response

from mockcatalog.gateway import Call
from mockcatalog.json_provider import json_response
from mockcatalog.query import parse_properties


def references(collection: str, *object_ids: str) -> list[str]:
    """What Catalog writes answer: ``["@/dataSets/5ba9..."]``."""
    return [f"@/{collection}/{object_id}" for object_id in object_ids]


def list_response(call: Call, collection: str) -> Response:
    """A list operation's page; the same request over the same contents answers the same bytes,
    so a page encoded before is answered without reading the store again."""
    store, pages, tenant = call.control.store, call.control.pages, call.who.tenant
    if call.request_key is not None:
        kept = pages.get((store.generation(tenant, collection), call.request_key))
        if kept is not None:
            return json_response(kept)
    listed = store.listing(tenant, collection, call.query)
    key = (listed.generation, call.request_key) if call.request_key is not None else None
    return json_response(pages.encoded(key, listed.page))


def get_by_ids(collection: str, call: Call) -> Response:
    """``GET /{collection}/{id1},{id2}``: the objects keyed by id, ``properties`` applied."""
    ids = call.valid.path["id"].split(",")
    properties = call.valid.query.get("properties")
    fields = parse_properties(properties) if properties else None
    return json_response(call.control.store.get_objects(call.who.tenant, collection, ids, fields))


def write_by_id(collection: str, call: Call, *, replace: bool = False) -> Response:
    """PATCH (fields or JSON Patch, by Content-Type) or PUT one object; answers its reference."""
    object_id, body = call.valid.path["id"], call.valid.body
    call.control.store.write_object(
        call.who,
        collection,
        object_id,
        fields=body if isinstance(body, dict) else None,
        patch=body if isinstance(body, list) else None,
        replace=replace,
        if_match=call.valid.headers.get("if-match"),
    )
    return json_response(references(collection, object_id))


def delete_by_id(collection: str, call: Call) -> Response:
    object_id = call.valid.path["id"]
    call.control.store.delete_object(
        call.who, collection, object_id, if_match=call.valid.headers.get("if-match")
    )
    return json_response(references(collection, object_id))
