"""The journal (bounded, masked) and the one-line assertions on it."""

from __future__ import annotations

from typing import Any

import pytest

from mockcatalog.control.journal import (
    MAX_ANSWER_BYTES,
    MAX_BODY_BYTES,
    Journal,
    RawExchange,
    RecordedRequest,
    recorded_body,
    recorded_headers,
    suspect_report,
    verdict,
    violation_report,
)
from mockcatalog.control.verify import Criteria, assert_called, matching


def entry(method: str = "POST", path: str = "/batches", status: int = 201, **fields: Any) -> RecordedRequest:
    values: dict[str, Any] = {
        "operation": f"{method} /batches", "query": {}, "headers": {}, "body": None, "time_ms": 0,
    }  # fmt: skip
    values.update(fields)
    return RecordedRequest(method=method, path=path, status=status, **values)


def raw(
    status: int, violation: str | None = None, suspects: dict[str, list[str]] | None = None
) -> RawExchange:
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/batches", "QUERY_STRING": "limit=2&x=a&x=b",
        "HTTP_AUTHORIZATION": "Bearer secret", "HTTP_X_API_KEY": "k", "wsgi.input": object(),
    }  # fmt: skip
    return RawExchange.of(environ, "GET /batches", b"", status, 0, violation=violation, suspects=suspects)


def test_journal_keeps_the_newest_and_the_first_violations() -> None:
    journal = Journal(maxlen=3)
    for number in range(5):
        journal.record(raw(status=number, violation="bad" if number % 2 else None))
    assert [e.status for e in journal.entries()] == [2, 3, 4]
    assert [e.status for e in journal.violations()] == [1, 3]
    first = journal.entries()[0]
    assert first.query == {"limit": ["2"], "x": ["a", "b"]}
    assert first.headers == {"Authorization": "***", "X-Api-Key": "k"}
    assert (first.method, first.path) == ("GET", "/batches")
    assert "wsgi.input" not in raw(200).environ  # the server's objects are not kept alive
    journal.clear()
    assert journal.entries() == [] and journal.violations() == []


def test_suspects_are_kept_apart_from_violations_and_reported_with_what_was_meant() -> None:
    journal = Journal(maxlen=3)
    journal.record(raw(200, suspects={"sort": ["Not documented. Did you mean 'orderBy'?"]}))
    journal.record(raw(400, violation="bad"))
    journal.record(raw(200))
    assert [e.status for e in journal.suspects()] == [200]
    assert [e.status for e in journal.violations()] == [400]
    report = suspect_report(journal.suspects())
    assert "1 request(s) naming parameters Adobe does not document" in report
    assert "- sort: Not documented. Did you mean 'orderBy'?" in report
    journal.clear()
    assert journal.suspects() == []


def test_credentials_are_masked_and_bodies_parsed() -> None:
    assert recorded_headers([("Authorization", "Bearer secret"), ("x-api-key", "k")]) == {
        "Authorization": "***",
        "x-api-key": "k",
    }
    assert recorded_body(b'{"a": 1}', 8, "application/json") == {"a": 1}
    assert recorded_body(b"{broken", 7, "application/json") == "{broken"
    assert recorded_body(b"", 0, "application/json") is None
    assert recorded_body(b'{"a": 1', 9_000_000, "application/json") == '{"a": 1'  # cut: shown as text


def test_criteria_match_operation_body_subset_query_headers_and_status() -> None:
    sent = entry(
        path="/data/foundation/import/batches",
        body={"datasetId": "d1", "inputFormat": {"format": "json"}},
        query={"limit": ["5"]},
        headers={"X-Api-Key": "k"},
    )
    assert not Criteria("POST /batches", json={"inputFormat": {"format": "json"}}).misses(sent)
    assert not Criteria("POST /data/foundation/import/batches").misses(sent)
    assert not Criteria("POST /batches", query={"limit": 5}, headers={"x-api-key": "k"}, status=201).misses(
        sent
    )
    assert Criteria("POST /batches", json={"datasetId": "d2"}).misses(sent) == [
        "body datasetId is 'd1', wanted 'd2'"
    ]
    assert Criteria("GET /batches").misses(sent) == ["operation is POST /batches"]


def test_assert_called_counts_and_explains_near_misses() -> None:
    entries = [
        entry(body={"datasetId": "d1"}),
        entry(method="GET", status=200),
        entry(body={"datasetId": "d2"}),
    ]
    assert len(assert_called(entries, Criteria("POST /batches"), times=2)) == 2
    with pytest.raises(AssertionError) as raised:
        assert_called(entries, Criteria("POST /batches", json={"datasetId": "d3"}), times=1)
    message = str(raised.value)
    assert "matched 0 of 3 request(s)" in message
    lines = message.splitlines()
    assert "d2" in lines[2] and "d1" in lines[4]  # same operation first, newest first
    assert "GET" not in message.split("Closest requests")[1].split("\n")[1]


def test_assert_called_with_no_requests_says_so() -> None:
    with pytest.raises(AssertionError, match="received no requests"):
        assert_called([], Criteria("POST /batches"))
    assert matching([], Criteria("POST /batches")) == []


def test_violation_report_lists_each_field() -> None:
    bad = entry(method="GET", status=400, violation="The request is invalid.", errors={"limit": ["Too big."]})
    report = violation_report([bad])
    assert "1 request(s) the real Catalog service would reject" in report
    assert "GET /batches -> 400" in report and "- limit: Too big." in report


def test_a_body_is_cut_to_the_journal_limit_when_recorded_not_when_read() -> None:
    huge = b"x" * (MAX_BODY_BYTES * 10)
    kept = RawExchange.of(
        {"REQUEST_METHOD": "PUT", "CONTENT_TYPE": "application/octet-stream"}, None, huge, 413, 0
    )
    assert len(kept.body) == MAX_BODY_BYTES and kept.body_size == len(huge)
    assert len(kept.recorded().body) == MAX_BODY_BYTES


def test_an_answer_is_kept_cut_and_only_when_it_is_json_or_text() -> None:
    environ = {"REQUEST_METHOD": "GET"}
    error = RawExchange.of(
        environ, None, b"", 400, 0, answer=b'{"status": 400}', answer_type="application/json"
    )
    assert error.recorded().answer == {"status": 400} and error.recorded().answer_size == 15
    page = b'{"a": "' + b"x" * MAX_ANSWER_BYTES + b'"}'
    cut = RawExchange.of(environ, None, b"", 200, 0, answer=page, answer_type="application/json").recorded()
    assert cut.answer == page[:MAX_ANSWER_BYTES].decode() and cut.answer_size == len(page)  # cut: as text
    parquet = RawExchange.of(
        environ, None, b"", 200, 0, answer=b"PAR1" * 9, answer_type="application/octet-stream"
    )
    assert parquet.answer == b"" and parquet.recorded().answer is None and parquet.answer_size == 36


def test_entries_are_numbered_and_read_by_number_or_newest_first_through_a_filter() -> None:
    journal = Journal(maxlen=3)
    for status in (200, 400, 201, 404, 200):
        journal.record(raw(status, violation="bad" if status == 400 else None))
    assert [e.seq for e in journal.entries()] == [3, 4, 5]  # the first two dropped
    found = journal.entry(4)
    assert found is not None and found.status == 404
    assert journal.entry(2) is None and journal.entry(6) is None and journal.entry(0) is None
    newest, matched = journal.newest(1, lambda e: e.status >= 200)
    assert [e.seq for e in newest] == [5] and matched == 3
    journal.clear()
    journal.record(raw(200))
    assert [e.seq for e in journal.entries()] == [6]  # never reused: a stale link opens nothing else
    assert journal.newest(0) == ([], 1)


def test_the_verdict_is_the_most_telling_of_what_applies() -> None:
    assert verdict(entry(violation="bad", suspects={"sort": ["?"]})) == "violation"
    assert verdict(entry(mock_error="Traceback")) == "mock-error"
    assert (
        verdict(entry(unsupported="not served", cannot="not served", suspects={"x": ["?"]})) == "unsupported"
    )
    assert verdict(entry(suspects={"sort": ["?"]})) == "suspect"
    assert verdict(entry()) == verdict(raw(200)) == "ok"
