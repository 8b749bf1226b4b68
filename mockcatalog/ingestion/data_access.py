"""Data Access: reading back what processing produced, in the caller's tenant only.

A batch that succeeded has a ``dataSetFiles`` object per file with accepted rows (its id is
``{batch id}-{n}``), whose contents the :class:`~mockcatalog.ingestion.file_vault.FileVault` keeps;
a batch with refused rows has one failed-rows file. The Catalog objects are read under the tenant's
lock; the contents, which the vault guards itself, outside it.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Mapping

import orjson

from mockcatalog.catalog.model import (
    BATCHES,
    CONVERSION_CODE,
    DATASET_FILES,
    DATASETS,
    REQUIRED_FIELD_CODE,
    UNREADABLE_ROWS_CODE,
    BatchStatus,
)
from mockcatalog.catalog.tenancy import Tenant
from mockcatalog.catalog.tenants import TenantData, TenantRegistry
from mockcatalog.core.errors import ContentsDropped, NotFound
from mockcatalog.core.json import Json
from mockcatalog.ingestion import parquet
from mockcatalog.ingestion.file_vault import FileVault, KeptFile
from mockcatalog.ingestion.reading import CONVERSION_ERRORS, PARSE_ERRORS

#: A batch's failed-rows files, named as the partial ingestion guide asks for them
#: (``GET /batches/{id}/failed?path=parse_errors``, ``...?path=conversion_errors``), each holding
#: the rows refused with these codes: one JSON object a line per refused row (the guide's
#: ``_corrupt_record`` is the column Spark's JSON reader names, and Spark writes JSON lines), served
#: as the ``application/json`` Adobe's Data Access spec declares.
FAILED_ROWS_FILES: Mapping[str, frozenset[str]] = {
    PARSE_ERRORS: frozenset({UNREADABLE_ROWS_CODE}),
    CONVERSION_ERRORS: frozenset({CONVERSION_CODE, REQUIRED_FIELD_CODE}),
}
FAILED_ROWS_MEDIA_TYPE = "application/json"
#: The rows Data Access's dataset preview answers (its spec: "the first 100 rows").
PREVIEW_ROWS = 100


def failed_rows_key(batch_id: str, name: str) -> str:
    """Where a batch's failed-rows file ``name`` is kept in the file vault (apart from its dataset
    files' ids)."""
    return f"{batch_id}/failed/{name}"


def files_made_by(data: TenantData, batch_id: str) -> list[tuple[str, Json]]:
    """The dataset files ``batch_id`` produced, in the order they were made (their ids end in
    their number); the tenant's lock held."""
    prefix = f"{batch_id}-"
    found = [
        (file_id, dataset_file)
        for file_id, dataset_file in data[DATASET_FILES].items()
        if file_id.startswith(prefix) and dataset_file.get("batchId") == batch_id
    ]
    return sorted(found, key=lambda pair: int(pair[0].rsplit("-", 1)[1]))


def batch_of(data: TenantData, batch_id: str) -> Json:
    """The tenant's batch ``batch_id``; 404 when it holds none."""
    batch = data[BATCHES].get(batch_id)
    if batch is None:
        raise NotFound.of("batch", batch_id)
    return batch


class DataAccess:
    """Data Access's reads of a tenant's processed files."""

    def __init__(self, tenants: TenantRegistry, files: FileVault) -> None:
        self.tenants = tenants
        self.files = files

    def batch_files(self, tenant: Tenant, batch_id: str) -> list[tuple[str, Json]]:
        """The dataset files a batch of the tenant produced, in the order they were made."""
        with self.tenants.reading(tenant) as data:
            batch_of(data, batch_id)
            return files_made_by(data, batch_id)

    def dataset_file(self, tenant: Tenant, file_id: str) -> KeptFile:
        """The contents of one of the tenant's dataset files; 404 when there is no such file, or when
        the mock holds no contents of it (see :meth:`held_dataset_file`)."""
        kept = self.held_dataset_file(tenant, file_id)
        if kept is None:
            raise self.no_contents(f"dataset file {file_id}")
        return kept

    def held_dataset_file(self, tenant: Tenant, file_id: str) -> KeptFile | None:
        """The contents of one of the tenant's dataset files, or None when the mock holds none (a
        file of a batch loaded from fixture or state files, or contents dropped to keep the vault
        within its bound); 404 when there is no such file."""
        with self.tenants.reading(tenant) as data:
            if data[DATASET_FILES].get(file_id) is None:
                raise NotFound.of("dataset file", file_id)
        return self.files.get(tenant, file_id)

    def failed_file_names(self, tenant: Tenant, batch_id: str) -> list[tuple[str, KeptFile | None]]:
        """The failed-rows files of one of the tenant's batches (``parse_errors``, then
        ``conversion_errors``), those its errors say processing left, each with its contents when
        the mock holds them (None for a batch loaded from fixture or state files, which carry no
        contents, or for contents dropped from the vault); [] when no row failed. Listing them
        needs no contents."""
        with self.tenants.reading(tenant) as data:
            batch = batch_of(data, batch_id)
        codes = _row_error_codes(batch)
        return [
            (name, self.files.get(tenant, failed_rows_key(batch_id, name)))
            for name, its_codes in FAILED_ROWS_FILES.items()
            if codes & its_codes
        ]

    def failed_files(self, tenant: Tenant, batch_id: str) -> list[KeptFile]:
        """The contents of the batch's failed-rows files, in :meth:`failed_file_names` order; a 404
        saying why when the mock holds some file's contents no more (or never did)."""
        found = []
        for name, kept in self.failed_file_names(tenant, batch_id):
            if kept is None:
                raise self.no_contents(f"the {name} of batch {batch_id}")
            found.append(kept)
        return found

    def schema_failures(self, tenant: Tenant, max_rows: int = 5) -> dict[str, list[Json]]:
        """The batches written since the last reset that failed because rows did not fit their
        dataset's schema, each with its first ``max_rows`` refused rows (as ``conversion_errors``
        holds them): what strict mode tells a test about the data contract."""
        with self.tenants.reading(tenant) as data:
            failed = [
                batch_id
                for batch_id, batch in data[BATCHES].changed()
                if batch.get("status") == BatchStatus.FAILED
                and _row_error_codes(batch) & FAILED_ROWS_FILES[CONVERSION_ERRORS]
            ]
        found = {}
        for batch_id in failed:
            kept = self.files.get(tenant, failed_rows_key(batch_id, CONVERSION_ERRORS))
            rows = kept.data.splitlines()[:max_rows] if kept is not None else []
            found[batch_id] = [json.loads(row) for row in rows]
        return found

    def dataset_preview(self, tenant: Tenant, dataset_id: str, wanted: int = PREVIEW_ROWS) -> list[Json]:
        """The first ``wanted`` rows of a dataset's valid dataset files, oldest first (Data Access's
        dataset preview); 404 for a dataset the tenant does not hold."""
        with self.tenants.reading(tenant) as data:
            if data[DATASETS].get(dataset_id) is None:
                raise NotFound.of("dataset", dataset_id)
            made = sorted(
                (dataset_file.get("created", 0), file_id)
                for file_id, dataset_file in data[DATASET_FILES].items()
                if dataset_file.get("dataSetId") == dataset_id and dataset_file.get("isValid") is not False
            )
        rows: list[Json] = []
        for _, file_id in made:
            kept = self.files.get(tenant, file_id)
            if kept is not None:
                rows += itertools.islice(rows_of(kept.data), wanted - len(rows))
            if len(rows) >= wanted:
                break
        return rows

    def accepted_rows(self, tenant: Tenant, batch_id: str, *, kept_only: bool = False) -> list[KeptFile]:
        """The contents of the dataset files a batch made, in order; a 404 saying why when some
        were dropped from the vault (with ``kept_only``, those still kept)."""
        made = [file_id for file_id, _ in self.batch_files(tenant, batch_id)]
        if kept_only:
            return [kept for file_id in made if (kept := self.files.get(tenant, file_id)) is not None]
        return [self._kept(tenant, file_id, f"dataset file {file_id}") for file_id in made]

    def no_contents(self, what: str) -> ContentsDropped:
        """The 404 for a file the mock lists but holds no contents of, saying both reasons it may
        have none (it cannot tell which)."""
        return ContentsDropped(
            f"The mock holds no contents for {what}: objects loaded from fixture or state files come "
            "without the contents of their files, and of the files processing writes it keeps the "
            f"newest {self.files.max_bytes} bytes (--max-kept-file-bytes).",
            bound="--max-kept-file-bytes",
            value=self.files.max_bytes,
        )

    def _kept(self, tenant: Tenant, key: str, what: str) -> KeptFile:
        kept = self.files.get(tenant, key)
        if kept is None:
            raise self.no_contents(what)
        return kept


def rows_of(contents: bytes) -> Iterator[Json]:
    """The rows a dataset file holds: a typed Parquet file's (dates as ISO 8601, as JSON carries
    them), or the JSON objects of one kept as sent (a CSV file's lines are not objects: none)."""
    if parquet.looks_like_parquet(contents):
        try:
            for batch in parquet.read_rows(contents):
                yield from (orjson.loads(orjson.dumps(row, default=str)) for row in batch)
        except parquet.UnreadableParquet:
            return
        return
    for line in contents.splitlines():
        try:
            row = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(row, dict):
            yield row


def _row_error_codes(batch: Json) -> set[str]:
    """The codes of the batch's errors: a row-level one means processing left its failed rows."""
    errors = batch.get("errors")
    found = (
        (error.get("code") for error in errors if isinstance(error, dict)) if isinstance(errors, list) else ()
    )
    return {code for code in found if isinstance(code, str)}
