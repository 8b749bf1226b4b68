"""What every view shares: the validated call from ``g`` and JSON responses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, g, jsonify

from mockcatalog.query import ListQuery, build_query, parse_properties
from mockcatalog.store import CatalogStore
from mockcatalog.tenancy import Caller
from mockcatalog.validation import OperationValidator, ValidRequest


@dataclass(frozen=True)
class Call:
    """One validated API call, left in ``g`` by the app's ``before_request`` check."""

    caller: Caller | None  # None for the admin API, which needs no credentials
    valid: ValidRequest
    validator: OperationValidator
    store: CatalogStore

    @property
    def who(self) -> Caller:
        assert self.caller is not None, "Catalog operations always have a caller"
        return self.caller

    def list_query(self) -> ListQuery:
        return build_query(self.valid.query, self.validator.query_kinds)


def current_call() -> Call:
    call: Call = g.mockcatalog_call
    return call


def json_response(body: Any, status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    return response


def get_by_ids(collection: str) -> Response:
    """``GET /{collection}/{id1},{id2}``: the objects keyed by id, ``properties`` applied."""
    call = current_call()
    ids = call.valid.path["ids"].split(",")
    properties = call.valid.query.get("properties")
    fields = parse_properties(properties) if properties else None
    return json_response(call.store.get_objects(call.who.tenant, collection, ids, fields))
