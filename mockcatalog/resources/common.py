"""What every view shares: the validated call from ``g`` and JSON responses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, g

from mockcatalog.json_provider import EncodedPages, encode
from mockcatalog.query import ListQuery, build_query, parse_properties
from mockcatalog.request_memo import CheckedRequest
from mockcatalog.store import CatalogStore
from mockcatalog.tenancy import Caller
from mockcatalog.validation import OperationValidator, ValidRequest


@dataclass(slots=True)  # not frozen: a frozen init costs ~0.5 µs more, on every request
class Call:
    """One validated API call, left in ``g`` by the app's ``before_request`` check."""

    checked: CheckedRequest  # may be shared with earlier identical requests (request_memo.py)
    validator: OperationValidator
    store: CatalogStore

    @property
    def caller(self) -> Caller | None:  # None for the admin API, which needs no credentials
        return self.checked.caller

    @property
    def valid(self) -> ValidRequest:
        return self.checked.valid

    @property
    def who(self) -> Caller:
        assert self.checked.caller is not None, "Catalog operations always have a caller"
        return self.checked.caller

    def list_query(self) -> ListQuery:
        """The list query the parameters ask for (kept with the checks when it can be reused)."""
        query = self.checked.list_query
        if query is None:
            query = build_query(self.checked.valid.query, self.validator.query_kinds)
            if query.reusable:
                self.checked.list_query = query
        return query


def current_call() -> Call:
    call: Call = g._get_current_object().mockcatalog_call  # proxied attribute access costs 6x more
    return call


def json_response(body: Any, status: int = 200) -> Response:
    return Response(encode(body), status=status, mimetype="application/json")


_PAGES = EncodedPages()


def page_response(page: dict[str, dict[str, Any]]) -> Response:
    """A 200 with ``{id: object}`` as the store returned them (see :class:`EncodedPages`)."""
    return Response(_PAGES.encode(page), status=200, mimetype="application/json")


def references(collection: str, *object_ids: str) -> list[str]:
    """What Catalog writes answer: ``["@/dataSets/5ba9..."]``."""
    return [f"@/{collection}/{object_id}" for object_id in object_ids]


def get_by_ids(collection: str, **_path: str) -> Response:
    """``GET /{collection}/{id1},{id2}``: the objects keyed by id, ``properties`` applied."""
    call = current_call()
    ids = call.valid.path["id"].split(",")
    properties = call.valid.query.get("properties")
    fields = parse_properties(properties) if properties else None
    return page_response(call.store.get_objects(call.who.tenant, collection, ids, fields))


def write_by_id(collection: str, *, replace: bool = False, **_path: str) -> Response:
    """PATCH (fields or JSON Patch, by Content-Type) or PUT one object; answers its reference."""
    call = current_call()
    object_id, body = call.valid.path["id"], call.valid.body
    call.store.write_object(
        call.who,
        collection,
        object_id,
        fields=body if isinstance(body, dict) else None,
        patch=body if isinstance(body, list) else None,
        replace=replace,
        if_match=call.valid.headers.get("if-match"),
    )
    return json_response(references(collection, object_id))


def delete_by_id(collection: str, **_path: str) -> Response:
    call = current_call()
    object_id = call.valid.path["id"]
    call.store.delete_object(call.who, collection, object_id, if_match=call.valid.headers.get("if-match"))
    return json_response(references(collection, object_id))
