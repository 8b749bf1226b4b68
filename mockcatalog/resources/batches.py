"""Batch views: the Catalog list and by-id reads, and the Batch Ingestion create."""

from __future__ import annotations

from flask import Response

from mockcatalog.resources.common import current_call, get_by_ids, json_response


def list_batches() -> Response:
    call = current_call()
    return json_response(call.store.list_objects(call.who.tenant, "batches", call.list_query()))


def get_batches(**_path: str) -> Response:
    return get_by_ids("batches")


def create_batch() -> Response:
    call = current_call()
    return json_response(call.store.create_batch(call.who, call.valid.body), status=201)
