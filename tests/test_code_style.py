"""The house rules as tests: ruff clean, the package type-checks under mypy --strict, the layers
of docs/architecture.md hold (import-linter), and no module grows past 500 lines."""

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


def test_the_layer_rules_hold() -> None:
    """import-linter's contracts in setup.cfg: the layers, top to bottom (no upward import, and every
    top-level module placed in one), no import circle in any package, Flask only at the top."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--config", "setup.cfg", "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_no_module_is_over_500_lines() -> None:
    """One concern per module: past 500 lines, a module has more than one; split it along its seams."""
    long = {
        str(path.relative_to(ROOT)): lines
        for path in (ROOT / "mockcatalog").rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > 500
    }
    assert long == {}


def test_the_architecture_page_names_every_module_in_its_layer() -> None:
    """docs/architecture.md's table of layers stays true: each module of a layer's folder is named
    in that layer's row (a module moved or added without it fails here)."""
    rows = {
        line.split("|")[1].strip().strip("`/"): line
        for line in (ROOT / "docs" / "architecture.md").read_text().splitlines()
        if line.startswith("| `") and "/` |" in line
    }
    layers = [path for path in (ROOT / "mockcatalog").iterdir() if (path / "__init__.py").exists()]
    assert sorted(rows) == sorted(layer.name for layer in layers)
    unnamed = [
        str(module.relative_to(ROOT / "mockcatalog"))
        for layer in layers
        for module in layer.glob("*.py")
        if module.name != "__init__.py" and f"`{module.name}`" not in rows[layer.name]
    ]
    assert unnamed == []


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
