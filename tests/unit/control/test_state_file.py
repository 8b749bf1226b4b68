"""`serve --state`: saves that survive failures, follow links, keep permissions and leave no litter."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from mockcatalog import create_app
from mockcatalog.control.plane import MockControl
from mockcatalog.control.state_file import StateFileError, StateKeeper, load_state, restore_state, save_state
from mockcatalog.http.extension import control_of
from mockcatalog.ingestion.file_vault import KeptFile


@pytest.fixture
def control() -> MockControl:
    return control_of(create_app({"seed": 1}))


def test_a_failed_save_is_reported_and_the_saver_carries_on(control: MockControl, tmp_path: Path) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the state's directory should be")
    path = blocker / "state.json"
    errors: list[str] = []
    keeper = StateKeeper(control, path, interval_seconds=0.01, on_error=errors.append)
    keeper.start()
    deadline = time.monotonic() + 30
    while keeper.failures < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert keeper.failures >= 2 and "trying again" in errors[0]  # failed twice: the thread lived on
    blocker.unlink()  # the directory comes back
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    keeper.stop()
    assert load_state(path).collections["dataSets"] == control.tenants.export().collections["dataSets"]


def test_a_link_is_followed_and_permissions_are_kept(control: MockControl, tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("{}")
    os.chmod(target, 0o640)
    link = tmp_path / "state.json"
    link.symlink_to(target)
    save_state(control, link)
    assert link.is_symlink() and link.resolve() == target
    assert target.stat().st_mode & 0o777 == 0o640
    assert load_state(link).collections["batches"]


def test_temporaries_of_a_killed_save_are_removed_at_start(control: MockControl, tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    leftover = tmp_path / ".state.json.abc123.tmp"
    leftover.write_text("half a save")
    unrelated = tmp_path / ".other.json.abc123.tmp"
    unrelated.write_text("not ours")
    StateKeeper(control, path, interval_seconds=0).start()
    assert not leftover.exists() and unrelated.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (
            '{"format": "mockcatalog-state/1", "dataSets": {"d": {"imsOrg": "o", "name": "\\ud800"}}}',
            "surrogate",
        ),
        ("{}", "not a mockcatalog state file"),
    ],
)
def test_an_unreadable_state_file_is_refused_with_a_message(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "state.json"
    path.write_text(content)
    with pytest.raises(StateFileError, match=message):
        load_state(path)


def test_the_interval_runs_from_the_start_of_one_save_to_the_next(
    control: MockControl, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [0.0]
    monkeypatch.setattr("mockcatalog.control.state_file.time.monotonic", lambda: now[0])

    def slow_save(*args: object) -> None:
        now[0] += 4.0  # a save that takes 4 s of the interval's 10

    monkeypatch.setattr("mockcatalog.control.state_file.save_state", slow_save)
    waits: list[float] = []

    class Stopped:
        def wait(self, timeout: float) -> bool:
            waits.append(timeout)
            return len(waits) > 3

    keeper = StateKeeper(control, tmp_path / "state.json", interval_seconds=10)
    keeper._stopped = Stopped()  # type: ignore[assignment]
    keeper._run()
    assert waits == [10.0, 6.0, 6.0, 6.0]  # not 10 after each save: a crash loses at most the interval


def test_a_restored_state_replaces_everything_through_the_control_plane(
    control: MockControl, tmp_path: Path
) -> None:
    """One owner of a state import: restoring a state file is ``MockControl.replace_all``, so the
    contents of processed files (which no restored object points at) go too."""
    path = tmp_path / "state.json"
    assert restore_state(control, path) is False  # no file yet: nothing changes
    save_state(control, path)
    control.files.put(("org", "prod"), "stale", KeptFile("a.json", "application/json", b"{}"))
    assert restore_state(control, path) is True
    assert control.files.kept_bytes == 0
    assert control.tenants.export().collections == load_state(path).collections
