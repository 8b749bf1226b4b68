"""The `mockcatalog` command as a user runs it: a real process on 127.0.0.1."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from click.testing import CliRunner

from mockcatalog.cli import main

from ..conftest import ACME, make_credentials
from .conftest import COMMAND, Serve

pytestmark = pytest.mark.e2e


def test_serve_prints_its_url_once_it_accepts_connections(serve: Serve) -> None:
    url = serve()
    response = requests.get(
        f"{url}/data/foundation/catalog/batches", params={"limit": 3}, headers=make_credentials(), timeout=10
    )
    assert response.status_code == 200 and len(response.json()) == 3


def test_serve_loads_a_fixture_directory_verbatim(serve: Serve, tmp_path: Path) -> None:
    dataset = {"imsOrg": ACME, "name": "mine", "created": 1000}
    (tmp_path / "dataSets.json").write_text(json.dumps({"d1": dataset}))
    url = serve("--fixtures", str(tmp_path))
    served = requests.get(f"{url}/dataSets", headers=make_credentials(), timeout=10).json()
    assert served == {"d1": {**dataset, "sandboxId": str(uuid.UUID(served["d1"]["sandboxId"]))}}


def test_admin_api_and_a_dropped_connection_under_waitress(serve: Serve) -> None:
    url = serve()
    fault = requests.post(
        f"{url}/__admin/faults", json={"operation": "GET /batches", "drop": True}, timeout=10
    )
    assert fault.status_code == 201
    with pytest.raises(requests.ConnectionError):  # closed before any answer, as under the plugin
        requests.get(f"{url}/batches", headers=make_credentials(), timeout=10)
    assert requests.get(f"{url}/batches", headers=make_credentials(), timeout=10).status_code == 200


def test_state_survives_a_restart(serve: Serve, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    url = serve("--state", str(state), "--state-interval", "0")
    created = requests.post(f"{url}/dataSets", json={"name": "kept"}, headers=make_credentials(), timeout=10)
    dataset_id = created.json()[0].removeprefix("@/dataSets/")
    serve.stop_all()  # type: ignore[attr-defined]
    saved = json.loads(state.read_text())
    assert saved["format"] == "mockcatalog-state/1" and saved["dataSets"][dataset_id]["name"] == "kept"
    assert not list(tmp_path.glob(".state.json.*"))  # no temporary file left behind

    url = serve("--state", str(state))
    again = requests.get(f"{url}/dataSets/{dataset_id}", headers=make_credentials(), timeout=10)
    assert again.status_code == 200 and again.json()[dataset_id]["name"] == "kept"


@pytest.mark.parametrize(
    "content",
    ["{not json", '{"format": "something else"}', '{"format": "mockcatalog-state/1", "batches": {"b": {}}}'],
)
def test_a_corrupt_state_file_is_reported_and_left_alone(tmp_path: Path, content: str) -> None:
    state = tmp_path / "state.json"
    state.write_text(content)
    result = subprocess.run([*COMMAND, "--state", str(state)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "--state" in result.stderr and str(state) in result.stderr and "left as it is" in result.stderr
    assert state.read_text() == content


def test_help_explains_serve() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--fixtures", "--rebase-time"):
        assert option in result.output


def test_help_names_the_three_apis_in_a_users_words() -> None:
    helps = {
        command: CliRunner().invoke(main, [*command.split(), "--help"], terminal_width=200).output
        for command in ("", "serve", "contract", "fixtures generate", "snapshot")
    }
    assert "Catalog Service, Batch Ingestion and Data Access" in helps[""]
    assert "/data/foundation/export" in helps[""] and "Data Access" in helps["contract"]
    for command, text in helps.items():
        for internal in ("seed operations", "the journal keeps", "(bytes)"):
            assert internal not in text, (command, internal)
        assert not re.search(r"^ +--\S+(?: [A-Z]+(?: RANGE)?)? +\[default", text, re.M), (command, "no help")
    assert "--max-file-bytes BYTES" in helps["serve"] and "--wait SECONDS" in helps["contract"]


def test_bad_fixtures_are_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "batches.json").write_text("[]")
    result = CliRunner().invoke(main, ["serve", "--fixtures", str(tmp_path)])
    assert result.exit_code == 2 and "keyed by id" in result.output


def test_the_console_script_is_installed() -> None:
    assert shutil.which("mockcatalog"), "pip install -e . should install the mockcatalog command"


def test_every_serve_flag_comes_from_the_settings_table_and_reaches_the_app(serve: Serve) -> None:
    from mockcatalog.core.settings import ServeOptions, Settings

    help_text = CliRunner().invoke(main, ["serve", "--help"], terminal_width=200).output
    for row in (*Settings.rows(), *ServeOptions.rows()):
        if row.flag is not None:
            assert row.flag in help_text and row.env in help_text, row.name
    url = serve("--max-body-bytes", "64", "--journal-size", "2")
    too_big = requests.post(
        f"{url}/dataSets", json={"name": "x" * 100}, headers=make_credentials(), timeout=10
    )
    assert too_big.status_code == 413, too_big.text
    for _ in range(3):
        requests.get(f"{url}/batches", params={"limit": 1}, headers=make_credentials(), timeout=10)
    assert len(requests.get(f"{url}/__admin/requests", timeout=10).json()["requests"]) == 2


def test_a_bad_setting_value_is_a_usage_error_naming_it() -> None:
    result = CliRunner().invoke(main, ["serve", "--processing-polls", "5000"])
    assert result.exit_code == 2 and "outside the allowed range 0 to 1000" in result.output


def test_idle_and_slow_connections_do_not_lock_out_other_clients(serve: Serve) -> None:
    import socket
    from urllib.parse import urlsplit

    url = serve()
    address = (urlsplit(url).hostname, urlsplit(url).port)
    idle = [socket.create_connection(address, timeout=10) for _ in range(150)]  # past waitress's own 100
    try:
        for conn in idle:
            conn.sendall(b"GET /batches HTTP/1.1\r\n")  # one header line, then nothing
        answer = requests.get(f"{url}/batches", params={"limit": 1}, headers=make_credentials(), timeout=10)
        assert answer.status_code == 200
    finally:
        for conn in idle:
            conn.close()


DATASET = {"imsOrg": ACME, "name": "d"}
BATCH = {"imsOrg": ACME, "status": "success", "relatedObjects": [{"type": "dataSet", "id": "d1"}]}


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "holds neither dataSets.json nor batches.json"),
        (
            {"datasets.json": {"d1": DATASET}},
            "names are case-sensitive: datasets.json (should be dataSets.json)",
        ),
        ({"dataSets.json": {"d1": DATASET}, "batches.json": {"b1": {**BATCH, "status": "wat"}}}, "status"),
        (
            {"batches.json": {"b1": BATCH}},
            "'b1': relatedObjects names dataset 'd1', which the fixtures do not hold",
        ),
    ],
    ids=["empty", "misnamed", "unknown status", "batch of a missing dataset"],
)
def test_fixtures_a_mock_cannot_serve_are_refused_naming_the_file_and_object(
    tmp_path: Path, files: dict[str, object], message: str
) -> None:
    for name, content in files.items():
        (tmp_path / name).write_text(json.dumps(content))
    result = CliRunner().invoke(main, ["serve", "--fixtures", str(tmp_path)])
    assert result.exit_code == 2 and message in result.output, result.output


def test_a_busy_port_or_an_unknown_address_is_one_line_and_a_failure(serve: Serve) -> None:
    port = str(urlsplit(serve()).port)
    for args in (["--port", port], ["--host", "256.1.1.1"]):
        process = subprocess.run([*COMMAND[:-2], *args], capture_output=True, text=True, timeout=60)
        assert process.returncode == 1, process.stderr
        assert "Error: cannot listen on" in process.stderr and "Traceback" not in process.stderr


def test_ctrl_c_stops_the_server_quietly(serve: Serve) -> None:
    process = subprocess.Popen(COMMAND, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().startswith("mockcatalog serving on")
    process.send_signal(signal.SIGINT)
    _, errors = process.communicate(timeout=30)
    assert process.returncode == 0, errors
    assert "Aborted" not in errors and "Traceback" not in errors
    assert "loaded 7 datasets, 25 batches, 2 schemas" in errors  # what it loaded, said while it started
