"""The settings table: one declaration per setting, read the same way by every entry point."""

from __future__ import annotations

import pytest

from mockcatalog.core.settings import PluginOptions, ServeOptions, Settings, milliseconds


def test_unknown_names_are_refused_with_the_closest_known_one() -> None:
    with pytest.raises(
        ValueError, match="unknown mockcatalog setting 'MOCKCATALOG_SEED'; did you mean 'seed'"
    ):
        Settings.from_mapping({"MOCKCATALOG_SEED": 1})


def test_values_out_of_range_name_the_setting_the_value_and_the_range() -> None:
    with pytest.raises(ValueError, match="'processing_polls': 5000 is outside the allowed range 0 to 1000"):
        Settings.from_mapping({"processing_polls": 5000})
    assert Settings.from_mapping({"processing_polls": 3}).processing_polls == 3


def test_text_is_parsed_by_the_rows_kind() -> None:
    rows = {row.name: row for row in (*Settings.rows(), *ServeOptions.rows(), *PluginOptions.rows())}
    assert rows["processing_delay_ms"].parse("2s") == 2000
    assert rows["processing_delay_ms"].parse("1.5") == 1500 == milliseconds("1500ms")
    assert rows["strict_auth"].parse("yes") is True and rows["strict"].parse("false") is False
    assert rows["rebase_time"].parse("") is None
    with pytest.raises(ValueError, match="not a duration"):
        rows["state_interval_ms"].parse("soon")
    with pytest.raises(ValueError, match="outside the allowed range"):
        rows["port"].parse("70000")


def test_environment_variables_follow_the_serve_flag_or_the_name() -> None:
    env = {row.name: row.env for row in (*Settings.rows(), *ServeOptions.rows())}
    assert env["processing_delay_ms"] == "MOCKCATALOG_PROCESSING_DELAY"
    assert env["rebase_time"] == "MOCKCATALOG_REBASE_TIME"
    assert env["max_file_bytes"] == "MOCKCATALOG_MAX_FILE_BYTES"
    assert len(set(env.values())) == len(env)  # no two settings share a variable


def test_every_field_of_the_three_tables_is_a_row() -> None:
    for table in (Settings, ServeOptions, PluginOptions):
        assert [row.name for row in table.rows()] == list(table.__dataclass_fields__)
