"""Ingestion preview (Data Ingestion ``GET /batches/{id}/datasets/{datasetId}/preview``): the first
rows of what was uploaded to a batch, read as the caller says (``format``, ``delimiter``, ``quote``,
``escape``, ``charset``, ``header``), as columns and rows of strings, the shape Adobe's ingestion
spec gives (``formatParams``, ``preview.columns`` of ``{cid, name}``, ``preview.rows`` of objects
whose values are strings).

JSON lines and CSV are read as ``format`` says; Parquet (an upload, or what a dataset with a schema
keeps once processed) is read with pyarrow whatever it says. A row that cannot
be read is left out of the preview (processing refuses it). Columns are named by a JSON row's
top-level fields, a CSV header, or, without one, ``_c0``, ``_c1``... (Spark's names for unnamed
columns, which Platform's ingestion runs on).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from mockcatalog.core.errors import InvalidRequest
from mockcatalog.core.json import Json
from mockcatalog.ingestion import parquet

DEFAULT_ROWS = 100  # ``nrow`` 0 or absent: as many as Data Access's dataset preview shows
#: A preview shows at most this many characters of a value (a 64 MiB row must not make a 64 MiB
#: answer, a thousand times over); a longer one ends with "…".
MAX_VALUE_CHARS = 1024


def preview(files: Iterable[tuple[str, bytes]], params: Mapping[str, Any]) -> Json:
    """The preview of ``files`` (path and bytes, in upload order) read with ``params``."""
    fmt = str(params["format"]).lower()
    wanted = int(params.get("nrow") or 0) or DEFAULT_ROWS
    charset = str(params.get("charset") or "UTF-8")
    format_params: Json = {
        "format": fmt,
        "delimiter": params.get("delimiter", ","),
        "quote": params.get("quote", '"'),
        "escape": params.get("escape", "\\"),
        "charset": charset,
        "header": params.get("header", True),
    }
    if fmt != "parquet":
        _check_charset(charset)
    rows: list[dict[str, str]] = []
    for row in _all_rows(files, fmt, format_params):
        rows.append(row)
        if len(rows) == wanted:
            break
    names = list(dict.fromkeys(name for row in rows for name in row))
    columns = [{"cid": str(position), "name": name} for position, name in enumerate(names)]
    return {"formatParams": format_params, "preview": {"columns": columns, "rows": rows}}


def _all_rows(
    files: Iterable[tuple[str, bytes]], fmt: str, params: Mapping[str, Any]
) -> Iterator[dict[str, str]]:
    """Every file's rows in turn: a Parquet file's (an upload, or the typed file a dataset with a
    schema keeps once processed) whatever ``format`` says, the others' as ``format`` reads them."""
    charset = str(params["charset"])
    for path, data in files:
        if parquet.looks_like_parquet(data):
            yield from _parquet_rows(data)
        elif fmt != "parquet":
            text = data.decode(charset, errors="replace")
            yield from _rows([(path, text)], params) if fmt == "csv" else _json_rows([text])


def _parquet_rows(data: bytes) -> Iterator[dict[str, str]]:
    """A Parquet file's rows, its values as text (JSON for what is not text; dates in ISO 8601);
    a file that cannot be read adds no rows, as processing refuses it."""
    try:
        for rows in parquet.read_rows(data):
            for record in rows:
                yield {_cut(str(key)): _cut(_text(value)) for key, value in record.items()}
    except parquet.UnreadableParquet:
        return


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(value, default=str)


def _check_charset(charset: str) -> None:
    """A text encoding Python knows, which can decode with replacement (``rot13``, ``base64`` or
    ``idna`` are codecs, not such encodings)."""
    try:
        if not codecs.lookup(charset)._is_text_encoding:
            raise LookupError(charset)
        b"x".decode(charset, errors="replace")
    except (LookupError, ValueError) as exc:  # ValueError: a name holding a NUL; UnicodeError too
        raise InvalidRequest(
            f"charset {charset!r} is not an encoding the mock knows.",
            errors={"charset": [f"Unknown encoding {charset!r}; e.g. UTF-8, US-ASCII, ISO-8859-1."]},
        ) from exc


def _json_rows(texts: Iterable[str]) -> Iterator[dict[str, str]]:
    """Each JSON line that holds an object, its values as strings (JSON for non-strings)."""
    for text in texts:
        for line in text.splitlines():
            try:
                record = json.loads(line) if line.strip() else None
            except (ValueError, RecursionError):
                continue
            if isinstance(record, dict):
                yield {_cut(str(key)): _cut(_text(value)) for key, value in record.items()}


def _rows(texts: Iterable[tuple[str, str]], params: Mapping[str, Any]) -> Iterator[dict[str, str]]:
    """Each CSV row as ``{column: value}``; every file has its own header line when ``header``."""
    for _path, text in texts:
        try:
            reader = csv.reader(
                io.StringIO(text, newline=""),  # a quoted value may hold a line break
                delimiter=str(params["delimiter"]),  # one character each: openapi.yaml checks it
                quotechar=str(params["quote"]),
                escapechar=str(params["escape"]),
            )
            header = next(reader, None) if params["header"] is not False else None
            for values in reader:
                names = header or [f"_c{position}" for position in range(len(values))]
                yield {_cut(name): _cut(value) for name, value in zip(names, values, strict=False)}
        except (csv.Error, TypeError, ValueError):
            continue  # a file the dialect cannot read adds no rows, as its rows would be refused


def _cut(text: str) -> str:
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"
