"""Dataset views: the list, creation and the ingest batch summary (by-id reads and writes are
shared with batches: ``resources/common.py``)."""

from __future__ import annotations

from flask import Response

from mockcatalog.query import build_query
from mockcatalog.resources.common import (
    current_call,
    json_response,
    page_response,
    references,
)
from mockcatalog.summary import window


def list_datasets() -> Response:
    call = current_call()
    return page_response(call.store.list_objects(call.who.tenant, "dataSets", call.list_query()))


def create_dataset() -> Response:
    call = current_call()
    return json_response(references("dataSets", call.store.create_dataset(call.who, call.valid.body)), 201)


def get_ingest_batch_summary(**_path: str) -> Response:
    call = current_call()
    query = dict(call.valid.query)
    created_window = window(
        query.pop("createdAfter", None), query.pop("createdBefore", None), call.store.clock.now_ms()
    )
    list_query = build_query(query, call.validator.query_kinds)
    summary = call.store.ingest_batch_summary(
        call.who.tenant, call.valid.path["id"], list_query, created_window
    )
    return json_response(summary)
