"""A batch's processing: which action a status allows, when a completed batch finishes, and what
reading its uploaded files finds.

Nothing runs in the background. COMPLETE reads the files at once (outside any lock) and keeps the
:class:`Outcome` with the batch's *run*; reads of the tenant then settle the runs that are due, so
"when" is decided by the policy below and the mock's clock alone, and repeats exactly under a
frozen clock:

- immediately (the default): the batch has finished by the next read;
- after ``delay_ms``: ``staging`` for the first half, ``processing`` for the second, then final;
- after ``polls`` reads of the batch by id: ``staging`` until the first poll, then ``processing``,
  final on the ``polls``-th (this takes precedence over ``delay_ms``).

Reading files follows the real service: JSON lines by default, or (``inputFormat.isMultiLineJson``)
each file one JSON document, an array of records or a single record. CSV rows are counted (a
header line is assumed unless ``inputFormat.header`` is false). Parquet is not parsed: a file must
carry the ``PAR1`` magic at both ends, and its row count is estimated from its size. No file or only
empty files fail with error ``106``; bad rows fail the batch unless ``partialIngestionPercentage``
allows that share of them. Reading never raises: whatever a file holds, a row that cannot be read
is a failed row.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mockcatalog.catalog.model import (
    EMPTY_FILE,
    UNREADABLE_ROWS_CODE,
    UNREADABLE_ROWS_DESCRIPTION,
    BatchStatus,
)
from mockcatalog.core.errors import BadRequest
from mockcatalog.core.json import Json

LOADING, STAGING, PROCESSING = BatchStatus.LOADING, BatchStatus.STAGING, BatchStatus.PROCESSING
SUCCESS, FAILED, ABORTED, INACTIVE = (
    BatchStatus.SUCCESS, BatchStatus.FAILED, BatchStatus.ABORTED, BatchStatus.INACTIVE,
)  # fmt: skip

# --- the state machine ------------------------------------------------------------------------

#: action -> {status it may be given in: status it leads to}
TRANSITIONS: dict[str, dict[str, str]] = {
    "COMPLETE": {
        LOADING: STAGING,
        # a retried COMPLETE of an accepted batch changes nothing and answers 200 again
        STAGING: STAGING,
        PROCESSING: PROCESSING,
        SUCCESS: SUCCESS,
        BatchStatus.ACTIVE: BatchStatus.ACTIVE,
        FAILED: FAILED,
        BatchStatus.FAILURE: BatchStatus.FAILURE,
    },  # fmt: skip
    "ABORT": {LOADING: ABORTED},
    "FAIL": {LOADING: FAILED, STAGING: FAILED},
    "REVERT": {SUCCESS: INACTIVE, BatchStatus.ACTIVE: INACTIVE},
}


def next_status(status: str, action: str) -> str:
    """The status ``action`` leads to from ``status``; a 400 naming both when it is not allowed
    (Adobe's ingestion spec documents 400 for an action the batch cannot take, and no 409)."""
    allowed = TRANSITIONS[action]
    if status not in allowed:
        given_in = ", ".join(sorted({s for s in allowed if allowed[s] != s or action != "COMPLETE"}))
        raise BadRequest(
            f"Cannot {action} a batch in status {status!r}; {action} applies to a batch that is {given_in}.",
            errors={"action": [f"Not allowed in status {status!r}."]},
        )
    return str(allowed[status])


# --- timing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessingPolicy:
    delay_ms: int = 0
    polls: int = 0

    def pending_status(self, completed_at: int, polls: int, now_ms: int) -> str | None:
        """``staging``/``processing`` while the run is not due yet; None once it is."""
        if self.polls:
            return None if polls >= self.polls else (STAGING if polls == 0 else PROCESSING)
        if self.delay_ms and now_ms < completed_at + self.delay_ms:
            return STAGING if now_ms < completed_at + self.delay_ms / 2 else PROCESSING
        return None

    def finish_time(self, completed_at: int, now_ms: int) -> int:
        """When processing ended: at the end of the delay (so repeats are exact), else now."""
        return completed_at + self.delay_ms if self.delay_ms and not self.polls else now_ms


class PolicySetting:
    """The policy in force: configured at start, changed by a test or the admin API, back to the
    configured one on reset. Shared by the control plane (which changes it) and ingestion (which
    reads it); replacing one frozen value is atomic, so no reader sees half a change."""

    def __init__(self, initial: ProcessingPolicy | None = None) -> None:
        self.initial = initial or ProcessingPolicy()
        self.current = self.initial

    def reset(self) -> None:
        self.current = self.initial


# --- reading the files ------------------------------------------------------------------------

MAX_REPORTED_ROWS = 100
PARQUET_MAGIC = b"PAR1"
PARQUET_BYTES_PER_ROW = 64  # a plausible estimate; the mock does not parse Parquet


#: What a batch's failed-rows file (Data Access ``GET /batches/{id}/failed?path=parse_errors``) keeps
#: at most: rows past it are counted in ``failedRecordCount`` but not listed, and the row that
#: reaches it is cut (a 64 MiB upload of one-byte bad rows, or of one bad row of control characters
#: that JSON writes six bytes each, must not become gigabytes of diagnostics).
MAX_FAILED_ROWS_BYTES = 8 * 1024 * 1024
#: The media type of what a dataset file serves back (Data Access file contents: JSON records one a
#: line whatever the upload's layout, CSV and Parquet as uploaded). Adobe's Data Access spec
#: declares ``application/octet-stream``; its tutorial shows ``application/parquet`` for Parquet.
MEDIA_TYPES = {"parquet": "application/parquet"}
OTHER_MEDIA_TYPE = "application/octet-stream"


@dataclass
class ProducedFile:
    """One uploaded file as processing leaves it: the rows it accepted, in the input's own format
    (what Data Access serves back for the dataset file made from it)."""

    path: str
    records: int
    accepted: bytes
    media_type: str


@dataclass
class Outcome:
    """The result of processing: counts and errors, the files it produced, the rows it refused, and
    whether the batch succeeds."""

    records: int = 0
    failed: int = 0
    failed_rows: list[int] = field(default_factory=list)  # the first 1-based row numbers, across files
    errors: list[Json] = field(default_factory=list)
    input_bytes: int = 0
    output_bytes: int = 0
    files: int = 0
    produced: list[ProducedFile] = field(default_factory=list)
    #: the failed-rows file: one JSON object a line, ``_corrupt_record``, ``_errors``, ``_filename``
    #: (the partial ingestion guide's fields), at most :data:`MAX_FAILED_ROWS_BYTES`
    rejected: bytearray = field(default_factory=bytearray)

    def refuse(self, path: str, row_text: str) -> None:
        """Count the next row as failed, and keep it for the failed-rows file while there is room."""
        self.failed += 1
        if len(self.failed_rows) < MAX_REPORTED_ROWS:
            self.failed_rows.append(self.records + self.failed)
        room = MAX_FAILED_ROWS_BYTES - len(self.rejected)
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
            self.rejected += line

    def succeeds(self, partial_percentage: float) -> bool:
        if self.records + self.failed == 0 or any(error["code"] in ("106", "107") for error in self.errors):
            return False
        return self.failed * 100 <= partial_percentage * (self.records + self.failed)

    def fields(self, succeeded: bool) -> Json:
        """The batch fields processing fills in. ``metrics`` only on a batch that succeeded: the
        ingestion guides show them there and never on a failed batch."""
        filled: Json = {
            "recordCount": self.records if succeeded else 0,
            "failedRecordCount": self.failed if succeeded else self.records + self.failed,
            "size": self.input_bytes,
            "errors": self.errors,
        }
        if succeeded:
            filled["metrics"] = {
                "inputByteSize": self.input_bytes,
                "inputRecordSize": self.records + self.failed,
                "outputByteSize": self.output_bytes,
                "outputRecordSize": self.records,
                "partitionCount": self.files,
            }
        return filled


def process_files(files: Mapping[str, bytes], input_format: Mapping[str, Any]) -> Outcome:
    """Read every uploaded file (in upload order) as ``input_format`` says."""
    outcome = Outcome(files=len(files))
    fmt = str(input_format.get("format", "json")).lower()
    for path, data in files.items():
        outcome.input_bytes += len(data)
        if not data.strip():
            continue
        records_before = outcome.records
        if fmt == "parquet":
            accepted = _parquet(path, data, outcome)
        elif fmt == "csv":
            accepted = _csv(data, outcome, header=input_format.get("header", True) not in (False, "false"))
        else:
            accepted = _json(path, data, outcome, multiline=bool(input_format.get("isMultiLineJson")))
        records = outcome.records - records_before
        if records:
            media_type = MEDIA_TYPES.get(fmt, OTHER_MEDIA_TYPE)
            outcome.produced.append(ProducedFile(path, records, accepted, media_type))
    if outcome.records + outcome.failed == 0 and not outcome.errors:
        outcome.errors.append(dict(EMPTY_FILE))
    if outcome.failed:
        shown = [str(row) for row in outcome.failed_rows]
        outcome.errors.append(
            {"code": UNREADABLE_ROWS_CODE, "description": UNREADABLE_ROWS_DESCRIPTION, "rows": shown}
        )
    return outcome


def _parsed(text: str) -> Any:
    """``text`` as JSON, or ``_UNREADABLE``: a row nested past the parser's recursion limit is a bad
    row like any other, never an exception out of processing."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return _UNREADABLE


_UNREADABLE = object()


def _json(path: str, data: bytes, outcome: Outcome, *, multiline: bool) -> bytes:
    """Count a JSON file's rows; the accepted rows, as they were sent."""
    text = data.decode("utf-8", errors="replace")
    if multiline:
        document = _parsed(text)
        if document is _UNREADABLE:
            outcome.errors.append(
                {"code": "107", "description": f"File {path} is not a JSON document.", "rows": []}
            )
            return b""
        records = document if isinstance(document, list) else [document]
        accepted = bytearray()
        for record in records:
            if isinstance(record, dict):
                outcome.records += 1
                accepted += json.dumps(record, ensure_ascii=False).encode() + b"\n"
            else:
                outcome.refuse(path, json.dumps(record))
        outcome.output_bytes += len(data)
        return bytes(accepted)
    accepted = bytearray()
    for line in text.splitlines():
        if not line.strip():
            continue
        if isinstance(_parsed(line), dict):
            outcome.records += 1
            encoded = line.encode()
            outcome.output_bytes += len(encoded)
            accepted += encoded + b"\n"
        else:
            outcome.refuse(path, line)
    return bytes(accepted)


def _csv(data: bytes, outcome: Outcome, *, header: bool) -> bytes:
    rows = [line for line in data.decode("utf-8", errors="replace").splitlines() if line.strip()]
    outcome.records += max(0, len(rows) - (1 if header else 0))
    outcome.output_bytes += len(data)
    return data


def _parquet(path: str, data: bytes, outcome: Outcome) -> bytes:
    if not (data.startswith(PARQUET_MAGIC) and data.endswith(PARQUET_MAGIC) and len(data) >= 8):
        outcome.errors.append(
            {"code": "107", "description": f"File {path} is not a Parquet file.", "rows": []}
        )
        return b""
    outcome.records += max(1, len(data) // PARQUET_BYTES_PER_ROW)
    outcome.output_bytes += len(data)
    return data
