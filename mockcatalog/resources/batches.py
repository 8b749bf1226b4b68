"""Batch views: the Catalog list and create, and Batch Ingestion's create, upload and actions
(by-id reads and writes are shared with datasets: ``resources/common.py``)."""

from __future__ import annotations

from functools import partial

from flask import Response

from mockcatalog.gateway import Call
from mockcatalog.json_provider import json_response
from mockcatalog.resources.common import checked_only, created, encoded_read, list_response, validate_only


def list_batches(call: Call) -> Response:
    return list_response(call, "batches")


def get_unique_batch_values(call: Call) -> Response:
    """Catalog's ``GET /batches/uniques/{field}``: a JSON array, answered like a list page (from
    encoded pages when the batches have not changed since)."""
    field, store = call.valid.path["field"], call.control.store
    return encoded_read(
        call, "batches", partial(store.unique_values, call.who.tenant, "batches", field, call.query)
    )


def create_batch(call: Call) -> Response:
    return json_response(call.control.ingestion.create_batch(call.who, call.valid.body), 201)


def create_catalog_batch(call: Call) -> Response:
    checking = validate_only(call)
    batch_id = call.control.store.create_catalog_batch(call.who, call.valid.body, validate_only=checking)
    return checked_only() if checking else created(call, "batches", batch_id)


def batch_action(call: Call) -> Response:
    """200 with an empty body and no ``Content-Type`` (there is no content to type), as the real
    service answers; SDKs accept exactly that."""
    call.control.ingestion.batch_action(call.who, call.valid.path["id"], call.valid.query["action"])
    answer = Response(status=200)
    del answer.headers["Content-Type"]
    return answer


def upload_file(call: Call) -> Response:
    path = call.valid.path
    created = call.control.ingestion.upload_file(
        call.who, path["id"], path["datasetId"], path["filePath"], call.valid.body
    )
    described = {"batchId": path["id"], "datasetId": path["datasetId"], "path": path["filePath"]}
    return json_response({**described, "size": len(call.valid.body)}, 201 if created else 200)
