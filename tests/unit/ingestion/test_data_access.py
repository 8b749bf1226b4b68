"""Data Access on its own: what processing left, read back in the caller's tenant only."""

from __future__ import annotations

import json

import pytest

from mockcatalog.catalog.fixture_files import Fixtures
from mockcatalog.catalog.tenancy import Caller
from mockcatalog.core.errors import NotFound
from mockcatalog.ingestion.reading import PARSE_ERRORS

from .batches import ME, new_control, processed_batch

OTHER = Caller(org="B@AdobeOrg", sandbox="prod", api_key="client-2", token="t")


def test_a_batch_reads_back_its_accepted_and_its_refused_rows() -> None:
    control = new_control()
    batch_id = processed_batch(control)
    access = control.data_access
    ((file_id, dataset_file),) = access.batch_files(ME.tenant, batch_id)
    assert dataset_file["batchId"] == batch_id and dataset_file["records"] == 2
    assert access.dataset_file(ME.tenant, file_id).data.splitlines() == [b'{"a": 1}', b'{"a": 2}']
    assert [kept.name for kept in access.accepted_rows(ME.tenant, batch_id)] == ["rows.json"]
    (failed,) = access.failed_files(ME.tenant, batch_id)
    assert failed.name == PARSE_ERRORS
    assert json.loads(failed.data)["_corrupt_record"] == "not json"


def test_another_tenant_reads_nothing_of_it() -> None:
    control = new_control()
    control.tenants.load(Fixtures(collections={"dataSets": {"other": {"imsOrg": OTHER.org, "name": "o"}}}))
    batch_id = processed_batch(control)
    access = control.data_access
    with pytest.raises(NotFound, match="in this organization and sandbox"):
        access.batch_files(OTHER.tenant, batch_id)
    with pytest.raises(NotFound):
        access.dataset_file(OTHER.tenant, f"{batch_id}-1")
    with pytest.raises(NotFound):
        access.failed_files(OTHER.tenant, batch_id)


def test_contents_dropped_from_the_vault_are_a_404_that_says_why() -> None:
    control = new_control(max_kept_file_bytes=1)
    batch_id = processed_batch(control)
    with pytest.raises(NotFound, match="--max-kept-file-bytes"):
        control.data_access.dataset_file(ME.tenant, f"{batch_id}-1")


def test_a_fixture_batch_lists_its_failed_rows_file_without_contents() -> None:
    """A failed batch loaded from fixtures names its refused rows (code 1401) but comes without
    the file's contents: the file is listed all the same, and reading it says why it is empty."""
    control = new_control()
    failed = {"imsOrg": ME.org, "status": "failed", "errors": [{"code": "1401", "rows": [3, 17]}]}
    control.tenants.load(Fixtures(collections={"batches": {"fixtureFailed": failed}}))
    access = control.data_access
    assert access.failed_file_names(ME.tenant, "fixtureFailed") == [(PARSE_ERRORS, None)]
    with pytest.raises(NotFound, match="loaded from fixture or state files") as raised:
        access.failed_files(ME.tenant, "fixtureFailed")
    assert PARSE_ERRORS in raised.value.detail


def test_a_processed_batch_lists_its_failed_rows_file_with_its_contents() -> None:
    control = new_control()
    batch_id = processed_batch(control)
    ((name, kept),) = control.data_access.failed_file_names(ME.tenant, batch_id)
    assert name == PARSE_ERRORS and kept is not None and kept.name == PARSE_ERRORS
