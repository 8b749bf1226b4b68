"""Fixtures of the end-to-end tests: the `mockcatalog serve` command as a real process."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest

COMMAND = [sys.executable, "-c", "from mockcatalog.cli import main; main()", "serve", "--port", "0"]
Serve = Callable[..., str]


def stop(process: subprocess.Popen[str]) -> None:
    """SIGTERM, as `kill` sends; the server must stop cleanly (exit 0)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    process.communicate(timeout=10)  # also closes the pipes
    assert process.returncode == 0


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Start `mockcatalog serve --port 0 ARGS...`; return the URL it prints. Stopped at teardown,
    or earlier by ``serve.stop_all()``."""
    processes: list[subprocess.Popen[str]] = []

    def start(*args: str) -> str:
        process = subprocess.Popen(
            [*COMMAND, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        processes.append(process)
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("mockcatalog serving on http://127.0.0.1:"), (
            process.stderr and process.stderr.read()
        )
        return line.split()[-1]

    def stop_all() -> None:
        while processes:
            stop(processes.pop())

    start.stop_all = stop_all  # type: ignore[attr-defined]
    yield start
    stop_all()
