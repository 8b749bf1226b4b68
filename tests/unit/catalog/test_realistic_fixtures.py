"""The packaged fixtures and the faker-made ones look like real Platform data: Adobe's id formats,
only documented enum values, and failed batches whose numbers agree with their errors."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from mockcatalog.catalog.factories import generate_fixtures
from mockcatalog.catalog.fixture_files import read_fixtures
from mockcatalog.catalog.model import EMPTY_FILE, LAST_BATCH_STATUS, UNREADABLE_ROWS_CODE, BatchStatus
from mockcatalog.contract.spec import load_spec

ROOT = Path(__file__).resolve().parents[3]
ORG = re.compile(r"^[0-9A-F]{24}@AdobeOrg$")
USER = re.compile(r"^[0-9A-F]{24}@(AdobeID|techacct\.adobe\.com)$")
#: The processing error codes Adobe's guides document for batches the mock makes.
DOCUMENTED_CODES = {EMPTY_FILE["code"], UNREADABLE_ROWS_CODE}


def enum_of(schema: str, field: str | None = None) -> set[str]:
    """An enum of openapi.yaml: a schema's, or one of its properties'."""
    spec = load_spec()
    node = spec.deref(spec.document["components"]["schemas"][schema])
    if field is not None:
        node = spec.deref(node["properties"][field])
    return set(node["enum"])


def packaged() -> dict[str, dict[str, Any]]:
    return dict(read_fixtures(ROOT / "fixtures").collections)


def generated() -> dict[str, dict[str, Any]]:
    made = generate_fixtures(3, datasets=6, batches=300, orgs=["ACE0A1B2C3D4E5F60718293A@AdobeOrg"])
    return dict(made.collections)


@pytest.fixture(params=[packaged, generated], ids=["packaged", "generated"])
def collections(request: pytest.FixtureRequest) -> dict[str, dict[str, Any]]:
    return dict(request.param())


def test_ids_are_in_platform_formats(collections: dict[str, dict[str, Any]]) -> None:
    for objects in collections.values():
        for obj in objects.values():
            assert ORG.match(obj["imsOrg"]), obj["imsOrg"]
            for field in ("createdUser", "updatedUser"):
                if field in obj:
                    assert USER.match(obj[field]), obj[field]


def test_every_enum_value_is_documented(collections: dict[str, dict[str, Any]]) -> None:
    for batch in collections["batches"].values():
        assert batch["status"] in enum_of("Batch", "status")
    for dataset in collections["dataSets"].values():
        assert dataset.get("state", "DRAFT") in enum_of("DataSetState")
        if "lastBatchStatus" in dataset:
            assert dataset["lastBatchStatus"] in enum_of("DataSet", "lastBatchStatus")
        if "namespace" in dataset:
            assert dataset["namespace"] in enum_of("DataSetNamespace")
        if "format" in dataset.get("fileDescription", {}):
            assert dataset["fileDescription"]["format"] in enum_of("FileDescription", "format")


def test_batches_numbers_agree_with_their_errors(collections: dict[str, dict[str, Any]]) -> None:
    failed = [b for b in collections["batches"].values() if b["status"] == BatchStatus.FAILED]
    assert failed
    for batch in failed:
        codes = {error["code"] for error in batch["errors"]}
        assert codes and codes <= DOCUMENTED_CODES, codes
        assert batch["recordCount"] == 0 and "metrics" not in batch  # a failed batch keeps no rows
        if EMPTY_FILE["code"] in codes:  # nothing was read: nothing is counted
            assert (batch["size"], batch["failedRecordCount"]) == (0, 0)
        for error in batch["errors"]:
            if error["code"] == UNREADABLE_ROWS_CODE:
                assert 0 < len(error["rows"]) <= batch["failedRecordCount"] and batch["size"] > 0
    for batch in collections["batches"].values():
        if batch["status"] == BatchStatus.SUCCESS:
            assert batch["metrics"]["inputRecordSize"] == batch["recordCount"] + batch["failedRecordCount"]


def test_a_datasets_last_batch_agrees_with_that_batch(collections: dict[str, dict[str, Any]]) -> None:
    batches = collections["batches"]
    for dataset in collections["dataSets"].values():
        last = batches.get(dataset.get("lastBatchId", ""))
        if last is not None and last["status"] in LAST_BATCH_STATUS:
            assert dataset["lastBatchStatus"] == LAST_BATCH_STATUS[BatchStatus(last["status"])]
