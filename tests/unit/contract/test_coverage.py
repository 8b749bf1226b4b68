"""Contract coverage: counted per operation, reported against what the spec declares."""

from __future__ import annotations

from mockcatalog.contract.coverage import ContractCoverage, render_coverage
from mockcatalog.contract.spec import load_spec


def test_report_lists_used_and_unused_parameters_and_statuses() -> None:
    coverage = ContractCoverage(load_spec())
    coverage.record("listBatches", ["limit", "x-api-key"], 200)
    coverage.record("listBatches", ["limit", "orderBy"], 400)
    report = coverage.report()
    listed = report["operations"]["GET /batches"]
    assert listed["calls"] == 2
    assert listed["parameters"]["used"] == ["x-api-key", "limit", "orderBy"]  # in spec order
    assert "dataSet" in listed["parameters"]["unused"]
    assert listed["statuses"] == {"seen": ["200", "400"], "unseen": ["401", "403", "404", "414"]}
    total = len(load_spec().operations)
    assert (report["exercised"], report["total"]) == (1, total)
    text = render_coverage(report)
    assert f"1 of {total} operations exercised" in text and "POST /batches: never called" in text
