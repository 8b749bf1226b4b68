"""The batch-ingestion journey read back, as a consumer's test would: a batch ingested with a bad
row, its dataset files in Catalog, and through Data Access its files, their contents (whole and in
ranges) and its failed rows."""

from __future__ import annotations

import json

import pytest
import requests

from mockcatalog import create_app
from mockcatalog.http.extension import control_of
from mockcatalog.server import LiveServer

from ..conftest import make_credentials

pytestmark = pytest.mark.e2e

DATASET = "6ac98000f2a74de452e6b438"
GOOD_AND_BAD = b'{"id": 1}\n{"id": 2}\nnot json\n'
MORE = b'{"id": 3}\n'


def ingest(server: LiveServer, files: dict[str, bytes], partial: int = 50) -> str:
    """Create a batch tolerating ``partial`` percent of bad rows, upload ``files``, complete it."""
    headers = make_credentials()
    ingestion = f"{server.url}/data/foundation/import/batches"
    body = {"datasetId": DATASET, "inputFormat": {"format": "json"}, "partialIngestionPercentage": partial}
    batch = requests.post(ingestion, json=body, headers=headers, timeout=10).json()["id"]
    for path, data in files.items():
        upload = f"{ingestion}/{batch}/datasets/{DATASET}/files/{path}"
        octet = {**headers, "Content-Type": "application/octet-stream"}
        assert requests.put(upload, data=data, headers=octet, timeout=10).status_code == 200
    assert (
        requests.post(f"{ingestion}/{batch}?action=COMPLETE", headers=headers, timeout=10).status_code == 200
    )
    return str(batch)


def get(url: str, **headers: str) -> requests.Response:
    return requests.get(url, headers={**make_credentials(), **headers}, timeout=10)


def test_the_journey_from_upload_to_files_and_failed_rows(live_server: LiveServer) -> None:
    batch = ingest(live_server, {"year=2026/month=11/part-1.json": GOOD_AND_BAD, "part-2.json": MORE})
    catalog, export = (
        f"{live_server.url}/data/foundation/catalog",
        f"{live_server.url}/data/foundation/export",
    )
    assert get(f"{catalog}/batches/{batch}").json()[batch]["status"] == "success"

    # Catalog: the dataset's files link lists the batch's two dataset files
    link = get(f"{catalog}/dataSets/{DATASET}").json()[DATASET]["files"]
    assert link == f"@/dataSetFiles?dataSetId={DATASET}"
    listed = {  # with the dataset files of the fixtures' batches that succeeded in it
        name: f for name, f in get(catalog + link.removeprefix("@")).json().items() if f["batchId"] == batch
    }
    assert list(listed) == [f"{batch}-1", f"{batch}-2"]
    assert {name: (f["records"], f["isValid"], f["batchId"]) for name, f in listed.items()} == {
        f"{batch}-1": (2, True, batch),
        f"{batch}-2": (1, True, batch),
    }

    # Data Access: the batch's files, a page at a time
    first = get(f"{export}/batches/{batch}/files?limit=1").json()
    assert [entry["dataSetFileId"] for entry in first["data"]] == [f"{batch}-1"]
    assert first["_page"] == {"limit": 1, "count": 2}
    second = get(first["_links"]["next"]["href"]).json()
    assert [entry["dataSetFileId"] for entry in second["data"]] == [f"{batch}-2"] and "next" not in second[
        "_links"
    ]

    # a file's entry, then its contents: the accepted rows, whole or a range
    entry = get(first["data"][0]["_links"]["self"]["href"]).json()["data"][0]
    assert entry["name"] == "year=2026/month=11/part-1.json" and entry["length"] == str(
        len(b'{"id": 1}\n{"id": 2}\n')
    )
    contents = get(entry["_links"]["self"]["href"])
    assert contents.status_code == 200 and contents.headers["Accept-Ranges"] == "bytes"
    assert [json.loads(line) for line in contents.content.splitlines()] == [{"id": 1}, {"id": 2}]
    part = get(entry["_links"]["self"]["href"], Range="bytes=0-8")
    assert part.status_code == 206 and part.content == b'{"id": 1}'[:9]
    assert part.headers["Content-Range"] == f"bytes 0-8/{entry['length']}"
    head = requests.head(entry["_links"]["self"]["href"], headers=make_credentials(), timeout=10)
    assert head.status_code == 200 and head.headers["Content-Length"] == entry["length"] and not head.content

    # the failed rows, as the partial ingestion guide reads them
    failed = get(f"{export}/batches/{batch}/failed").json()
    assert [item["name"] for item in failed["data"]] == ["parse_errors"]
    rows = get(failed["data"][0]["_links"]["self"]["href"])
    assert rows.headers["Content-Type"] == "application/json"
    assert [json.loads(line) for line in rows.content.splitlines()] == [
        {
            "_corrupt_record": "not json",
            "_errors": [{"code": "1401", "message": rows.json()["_errors"][0]["message"]}],
            "_filename": "year=2026/month=11/part-1.json",
        }
    ]

    # a reverted batch's files are no longer valid
    revert = f"{live_server.url}/data/foundation/import/batches/{batch}?action=REVERT"
    assert requests.post(revert, headers=make_credentials(), timeout=10).status_code == 200
    assert [e["isValid"] for e in get(f"{export}/batches/{batch}/files").json()["data"]] == [False, False]
    assert get(f"{catalog}/dataSetFiles?batchId={batch}&isValid=false").json().keys() == listed.keys()


def test_a_batch_that_failed_has_failed_rows_but_no_files(live_server: LiveServer) -> None:
    batch = ingest(live_server, {"a.json": GOOD_AND_BAD}, partial=0)
    export = f"{live_server.url}/data/foundation/export"
    assert get(f"{export}/batches/{batch}/files").json() == {
        "data": [],
        "_page": {"limit": 100, "count": 0},
        "_links": {"page": {"href": f"{export}/batches/{batch}/files?start=0&limit=100", "templated": True}},
    }
    assert len(get(f"{export}/batches/{batch}/failed?path=parse_errors").content.splitlines()) == 1


def test_what_is_not_there_is_a_404_naming_it(live_server: LiveServer) -> None:
    clean = ingest(live_server, {"a.json": MORE})
    export = f"{live_server.url}/data/foundation/export"
    for url, field in [
        (f"{export}/batches/{clean}/failed?path=parse_errors", "path"),  # no row was refused
        (f"{export}/files/{clean}-1?path=b.json", "path"),  # not the file's name
    ]:
        answer = get(url)
        assert answer.status_code == 404 and field in answer.json()["errors"], url
    for url in [f"{export}/batches/01NOSUCHBATCH/files", f"{export}/files/{clean}-9"]:
        assert get(url).status_code == 404
    assert get(f"{export}/batches/{clean}/failed").json()["data"] == []


def test_a_range_past_the_end_is_a_416_and_several_ranges_the_whole_file(live_server: LiveServer) -> None:
    batch = ingest(live_server, {"a.json": MORE})
    url = f"{live_server.url}/data/foundation/export/files/{batch}-1?path=a.json"
    past = get(url, Range="bytes=100-")
    assert past.status_code == 416 and past.headers["Content-Range"] == f"bytes */{len(MORE)}"
    assert "Range" in past.json()["errors"]
    assert get(url, Range="bytes=-3").content == MORE[-3:]
    longer = get(url, Range="bytes=-100")  # a suffix longer than the file is all of it (RFC 9110)
    assert longer.status_code == 206 and longer.content == MORE
    assert longer.headers["Content-Range"] == f"bytes 0-{len(MORE) - 1}/{len(MORE)}"
    assert get(url, Range="bytes=0-1,3-4").status_code == 200


def test_contents_past_the_bound_are_dropped_oldest_first_and_say_so() -> None:
    with LiveServer(create_app({"seed": 1, "max_kept_file_bytes": 40})) as server:  # 40 bytes in all
        older = ingest(server, {"a.json": b'{"id": "older, 30 bytes long"}\n'})
        newer = ingest(server, {"a.json": b'{"id": "newer, 30 bytes long"}\n'})
        export = f"{server.url}/data/foundation/export"
        gone = get(f"{export}/files/{older}-1?path=a.json")
        assert gone.status_code == 404 and "--max-kept-file-bytes" in gone.json()["detail"]
        assert get(f"{export}/files/{newer}-1?path=a.json").status_code == 200
        catalog = f"{server.url}/data/foundation/catalog"
        assert get(f"{catalog}/dataSetFiles/{older}-1").status_code == 200  # the Catalog object stays


def test_a_batch_previews_what_was_uploaded_before_and_after_processing(live_server: LiveServer) -> None:
    headers = make_credentials()
    ingestion = f"{live_server.url}/data/foundation/import/batches"
    body = {"datasetId": DATASET, "inputFormat": {"format": "json"}, "partialIngestionPercentage": 50}
    batch = requests.post(ingestion, json=body, headers=headers, timeout=10).json()["id"]
    preview = f"{ingestion}/{batch}/datasets/{DATASET}/preview"
    empty = get(f"{preview}?format=json").json()
    assert empty["preview"] == {"columns": [], "rows": []}
    octet = {**headers, "Content-Type": "application/octet-stream"}
    requests.put(
        f"{ingestion}/{batch}/datasets/{DATASET}/files/a.json", data=GOOD_AND_BAD, headers=octet, timeout=10
    )
    loading = get(f"{preview}?format=json&nrow=1").json()["preview"]
    assert loading == {"columns": [{"cid": "0", "name": "id"}], "rows": [{"id": "1"}]}
    requests.post(f"{ingestion}/{batch}?action=COMPLETE", headers=headers, timeout=10)
    processed = get(f"{preview}?format=json").json()["preview"]
    assert processed["rows"] == [{"id": "1"}, {"id": "2"}]  # the rows its dataset file kept
    parquet = get(f"{preview}?format=parquet")  # the files are JSON: a Parquet reading finds no row
    assert parquet.status_code == 200 and parquet.json()["preview"]["rows"] == []
    assert (
        get(f"{ingestion}/{batch}/datasets/6acad1806513270e269e0d37/preview?format=json").status_code == 404
    )


def test_each_file_lands_in_the_dataset_it_was_uploaded_to(live_server: LiveServer) -> None:
    other = "6acad1806513270e269e0d37"
    catalog = f"{live_server.url}/data/foundation/catalog"
    related = [{"type": "dataSet", "id": DATASET}, {"type": "dataSet", "id": other}]
    body = {"status": "loading", "inputFormat": {"format": "json"}, "relatedObjects": related}
    made = requests.post(f"{catalog}/batches", json=body, headers=make_credentials(), timeout=10)
    batch = made.json()[0].rsplit("/", 1)[-1]
    ingestion = f"{live_server.url}/data/foundation/import/batches/{batch}"
    octet = {**make_credentials(), "Content-Type": "application/octet-stream"}
    profiles = b'{"_id": "p1", "_acme": {"crmId": "c1"}}\n'  # Customer Profiles' schema asks for both
    for dataset, name, rows in [(DATASET, "a.json", MORE), (other, "b.json", profiles)]:
        sent = requests.put(
            f"{ingestion}/datasets/{dataset}/files/{name}", data=rows, headers=octet, timeout=10
        )
        assert sent.status_code == 200
    assert (
        requests.post(f"{ingestion}?action=COMPLETE", headers=make_credentials(), timeout=10).status_code
        == 200
    )
    files = get(f"{catalog}/dataSetFiles?batchId={batch}").json()
    assert {f["dataSetId"] for f in files.values()} == {DATASET, other}
    assert list(get(f"{catalog}/dataSetFiles?dataSetId={other}&batchId={batch}").json()) == [f"{batch}-2"]


def test_deleting_a_batch_deletes_the_dataset_files_it_made(live_server: LiveServer) -> None:
    batch = ingest(live_server, {"a.json": MORE})
    catalog = f"{live_server.url}/data/foundation/catalog"
    assert get(f"{catalog}/dataSetFiles/{batch}-1").status_code == 200
    requests.delete(f"{catalog}/batches/{batch}", headers=make_credentials(), timeout=10)
    assert get(f"{catalog}/dataSetFiles/{batch}-1").status_code == 404
    assert get(f"{live_server.url}/data/foundation/export/files/{batch}-1").status_code == 404


def test_a_state_import_forgets_the_contents_of_processed_files(live_server: LiveServer) -> None:
    batch = ingest(live_server, {"a.json": MORE})
    control = control_of(live_server.app)
    assert control.files.kept_bytes > 0
    control.replace_all(control.tenants.export())
    assert control.files.kept_bytes == 0
    # the batch that succeeded still stands for its dataset file, whose rows the mock holds no more
    listed = get(f"{live_server.url}/data/foundation/export/batches/{batch}/files").json()["data"]
    assert [entry["dataSetFileId"] for entry in listed] == [f"{batch}-1"]
    read = get(f"{live_server.url}/data/foundation/export/files/{batch}-1?path=a.json")
    assert read.status_code == 404 and "holds no contents" in read.json()["detail"]


def test_a_file_entry_takes_adobes_start_by_name_and_limit(live_server: LiveServer) -> None:
    batch = ingest(live_server, {"b.json": MORE})
    url = f"{live_server.url}/data/foundation/export/files/{batch}-1"
    assert [e["name"] for e in get(f"{url}?start=a.json&limit=5").json()["data"]] == ["b.json"]
    assert get(f"{url}?start=c.json").json()["data"] == []  # names from c on: none
    assert not control_of(live_server.app).journal.suspects()  # documented names, not suspects
