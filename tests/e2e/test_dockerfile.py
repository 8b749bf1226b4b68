"""The Dockerfile, without a container runtime: the files it copies build the whole package, and
the image runs the server the way a container needs it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def copied_paths(dockerfile: str) -> list[str]:
    """The sources of every ``COPY`` line."""
    return [
        source
        for line in dockerfile.splitlines()
        if line.startswith("COPY ")
        for source in line.split()[1:-1]
    ]


def test_the_files_the_image_copies_build_the_whole_package(tmp_path: Path) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    for source in copied_paths(dockerfile):
        if (ROOT / source).is_dir():
            shutil.copytree(
                ROOT / source, tmp_path / source, symlinks=True, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(ROOT / source, tmp_path / source)
    wheel_command = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist")]
    built = subprocess.run([*wheel_command, str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("mockcatalog-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "openapi.yaml",
        "admin-openapi.yaml",
        "contract.toml",
        "fixtures/dataSets.json",
        "fixtures/batches.json",
    ):
        assert f"mockcatalog/{needed}" in names


def test_the_image_serves_on_every_interface_as_an_unprivileged_user_with_a_health_check() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "MOCKCATALOG_HOST=0.0.0.0" in dockerfile and 'CMD ["mockcatalog", "serve"]' in dockerfile
    assert "\nUSER mockcatalog\n" in dockerfile
    assert "HEALTHCHECK" in dockerfile and "/__admin/health" in dockerfile
