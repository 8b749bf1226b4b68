"""What reading a completed batch's files finds: its rows counted, converted and validated, the
rows it accepts, the rows it refuses and why.

Reading follows the real service: JSON lines by default, or (``inputFormat.isMultiLineJson``) each
file one JSON document, an array of records or a single record; Parquet, read with pyarrow (see
:mod:`mockcatalog.ingestion.parquet`); CSV, Adobe's legacy path, whose rows are counted (a header
line is assumed unless ``inputFormat.header`` is false) and never converted or validated, as the
troubleshooting guide says.

A file uploaded to a dataset whose schema the mock holds (``row_checks``, by path) has every row
converted and validated against it (:mod:`mockcatalog.catalog.xdm`): a row that does not convert is
refused into the ``conversion_errors`` file, each problem naming its column, a code and a message;
the rows it accepts become one Parquet file typed by the schema. A file of a dataset without one is
kept as it was sent. No file or only empty files fail with error ``106``; bad rows fail the batch
unless the tolerated percentage allows that share of them. Reading never raises: whatever a file
holds, a row that cannot be read is a failed row.
"""

from __future__ import annotations

import codecs
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from mockcatalog.catalog.model import (
    CONVERSION_CODE,
    CONVERSION_DESCRIPTION,
    EMPTY_CSV_HEADER,
    EMPTY_FILE,
    MAX_FIELDS_PER_ROW,
    REQUIRED_FIELD_CODE,
    REQUIRED_FIELD_DESCRIPTION,
    UNREADABLE_ROWS_CODE,
    UNREADABLE_ROWS_DESCRIPTION,
)
from mockcatalog.catalog.xdm import Problem, RowCheck
from mockcatalog.core.json import Json
from mockcatalog.ingestion import parquet
from mockcatalog.ingestion.fast_rows import FastRows

MAX_REPORTED_ROWS = 100
#: A JSON row with more than :data:`MAX_FIELDS_PER_ROW` fields is refused as one that cannot be
#: read. Each field takes at least five bytes (``"":0,``), so a row written in fewer than this many
#: cannot pass it and is never counted. (A Parquet file's columns are bounded when it is opened.)
LONGEST_ROW_WITHIN_LIMIT = 5 * MAX_FIELDS_PER_ROW
#: File-level errors: any of them fails the batch, whatever its tolerated share of bad rows.
FILE_ERRORS = frozenset({EMPTY_FILE["code"], "107", EMPTY_CSV_HEADER["code"]})
#: JSON lines are read this much at a time (a block ends at a line's end): what reading holds
#: besides the upload and what it produces.
BLOCK_BYTES = 4 * 1024 * 1024
#: What each failed-rows file of a batch (Data Access ``GET /batches/{id}/failed?path=NAME``) keeps
#: at most: rows past it are counted in ``failedRecordCount`` but not listed, and the row that
#: reaches it is cut (a 64 MiB upload of one-byte bad rows, or of one bad row of control characters
#: that JSON writes six bytes each, must not become gigabytes of diagnostics).
MAX_FAILED_ROWS_BYTES = 8 * 1024 * 1024
#: The failed-rows files: rows that cannot be read, and rows that do not fit the dataset's schema
#: (the partial ingestion guide's names for them).
PARSE_ERRORS, CONVERSION_ERRORS = "parse_errors", "conversion_errors"
#: What a dataset file of a dataset without a schema serves back: its rows as they were sent
#: (Adobe's Data Access spec declares ``application/octet-stream`` for a file's contents).
OTHER_MEDIA_TYPE = "application/octet-stream"
#: The batch-level error of each row-level code, in the order a batch lists them.
_ROW_ERRORS = {
    UNREADABLE_ROWS_CODE: UNREADABLE_ROWS_DESCRIPTION,
    REQUIRED_FIELD_CODE: REQUIRED_FIELD_DESCRIPTION,
    CONVERSION_CODE: CONVERSION_DESCRIPTION,
}


@dataclass
class ProducedFile:
    """One uploaded file as processing leaves it: the rows it accepted (Parquet typed by the
    dataset's schema, or as sent when it has none), what Data Access serves back for it."""

    path: str  # the upload's
    name: str  # the dataset file's: the upload's path, or with ``.parquet`` for a typed one
    records: int
    accepted: bytes
    media_type: str


@dataclass
class Outcome:
    """The result of processing: counts and errors, the files it produced, the rows it refused, and
    whether the batch succeeds."""

    records: int = 0
    failed: int = 0
    #: per row-level code, the first 1-based row numbers refused with it (across files)
    failed_rows: dict[str, list[int]] = field(default_factory=dict)
    failed_by_code: Counter[str] = field(default_factory=Counter)
    errors: list[Json] = field(default_factory=list)
    input_bytes: int = 0
    output_bytes: int = 0
    files: int = 0
    produced: list[ProducedFile] = field(default_factory=list)
    #: the failed-rows files by name (:data:`PARSE_ERRORS`, :data:`CONVERSION_ERRORS`): one JSON
    #: object a line, each at most :data:`MAX_FAILED_ROWS_BYTES`
    refused: dict[str, bytearray] = field(default_factory=dict)
    #: read by the legacy path (CSV), which promotes a batch with no metrics (troubleshooting guides)
    legacy: bool = False

    def refuse(self, path: str, row_text: str) -> None:
        """Count the next row as unreadable, and keep it for ``parse_errors`` while there is room:
        ``_corrupt_record``, ``_errors`` and ``_filename``, the partial ingestion guide's fields."""
        self._count_failed({UNREADABLE_ROWS_CODE})
        kept = self.refused.setdefault(PARSE_ERRORS, bytearray())
        room = MAX_FAILED_ROWS_BYTES - len(kept)
        if room <= 0:
            return
        entry = {
            "_corrupt_record": row_text[:room],  # a character is at least a byte: never past the room
            "_errors": [{"code": UNREADABLE_ROWS_CODE, "message": UNREADABLE_ROWS_DESCRIPTION}],
            "_filename": path,
        }
        line = json.dumps(entry, ensure_ascii=False).encode() + b"\n"
        while len(line) > room and entry["_corrupt_record"]:  # escapes (\u0001) made it longer
            entry["_corrupt_record"] = entry["_corrupt_record"][: len(entry["_corrupt_record"]) // 2]
            line = json.dumps(entry, ensure_ascii=False).encode() + b"\n"
        if len(line) <= room:
            kept += line

    def refuse_conversion(self, path: str, row: Any, problems: list[Problem]) -> None:
        """Count the next row as not fitting the schema, and keep it for ``conversion_errors``
        while there is room: the row's own columns, ``_errors`` (each naming the column, a code and
        a message) and ``_filename``, as the partial ingestion guide shows conversion errors."""
        self._count_failed({problem.code for problem in problems})
        kept = self.refused.setdefault(CONVERSION_ERRORS, bytearray())
        room = MAX_FAILED_ROWS_BYTES - len(kept)
        if room <= 0:
            return
        errors = [problem.to_dict() for problem in problems[:MAX_REPORTED_ROWS]]
        columns = row if isinstance(row, dict) else {"_corrupt_record": row}
        line = _encoded({**columns, "_errors": errors, "_filename": path})
        if len(line) > room:  # a huge row: its errors are what matters
            line = _encoded({"_errors": errors, "_filename": path})
        if len(line) <= room:
            kept += line

    def _count_failed(self, codes: Iterable[str]) -> None:
        self.failed += 1
        number = self.records + self.failed
        for code in codes:
            self.failed_by_code[code] += 1
            shown = self.failed_rows.setdefault(code, [])
            if len(shown) < MAX_REPORTED_ROWS:
                shown.append(number)

    def succeeds(self, partial_percentage: float) -> bool:
        """Whether the batch succeeds when it tolerates ``partial_percentage`` percent of bad rows
        (a share strictly greater fails it, as "up to N%" reads)."""
        if self.records + self.failed == 0 or any(error["code"] in FILE_ERRORS for error in self.errors):
            return False
        return self.failed * 100 <= partial_percentage * (self.records + self.failed)

    def fields(self, succeeded: bool) -> Json:
        """The batch fields processing fills in. ``metrics`` only on a batch that succeeded by the
        modern path: the ingestion guides show them there, never on a failed batch, and the
        troubleshooting guides say a batch promoted by a legacy path such as CSV has none; both sets
        of names Adobe's guides use, the troubleshooting guide's sizes and the error diagnostics
        guide's counts."""
        filled: Json = {
            "recordCount": self.records if succeeded else 0,
            "failedRecordCount": self.failed if succeeded else self.records + self.failed,
            "size": self.input_bytes,
            "errors": self.errors,
        }
        if succeeded and not self.legacy:
            filled["metrics"] = {
                "inputByteSize": self.input_bytes,
                "inputRecordSize": self.records + self.failed,
                "outputByteSize": self.output_bytes,
                "outputRecordSize": self.records,
                "partitionCount": self.files,
                "inputFileCount": self.files,
                "inputRecordCount": self.records + self.failed,
                "outputRecordCount": self.records,
                "failedRecordCount": self.failed,
            }
        return filled


def _encoded(entry: Json) -> bytes:
    """One line of a failed-rows file; what JSON cannot hold as is (a Parquet row's bytes or
    decimals, an integer past 64 bits) is written as text, and a row nested too deeply to write
    is left out (its ``_errors`` and ``_filename`` stay)."""
    try:
        return orjson.dumps(entry, default=str) + b"\n"
    except TypeError:
        pass
    try:
        return json.dumps(entry, ensure_ascii=False, default=str).encode("utf-8", errors="replace") + b"\n"
    except (RecursionError, ValueError):
        kept = {key: entry[key] for key in ("_errors", "_filename") if key in entry}
        return orjson.dumps(kept, default=str) + b"\n"


def process_files(
    files: Mapping[str, bytes],
    input_format: Mapping[str, Any],
    row_checks: Mapping[str, RowCheck] | None = None,
) -> Outcome:
    """Read every uploaded file (in upload order) as ``input_format`` says, the rows of a file that
    ``row_checks`` names (by path) converted and validated against its dataset's schema."""
    fmt = str(input_format.get("format", "json")).lower()
    outcome = Outcome(files=len(files), legacy=fmt == "csv")
    checks = row_checks or {}
    for path, data in files.items():
        outcome.input_bytes += len(data)
        if not data or data.isspace():
            continue
        records_before = outcome.records
        check = checks.get(path) if fmt != "csv" else None  # CSV: the legacy path, never validated
        accepted = _Accepted(path, check, raw=data if fmt in ("csv", "parquet") else None)
        if fmt == "parquet":
            _parquet(path, data, outcome, accepted)
        elif fmt == "csv":
            _csv(path, data, outcome, header=input_format.get("header", True) not in (False, "false"))
        else:
            _json(path, data, outcome, accepted, multiline=bool(input_format.get("isMultiLineJson")))
        records = outcome.records - records_before
        if records:
            outcome.produced.append(accepted.file(records))
            outcome.output_bytes += len(outcome.produced[-1].accepted)
    if outcome.records + outcome.failed == 0 and not outcome.errors:
        outcome.errors.append(dict(EMPTY_FILE))
    for code, description in _ROW_ERRORS.items():
        if outcome.failed_by_code[code]:
            shown = [str(row) for row in outcome.failed_rows[code]]
            outcome.errors.append({"code": code, "description": description, "rows": shown})
    return outcome


def failed_reading(files: int) -> Outcome:
    """The outcome of files the mock failed to read (a bug in the mock, reported as a 500 to the
    request that completed the batch): the batch fails with error 107, never stays processing."""
    description = "The mock failed reading the batch's files (a bug in the mock; please report it)."
    return Outcome(files=files, errors=[{"code": "107", "description": description, "rows": []}])


class _Accepted:
    """The rows a file accepts, becoming its dataset file: as sent (no schema), or converted and
    written as Parquet typed by the schema a row group at a time (memory follows a row group)."""

    def __init__(self, path: str, check: RowCheck | None, raw: bytes | None) -> None:
        self.path, self.check, self.raw = path, check, raw
        self.lines = bytearray()
        self.rows: list[Json] = []
        self.sink: io.BytesIO | None = None
        self.writer: pq.ParquetWriter | None = None

    def add(self, row: Json, text: bytes) -> None:
        """Keep an accepted row (converted, when there is a schema; ``text`` as it was sent)."""
        if self.check is None:
            if self.raw is None:
                self.lines += text + b"\n"
            return
        self.rows.append(row)
        if len(self.rows) >= parquet.ROWS_PER_READ:
            self._flush()

    def add_table(self, table: pa.Table) -> None:
        """Keep a block of accepted rows already typed by the schema (the fast path's), after the
        rows kept before it."""
        self._flush()
        assert self.writer is not None
        self.writer.write_table(table)

    def _flush(self) -> None:
        assert self.check is not None
        if self.writer is None:
            self.sink = io.BytesIO()
            self.writer = pq.ParquetWriter(self.sink, parquet.arrow_schema(self.check.fields))
        if self.rows:
            self.writer.write_table(parquet.table_of(self.rows, self.check.fields))
            self.rows = []

    def file(self, records: int) -> ProducedFile:
        if self.check is None:
            data = self.raw if self.raw is not None else bytes(self.lines)
            media_type = parquet.MEDIA_TYPE if parquet.looks_like_parquet(data) else OTHER_MEDIA_TYPE
            return ProducedFile(self.path, self.path, records, data, media_type)
        self._flush()
        assert self.writer is not None and self.sink is not None
        self.writer.close()
        name = str(PurePosixPath(self.path).with_suffix(".parquet"))
        return ProducedFile(self.path, name, records, self.sink.getvalue(), parquet.MEDIA_TYPE)


def _parsed(text: str) -> Any:
    """``text`` as JSON, or ``_UNREADABLE``: a row nested past the parser's recursion limit is a bad
    row like any other, never an exception out of processing. orjson first (the fast common
    case), the standard module for what it refuses but JSON allows (integers past 64 bits)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return _UNREADABLE


_UNREADABLE = object()


def _take(row: Any, text: str, path: str, outcome: Outcome, accepted: _Accepted) -> None:
    """One parsed row: refused if it is not an object, has more fields than Adobe allows a row, or
    does not fit the schema, else accepted."""
    if not isinstance(row, dict) or (
        len(text) > LONGEST_ROW_WITHIN_LIMIT and _fields_of(row) > MAX_FIELDS_PER_ROW
    ):
        outcome.refuse(path, text)
        return
    check = accepted.check
    if check is not None:
        converted, problems = check.check(row)
        if converted is None:
            outcome.refuse_conversion(path, row, problems)
            return
        row = converted
    outcome.records += 1
    accepted.add(row, text.encode("utf-8", errors="replace"))  # a lone surrogate a JSON escape made


def _fields_of(row: Json) -> int:
    """How many fields a row has: every member of every object in it, nested ones and those of
    objects in arrays included."""
    count, pending = 0, list[Any]([row])
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            count += len(node)
            pending.extend(value for value in node.values() if isinstance(value, dict | list))
        elif isinstance(node, list):
            pending.extend(value for value in node if isinstance(value, dict | list))
    return count


def _may_hold_too_many_fields(block: bytes) -> bool:
    """Whether a line of ``block`` is long enough to hold more fields than a row may have."""
    return (
        len(block) > LONGEST_ROW_WITHIN_LIMIT and max(map(len, block.split(b"\n"))) > LONGEST_ROW_WITHIN_LIMIT
    )


def _json(path: str, data: bytes, outcome: Outcome, accepted: _Accepted, *, multiline: bool) -> None:
    if multiline:
        text = data.decode("utf-8", errors="replace")
        document = _parsed(text)
        if document is _UNREADABLE:
            outcome.errors.append(
                {"code": "107", "description": f"File {path} is not a JSON document.", "rows": []}
            )
            return
        for record in document if isinstance(document, list) else [document]:
            try:
                text = json.dumps(record, ensure_ascii=False)
            except (RecursionError, ValueError):
                text, record = "(nested too deeply to write)", _UNREADABLE
            _take(record, text, path, outcome, accepted)
        return
    # JSON lines are read a block at a time: memory follows a block, not the file
    if data.startswith(codecs.BOM_UTF8):  # a byte-order mark is no content (some editors write one)
        data = data[len(codecs.BOM_UTF8) :]
    fast = FastRows.for_check(accepted.check) if accepted.check is not None else None
    for block in _blocks(data):
        table = fast.read(block) if fast is not None and not _may_hold_too_many_fields(block) else None
        if table is not None:  # every row of the block plainly fine: taken whole
            outcome.records += table.num_rows
            accepted.add_table(table)
            continue
        for line in block.decode("utf-8", errors="replace").split("\n"):  # JSON lines end at \n only
            line = line.removesuffix("\r")
            if line.strip():
                _take(_parsed(line), line, path, outcome, accepted)


def _blocks(data: bytes) -> Iterator[bytes]:
    """``data`` in blocks of about :data:`BLOCK_BYTES`, each ending at the end of a line."""
    size, start = BLOCK_BYTES, 0
    while start < len(data):
        end = data.find(b"\n", min(start + size, len(data)) - 1)
        end = len(data) if end == -1 else end + 1
        yield data[start:end]
        start = end


def _csv(path: str, data: bytes, outcome: Outcome, *, header: bool) -> None:
    """A CSV file's rows, counted (the legacy path reads no further); a file whose header row is
    blank fails the batch with error 118, as the troubleshooting guides list it."""
    lines = data.decode("utf-8", errors="replace").splitlines()
    if header and lines and not lines[0].strip():
        outcome.errors.append(
            {**EMPTY_CSV_HEADER, "description": f"{path}: {EMPTY_CSV_HEADER['description']}"}
        )
        return
    rows = [line for line in lines if line.strip()]
    outcome.records += max(0, len(rows) - (1 if header else 0))


def _parquet(path: str, data: bytes, outcome: Outcome, accepted: _Accepted) -> None:
    """A Parquet file's rows, read a row group at a time (see :mod:`mockcatalog.ingestion.parquet`);
    one that cannot be read is error 107, as for a JSON document that cannot be."""
    problem = None if parquet.looks_like_parquet(data) else "it does not start and end with PAR1"
    fast = FastRows.for_check(accepted.check) if accepted.check is not None else None
    if problem is None:
        try:
            for batch in parquet.read_batches(data):
                table = fast.take(pa.Table.from_batches([batch])) if fast is not None else None
                if table is not None:  # every row already typed and plainly fine: taken whole
                    outcome.records += table.num_rows
                    accepted.add_table(table)
                    continue
                for row in parquet.rows_of_batch(batch):
                    _take(row, "", path, outcome, accepted)
        except parquet.UnreadableParquet as exc:
            problem = str(exc)
    if problem is not None:
        outcome.errors.append(
            {
                "code": "107",
                "description": f"File {path} is not a Parquet file the mock reads: {problem}.",
                "rows": [],
            }
        )
