"""Large-file uploads (Data Ingestion): a file INITIALIZEd, sent in parts by byte range (``PATCH``
with ``Content-Range``), then COMPLETEd, which stitches the parts into one file that processing reads
exactly like a small upload.

A part is checked as it arrives against what it declares: one ending past the length the upload
declared (a ``Content-Range`` total, ``bytes 0-99/1000``), or one past the mock's bound on a file
(413). Overlaps and gaps are checked at COMPLETE, when the parts are stitched, as Adobe's
troubleshooting guides say the real service does (parts may arrive in any order, and an
overlapping part is accepted when it arrives): COMPLETE is a 400 naming the bytes sent twice or
never sent. A part sent again at the same range (a retry) replaces the first.

An upload in progress is a plain dict, ``{"length": int | None, "parts": ((first byte, bytes), ...)}``,
kept with the batch's run and replaced, never changed in place (the store's rule). The bytes its
parts hold, overlaps counted, stay within the mock's bound on a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mockcatalog.core.errors import BadRequest, MockLimitReached

#: The most parts a file may arrive in (each costs bookkeeping, and the status lists them); a part
#: past it is a 400. 64 MiB in 1,000 parts is 64 KiB a part.
MAX_PARTS = 1000

Upload = dict[str, Any]
Ranges = list[tuple[int, int]]  # inclusive byte ranges, in order


def new_upload() -> Upload:
    return {"length": None, "parts": ()}


def received(upload: Mapping[str, Any]) -> Ranges:
    """The byte ranges received so far, adjacent and overlapping parts merged."""
    merged: Ranges = []
    for first, last in _part_ranges(upload):
        if merged and merged[-1][1] + 1 >= first:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _part_ranges(upload: Mapping[str, Any]) -> Ranges:
    """Each part's inclusive byte range, in byte order."""
    return sorted((first, first + len(data) - 1) for first, data in upload["parts"])


def held_bytes(upload: Mapping[str, Any]) -> int:
    """The bytes an upload's parts hold (overlapping bytes counted each time they were sent)."""
    return sum(len(data) for _, data in upload["parts"])


def describe(ranges: Iterable[tuple[int, int]]) -> str:
    """``bytes 0-99,200-299`` (the notation of ``Content-Range`` and of the status ``Range``)."""
    return "bytes " + ",".join(f"{first}-{last}" for first, last in ranges)


def with_part(
    upload: Mapping[str, Any], first: int, data: bytes, length: int | None, max_bytes: int
) -> Upload:
    """``upload`` with the part ``data`` at byte ``first``; ``length`` is the total the part's
    ``Content-Range`` declares, if any."""
    last = first + len(data) - 1
    declared = upload["length"]
    kept = tuple(part for part in upload["parts"] if (part[0], len(part[1])) != (first, len(data)))
    if len(kept) >= MAX_PARTS:  # a part sent again replaces its first copy: no part more
        raise MockLimitReached(
            f"A file may arrive in at most {MAX_PARTS} parts in the mock; send larger ones.",
            bound="large-file parts",
            value=MAX_PARTS,
            errors={"Content-Range": [f"At most {MAX_PARTS} parts a file."]},
        )
    if length == 0:
        raise BadRequest(
            "Content-Range declares a file of 0 bytes; a file has at least one.",
            errors={"Content-Range": ["A file of at least 1 byte."]},
        )
    if length is not None and length > max_bytes:
        raise _too_large(f"Content-Range declares a file of {length} bytes", max_bytes)
    if length is not None and declared is not None and length != declared:
        raise BadRequest(
            f"Content-Range declares a file of {length} bytes; this upload declared {declared}.",
            errors={"Content-Range": [f"The file's length is {declared} bytes."]},
        )
    total = declared if length is None else length
    if total is not None and last >= total:
        raise BadRequest(
            f"Bytes {first}-{last} go past the end of the file ({total} bytes, 0-{total - 1}).",
            errors={"Content-Range": [f"The file has {total} bytes: the last is {total - 1}."]},
        )
    if last >= max_bytes:
        raise _too_large(f"Bytes {first}-{last} go past it", max_bytes)
    if sum(len(part) for _, part in kept) + len(data) > max_bytes:
        raise _too_large(
            f"With bytes {first}-{last}, the parts sent (overlaps counted) go past it", max_bytes
        )
    return {"length": total, "parts": (*kept, (first, data))}


def _too_large(what: str, max_bytes: int) -> MockLimitReached:
    """A file past ``--max-file-bytes``: a bound of the mock (Adobe's files are far larger)."""
    return MockLimitReached(
        f"{what}: the mock keeps files of at most {max_bytes} bytes (--max-file-bytes).",
        bound="--max-file-bytes",
        value=max_bytes,
        errors={"Content-Range": [f"At most {max_bytes} bytes a file."]},
    )


def stitched(upload: Mapping[str, Any], path: str) -> bytes:
    """The whole file, its parts in order; a 400 naming the bytes sent twice, or never sent."""
    overlaps: Ranges = []
    reached = -1  # the last byte the parts so far cover
    for first, last in _part_ranges(upload):
        if first <= reached:
            overlaps.append((first, min(reached, last)))
        reached = max(reached, last)
    if overlaps:
        raise BadRequest(
            f"{path} has overlapping parts: {describe(overlaps)} were sent more than once; "
            "INITIALIZE it again and send each byte once.",
            errors={"filePath": [f"Overlapping {describe(overlaps)}."]},
        )
    have = received(upload)
    end = upload["length"] if upload["length"] is not None else (have[-1][1] + 1 if have else 0)
    if end == 0:
        raise BadRequest(
            f"No bytes of {path} were sent; PATCH its parts with Content-Range before COMPLETE.",
            errors={"filePath": ["No part received."]},
        )
    missing, expected = [], 0
    for first, last in [*have, (end, end)]:
        if first > expected:
            missing.append((expected, first - 1))
        expected = last + 1
    if missing:
        raise BadRequest(
            f"{path} is incomplete: {describe(missing)} were never sent (of {end} bytes).",
            errors={"filePath": [f"Missing {describe(missing)}."]},
        )
    return b"".join(data for _, data in sorted(upload["parts"]))
