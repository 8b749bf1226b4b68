"""What strict mode and the session tell a consumer: the hint is Python to paste (the marker line
it prints, put above the failing test, makes it pass; a path off by its case is reported with the
served one); a violation on purpose is expected where it is sent; and fixtures that miss the tests'
tenant are warned about."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_pytest_plugin import run

FAILING = """
def test_{name}(mock_catalog):
    url = mock_catalog.url + "/data/foundation/catalog/datasets"  # dataSets, in Adobe's spelling
    assert requests.get(url, headers=mock_catalog.headers, timeout=5).status_code == 404
    assert list_batches(mock_catalog, sort="desc:created").status_code == 200
"""


def marker_line(result: pytest.RunResult) -> str:
    # once in the report, and again in the short summary where it is shown whole (under CI)
    (line,) = {line for line in result.outlines if line.startswith("@pytest.mark.mockcatalog(")}
    return line


def test_the_printed_marker_pasted_above_the_test_makes_it_pass(pytester: pytest.Pytester) -> None:
    failed = run(pytester, FAILING.format(name="typo"))
    failed.assert_outcomes(passed=1, errors=1)
    failed.stdout.fnmatch_lines(
        [
            "*GET /data/foundation/catalog/datasets -> 404*",
            "*did you mean /data/foundation/catalog/dataSets?*",
            "*mark the test (strict=False for violations; strict_suspects=False for suspects):",
        ]
    )
    marker = marker_line(failed)
    assert marker == "@pytest.mark.mockcatalog(strict=False, strict_suspects=False)"
    pasted = run(pytester, "import pytest\n\n" + marker + FAILING.format(name="typo_on_purpose"))
    pasted.assert_outcomes(passed=1)


EXPECTING = """
import pytest

def test_refused_on_purpose(mock_catalog):
    with mock_catalog.expect_violation("GET /batches") as refused:
        list_batches(mock_catalog, limit=0)
    assert [request.status for request in refused] == [400]

def test_expected_but_not_sent(mock_catalog):
    with mock_catalog.expect_violation("GET /batches"):
        list_batches(mock_catalog, limit=1)

def test_expected_elsewhere(mock_catalog):
    with mock_catalog.expect_violation("GET /batches"):
        list_batches(mock_catalog, limit=0)
    list_batches(mock_catalog, limit=999)  # outside the block: still a violation

def test_an_unknown_operation_is_named(mock_catalog):
    with pytest.raises(ValueError, match="did you mean 'GET /batches'"):
        with mock_catalog.expect_violation("GET /batch"):
            pass
"""


def test_a_violation_sent_on_purpose_is_expected_in_a_block_not_marked_and_asserted(
    pytester: pytest.Pytester,
) -> None:
    """``expect_violation`` is the marker and the assertion in one: the block must send a request
    the real service would reject, and strict mode lets the test pass for it, not for others."""
    result = run(pytester, EXPECTING)
    result.assert_outcomes(passed=3, failed=1, errors=1)
    result.stdout.fnmatch_lines(["*expected a request to GET /batches that the real service would reject*"])
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_expected_elsewhere*", "*limit=999*"])


def test_fixtures_that_miss_the_tests_tenant_are_warned_about(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    """Fixtures loaded only into an org the tests never call as: every list answers {} there, so the
    session says where they went and which header reaches them (and says nothing otherwise)."""
    elsewhere = "ELSE000000000000000000AA@AdobeOrg"
    (tmp_path / "dataSets.json").write_text(json.dumps({"d1": {"imsOrg": elsewhere, "name": "there"}}))
    # (this suite turns warnings into errors; a consumer's session shows them in its summary)
    pytester.makeini(f"[pytest]\nmockcatalog_fixtures = {tmp_path}\nfilterwarnings = default\n")
    missed = run(
        pytester, "def test_lists(mock_catalog):\n    assert list_batches(mock_catalog).json() == {}\n"
    )
    missed.assert_outcomes(passed=1)  # (pytest may add warnings of its own, about rewriting)
    missed.stdout.fnmatch_lines(
        [f"*FixturesElsewhere*nothing was loaded into*send x-gw-ims-org-id: {elsewhere}*"]
    )
    pytester.makeini(f"[pytest]\nmockcatalog_fixtures = {tmp_path}\nmockcatalog_org = {elsewhere}\n")
    seen = run(
        pytester, "def test_lists(mock_catalog):\n    assert mock_catalog.client.get('/dataSets').json\n"
    )
    seen.assert_outcomes(passed=1)
    assert "FixturesElsewhere" not in seen.stdout.str()
