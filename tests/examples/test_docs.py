"""Every code block of README.md and docs/*.md is run, here or by the test named for it.

Shell blocks run with bash against a live mock (the documented address replaced by its own) and
must exit 0 with no request answered 4xx or 5xx; Python test modules run under pytest; JSON blocks
are compared with what the mock really answers or loads; the CI job runs its steps. ``text`` blocks
are samples of output (benchmarks, reports) and diagrams, not code.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mockcatalog import create_app
from mockcatalog.http.extension import control_of
from mockcatalog.server import LiveServer

from ..conftest import ACME, free_port
from ..doc_blocks import DOCUMENTED_URL, ROOT, Block, doc_block, doc_blocks, pointed_at, serving

pytestmark = pytest.mark.e2e

LANGUAGES = {"python", "sh", "json", "yaml", "text"}
#: Blocks another test runs as written, and the file that does (it names the block).
RUN_ELSEWHERE = {
    "quickstart-serve": "tests/e2e/test_newcomer.py",  # in a fresh environment
    "first-test": "tests/e2e/test_newcomer.py",  # there too, and here
    "aepp-setup": "tests/sdk/conftest.py",
    "quickstart-test": ".ci/run",  # CI runs it verbatim
    "snapshot": "tests/e2e/test_snapshot.py",  # against a live mock standing in for the platform
    "snapshot-recipe": "tests/e2e/test_snapshot.py",
}
#: Blocks not run at all, each with its reason in its name comment.
NOT_RUN = {"docker"}
#: What a block's run must print, where its text promises it.
PRINTS = {
    "lifecycle": "success 3\n",
    "admin-calls": '{"status":"reset"}',
    "uniques": '["success","failed","processing","loading","staging"]',
}
CURL_BLOCKS = [
    block
    for block in doc_blocks()
    if block.language == "sh" and block.name not in {*RUN_ELSEWHERE, *NOT_RUN, "fake-data", "contract-run"}
]
TEST_MODULES = [block for block in doc_blocks() if block.language == "python" and "def test_" in block.text]
ORG = ACME  # the packaged fixtures' organization


def environment() -> dict[str, str]:
    """This interpreter's scripts (mockcatalog, python3) first on PATH."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def run_shell(text: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", text],
        cwd=cwd, env=environment(), capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def test_every_block_says_what_it_is_and_names_are_unique() -> None:
    blocks = doc_blocks()
    assert len(blocks) > 20
    assert [block.where for block in blocks if block.language not in LANGUAGES] == []
    names = [block.name for block in blocks if block.name]
    assert len(names) == len(set(names))
    assert {*RUN_ELSEWHERE, *NOT_RUN} <= set(names)


@pytest.mark.parametrize("name", sorted(RUN_ELSEWHERE))
def test_a_block_run_elsewhere_is_read_there(name: str) -> None:
    runner = (ROOT / RUN_ELSEWHERE[name]).read_text()
    if runner.startswith("#!"):  # a script: it holds the block's command itself
        assert doc_block(name).text.strip() in runner
    else:
        assert f'doc_block("{name}")' in runner


@pytest.mark.parametrize("block", CURL_BLOCKS, ids=lambda block: block.where)
def test_a_shell_block_runs_against_the_mock(block: Block, tmp_path: Path) -> None:
    app = create_app({"seed": 1})
    with LiveServer(app) as server:
        ran = run_shell(pointed_at(block.text, server.url), tmp_path)
    assert ran.returncode == 0, ran.stderr[-3000:]
    journal = control_of(app).journal.entries()
    assert journal or block.name == "admin-calls", "the block called nothing"
    assert [(entry.method, entry.path, entry.status) for entry in journal if entry.status >= 400] == []
    assert PRINTS.get(block.name or "", "") in ran.stdout


@pytest.fixture(scope="session")
def ci_job(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """The README's CI job (serve, then ``mockcatalog contract``) run as written, once for the
    whole session: it is the suite's one run of the schemathesis CLI through ``mockcatalog
    contract``, and the longest, so the tests that read its output share it. Under xdist the
    first worker to ask runs it and leaves the result beside the workers' temporary directories;
    the others wait for it there."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    result = shared / "ci-job.json"
    with (shared / "ci-job.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not result.exists():
            ran = _run_ci_job(shared / "ci-job")
            result.write_text(
                json.dumps({"returncode": ran.returncode, "stdout": ran.stdout, "stderr": ran.stderr})
            )
    return subprocess.CompletedProcess("ci-job", **json.loads(result.read_text()))


def ci_job_steps() -> list[str]:
    """The commands of the README's CI job: install, serve, check."""
    job = yaml.safe_load(doc_block("ci-job").text)["contract"]
    return [step["run"] for step in job["steps"] if "run" in step]


def _run_ci_job(cwd: Path) -> subprocess.CompletedProcess[str]:
    cwd.mkdir(exist_ok=True)
    _install, serve, check = ci_job_steps()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    script = "\n".join(
        [
            serve.replace("--port 8080", f"--port {port}"),  # in the background: the check waits for it
            "status=0",
            pointed_at(check, url) + " || status=$?",  # the server is stopped whatever it found
            "kill %1",
            "exit $status",
        ]
    )
    return run_shell(script, cwd, timeout=600)


def test_the_ci_job_runs_its_steps(ci_job: subprocess.CompletedProcess[str]) -> None:
    install, serve, check = ci_job_steps()
    assert "[contract]" in install and "contract =" in (ROOT / "setup.cfg").read_text()  # the extra exists
    assert serve.rstrip().split("#")[0].rstrip().endswith("&") and " --wait " in check  # it cannot race
    assert ci_job.returncode == 0, ci_job.stdout[-3000:] + ci_job.stderr[-2000:]
    assert "passed" in ci_job.stdout.split("SUMMARY")[-1]


def test_the_contract_command_reaches_real_data(ci_job: subprocess.CompletedProcess[str]) -> None:
    """The `contract-run` block is the CI job's check without its example count: the shared run
    of that job shows what it reaches."""
    check = ci_job_steps()[-1]
    assert check.startswith(doc_block("contract-run").text.strip() + " ")
    assert ci_job.returncode == 0, ci_job.stdout[-3000:]
    covered = ci_job.stdout.split("API Links:", 1)[1].split()
    assert int(covered[0]) * 3 > int(covered[3]), covered[:5]  # "30 covered / 83 selected"
    # No operation met only 404s, but the upload status (its file path must name an upload in
    # progress, and the phases that send the most requests ignore the scratch objects' names) and
    # a dataset file's metadata (its id and its file name are bound apart: half its examples miss).
    missing = (
        re.split(r"====|Schema validation mismatch", ci_job.stdout.split("Missing test data", 1)[1])[0]
        if "Missing test data" in ci_job.stdout
        else ""
    )
    assert set(re.findall(r"- ([A-Z]+ /\S+)", missing)) <= {
        "HEAD /batches/{id}/datasets/{datasetId}/files/{filePath}",
        "HEAD /files/{dataSetFileId}",
    }


def test_the_fake_data_block_generates_and_serves(tmp_path: Path) -> None:
    generate, serve = doc_block("fake-data").text.strip().splitlines()
    made = run_shell(generate, tmp_path)
    assert made.returncode == 0, made.stderr[-3000:]
    with serving(serve, cwd=tmp_path, env=environment()) as url:
        headers = {"Authorization": "Bearer t", "x-api-key": "k", "x-gw-ims-org-id": ORG}
        import requests

        listed = requests.get(f"{url}/dataSets", params={"limit": 100}, headers=headers, timeout=30).json()
    assert len(listed) == int(generate.split("--datasets ")[1].split()[0])


@pytest.mark.parametrize("block", TEST_MODULES, ids=lambda block: block.where)
def test_a_python_test_module_passes(block: Block, tmp_path: Path) -> None:
    suite_copies = [
        path for path in (ROOT / "tests/examples").glob("test_*.py") if path.read_text() == block.text
    ]
    if suite_copies:  # verbatim in the suite, which runs it
        return
    (tmp_path / "test_block.py").write_text(block.text)
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert ran.returncode == 0 and " passed" in ran.stdout, ran.stdout[-3000:]


def test_the_documented_error_body_is_what_the_mock_answers() -> None:
    documented = json.loads(doc_block("error-body").text)
    client = create_app().test_client()
    headers = {"Authorization": "Bearer t", "x-api-key": "k", "x-gw-ims-org-id": ORG}
    answered = client.get("/batches?limit=0", headers=headers)
    assert answered.status_code == documented["status"]
    assert answered.get_json() == documented


def test_the_documented_fixture_file_loads(tmp_path: Path) -> None:
    block = doc_block("fixture-file")
    (tmp_path / "dataSets.json").write_text(block.text)
    app = create_app({"fixtures": str(tmp_path)})
    (dataset_id, dataset), *_ = json.loads(block.text).items()
    headers = {
        "Authorization": "Bearer t", "x-api-key": "k", "x-gw-ims-org-id": dataset["imsOrg"],
        "x-sandbox-name": dataset.get("sandboxName", "prod"),
    }  # fmt: skip
    read = app.test_client().get(f"/dataSets/{dataset_id}", headers=headers)
    assert read.status_code == 200 and read.get_json()[dataset_id]["name"] == dataset["name"]


def test_documented_commands_point_at_the_documented_address() -> None:
    """The substitution the shell tests rely on: no block calls the mock at another address."""
    for block in doc_blocks():
        if block.language == "sh" and "curl" in block.text:
            assert DOCUMENTED_URL in block.text or "localhost:8080" in block.text, block.where


def test_the_docs_list_every_serve_option() -> None:
    from mockcatalog.cli import main

    serve = main.commands["serve"]  # type: ignore[attr-defined]
    flags = {option for parameter in serve.params for option in parameter.opts if option.startswith("--")}
    listed = (ROOT / "docs/server.md").read_text()
    assert (
        sorted(flag for flag in flags - {"--help"} if f"`{flag}" not in listed and f"{flag}/" not in listed)
        == []
    )


def test_every_test_the_fidelity_audit_names_exists() -> None:
    """docs/fidelity.md names, per rule, the test that shows what the mock does: each must be a
    test function of that module (a renamed or deleted test would leave a row unproven)."""
    audit = (ROOT / "docs" / "fidelity.md").read_text(encoding="utf-8")
    named = set(re.findall(r"([\w/]+\.py)::(test_\w+)", audit))
    assert len(named) > 150  # the audit's rows, not a stray example
    tests = ROOT / "tests"
    missing = [
        f"{module}::{name}"
        for module, name in sorted(named)
        if not (tests / module).is_file()
        or f"def {name}(" not in (tests / module).read_text(encoding="utf-8")
    ]
    assert not missing, missing
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/fidelity.md)" in readme.split("## Fidelity", 1)[1].split("\n## ", 1)[0]


def test_the_readme_is_a_quickstart_with_recipes_under_12_kb() -> None:
    """A quickstart and recipes, each recipe a test module run above; the reference lives in docs/."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode("utf-8")) < 12 * 1024
    recipes = readme.split("## Recipes", 1)[1].split("\n## ", 1)[0]
    assert recipes.count("def test_") >= 3 and recipes.count("```") >= 10
