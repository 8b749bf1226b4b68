"""Batch ingestion on its own (no Flask): the run of a batch, processing, the upload bounds it is
given at construction, and deleting a batch with everything it uploaded and produced."""

from __future__ import annotations

import pytest

from mockcatalog.core.errors import MockLimitReached, UploadsFull
from mockcatalog.ingestion.data_access import failed_rows_key
from mockcatalog.ingestion.reading import PARSE_ERRORS
from mockcatalog.ingestion.runs import Run

from .batches import ME, new_control, processed_batch


def test_a_run_holds_the_uploads_until_processing_ends_it() -> None:
    control = new_control()
    ingestion = control.ingestion
    batch_id = str(ingestion.create_batch(ME, {"datasetId": "ds"})["id"])
    ingestion.upload_file(ME, batch_id, "ds", "rows.json", b'{"a": 1}\n')
    ingestion.upload_file(ME, batch_id, "ds", "rows.json", b'{"a": 2}\n')  # replaces it
    with control.tenants.reading(ME.tenant) as data:
        run = data.runs[batch_id]
    assert isinstance(run, Run) and run.files == {"rows.json": b'{"a": 2}\n'} and run.held_bytes == 9
    ingestion.batch_action(ME, batch_id, "COMPLETE")
    control.store.get_objects(ME.tenant, "batches", [batch_id])
    with control.tenants.reading(ME.tenant) as data:
        assert batch_id not in data.runs and data["batches"].get(batch_id)["status"] == "success"


def test_deleting_a_batch_frees_its_dataset_files_and_their_contents() -> None:
    control = new_control()
    batch_id = processed_batch(control)
    made = [file_id for file_id, _ in control.data_access.batch_files(ME.tenant, batch_id)]
    assert made == [f"{batch_id}-1"]
    kept = control.files.kept_bytes
    assert kept > 0 and control.files.get(ME.tenant, failed_rows_key(batch_id, PARSE_ERRORS)) is not None

    assert control.ingestion.delete_batch(ME, batch_id) is True
    assert control.files.kept_bytes == 0  # the accepted rows and the failed rows are gone
    assert control.files.get(ME.tenant, made[0]) is None
    assert control.files.get(ME.tenant, failed_rows_key(batch_id, PARSE_ERRORS)) is None
    with control.tenants.reading(ME.tenant) as data:
        assert made[0] not in data["dataSetFiles"] and batch_id not in data["batches"]
    assert control.ingestion.delete_batch(ME, batch_id) is False  # nothing left to delete


def test_deleting_a_loading_batch_frees_what_it_uploaded_from_the_upload_bound() -> None:
    control = new_control(max_upload_bytes=100)
    ingestion = control.ingestion
    first = str(ingestion.create_batch(ME, {"datasetId": "ds"})["id"])
    ingestion.upload_file(ME, first, "ds", "a.json", b"x" * 80)
    second = str(ingestion.create_batch(ME, {"datasetId": "ds"})["id"])
    with pytest.raises(UploadsFull) as full:
        ingestion.upload_file(ME, second, "ds", "a.json", b"x" * 80)
    assert full.value.cannot == "limit" and full.value.to_dict()["limit"] == {
        "name": "--max-upload-bytes",
        "value": 100,
    }
    assert ingestion.delete_batch(ME, first)
    ingestion.upload_file(ME, second, "ds", "a.json", b"x" * 80)  # room again: no 413


def test_a_large_file_is_bounded_by_the_limit_given_at_construction() -> None:
    ingestion = new_control(max_file_bytes=10).ingestion
    batch_id = str(ingestion.create_batch(ME, {"datasetId": "ds"})["id"])
    ingestion.initialize_large_file(ME, batch_id, "ds", "big.json")
    ingestion.upload_large_file_part(ME, (batch_id, "ds", "big.json"), 0, b"x" * 10, None)
    with pytest.raises(MockLimitReached):
        ingestion.upload_large_file_part(ME, (batch_id, "ds", "big.json"), 10, b"x", None)


def test_a_failure_reading_the_files_fails_the_batch_instead_of_leaving_it_processing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    control = new_control()
    ingestion = control.ingestion
    batch_id = str(ingestion.create_batch(ME, {"datasetId": "ds"})["id"])
    ingestion.upload_file(ME, batch_id, "ds", "rows.json", b'{"a": 1}\n')

    def broken(*args: object) -> None:
        raise RuntimeError("a bug in reading")

    monkeypatch.setattr("mockcatalog.ingestion.batch_ingestion.process_files", broken)
    with pytest.raises(RuntimeError):
        ingestion.batch_action(ME, batch_id, "COMPLETE")
    (batch,) = control.store.get_objects(ME.tenant, "batches", [batch_id]).values()
    assert batch["status"] == "failed" and batch["errors"][0]["code"] == "107"
    with control.tenants.reading(ME.tenant) as data:
        assert batch_id not in data.runs  # its uploads no longer held
