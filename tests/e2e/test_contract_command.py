"""`mockcatalog contract --url URL`: green on the mock, red (with a report) on a broken fake."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from flask import Flask, jsonify

from mockcatalog import create_app
from mockcatalog.contract import gateway_document
from mockcatalog.server import LiveServer

pytestmark = pytest.mark.e2e

QUICK = ["--max-examples", "5", "--phases", "examples,fuzzing"]


def contract(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-c",
        "from mockcatalog.cli import main; main()",
        "contract",
        "--url",
        url,
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


@pytest.fixture
def broken_fake() -> Iterator[str]:
    """The mock with two bugs a hand-written fake might have: a list answered as an array, and a
    create that crashes."""
    app: Flask = create_app()
    app.view_functions["listBatches@/"] = lambda: jsonify([{"id": "not a map"}])

    def crash() -> None:
        raise RuntimeError("fake broke")

    app.view_functions["createBatch@/"] = crash
    with LiveServer(app) as server:
        yield server.url


def test_the_mock_passes_its_own_contract(live_server: LiveServer) -> None:
    result = contract(live_server.url, *QUICK)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "failed" not in result.stdout.split("SUMMARY")[-1]


def test_a_broken_fake_fails_with_a_readable_report(broken_fake: str) -> None:
    result = contract(broken_fake, *QUICK)
    assert result.returncode != 0
    assert "Response violates schema" in result.stdout  # GET /batches answered an array
    assert "Server error" in result.stdout  # POST /batches crashed
    assert "GET /batches" in result.stdout and "POST /batches" in result.stdout


def test_gateway_paths_move_each_operation_under_its_base_path() -> None:
    paths = gateway_document()["paths"]
    assert set(paths["/data/foundation/catalog/batches"]) == {"get", "post"}
    assert paths["/data/foundation/catalog/batches"]["post"]["operationId"] == "createCatalogBatch"
    assert paths["/data/foundation/import/batches"]["post"]["operationId"] == "createBatch"
    assert "/batches" not in paths


def test_an_unreachable_url_fails_at_once_saying_so() -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = contract(f"http://127.0.0.1:{port}")
    assert result.returncode == 1
    assert (
        f"nothing answers at 127.0.0.1:{port}" in result.stderr
        and "is the implementation running" in result.stderr
    )
