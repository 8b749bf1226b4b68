"""The house rules as tests: ruff clean, and the package type-checks under mypy --strict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", "mockcatalog", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_applied() -> None:
    result = run("ruff", "format", "--check", "mockcatalog", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_package_type_checks_strictly() -> None:
    result = run("mypy", "--config-file", "setup.cfg")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_package_serves_the_top_level_spec_and_fixtures() -> None:
    """One home for the spec and the fixtures: the package links to the top-level files (an editor
    that replaces a link with a copy once let the two drift apart for a whole issue)."""
    for name, top_level in (
        ("openapi.yaml", "openapi.yaml"),
        ("fixtures", "fixtures"),
        ("contract.toml", "schemathesis.toml"),
    ):
        packaged = ROOT / "mockcatalog" / name
        assert packaged.is_symlink(), f"mockcatalog/{name} must be a link to ../{top_level}, not a copy"
        assert packaged.resolve() == (ROOT / top_level).resolve()
