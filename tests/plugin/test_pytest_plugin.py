"""The pytest plugin as a consumer meets it: run real test files with pytester and read the outcome."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockcatalog.contract.spec import load_spec

CLIENT = """
import requests

def list_batches(mock_catalog, **params):
    url = mock_catalog.catalog_url + "/batches"
    return requests.get(url, params=params, headers=mock_catalog.headers, timeout=5)
"""


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_consumer=CLIENT + source)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", *args)


def test_a_request_the_real_service_would_reject_fails_the_test_with_a_report(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
def test_pages_too_far(mock_catalog):
    assert list_batches(mock_catalog, limit=500).status_code == 400  # the consumer's bug
""",
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*request(s) the real Catalog service would reject*",
            "*GET /data/foundation/catalog/batches?limit=500 -> 400*",
            "*limit: Must be greater than or equal to 1 and less than or equal to 100.*",
        ]
    )


def test_strict_mode_can_be_turned_off_for_a_test_that_means_it(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
import pytest

@pytest.mark.mockcatalog(strict=False)
def test_handles_a_400(mock_catalog):
    assert list_batches(mock_catalog, limit=0).status_code == 400
""",
    )
    result.assert_outcomes(passed=1)


def test_an_undocumented_parameter_is_a_suspect_reported_apart_from_violations(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
def test_sorts_the_wrong_way(mock_catalog):
    assert list_batches(mock_catalog, sort="desc:created").json() == {}  # the real answer: a filter
    assert list_batches(mock_catalog, limit=0).status_code == 400
""",
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*1 request(s) the real Catalog service would reject (violations):*",
            "*GET /data/foundation/catalog/batches?limit=0 -> 400*",
            "*1 request(s) naming parameters Adobe does not document (suspects*",
            "*GET /data/foundation/catalog/batches?sort=desc:created -> 200*",
            "*sort: *filter on a property 'sort'*Did you mean 'orderBy'?*",
            "*mark the test (strict=False for violations; strict_suspects=False for suspects):",
            "@pytest.mark.mockcatalog(strict=False, strict_suspects=False)",
        ]
    )


@pytest.mark.parametrize(
    ("marker", "outcome", "reported"),
    [
        ("strict_suspects=False", {"passed": 1, "errors": 1}, "*(violations):*"),
        ("strict=False", {"passed": 1, "errors": 1}, "*(suspects*"),
        ("strict=False, strict_suspects=False", {"passed": 1}, None),
    ],
)
def test_violations_and_suspects_are_relaxed_each_on_its_own(
    pytester: pytest.Pytester, marker: str, outcome: dict[str, int], reported: str | None
) -> None:
    result = run(
        pytester,
        f"""
import pytest

@pytest.mark.mockcatalog({marker})
def test_both_on_purpose(mock_catalog):
    list_batches(mock_catalog, sort="desc:created")
    list_batches(mock_catalog, limit=0)
""",
    )
    result.assert_outcomes(**outcome)
    if reported is not None:
        result.stdout.fnmatch_lines([reported])
        other = "*(suspects*" if reported == "*(violations):*" else "*(violations):*"
        result.stdout.no_fnmatch_line(other)


def test_a_call_the_mock_does_not_serve_is_reported_as_unsupported_not_as_a_violation(
    pytester: pytest.Pytester,
) -> None:
    source = """
import pytest, requests

def call_connectors(mock_catalog):
    url = mock_catalog.catalog_url + "/connectors"
    return requests.get(url, headers=mock_catalog.headers, timeout=5)

def test_lists_connectors(mock_catalog):
    assert call_connectors(mock_catalog).status_code == 501

@pytest.mark.mockcatalog(strict=False)
def test_lists_connectors_knowingly(mock_catalog):
    assert call_connectors(mock_catalog).status_code == 501
"""
    result = run(pytester, source)
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*1 call(s) to Platform operations the mock does not serve*",
            "*GET /data/foundation/catalog/connectors -> 501*",
            "*Catalog Service's get_connectors*",
            "*mark the test (strict=False for unsupported calls):",
            "@pytest.mark.mockcatalog(strict=False)",
        ]
    )
    result.stdout.no_fnmatch_line("*would reject*")


def test_suspects_can_be_relaxed_for_the_whole_session(pytester: pytest.Pytester) -> None:
    source = """
def test_sorts_the_wrong_way(mock_catalog):
    list_batches(mock_catalog, sort="desc:created")
"""
    run(pytester, source, "--no-mockcatalog-strict-suspects").assert_outcomes(passed=1)


def test_each_test_sees_pristine_fixtures_and_its_own_journal(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_first(mock_catalog):
    mock_catalog.add_dataset("only in the first test")
    mock_catalog.fail_next("GET /batches", 500, times=5)
    assert list_batches(mock_catalog).status_code == 500

def test_second(mock_catalog):
    assert mock_catalog.requests == []
    datasets = mock_catalog.client.get("/dataSets", headers=mock_catalog.headers).json
    assert "only in the first test" not in [d["name"] for d in datasets.values()]
    assert list_batches(mock_catalog).status_code == 200  # the first test's faults are gone
""",
    )
    result.assert_outcomes(passed=2)


def test_a_failed_verification_shows_the_near_misses(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_verify(mock_catalog):
    list_batches(mock_catalog, status="failed")
    mock_catalog.assert_called("GET /batches", query={"status": "success"})
""",
    )
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    for line in (
        "Expected GET /batches, query {'status': 'success'} at least once; it matched 0 of 1 request(s).",
        "Closest requests the mock received:",
        "GET /data/foundation/catalog/batches?status=failed -> 200",
        "differs: query status=['failed'] (wanted ['success'])",
    ):
        assert line in output
    assert "verify.py" not in output  # the mock's own frames are hidden


def test_settings_come_from_ini_options(pytester: pytest.Pytester, tmp_path: Path) -> None:
    org = "INI0000000000000000000AA@AdobeOrg"
    (tmp_path / "dataSets.json").write_text(json.dumps({"d1": {"imsOrg": org, "name": "from ini"}}))
    pytester.makeini(f"[pytest]\nmockcatalog_fixtures = {tmp_path}\nmockcatalog_org = {org}\n")
    result = run(
        pytester,
        """
def test_configured(mock_catalog):
    datasets = mock_catalog.client.get("/dataSets", headers=mock_catalog.headers).json
    assert datasets["d1"].pop("sandboxId")
    assert datasets == {"d1": {"imsOrg": mock_catalog.org, "name": "from ini"}}
""",
    )
    result.assert_outcomes(passed=1)


def test_extra_orgs_get_seeded_fake_data(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
def test_other_org(mock_catalog):
    other = mock_catalog.tenant(org="EXTRA@AdobeOrg")
    assert len(list_batches(other, limit=100).json()) == 20
    assert list_batches(mock_catalog.tenant(org="NOBODY@AdobeOrg")).json() == {}
""",
        "--mockcatalog-extra-orgs=EXTRA@AdobeOrg",
    )
    result.assert_outcomes(passed=1)


def test_contract_coverage_is_printed_and_written(pytester: pytest.Pytester, tmp_path: Path) -> None:
    report = tmp_path / "coverage.json"
    result = run(
        pytester,
        """
def test_list(mock_catalog):
    list_batches(mock_catalog, limit=2)
""",
        "--mockcatalog-coverage",
        f"--mockcatalog-coverage-json={report}",
    )
    result.assert_outcomes(passed=1)
    total = len(load_spec().operations)
    result.stdout.fnmatch_lines(
        [
            f"*mockcatalog contract coverage: 1 of {total} operations exercised*",
            "*POST /batches: never called*",
        ]
    )
    listed = json.loads(report.read_text())["operations"]["GET /batches"]
    assert (
        listed["calls"] == 1
        and "limit" in listed["parameters"]["used"]
        and "start" in listed["parameters"]["unused"]
    )
    assert listed["statuses"]["seen"] == ["200"] and "400" in listed["statuses"]["unseen"]


def test_clock_and_processing_helpers(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
import requests

def test_delayed(mock_catalog):
    start = mock_catalog.freeze_clock(1_800_000_000_000)
    mock_catalog.processing(delay=30)
    dataset_id = mock_catalog.add_dataset("Clocked")
    batch_id = mock_catalog.add_batch(dataset_id, status="loading")
    complete = requests.post(
        f"{mock_catalog.import_url}/batches/{batch_id}", params={"action": "COMPLETE"},
        headers=mock_catalog.headers, timeout=5,
    )
    assert complete.status_code == 200
    def read():
        return mock_catalog.client.get(f"/batches/{batch_id}", headers=mock_catalog.headers).json[batch_id]

    assert read()["status"] == "staging"
    assert mock_catalog.advance_clock(30) == start + 30_000
    batch = read()
    assert batch["status"] == "failed" and batch["errors"][0]["code"] == "106"
    assert batch["completed"] == start + 30_000

def test_reset_restores_the_clock_and_policy(mock_catalog):
    assert mock_catalog.now_ms() != 1_800_000_000_030_000
    assert mock_catalog.control.policy.current.delay_ms == 0
""",
    )
    result.assert_outcomes(passed=2)


def test_help_documents_the_options(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--help")
    result.stdout.fnmatch_lines(
        ["*mockcatalog*", "*--mockcatalog-fixtures*", "*--mockcatalog-strict*", "*mockcatalog_seed*"]
    )


def test_each_xdist_worker_has_its_own_server_and_store(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_parallel=CLIENT
        + f"""
import os
import pytest

@pytest.mark.parametrize("n", range(6))
def test_isolated(mock_catalog, n):
    worker = os.environ["PYTEST_XDIST_WORKER"]
    (pytester_dir / worker).write_text(mock_catalog.url)
    mock_catalog.add_dataset(f"{{worker}}-{{n}}")
    datasets = mock_catalog.client.get("/dataSets", headers=mock_catalog.headers).json
    assert [d["name"] for d in datasets.values() if d["name"].startswith("gw")] == [f"{{worker}}-{{n}}"]

import pathlib
pytester_dir = pathlib.Path({str(pytester.path)!r})
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=6)
    urls = {(pytester.path / worker).read_text() for worker in ("gw0", "gw1")}
    assert len(urls) == 2


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    """Every pytest session of a project that installed mockcatalog loads the plugin; until a test
    asks for mock_catalog, that must not import Flask (nor break if the app cannot import)."""
    import subprocess
    import sys

    heavy = "{'flask', 'marshmallow', 'faker'}"
    probe = f"import sys, mockcatalog.pytest_plugin; print(sorted({heavy} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_bug_inside_the_mock_fails_the_consumers_test_with_its_traceback(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
import pytest

@pytest.mark.mockcatalog(strict=False)  # not a contract matter: it fails whatever strict mode says
def test_tolerates_a_500(mock_catalog, monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug inside the mock")

    monkeypatch.setattr(mock_catalog.control.store, "listing", broken)
    assert list_batches(mock_catalog).status_code == 500  # a client that shrugs off 500s
""",
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*mockcatalog failed on 1 request(s); this is a bug in the mock*",
            "*GET /data/foundation/catalog/batches -> 500*",
            "*Traceback (most recent call last):*",
            "*ZeroDivisionError: a bug inside the mock*",
        ]
    )


def test_under_xdist_the_coverage_report_merges_every_worker(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    pytester.makepyfile(
        test_parallel=CLIENT
        + """
import pytest

@pytest.mark.parametrize("limit", [1, 2, 3, 4, 5, 6])
def test_list(mock_catalog, limit):
    assert list_batches(mock_catalog, limit=limit).status_code == 200
"""
    )
    report = tmp_path / "coverage.json"
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-n", "2", "--mockcatalog-coverage", f"--mockcatalog-coverage-json={report}"
    )
    result.assert_outcomes(passed=6)
    result.stdout.fnmatch_lines(["*GET /batches: 6 call(s), statuses seen 200*"])  # both workers' calls
    assert json.loads(report.read_text())["operations"]["GET /batches"]["calls"] == 6
