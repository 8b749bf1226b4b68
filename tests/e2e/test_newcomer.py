"""A newcomer's first hour, end to end: a clean clone installed into a fresh virtual environment as
the README says, a first test of their own green with the `mock_catalog` fixture, the server up,
and its dashboard open in a browser (where Chromium is installed).

Slow for a test (a minute: it installs the package and its dependencies from the registry, or
pip's cache), and worth it: it is the only test that sees the package as a user gets it, so a
missing dependency, a file left out of the package or an unregistered plugin fails here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from ..doc_blocks import doc_block, serving

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean clone of this checkout's HEAD, installed with the README's command into a new venv."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout")
    home = tmp_path_factory.mktemp("newcomer")
    subprocess.run(["git", "clone", "-q", str(ROOT), str(home / "mockcatalog")], check=True, timeout=120)
    subprocess.run([sys.executable, "-m", "venv", str(home / "venv")], check=True, timeout=120)
    pip = [str(home / "venv" / "bin" / "python"), "-m", "pip", "install", "-q"]
    installing = subprocess.run(
        [*pip, "-e", str(home / "mockcatalog")], capture_output=True, text=True, timeout=600
    )
    assert installing.returncode == 0, installing.stderr[-3000:]
    return home


def test_a_first_test_of_ones_own_passes(installed: Path) -> None:
    project = installed / "my-project"
    project.mkdir()
    (project / "test_first.py").write_text(doc_block("first-test").text)
    pip = [str(installed / "venv" / "bin" / "python"), "-m", "pip", "install", "-q", "pytest", "requests"]
    subprocess.run(pip, check=True, capture_output=True, timeout=600)
    ran = subprocess.run(
        [str(installed / "venv" / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert ran.returncode == 0 and "1 passed" in ran.stdout, ran.stdout[-3000:]


def test_the_server_starts_and_its_dashboard_opens(installed: Path) -> None:
    """The README's command to run the mock, as written, from the clone with the venv active (on a
    free port: ``MOCKCATALOG_PORT=0``); Ctrl-C must stop it with status 0."""
    venv_bin = installed / "venv" / "bin"
    env = {
        **os.environ,
        "PATH": f"{venv_bin}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(venv_bin.parent),
    }
    command = doc_block("quickstart-serve").text.strip()
    with serving(command, cwd=installed / "mockcatalog", env=env) as url:
        assert requests.get(f"{url}/__admin/health", timeout=10).json()["status"] == "ok"
        page = requests.get(url + "/", headers={"Accept": "text/html"}, timeout=10)
        assert (
            page.status_code == 200 and "<title>mockcatalog</title>" in page.text
        )  # packaged, not only in the checkout
        if shutil.which("chromium") and shutil.which("chromedriver"):
            from ..browser import open_dashboard

            assert "ACE0A1B2C3D4E5F60718293A@AdobeOrg" in open_dashboard(url)
