"""What processing a completed batch finds in its files: records, bad rows, sizes, and the verdict.

JSON is parsed for real: JSON lines by default, or (``inputFormat.isMultiLineJson``) each file one
JSON document, an array of records or a single record. CSV rows are counted (a header line is
assumed unless ``inputFormat.header`` is false). Parquet is not parsed: a file must carry the
``PAR1`` magic at both ends, and its row count is estimated from its size. The verdict follows the
real service: no file or only empty files fail with error ``106``; bad rows fail the batch unless
``partialIngestionPercentage`` allows that share of them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]

EMPTY_FILE = {
    "code": "106",
    "description": "Dataset file is empty. Please upload file with data.",
    "rows": [],
}
MAX_REPORTED_ROWS = 100
PARQUET_MAGIC = b"PAR1"
PARQUET_BYTES_PER_ROW = 64  # a plausible estimate; the mock does not parse Parquet


@dataclass
class Outcome:
    """The result of processing: counts and errors, and whether the batch succeeds."""

    records: int = 0
    failed_rows: list[int] = field(default_factory=list)  # 1-based row numbers, across files
    errors: list[Json] = field(default_factory=list)
    input_bytes: int = 0
    output_bytes: int = 0
    files: int = 0

    @property
    def failed(self) -> int:
        return len(self.failed_rows)

    def succeeds(self, partial_percentage: float) -> bool:
        if self.records + self.failed == 0 or any(error["code"] in ("106", "107") for error in self.errors):
            return False
        return self.failed * 100 <= partial_percentage * (self.records + self.failed)

    def fields(self, succeeded: bool) -> Json:
        """The batch fields processing fills in."""
        return {
            "recordCount": self.records if succeeded else 0,
            "failedRecordCount": self.failed if succeeded else self.records + self.failed,
            "size": self.input_bytes,
            "errors": self.errors,
            "metrics": {
                "inputByteSize": self.input_bytes,
                "inputRecordSize": self.records + self.failed,
                "outputByteSize": self.output_bytes if succeeded else 0,
                "outputRecordSize": self.records if succeeded else 0,
                "partitionCount": self.files,
            },
        }


def process_files(files: Mapping[str, bytes], input_format: Mapping[str, Any]) -> Outcome:
    """Read every uploaded file (in upload order) as ``input_format`` says."""
    outcome = Outcome(files=len(files))
    fmt = str(input_format.get("format", "json")).lower()
    for path, data in files.items():
        outcome.input_bytes += len(data)
        if not data.strip():
            continue
        if fmt == "parquet":
            _parquet(path, data, outcome)
        elif fmt == "csv":
            _csv(data, outcome, header=input_format.get("header", True) is not False)
        else:
            _json(path, data, outcome, multiline=bool(input_format.get("isMultiLineJson")))
    if outcome.records + outcome.failed == 0 and not outcome.errors:
        outcome.errors.append(dict(EMPTY_FILE))
    if outcome.failed_rows:
        shown = [str(row) for row in outcome.failed_rows[:MAX_REPORTED_ROWS]]
        outcome.errors.append(
            {"code": "101", "description": "Row could not be parsed as JSON.", "rows": shown}
        )
    return outcome


def _json(path: str, data: bytes, outcome: Outcome, *, multiline: bool) -> None:
    text = data.decode("utf-8", errors="replace")
    if multiline:
        try:
            document = json.loads(text)
        except ValueError:
            outcome.errors.append(
                {"code": "107", "description": f"File {path} is not a JSON document.", "rows": []}
            )
            return
        records = document if isinstance(document, list) else [document]
        first_row = outcome.records + outcome.failed + 1
        for offset, record in enumerate(records):
            if isinstance(record, dict):
                outcome.records += 1
            else:
                outcome.failed_rows.append(first_row + offset)
        outcome.output_bytes += len(data)
        return
    for line in text.splitlines():
        if not line.strip():
            continue
        row = outcome.records + outcome.failed + 1
        try:
            ok = isinstance(json.loads(line), dict)
        except ValueError:
            ok = False
        if ok:
            outcome.records += 1
            outcome.output_bytes += len(line.encode())
        else:
            outcome.failed_rows.append(row)


def _csv(data: bytes, outcome: Outcome, *, header: bool) -> None:
    rows = [line for line in data.decode("utf-8", errors="replace").splitlines() if line.strip()]
    outcome.records += max(0, len(rows) - (1 if header else 0))
    outcome.output_bytes += len(data)


def _parquet(path: str, data: bytes, outcome: Outcome) -> None:
    if not (data.startswith(PARQUET_MAGIC) and data.endswith(PARQUET_MAGIC) and len(data) >= 8):
        outcome.errors.append(
            {"code": "107", "description": f"File {path} is not a Parquet file.", "rows": []}
        )
        return
    outcome.records += max(1, len(data) // PARQUET_BYTES_PER_ROW)
    outcome.output_bytes += len(data)
