"""The data contract, as a consumer team tests its pipeline: "a day of events ingests and every
batch succeeds" must fail against the mock when the rows break the dataset's XDM schema, as it
fails in production; the failed rows read back from Data Access name the column and the reason;
a dataset that tolerates a share of bad rows ingests the rest, and its files are Parquet that
pyarrow reads back typed by the schema."""

import io
import json

import pyarrow.parquet as pq
import pytest
import requests

EVENTS = {
    "$id": "https://ns.adobe.com/shop/schemas/checkout",
    "title": "Checkout events",
    "type": "object",
    "properties": {
        "_id": {"type": "string"},
        "timestamp": {"type": "string", "format": "date-time"},
        "eventType": {"type": "string", "enum": ["checkout.started", "checkout.completed"]},
        "order": {
            "type": "object",
            "properties": {
                "total": {"type": "number", "minimum": 0},
                "items": {"type": "integer", "minimum": 0, "maximum": 32767},
            },
        },
    },
    "required": ["_id", "timestamp"],
}


def a_day_of_events(bad_rows: int = 0) -> bytes:
    """What the pipeline under test sends: 20 good events, then ``bad_rows`` it gets wrong."""
    good = [
        {"_id": f"e{n}", "timestamp": f"2026-12-01T{n:02d}:00:00Z", "eventType": "checkout.completed",
         "order": {"total": 10.5 * n, "items": str(n)}}  # items as text: converted, as Adobe does
        for n in range(20)
    ]  # fmt: skip
    bad = [
        {"_id": "bad-total", "timestamp": "2026-12-01T21:00:00Z", "order": {"total": "lots"}},
        {"_id": "no-timestamp", "eventType": "checkout.started"},
        {"_id": "bad-type", "timestamp": "2026-12-01T22:00:00Z", "eventType": "refund"},
    ][:bad_rows]
    return b"".join(json.dumps(row).encode() + b"\n" for row in good + bad)


def ingest(mock_catalog, dataset_id: str, rows: bytes) -> dict:
    """The pipeline's batch: create, upload, complete, poll; the batch as it ended."""
    session = requests.Session()
    session.headers.update(mock_catalog.headers)
    body = {"datasetId": dataset_id, "inputFormat": {"format": "json"}}
    batch_id = session.post(f"{mock_catalog.import_url}/batches", json=body, timeout=5).json()["id"]
    upload = f"{mock_catalog.import_url}/batches/{batch_id}/datasets/{dataset_id}/files/day.json"
    session.put(upload, data=rows, headers={"Content-Type": "application/octet-stream"}, timeout=5)
    session.post(f"{mock_catalog.import_url}/batches/{batch_id}?action=COMPLETE", timeout=5)
    return session.get(f"{mock_catalog.catalog_url}/batches/{batch_id}", timeout=5).json()[batch_id]


def events_dataset(mock_catalog, **fields) -> str:
    schema_id = mock_catalog.add_schema(EVENTS)
    reference = {"id": schema_id, "contentType": "application/vnd.adobe.xed-full+json;version=1"}
    return mock_catalog.add_dataset("Checkouts", schemaRef=reference, **fields)


def test_a_clean_day_succeeds_and_reads_back_as_typed_parquet(mock_catalog):
    dataset_id = events_dataset(mock_catalog)
    batch = ingest(mock_catalog, dataset_id, a_day_of_events())
    assert (batch["status"], batch["recordCount"]) == ("success", 20)
    ((name, contents),) = mock_catalog.dataset_files(batch["id"]).items()
    table = pq.read_table(io.BytesIO(contents))
    assert name == "day.parquet" and table.num_rows == 20
    assert str(table.schema.field("timestamp").type) == "timestamp[ms, tz=UTC]"
    assert table.column("order").to_pylist()[3] == {"total": 31.5, "items": 3}  # "3" became 3

    preview = requests.get(
        f"{mock_catalog.export_url}/datasets/{dataset_id}/preview", headers=mock_catalog.headers, timeout=5
    ).json()["data"]  # Data Access's dataset preview reads the same typed rows
    assert len(preview) == 20 and preview[1]["timestamp"] == "2026-12-01T01:00:00+00:00"


@pytest.mark.mockcatalog(strict_data=False)  # these rows fail on purpose
def test_rows_that_break_the_schema_fail_the_batch_and_say_why(mock_catalog):
    dataset_id = events_dataset(mock_catalog)
    batch = ingest(mock_catalog, dataset_id, a_day_of_events(bad_rows=3))
    assert batch["status"] == "failed" and batch["failedRecordCount"] == 23
    assert {error["code"] for error in batch["errors"]} == {"100", "1555"}

    failed = requests.get(
        f"{mock_catalog.export_url}/batches/{batch['id']}/failed?path=conversion_errors",
        headers=mock_catalog.headers, timeout=5,
    )  # fmt: skip
    refused = [json.loads(line) for line in failed.text.splitlines()]
    reasons = {row["_id"]: [(e["column"], e["code"]) for e in row["_errors"]] for row in refused}
    assert reasons == {
        "bad-total": [("order.total", "100")],
        "no-timestamp": [("timestamp", "1555")],
        "bad-type": [("eventType", "100")],
    }
    assert all(row["_filename"] == "day.json" for row in refused)


def test_a_dataset_that_tolerates_bad_rows_ingests_the_rest(mock_catalog):
    tolerant = {"partialBatchIngestion": ["errorThresholdPercentage:20"]}  # Adobe's dataset tag
    dataset_id = events_dataset(mock_catalog, tags=tolerant)
    batch = ingest(mock_catalog, dataset_id, a_day_of_events(bad_rows=3))  # 3 of 23: 13%
    assert (batch["status"], batch["recordCount"], batch["failedRecordCount"]) == ("success", 20, 3)
    assert len(mock_catalog.failed_rows(batch["id"])) == 3


def test_strict_mode_tells_which_rows_broke_the_data_contract(pytester):
    """A consumer's test that expected a clean day fails at teardown with the rows and reasons."""
    pytester.makepyfile(
        test_pipeline=f"""
import json, requests
EVENTS = {EVENTS!r}

def test_a_day_ingests(mock_catalog):
    schema_id = mock_catalog.add_schema(EVENTS)
    dataset_id = mock_catalog.add_dataset("d", schemaRef={{"id": schema_id, "contentType": "x"}})
    body = {{"datasetId": dataset_id, "inputFormat": {{"format": "json"}}}}
    url = mock_catalog.import_url + "/batches"
    batch_id = requests.post(url, json=body, headers=mock_catalog.headers).json()["id"]
    rows = json.dumps({{"_id": "e1", "timestamp": "yesterday"}}).encode()
    headers = {{**mock_catalog.headers, "Content-Type": "application/octet-stream"}}
    requests.put(f"{{url}}/{{batch_id}}/datasets/{{dataset_id}}/files/day.json", data=rows, headers=headers)
    requests.post(f"{{url}}/{{batch_id}}?action=COMPLETE", headers=mock_catalog.headers)
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*1 batch(es) failed because rows do not fit their dataset's schema (data contract)*",
            "*day.json: timestamp: [[]100[]] Cannot convert 'yesterday' to a date-time*",
            "*@pytest.mark.mockcatalog(strict_data=False)*",
        ]
    )
