"""What the benchmarks share about servers: the credentials they send, the ``serve`` command, and
launching a server process that prints its URL (as the last word of its first line)."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

HEADERS = {
    "Authorization": "Bearer bench",
    "x-api-key": "bench",
    "x-gw-ims-org-id": "ACE0A1B2C3D4E5F60718293A@AdobeOrg",
}
SERVE = [sys.executable, "-c", "from mockcatalog.cli import main; main()", "serve", "--port", "0"]


@contextmanager
def launched(command: list[str], *, core: int | None = None) -> Iterator[tuple[int, str]]:
    """(pid, URL) of ``command``, pinned to ``core`` if given; stopped with SIGTERM on exit."""
    pinned = ["taskset", "-c", str(core)] if core is not None else []
    process = subprocess.Popen(
        [*pinned, *command], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert process.stdout is not None
        yield process.pid, process.stdout.readline().split()[-1]
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
