"""Faker-made fixtures: deterministic, valid against openapi.yaml, spread as asked."""

from __future__ import annotations

from pathlib import Path

from mockcatalog.catalog.factories import generate_fixtures, write_fixtures
from mockcatalog.catalog.fixture_files import read_fixtures
from mockcatalog.contract.schemas import fixture_schemas


def test_the_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    for name in ("one", "two"):
        write_fixtures(
            generate_fixtures(5, datasets=4, batches=50, orgs=["A@AdobeOrg", "B@AdobeOrg"]), tmp_path / name
        )
    for filename in ("dataSets.json", "batches.json"):
        assert (tmp_path / "one" / filename).read_bytes() == (tmp_path / "two" / filename).read_bytes()
    other = generate_fixtures(6, datasets=4, batches=50)
    assert list(other.collections["batches"]) != list(read_fixtures(tmp_path / "one").collections["batches"])


def test_generated_objects_are_valid_and_related(tmp_path: Path) -> None:
    made = generate_fixtures(1, datasets=3, batches=200, orgs=["A@AdobeOrg", "B@AdobeOrg"], sandbox="dev")
    write_fixtures(made, tmp_path)
    loaded = read_fixtures(tmp_path, fixture_schemas())  # raises if any object breaks the spec
    datasets, batches = loaded.collections["dataSets"], loaded.collections["batches"]
    assert len(datasets) == 3 and len(batches) == 200
    for batch in batches.values():
        dataset = datasets[batch["relatedObjects"][0]["id"]]
        assert batch["imsOrg"] == dataset["imsOrg"] and batch["sandboxName"] == "dev"
    statuses = {batch["status"] for batch in batches.values()}
    assert {"success", "failed", "loading"} <= statuses
    assert all(
        b["failedRecordCount"] > 0 and b["errors"] for b in batches.values() if b["status"] == "failed"
    )


def test_progress_is_reported_for_every_batch() -> None:
    seen: list[int] = []
    generate_fixtures(0, datasets=1, batches=2500, progress=seen.append)
    assert sum(seen) == 2500
