"""Keep a long-lived mock's state across restarts: ``mockcatalog serve --state FILE``.

The file holds every tenant's objects in fixture form, tagged with a format name. It is written
atomically (a temporary file in the same directory, flushed to disk, then renamed over the old
one), periodically and on shutdown, so a crash leaves the previous complete file. A file that cannot
be read is reported, never silently replaced: the server refuses to start.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path

from mockcatalog.fixture_files import FIXTURE_FILES, FixtureError, Fixtures, check_objects
from mockcatalog.schemas import fixture_schemas
from mockcatalog.store import CatalogStore

FORMAT = "mockcatalog-state/1"


class StateFileError(FixtureError):
    """The state file exists but is not a readable mockcatalog state."""


def save_state(store: CatalogStore, path: Path) -> None:
    """Write the store's state to ``path`` atomically."""
    exported = store.export().collections
    document = {"format": FORMAT, "savedAt": store.clock.now_ms(), **exported}
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream, separators=(",", ":"))
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load_state(path: Path, spec_path: str | None = None) -> Fixtures:
    """Read a state file written by :func:`save_state`, checking every object against the spec."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StateFileError(f"{path}: cannot read the state file ({exc}); fix or remove it") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise StateFileError(f'{path}: not a mockcatalog state file (expected "format": {FORMAT!r})')
    schemas = fixture_schemas(spec_path)
    fixtures = Fixtures()
    for collection in FIXTURE_FILES:
        objects = document.get(collection, {})
        try:
            check_objects(objects, schemas[collection], where=f"{path}: {collection}")
        except FixtureError as exc:
            raise StateFileError(str(exc)) from exc
        fixtures.collections[collection] = objects
    return fixtures


class StateKeeper:
    """Saves the store every ``interval_seconds`` in a background thread, and once more on stop."""

    def __init__(self, store: CatalogStore, path: Path, interval_seconds: float) -> None:
        self.store = store
        self.path = path
        self.interval = interval_seconds
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mockcatalog-state", daemon=True)

    def start(self) -> None:
        if self.interval > 0:
            self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        save_state(self.store, self.path)

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            save_state(self.store, self.path)
