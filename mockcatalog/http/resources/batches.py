"""Batch views: the Catalog list and create, and Batch Ingestion's create, upload and actions
(by-id reads and writes are shared with datasets: ``resources/common.py``)."""

from __future__ import annotations

from functools import partial

from flask import Response

from mockcatalog.catalog.model import BATCHES
from mockcatalog.core.errors import InvalidRequest
from mockcatalog.http.gateway import Call
from mockcatalog.http.resources.common import (
    checked_only,
    created,
    deleted_answer,
    encoded_read,
    list_response,
    validate_only,
)
from mockcatalog.http.responses import json_response
from mockcatalog.ingestion import large_files
from mockcatalog.ingestion.preview import preview


def list_batches(call: Call) -> Response:
    return list_response(call, BATCHES)


def get_unique_batch_values(call: Call) -> Response:
    """Catalog's ``GET /batches/uniques/{field}``: a JSON array, answered like a list page (from
    encoded pages when the batches have not changed since)."""
    field, store = call.valid.path["field"], call.control.store
    return encoded_read(
        call, BATCHES, partial(store.unique_values, call.who.tenant, BATCHES, field, call.query)
    )


def create_batch(call: Call) -> Response:
    return json_response(call.control.ingestion.create_batch(call.who, call.valid.body), 201)


def create_catalog_batch(call: Call) -> Response:
    checking = validate_only(call)
    batch_id = call.control.store.create_catalog_batch(call.who, call.valid.body, validate_only=checking)
    return checked_only() if checking else created(call, BATCHES, batch_id)


def batch_action(call: Call) -> Response:
    """200 with an empty body and no ``Content-Type`` (there is no content to type), as the real
    service answers; SDKs accept exactly that. The action is taken in any case (``complete``)."""
    action = call.valid.query["action"].upper()
    call.control.ingestion.batch_action(call.who, call.valid.path["id"], action)
    answer = Response(status=200)
    del answer.headers["Content-Type"]
    return answer


def upload_file(call: Call) -> Response:
    """A small file uploaded (or replaced): 200, as every upload example of Adobe's ingestion
    guides shows (the spec's 201 for a new file loses to the examples; docs/fidelity.md)."""
    path = call.valid.path
    call.control.ingestion.upload_file(
        call.who, path["id"], path["datasetId"], path["filePath"], call.valid.body
    )
    return json_response(_described(call, len(call.valid.body)), 200)


def large_file_action(call: Call) -> Response:
    """``?action=INITIALIZE`` starts a large-file upload, ``?action=COMPLETE`` stitches its parts;
    both answer 201, as Adobe's ingestion guide shows, with the file described (in any case:
    ``action=initialize``)."""
    path, ingestion = call.valid.path, call.control.ingestion
    if call.valid.query["action"].upper() == "INITIALIZE":
        ingestion.initialize_large_file(call.who, path["id"], path["datasetId"], path["filePath"])
        return json_response(_described(call, 0), 201)
    size = ingestion.complete_large_file(call.who, path["id"], path["datasetId"], path["filePath"])
    return json_response(_described(call, size), 201)


def upload_large_file_part(call: Call) -> Response:
    """One part of a large file, at the bytes its ``Content-Range`` names; the answer's ``Range``
    holds every byte received so far."""
    path, part = call.valid.path, call.valid.body
    first, last, length = _content_range(call.valid.headers["content-range"], len(part))
    received = call.control.ingestion.upload_large_file_part(
        call.who, (path["id"], path["datasetId"], path["filePath"]), first, part, length
    )
    return json_response(_described(call, len(part)), 200, {"Range": large_files.describe(received)})


def large_file_status(call: Call) -> Response:
    """``HEAD``: the bytes of the file received so far, in ``Range`` (none yet: no ``Range``)."""
    path = call.valid.path
    received = call.control.ingestion.file_status(call.who, path["id"], path["datasetId"], path["filePath"])
    answer = Response(status=200)
    del answer.headers["Content-Type"]
    if received:
        answer.headers["Range"] = large_files.describe(received)
    return answer


def batch_preview(call: Call) -> Response:
    """The first rows uploaded to the batch, read as the query says (:mod:`mockcatalog.ingestion.preview`)."""
    path = call.valid.path
    files = call.control.ingestion.uploaded_files(call.who, path["id"], path["datasetId"])
    return json_response(preview(files, call.valid.query))


def _described(call: Call, size: int) -> dict[str, object]:
    """How an upload answers: the file, where it went, and its size (of this part, for a part).
    ``name`` and ``sizeInBytes`` are the ingestion spec's ``File``, which its large-file calls
    answer; the rest says where the file went."""
    path = call.valid.path
    return {
        "name": path["filePath"],
        "sizeInBytes": size,
        "batchId": path["id"],
        "datasetId": path["datasetId"],
        "path": path["filePath"],
        "size": size,
    }


def _content_range(header: str, sent: int) -> tuple[int, int, int | None]:
    """``bytes first-last[/length]`` (its shape is checked by the spec): the part's first and last
    byte and the file's declared length; a 400 when the range is backwards or the body is not
    exactly that long."""
    spans, _, length = header.removeprefix("bytes ").partition("/")
    first, last = (int(number) for number in spans.split("-"))
    if last < first:
        raise InvalidRequest(
            f"Content-Range {header!r} ends before it starts.",
            errors={"Content-Range": [f"The last byte ({last}) comes before the first ({first})."]},
        )
    if last - first + 1 != sent:
        raise InvalidRequest(
            f"Content-Range {header!r} names {last - first + 1} bytes, but the body holds {sent}.",
            errors={"Content-Range": [f"{last - first + 1} bytes named, {sent} sent."]},
        )
    return first, last, int(length) if length and length != "*" else None


def delete_batch(call: Call) -> Response:
    """Catalog's DELETE of a batch: batch ingestion deletes it with everything it uploaded and
    produced; its reference, or ``[]`` when the tenant holds no such batch (as for any object)."""
    batch_id = call.valid.path["id"]
    deleted = call.control.ingestion.delete_batch(call.who, batch_id, call.valid.headers.get("if-match"))
    return deleted_answer(BATCHES, batch_id, deleted)
