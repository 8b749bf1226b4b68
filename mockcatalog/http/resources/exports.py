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
            "dataSetViewId": str(dataset_file.get("dataSetViewId", "")),
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
    with ``path`` (the partial ingestion guide). The list needs no contents: a file whose contents
    the mock does not hold (a fixture batch's) is listed without ``length``, and reading it is the
    404 saying why."""
    batch_id = call.valid.path["id"]
    access = call.control.data_access
    files = access.failed_file_names(call.who.tenant, batch_id)
    path = call.valid.query.get("path")
    if path is not None:
        named = next((pair for pair in files if pair[0] == path), None)
        if named is None:
            names = ", ".join(repr(name) for name, _ in files)
            raise NotFound(
                f"Batch {batch_id} has no failed-rows file {path!r}"
                + (f"; it has {names}." if files else ": none of its rows was refused."),
                errors={"path": [f"Not a file of this batch: {path!r}."]},
            )
        kept = named[1]
        if kept is None:
            raise access.no_contents(f"the {path} of batch {batch_id}")
        return Response(kept.data, 200, mimetype=kept.media_type)  # JSON: no ranges of it
    at = f"/batches/{batch_id}/failed"
    entries = [
        _entry(call, kept, at) if kept is not None else _unheld(call, name, at) for name, kept in files
    ]
    return json_response(_page(call, entries))


def get_file(call: Call) -> Response:
    """A dataset file's entry, or (with ``path``) its contents, honouring one ``Range``."""
    file_id = call.valid.path["dataSetFileId"]
    access = call.control.data_access
    path = call.valid.query.get("path")
    if path is None:  # ``start`` names the first file to list: a name, not an offset
        held = access.held_dataset_file(call.who.tenant, file_id)
        name = held.name if held is not None else UNHELD_FILE_NAME
        first = call.valid.query.get("start")
        at = f"/files/{file_id}"
        entry = _entry(call, held, at) if held is not None else _unheld(call, name, at)
        return json_response(_listed(call, [] if first is not None and name < first else [entry]))
    kept = access.dataset_file(call.who.tenant, file_id)
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


#: The name a dataset file whose contents the mock does not hold is listed under: the data lake
#: keeps a dataset's rows as Parquet (Data Access's tutorial reads ``profiles.parquet``).
UNHELD_FILE_NAME = "part-00000.parquet"


def _unheld(call: Call, name: str, at: str) -> Json:
    """A file listed whose contents the mock does not hold: its name and link, no ``length`` (the
    mock cannot know it)."""
    query = urllib.parse.urlencode({"path": name})
    return {"name": name, "_links": {"self": {"href": _export_url(call, f"{at}?{query}")}}}


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
