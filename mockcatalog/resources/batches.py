"""Batch views: the Catalog list and create, and Batch Ingestion's create, upload and actions
(by-id reads and writes are shared with datasets: ``resources/common.py``)."""

from __future__ import annotations

from flask import Response

from mockcatalog.resources.common import (
    current_call,
    json_response,
    page_response,
    references,
)


def list_batches() -> Response:
    call = current_call()
    return page_response(call.store.list_objects(call.who.tenant, "batches", call.list_query()))


def create_batch() -> Response:
    call = current_call()
    return json_response(call.store.create_batch(call.who, call.valid.body), status=201)


def create_catalog_batch() -> Response:
    call = current_call()
    return json_response(
        references("batches", call.store.create_catalog_batch(call.who, call.valid.body)), 201
    )


def batch_action(**_path: str) -> Response:
    """200 with an empty body, as the real service answers (SDKs accept exactly that)."""
    call = current_call()
    call.store.batch_action(call.who, call.valid.path["id"], call.valid.query["action"])
    return Response(status=200)


def upload_file(**_path: str) -> Response:
    call = current_call()
    path = call.valid.path
    created = call.store.upload_file(
        call.who, path["id"], path["datasetId"], path["filePath"], call.valid.body
    )
    described = {"batchId": path["id"], "datasetId": path["datasetId"], "path": path["filePath"]}
    return json_response({**described, "size": len(call.valid.body)}, 201 if created else 200)
