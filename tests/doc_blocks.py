"""The fenced code blocks of README.md and docs/*.md, for the tests that run them.

A block may be named by an HTML comment on the line just before its fence (``<!-- lifecycle -->``),
so that a test elsewhere can run that very block (the first test in a fresh environment, aepp's
setup) and the docs test can tell it is run there.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: Where the docs' commands say the mock listens; the tests put a live server's address there.
DOCUMENTED_URL = "http://127.0.0.1:8080"

_FENCE = re.compile(r"^```(\S*)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
_NAME = re.compile(r"<!-- ([a-z-]+)(?:: .*)? -->\n$")


@dataclass(frozen=True)
class Block:
    page: str  # relative to the project root
    line: int
    language: str
    name: str | None
    text: str

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}" + (f" ({self.name})" if self.name else "")


def doc_blocks() -> list[Block]:
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in _FENCE.finditer(text):
            before = text[: match.start()]
            named = _NAME.search(before)
            found.append(
                Block(
                    page=str(page.relative_to(ROOT)),
                    line=before.count("\n") + 1,
                    language=match[1],
                    name=named[1] if named else None,
                    text=match[2],
                )
            )
    return found


def doc_block(name: str) -> Block:
    """The block named ``name``; exactly one must carry it."""
    (block,) = [block for block in doc_blocks() if block.name == name]
    return block


def pointed_at(text: str, url: str) -> str:
    """``text`` with the documented address replaced by ``url`` (and ``localhost:8080`` likewise)."""
    host_port = url.split("://", 1)[1]
    return text.replace(DOCUMENTED_URL, url).replace("localhost:8080", host_port)


@contextmanager
def serving(command: str, *, cwd: Path, env: dict[str, str]) -> Iterator[str]:
    """Run ``command`` (a shell line that ends by starting ``mockcatalog serve``) on a free port
    (``MOCKCATALOG_PORT=0``: the documented command, unchanged); yield the URL it prints; stop it
    with Ctrl-C, which must exit 0."""
    server = subprocess.Popen(
        ["bash", "-c", f"exec {command}" if "&&" not in command else command],
        cwd=cwd, env={**env, "MOCKCATALOG_PORT": "0"}, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        line = ""
        while "serving on" not in line:
            line = server.stdout.readline()
            assert line or server.poll() is None, server.stderr.read() if server.stderr else ""
        yield line.split()[-1]
    finally:
        with suppress(ProcessLookupError):  # it may have ended on its own (the assertion says why)
            os.killpg(server.pid, signal.SIGINT)
        _, errors = server.communicate(timeout=60)
    assert server.returncode == 0, errors[-3000:]
