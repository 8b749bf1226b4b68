"""Keep a long-lived mock's state across restarts: ``mockcatalog serve --state FILE``.

The file holds every tenant's objects in fixture form, tagged with a format name. A save:

- copies each tenant's objects under that tenant's lock (only the changes since the fixtures are
  copied), then encodes (orjson) and writes with no lock held;
- writes atomically: a temporary file beside the target, flushed to disk, then renamed over it, so
  a crash leaves the previous complete file. A symbolic link is followed (its target is written,
  the link stays) and the file's permissions are kept;
- never stops the saver: a failed save (a full disk, a directory gone for a moment) is reported and
  tried again at the next interval, which is counted from the start of one save to the next.

Temporary files a killed process left behind are removed at start. A file that cannot be read is
reported, never silently replaced: the server refuses to start.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from mockcatalog.catalog.fixture_files import FIXTURE_FILES, FixtureError, Fixtures, check_collection
from mockcatalog.contract.schemas import fixture_schemas
from mockcatalog.contract.validation import unstorable_value
from mockcatalog.control.plane import MockControl
from mockcatalog.core.files import temporary_prefix, write_atomically
from mockcatalog.core.json import encode

FORMAT = "mockcatalog-state/1"
log = logging.getLogger(__name__)


class StateFileError(FixtureError):
    """The state file exists but is not a readable mockcatalog state."""


def restore_state(control: MockControl, path: Path) -> bool:
    """Make the state saved at ``path`` the mock's baseline, through the one way a state import is
    done (:meth:`MockControl.replace_all`); False when there is no file yet. A StateFileError, and
    nothing changed, when it cannot be read."""
    if not path.exists():
        return False
    control.replace_all(load_state(path))
    return True


def save_state(control: MockControl, path: Path) -> None:
    """Write the mock's state to ``path`` (or, for a link, its target) atomically."""
    exported = control.tenants.export().collections
    encoded = encode({"format": FORMAT, "savedAt": control.clock.now_ms(), **exported})
    target = path.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, encoded)


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Delete the temporary files of saves a killed process never finished; returns them."""
    target = path.resolve()
    if not target.parent.is_dir():
        return []
    stale = list(target.parent.glob(f"{temporary_prefix(target)}*.tmp"))
    for leftover in stale:
        leftover.unlink(missing_ok=True)
    return stale


def load_state(path: Path, spec_path: str | None = None) -> Fixtures:
    """Read a state file written by :func:`save_state`, checking every object against the spec."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise StateFileError(f"{path}: cannot read the state file ({reason}); fix or remove it") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise StateFileError(f'{path}: not a mockcatalog state file (expected "format": {FORMAT!r})')
    schemas = fixture_schemas(spec_path)
    fixtures = Fixtures()
    for collection in FIXTURE_FILES:
        objects = document.get(collection, {})
        problem = unstorable_value(objects)
        if problem is not None:
            raise StateFileError(f"{path}: {collection}: {problem[0]}: {problem[1]}; fix or remove it")
        try:
            check_collection(collection, objects, schemas, where=f"{path}: {collection}")
        except FixtureError as exc:
            raise StateFileError(str(exc)) from exc
        fixtures.collections[collection] = objects
    return fixtures


class StateKeeper:
    """Saves the store every ``interval_seconds`` in a background thread, and once more on stop.

    ``on_error(message)`` hears of every failed save (default: the log); the thread carries on and
    the next save is tried at the next interval. ``failures`` counts them.
    """

    def __init__(
        self,
        control: MockControl,
        path: Path,
        interval_seconds: float,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self.control = control
        self.path = path
        self.interval = interval_seconds
        self.failures = 0
        self._on_error = on_error or log.error
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mockcatalog-state", daemon=True)

    def start(self) -> None:
        remove_stale_temporaries(self.path)
        if self.interval > 0:
            self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        save_state(self.control, self.path)

    def save(self) -> bool:
        """One save; False (reported, counted) when it failed."""
        try:
            save_state(self.control, self.path)
        except Exception as exc:  # noqa: BLE001 - any failure is reported, and the saver goes on
            self.failures += 1
            self._on_error(f"mockcatalog: saving the state to {self.path} failed ({exc}); trying again")
            return False
        return True

    def _run(self) -> None:
        started = time.monotonic()
        while not self._stopped.wait(max(0.0, started + self.interval - time.monotonic())):
            started = time.monotonic()
            self.save()
