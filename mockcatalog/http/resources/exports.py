"""Data Access views (base path ``/data/foundation/export``): a batch's dataset files, its failed
rows, and a dataset file's contents, whole or in a byte range.

Adobe's Data Access answers list files as ``{"data": [...], "_page": {"limit", "count"},
"_links": {...}}``, figures as strings, each entry with a link that reads it; the links here are
absolute, on the host and base path the call came in on, as Adobe's examples show them.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence

from flask import Response
from werkzeug.datastructures import Range
from werkzeug.http import parse_range_header

from mockcatalog.contract.spec import GATEWAY_PREFIXES
from mockcatalog.core.errors import NotFound, RangeNotSatisfiable
from mockcatalog.core.json import Json
from mockcatalog.http.gateway import Call
from mockcatalog.http.responses import json_response
from mockcatalog.ingestion.file_vault import KeptFile


def list_batch_files(call: Call) -> Response:
    batch_id = call.valid.path["id"]
    entries = [
        {
            "dataSetFileId": file_id,
            "version": str(dataset_file.get("version", "")),
            "created": str(dataset_file.get("created", "")),
            "updated": str(dataset_file.get("updated", "")),
            "records": str(dataset_file.get("records", 0)),
            "size": str(dataset_file.get("size", 0)),
            "isValid": dataset_file.get("isValid") is not False,
            "_links": {"self": {"href": _export_url(call, f"/files/{file_id}")}},
        }
        for file_id, dataset_file in call.control.data_access.batch_files(call.who.tenant, batch_id)
    ]
    return json_response(_page(call, entries))


def dataset_preview(call: Call) -> Response:
    """Data Access's ``GET /datasets/{id}/preview``: ``{"data": [row, ...]}``."""
    rows = call.control.data_access.dataset_preview(call.who.tenant, call.valid.path["datasetId"])
    return json_response({"data": rows})


def list_failed_batch_files(call: Call) -> Response:
    """The batch's failed-rows files listed (``parse_errors``, ``conversion_errors``), or one read
    with ``path`` (the partial ingestion guide)."""
    batch_id = call.valid.path["id"]
    kept = call.control.data_access.failed_files(call.who.tenant, batch_id)
    path = call.valid.query.get("path")
    if path is not None:
        named = next((file for file in kept if file.name == path), None)
        if named is None:
            names = ", ".join(repr(file.name) for file in kept)
            raise NotFound(
                f"Batch {batch_id} has no failed-rows file {path!r}"
                + (f"; it has {names}." if kept else ": none of its rows was refused."),
                errors={"path": [f"Not a file of this batch: {path!r}."]},
            )
        return Response(named.data, 200, mimetype=named.media_type)  # JSON: no ranges of it
    entries = [_entry(call, file, f"/batches/{batch_id}/failed") for file in kept]
    return json_response(_page(call, entries))


def get_file(call: Call) -> Response:
    """A dataset file's entry, or (with ``path``) its contents, honouring one ``Range``."""
    file_id = call.valid.path["dataSetFileId"]
    kept = call.control.data_access.dataset_file(call.who.tenant, file_id)
    path = call.valid.query.get("path")
    if path is None:  # ``start`` names the first file to list: a name, not an offset
        first = call.valid.query.get("start")
        listed = [] if first is not None and kept.name < first else [_entry(call, kept, f"/files/{file_id}")]
        return json_response(_listed(call, listed))
    if path != kept.name:
        raise NotFound(
            f"Dataset file {file_id} holds {kept.name!r}, not {path!r}.",
            errors={"path": [f"Not a file of this dataset file: {path!r}."]},
        )
    return _contents(kept, call.valid.headers.get("range"))


def _contents(kept: KeptFile, range_header: str | None = None) -> Response:
    """The file's bytes, or the one range asked for (206). A header that is not one byte range is
    ignored, as RFC 9110 allows (the whole file, 200); a range starting past the end is a 416."""
    total = len(kept.data)
    requested = parse_range_header(range_header) if range_header else None
    if requested is None or requested.units != "bytes" or len(requested.ranges) != 1:
        return Response(kept.data, 200, {"Accept-Ranges": "bytes"}, mimetype=kept.media_type)
    (first, stop), *_ = requested.ranges
    if first < 0 and stop is None and total:  # a suffix longer than the file: all of it (RFC 9110 14.1.3)
        requested = Range("bytes", [(max(first, -total), None)])
    bounds = requested.range_for_length(total)
    if bounds is None:
        error = RangeNotSatisfiable(
            f"Range {range_header!r} asks for bytes past the end of the file ({total} bytes).",
            errors={"Range": [f"The file has {total} bytes (0-{max(total - 1, 0)})."]},
        )
        answer = json_response(error.to_dict(), error.status)
        answer.headers["Content-Range"] = f"bytes */{total}"
        return answer
    first, stop = bounds
    headers = {"Accept-Ranges": "bytes", "Content-Range": f"bytes {first}-{stop - 1}/{total}"}
    return Response(kept.data[first:stop], 206, headers, mimetype=kept.media_type)


def _entry(call: Call, kept: KeptFile, at: str) -> Json:
    """A file as Data Access lists it: its name, its length, and the link that reads it."""
    query = urllib.parse.urlencode({"path": kept.name})
    return {
        "name": kept.name,
        "length": str(len(kept.data)),
        "_links": {"self": {"href": _export_url(call, f"{at}?{query}")}},
    }


def _listed(call: Call, entries: Sequence[Json]) -> Json:
    """``entries`` as Data Access lists them, at most ``limit``, with ``_page``."""
    limit = call.valid.query.get("limit", 100)
    return {"data": list(entries[:limit]), "_page": {"limit": limit, "count": len(entries)}}


def _page(call: Call, entries: Sequence[Json]) -> Json:
    """``entries`` from offset ``start``, listed with ``_links``: ``page`` templated on this page,
    ``next`` when another page follows."""
    start, limit = call.valid.query.get("start", 0), call.valid.query.get("limit", 100)
    body = _listed(call, entries[start:])
    body["_page"]["count"] = len(entries)
    here = f"{call.origin}{call.path}"
    links: Json = {"page": {"href": f"{here}?start={start}&limit={limit}", "templated": True}}
    if start + limit < len(entries):
        links["next"] = {"href": f"{here}?start={start + limit}&limit={limit}"}
    body["_links"] = links
    return body


def _export_url(call: Call, path: str) -> str:
    """An absolute link on the host the call came to, under the base path it used (Adobe's
    examples link to ``https://platform.adobe.io/data/foundation/export/files/...``)."""
    prefix = GATEWAY_PREFIXES["export"]
    base = prefix if call.path.startswith(prefix + "/") else ""
    return f"{call.origin}{base}{path}"
