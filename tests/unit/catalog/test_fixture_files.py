"""Reading fixture directories: clear errors, schema checks, and timestamp rebasing."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockcatalog.catalog.fixture_files import (
    FixtureError,
    Fixtures,
    default_fixture_dir,
    read_fixtures,
    read_json_piecewise,
    rebase_timestamps,
)
from mockcatalog.contract.schemas import fixture_schemas


def write(directory: Path, name: str, content: Any) -> None:
    (directory / name).write_text(content if isinstance(content, str) else json.dumps(content))


def schemas() -> dict[str, Any]:
    return fixture_schemas()


def test_the_packaged_fixtures_load_and_validate() -> None:
    fixtures = read_fixtures(default_fixture_dir(), schemas())
    orgs = {obj["imsOrg"] for objects in fixtures.collections.values() for obj in objects.values()}
    assert len(orgs) == 2
    statuses = {batch["status"] for batch in fixtures.collections["batches"].values()}
    assert {"success", "failed", "loading"} <= statuses


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot read JSON"),
        ('{"b1": {"imsOrg": "o"}', "cannot read JSON: expected ',' or '}'"),
        ('{"b1": {"imsOrg": "o"}} {}', "extra data"),
        ([], "keyed by id"),
        ({"b1": []}, "expected an object"),
        ({"b1": {"status": "success"}}, "imsOrg"),
        ({"b1": {"imsOrg": "o", "recordCount": "many"}}, "does not match openapi.yaml"),
    ],
)
def test_bad_files_are_reported_with_path_and_id(tmp_path: Path, content: Any, message: str) -> None:
    write(tmp_path, "batches.json", content)
    with pytest.raises(FixtureError, match=message) as raised:
        read_fixtures(tmp_path, schemas())
    assert "batches.json" in str(raised.value)


def test_a_missing_directory_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FixtureError, match="not a directory"):
        read_fixtures(tmp_path / "nope")


def test_rebase_moves_the_newest_timestamp_to_now_and_keeps_gaps() -> None:
    fixtures = Fixtures(
        collections={
            "batches": {
                "old": {
                    "imsOrg": "o",
                    "created": 1_000,
                    "updated": 2_000,
                    "availableDates": {"startDate": 1},
                },
                "new": {"imsOrg": "o", "created": 5_000, "completed": 9_000},
            }
        }
    )
    moved = rebase_timestamps(fixtures, now_ms=100_000).collections["batches"]
    assert moved["new"]["completed"] == 100_000
    assert moved["new"]["created"] - moved["old"]["created"] == 4_000
    assert moved["old"]["availableDates"]["startDate"] == 1 + 91
    assert moved is fixtures.collections["batches"]  # in place: objects just read, no second copy


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.dictionaries(st.text(max_size=6), json_values, max_size=6), json_values),
    st.sampled_from([None, 0, 2]),
    st.integers(1, 9),
)
def test_reading_piecewise_gives_what_reading_at_once_gives(
    value: Any, indent: int | None, chunk: int
) -> None:
    text = json.dumps(value, indent=indent)
    assert read_json_piecewise(io.StringIO(text), json.JSONDecoder(), chunk_chars=chunk) == json.loads(text)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    batch = {"imsOrg": "o@AdobeOrg", "created": 1}
    (tmp_path / "batches.json").write_bytes(b"\xef\xbb\xbf" + json.dumps({"b1": batch}).encode())
    assert read_fixtures(tmp_path, schemas()).collections["batches"] == {"b1": batch}
