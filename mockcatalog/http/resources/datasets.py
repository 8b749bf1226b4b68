"""Dataset views: the list, creation, the ingest batch summary and the list of dataset files (by-id
reads and writes are shared with batches: ``resources/common.py``)."""

from __future__ import annotations

from flask import Response

from mockcatalog.catalog.model import DATASET_FILES, DATASETS
from mockcatalog.catalog.summary import window
from mockcatalog.http.gateway import Call
from mockcatalog.http.resources.common import checked_only, created, list_response, validate_only
from mockcatalog.http.responses import json_response


def list_datasets(call: Call) -> Response:
    return list_response(call, DATASETS)


def list_dataset_files(call: Call) -> Response:
    return list_response(call, DATASET_FILES)


def create_dataset(call: Call) -> Response:
    checking = validate_only(call)
    dataset_id = call.control.store.create_dataset(call.who, call.valid.body, validate_only=checking)
    return checked_only() if checking else created(call, DATASETS, dataset_id)


def get_ingest_batch_summary(call: Call) -> Response:
    """The creation window is read apart from the list query (see ``LIST_OPERATIONS``): it has a
    default, seven days."""
    query = call.valid.query
    created_window = window(
        query.get("createdAfter"), query.get("createdBefore"), call.control.clock.now_ms()
    )
    summary = call.control.store.ingest_batch_summary(
        call.who.tenant, call.valid.path["id"], call.query, created_window
    )
    return json_response(summary)
