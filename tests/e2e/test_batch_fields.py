"""A batch's fields as Adobe's material describes them, through a live server: what its writes may
name (related datasets, replayed batches), its tags, its input format, its metrics, where a failed
batch's rows are read, and the ids its dataset files carry in Catalog and in Data Access."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests

from mockcatalog import MockCatalog
from mockcatalog.server import LiveServer

from ..conftest import make_credentials

pytestmark = pytest.mark.e2e

CATALOG, IMPORT, EXPORT = "/data/foundation/catalog", "/data/foundation/import", "/data/foundation/export"
WEB_EVENTS = "6ac98000f2a74de452e6b438"  # a dataset of the packaged fixtures' default tenant
ANOTHER_SANDBOXS = "6acec6001818e811892f902b"  # the same org's, in its dev sandbox
ANOTHER_ORGS = "6ad017809531985d5d9dc9f8"
GOOD_AND_BAD = b'{"id": 1}\n{"id": 2}\nnot json\n'
JSON_PATCH = {"Content-Type": "application/json-patch+json"}


def call(server: LiveServer, method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {**make_credentials(), **kwargs.pop("headers", {})}
    return requests.request(method, server.url + path, headers=headers, timeout=10, **kwargs)


def created_id(answer: requests.Response) -> str:
    assert answer.status_code == 201, answer.text
    return str(answer.json()[0]).rsplit("/", 1)[1]


def read(server: LiveServer, collection: str, object_id: str) -> dict[str, Any]:
    answer = call(server, "GET", f"{CATALOG}/{collection}/{object_id}")
    assert answer.status_code == 200, answer.text
    return dict(answer.json()[object_id])


def catalog_batch(server: LiveServer, **fields: Any) -> str:
    body = {"status": "loading", "relatedObjects": [{"type": "dataSet", "id": WEB_EVENTS}], **fields}
    return created_id(call(server, "POST", f"{CATALOG}/batches", json=body))


def new_dataset(server: LiveServer, **fields: Any) -> str:
    return created_id(call(server, "POST", f"{CATALOG}/dataSets", json={"name": "fields", **fields}))


def ingest_create(server: LiveServer, **body: Any) -> requests.Response:
    """Batch Ingestion's create of a JSON batch of the Web Events dataset, ``body`` added."""
    sent = {"datasetId": WEB_EVENTS, "inputFormat": {"format": "json"}, **body}
    return call(server, "POST", f"{IMPORT}/batches", json=sent)


def ingest(server: LiveServer, dataset: str, files: dict[str, bytes], **body: Any) -> str:
    """A Batch Ingestion batch into ``dataset`` (``body`` added to its create), ``files`` uploaded,
    completed; its id."""
    made = call(
        server,
        "POST",
        f"{IMPORT}/batches",
        json={"datasetId": dataset, "inputFormat": {"format": "json"}, **body},
    )
    assert made.status_code == 201, made.text
    batch = str(made.json()["id"])
    octet = {"Content-Type": "application/octet-stream"}
    for path, data in files.items():
        sent = call(
            server,
            "PUT",
            f"{IMPORT}/batches/{batch}/datasets/{dataset}/files/{path}",
            data=data,
            headers=octet,
        )
        assert sent.status_code == 200, sent.text
    assert call(server, "POST", f"{IMPORT}/batches/{batch}?action=COMPLETE").status_code == 200
    return batch


def write(server: LiveServer, batch: str, how: str, fields: dict[str, Any]) -> requests.Response:
    """``fields`` written to ``batch`` by a PUT, a merge PATCH or a JSON Patch (each field added)."""
    url = f"{CATALOG}/batches/{batch}"
    if how == "PUT":
        return call(server, "PUT", url, json={"status": "loading", **fields})
    if how == "merge PATCH":
        return call(server, "PATCH", url, json=fields)
    operations = [{"op": "add", "path": f"/{name}", "value": value} for name, value in fields.items()]
    return call(server, "PATCH", url, data=json.dumps(operations), headers=JSON_PATCH)


WRITES = ["PUT", "merge PATCH", "JSON Patch"]


# --- what a batch names must exist in its tenant ------------------------------------------------


@pytest.mark.parametrize("unknown", ["nope-dataset", ANOTHER_SANDBOXS, ANOTHER_ORGS])
def test_a_catalog_batch_may_relate_only_to_the_tenants_datasets(
    live_server: LiveServer, unknown: str
) -> None:
    before = call(live_server, "GET", f"{CATALOG}/batches", params={"limit": 100}).json()
    related = [{"type": "dataSet", "id": WEB_EVENTS}, {"type": "dataSet", "id": unknown}]
    answer = call(
        live_server, "POST", f"{CATALOG}/batches", json={"status": "loading", "relatedObjects": related}
    )
    assert answer.status_code == 400
    assert answer.json()["errors"] == {
        "relatedObjects": [f"Sent {unknown!r}: no dataset of that id here; it must name one."]
    }
    assert call(live_server, "GET", f"{CATALOG}/batches", params={"limit": 100}).json() == before


@pytest.mark.parametrize("how", WRITES)
def test_every_batch_write_refuses_a_dataset_the_tenant_does_not_hold(
    live_server: LiveServer, how: str
) -> None:
    batch = catalog_batch(live_server)
    before = read(live_server, "batches", batch)
    related = [{"type": "dataSet", "id": WEB_EVENTS}, {"type": "dataSet", "id": ANOTHER_ORGS}]
    answer = write(live_server, batch, how, {"relatedObjects": related})
    assert answer.status_code == 400, answer.text
    assert list(answer.json()["errors"]) == ["relatedObjects"] and ANOTHER_ORGS in answer.json()["detail"]
    assert read(live_server, "batches", batch) == before  # nothing changed, not even the version


@pytest.mark.parametrize("how", ["Catalog create", *WRITES])
@pytest.mark.parametrize("field", ["predecessors", "predecessorsByExternalId"])
def test_every_batch_write_refuses_a_replayed_batch_the_tenant_does_not_hold(
    live_server: LiveServer, how: str, field: str
) -> None:
    replay = {field: ["never-made"], "reason": "fix"}
    if how == "Catalog create":
        answer = call(live_server, "POST", f"{CATALOG}/batches", json={"status": "loading", "replay": replay})
    else:
        batch = catalog_batch(live_server)
        before = read(live_server, "batches", batch)
        answer = write(live_server, batch, how, {"replay": replay})
        assert read(live_server, "batches", batch) == before
    assert answer.status_code == 400, answer.text
    kind = "id" if field == "predecessors" else "externalId"
    assert answer.json()["errors"] == {
        f"replay.{field}": [
            f"Sent 'never-made': no batch of that {kind} here; "
            "a replayed batch must be one of this organization and sandbox's."
        ]
    }


@pytest.mark.parametrize("how", ["Catalog create", *WRITES])
def test_a_replay_of_the_tenants_batches_is_taken_on_every_write(live_server: LiveServer, how: str) -> None:
    first = catalog_batch(live_server, externalId="first-of-all")
    replay = {"predecessors": [first], "predecessorsByExternalId": ["first-of-all"]}
    if how == "Catalog create":
        batch = catalog_batch(live_server, replay=replay)
    else:
        batch = catalog_batch(live_server)
        assert write(live_server, batch, how, {"replay": replay}).status_code == 200
    assert read(live_server, "batches", batch)["replay"] == replay


def test_a_batch_naming_what_was_deleted_since_can_still_be_written(live_server: LiveServer) -> None:
    dataset = new_dataset(live_server)
    gone = catalog_batch(live_server)
    batch = catalog_batch(
        live_server, relatedObjects=[{"type": "dataSet", "id": dataset}], replay={"predecessors": [gone]}
    )
    assert call(live_server, "DELETE", f"{CATALOG}/dataSets/{dataset}").status_code == 200
    assert call(live_server, "DELETE", f"{CATALOG}/batches/{gone}").status_code == 200
    for how in WRITES:  # only what a write adds is checked
        kept = {"relatedObjects": [{"type": "dataSet", "id": dataset}], "replay": {"predecessors": [gone]}}
        answer = write(live_server, batch, how, {**kept, "tags": {"how": [how]}})
        assert answer.status_code == 200, (how, answer.text)
    assert read(live_server, "batches", batch)["tags"] == {"how": ["JSON Patch"]}


# --- tags -------------------------------------------------------------------------------------

SCALAR_TAGS = {
    "acp_enableErrorDiagnostics": True,
    "acp_partialIngestionPercent": 5,
    "note": "x",
    "team": ["a"],
}


def test_batch_tags_hold_scalars_as_adobes_example_batches_do(live_server: LiveServer) -> None:
    batch = catalog_batch(live_server, tags=SCALAR_TAGS)
    assert read(live_server, "batches", batch)["tags"] == SCALAR_TAGS
    for how in WRITES:
        answer = write(live_server, batch, how, {"tags": {**SCALAR_TAGS, "ratio": 0.5, "how": how}})
        assert answer.status_code == 200, (how, answer.text)
    assert read(live_server, "batches", batch)["tags"] == {**SCALAR_TAGS, "ratio": 0.5, "how": "JSON Patch"}
    ingested = ingest_create(live_server, tags=SCALAR_TAGS)
    assert ingested.status_code == 201 and ingested.json()["tags"] == SCALAR_TAGS


@pytest.mark.parametrize("value", [{"a": 1}, None, [1, 2], [["x"]]])
def test_a_tag_value_is_an_array_of_strings_or_one_scalar(live_server: LiveServer, value: Any) -> None:
    batch = catalog_batch(live_server)
    for answer in (
        call(live_server, "PATCH", f"{CATALOG}/batches/{batch}", json={"tags": {"bad": value}}),
        ingest_create(live_server, tags={"bad": value}),
    ):
        assert answer.status_code == 400, answer.text
        (message,) = answer.json()["errors"]["tags.bad.value"]
        assert message.endswith(f"Sent: {json.dumps(value)}."), message
    assert read(live_server, "batches", batch)["tags"] == {}


def test_a_helper_or_an_imported_state_may_hold_scalar_tags(live_server: LiveServer) -> None:
    mock = MockCatalog(live_server.app, live_server)
    added = mock.add_batch(WEB_EVENTS, tags=SCALAR_TAGS)
    assert read(live_server, "batches", added)["tags"] == SCALAR_TAGS
    state = requests.get(f"{live_server.url}/__admin/state", timeout=10).json()
    (some_batch, *_) = state["batches"]
    state["batches"][some_batch]["tags"] = {"acp_partialIngestionPercent": 10}
    imported = requests.put(f"{live_server.url}/__admin/state", json=state, timeout=10)
    assert imported.status_code == 200, imported.text
    assert read(live_server, "batches", some_batch)["tags"] == {"acp_partialIngestionPercent": 10}


def test_an_ingest_create_shows_diagnostics_and_tolerance_as_tags(live_server: LiveServer) -> None:
    body = {"enableErrorDiagnostics": True, "partialIngestionPercentage": 5, "tags": {"team": ["a"]}}
    made = ingest_create(live_server, **body).json()
    expected = {"team": ["a"], "acp_enableErrorDiagnostics": True, "acp_partialIngestionPercent": 5}
    assert made["tags"] == expected and read(live_server, "batches", made["id"])["tags"] == expected
    assert ingest_create(live_server).json()["tags"] == {}


def test_partial_ingestion_percentage_reads_back_as_sent(live_server: LiveServer) -> None:
    made = ingest_create(live_server, partialIngestionPercentage=5)
    batch = made.json()["id"]
    assert '"partialIngestionPercentage":5,' in made.text.replace(" ", "")  # 5, not 5.0
    shown = call(
        live_server, "GET", f"{CATALOG}/batches/{batch}", params={"properties": "partialIngestionPercentage"}
    )
    assert shown.json()[batch] == {"partialIngestionPercentage": 5} and "5.0" not in shown.text
    for sent in (10, 2.5):
        assert (
            write(live_server, batch, "merge PATCH", {"partialIngestionPercentage": sent}).status_code == 200
        )
        value = read(live_server, "batches", batch)["partialIngestionPercentage"]
        assert value == sent and type(value) is type(sent)


# --- inputFormat ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("charset", "UTF-16"),
        ("charset", ""),
        ("delimiter", 5),
        ("quote", True),
        ("escape", ["\\"]),
        ("nullMarker", 0),
    ],
)
def test_input_format_options_have_adobes_types(live_server: LiveServer, name: str, value: Any) -> None:
    batch = catalog_batch(live_server)
    before = read(live_server, "batches", batch)
    input_format = {"format": "csv", name: value}
    answers = {
        "ingest create": ingest_create(live_server, inputFormat=input_format),
        "Catalog create": call(
            live_server, "POST", f"{CATALOG}/batches", json={"status": "loading", "inputFormat": input_format}
        ),
        "merge PATCH": write(live_server, batch, "merge PATCH", {"inputFormat": input_format}),
        "PUT": write(live_server, batch, "PUT", {"inputFormat": input_format}),
    }
    for how, answer in answers.items():
        assert answer.status_code == 400, (how, answer.text)
        (message,) = answer.json()["errors"][f"inputFormat.{name}"]
        assert message.endswith(f"Sent: {json.dumps(value)}."), (how, message)
    assert read(live_server, "batches", batch) == before


@pytest.mark.parametrize("charset", ["US-ASCII", "UTF-8", "ISO-8859-1"])
def test_the_three_documented_charsets_and_string_options_are_taken(
    live_server: LiveServer, charset: str
) -> None:
    input_format = {
        "format": "csv",
        "charset": charset,
        "delimiter": ";",
        "quote": "'",
        "escape": "\\",
        "nullMarker": "NA",
        "header": True,
    }
    made = ingest_create(live_server, inputFormat=input_format)
    assert made.status_code == 201, made.text
    assert read(live_server, "batches", made.json()["id"])["inputFormat"] == input_format


# --- what processing writes --------------------------------------------------------------------


def test_a_successful_batch_counts_files_and_records_in_metrics(live_server: LiveServer) -> None:
    dataset = new_dataset(live_server)
    batch = ingest(
        live_server,
        dataset,
        {"a.json": GOOD_AND_BAD, "b.json": b'{"id": 3}\n'},
        partialIngestionPercentage=50,
    )
    read_back = read(live_server, "batches", batch)
    assert read_back["status"] == "success"
    metrics = read_back["metrics"]
    assert {
        name: metrics[name]
        for name in ("inputFileCount", "inputRecordCount", "outputRecordCount", "failedRecordCount")
    } == {
        "inputFileCount": 2,
        "inputRecordCount": 4,
        "outputRecordCount": 3,
        "failedRecordCount": 1,
    }
    assert metrics["failedRecordCount"] == read_back["failedRecordCount"]
    assert metrics["outputRecordCount"] == read_back["recordCount"] == metrics["outputRecordSize"]
    assert {"inputByteSize", "inputRecordSize", "outputByteSize", "partitionCount"} <= set(metrics)


def test_a_failed_batch_says_where_its_failed_rows_are_read(live_server: LiveServer) -> None:
    dataset = new_dataset(live_server)
    failed = ingest(live_server, dataset, {"a.json": GOOD_AND_BAD})
    read_back = read(live_server, "batches", failed)
    location = f"{EXPORT}/batches/{failed}/failed"
    assert read_back["status"] == "failed" and read_back["failedBatchLocation"] == location
    listed = call(live_server, "GET", location)
    assert listed.status_code == 200 and [item["name"] for item in listed.json()["data"]] == ["parse_errors"]
    succeeded = ingest(live_server, dataset, {"a.json": b'{"id": 1}\n'})
    assert "failedBatchLocation" not in read(live_server, "batches", succeeded)
    loading = catalog_batch(live_server)
    assert call(live_server, "POST", f"{IMPORT}/batches/{loading}?action=FAIL").status_code == 200
    assert (
        read(live_server, "batches", loading)["failedBatchLocation"] == f"{EXPORT}/batches/{loading}/failed"
    )


def test_only_the_mock_sets_failed_batch_location(live_server: LiveServer) -> None:
    made = catalog_batch(live_server, failedBatchLocation="s3://mine")
    assert "failedBatchLocation" not in read(live_server, "batches", made)  # a client's value is dropped
    failed = ingest(live_server, new_dataset(live_server), {"a.json": b"not json\n"})
    location = read(live_server, "batches", failed)["failedBatchLocation"]
    for how in ("PUT", "merge PATCH"):
        assert write(live_server, failed, how, {"failedBatchLocation": "s3://elsewhere"}).status_code == 200
        assert read(live_server, "batches", failed)["failedBatchLocation"] == location
    before = read(live_server, "batches", failed)
    patched = write(live_server, failed, "JSON Patch", {"failedBatchLocation": "s3://elsewhere"})
    assert patched.status_code == 400
    assert patched.json()["errors"] == {
        "failedBatchLocation": [
            'Set by the service; a write keeps its value. Sent: add /failedBatchLocation "s3://elsewhere".'
        ]
    }
    assert read(live_server, "batches", failed) == before


def test_dataset_files_carry_their_id_and_their_datasets_view(live_server: LiveServer) -> None:
    dataset, other = new_dataset(live_server), new_dataset(live_server)
    view = read(live_server, "dataSets", dataset)["viewId"]
    assert re.fullmatch(r"[0-9a-f]{24}", view) and view != read(live_server, "dataSets", other)["viewId"]
    batch = ingest(live_server, dataset, {"a.json": b'{"id": 1}\n', "b.json": b'{"id": 2}\n'})
    files = call(live_server, "GET", f"{CATALOG}/dataSetFiles", params={"batchId": batch}).json()
    assert list(files) == [f"{batch}-1", f"{batch}-2"]
    assert [(f["id"], f["dataSetViewId"]) for f in files.values()] == [(file_id, view) for file_id in files]
    by_id = call(live_server, "GET", f"{CATALOG}/dataSetFiles/{batch}-1").json()[f"{batch}-1"]
    assert by_id["id"] == f"{batch}-1" and by_id["dataSetViewId"] == view
    listed = call(live_server, "GET", f"{EXPORT}/batches/{batch}/files").json()["data"]
    assert [(item["dataSetFileId"], item["dataSetViewId"]) for item in listed] == [
        (file_id, view) for file_id in files
    ]
    shown = call(live_server, "GET", f"{CATALOG}/dataSetFiles", params={"dataSetViewId": view}).json()
    assert list(shown) == list(files)  # a field like any other: a filter too


def test_a_datasets_view_is_the_services_to_name(live_server: LiveServer) -> None:
    dataset = new_dataset(live_server, viewId="mine")
    view = read(live_server, "dataSets", dataset)["viewId"]
    assert view != "mine"
    assert (
        call(live_server, "PATCH", f"{CATALOG}/dataSets/{dataset}", json={"viewId": "mine"}).status_code
        == 200
    )
    assert read(live_server, "dataSets", dataset)["viewId"] == view
    replace = [{"op": "replace", "path": "/viewId", "value": "mine"}]
    refused = call(
        live_server, "PATCH", f"{CATALOG}/dataSets/{dataset}", data=json.dumps(replace), headers=JSON_PATCH
    )
    assert refused.status_code == 400 and "viewId" in refused.json()["errors"]


def test_files_of_a_snapshot_dataset_name_the_view_it_came_with(live_server: LiveServer) -> None:
    mock = MockCatalog(live_server.app, live_server)
    dataset = mock.add_dataset(viewId="5ab54170864cf0267448ead5")  # as read from a real sandbox
    batch = ingest(live_server, dataset, {"a.json": b'{"id": 1}\n'})
    listed = call(live_server, "GET", f"{EXPORT}/batches/{batch}/files").json()["data"]
    assert [item["dataSetViewId"] for item in listed] == ["5ab54170864cf0267448ead5"]


# --- fields a client writes, and fields the mock fills -----------------------------------------


DATES = {"startDate": 1700000000, "endDate": 1700086400}  # seconds, as Adobe's batches count them
ERRORS = [{"code": "1401", "rows": ["1", "3-5"], "description": "bad"}]
RELATED = [
    {"type": "dataSet", "id": WEB_EVENTS, "tag": "input", "status": "x", "errors": [], "metrics": {"n": 1}}
]


@pytest.mark.parametrize(
    ("name", "good", "bad", "where"),
    [
        ("availableDates", DATES, {"startDate": "abc"}, "availableDates.startDate"),
        ("errors", ERRORS, [{"code": 5}], "errors.0.code"),
        ("relatedObjects", RELATED, [{"type": "dataSet"}], "relatedObjects.0.id"),
        ("replay", {"predecessors": [], "reason": "restated"}, {"reason": "r" * 1001}, "replay.reason"),
        ("started", 1700000000000, "soon", "started"),
        ("completed", 1700000000001, "later", "completed"),
        ("recordCount", 7, "7", "recordCount"),
        ("failedRecordCount", 1, 1.5, "failedRecordCount"),
        ("size", 1024, "1 KB", "size"),
        ("status", "staged", "bogus", "status"),
    ],
)  # fmt: skip
def test_a_batchs_own_fields_are_kept_when_adobes_types_hold(
    live_server: LiveServer, name: str, good: Any, bad: Any, where: str
) -> None:
    batch = catalog_batch(live_server)
    assert write(live_server, batch, "merge PATCH", {name: good}).status_code == 200
    kept = read(live_server, "batches", batch)
    assert kept[name] == good
    refused = write(live_server, batch, "merge PATCH", {name: bad})
    assert refused.status_code == 400 and where in refused.json()["errors"], refused.text
    assert read(live_server, "batches", batch) == kept


def test_a_batch_names_who_made_it_and_who_changed_it(live_server: LiveServer) -> None:
    made = ingest_create(live_server, externalId="ext-1").json()
    assert (made["createdClient"], made["createdUser"], made["updatedUser"]) == (
        "test-client",
        "test-client@techacct.adobe.com",
        "test-client@techacct.adobe.com",
    )
    assert made["externalId"] == "ext-1" and made["version"] == "1.0.0" and made["created"] == made["updated"]
    other = {**make_credentials(api_key="other-client"), "Content-Type": "application/json"}
    url = f"{live_server.url}{CATALOG}/batches/{made['id']}"
    assert requests.patch(url, data='{"tags": {}}', headers=other, timeout=10).status_code == 200
    changed = read(live_server, "batches", made["id"])
    assert (changed["createdClient"], changed["updatedUser"], changed["version"]) == (
        "test-client",
        "other-client@techacct.adobe.com",
        "1.0.1",
    )


def test_a_dataset_file_is_made_by_the_platform_when_its_batch_completes(live_server: LiveServer) -> None:
    dataset = new_dataset(live_server)
    batch = ingest(live_server, dataset, {"a.json": b'{"id": 1}\n{"id": 2}\n'})
    completed = read(live_server, "batches", batch)
    dataset_file = read(live_server, "dataSetFiles", f"{batch}-1")
    assert {key: dataset_file[key] for key in ("batchId", "dataSetId", "records", "size", "isValid")} == {
        "batchId": batch,
        "dataSetId": dataset,
        "records": 2,
        "size": len(b'{"id": 1}\n{"id": 2}\n'),
        "isValid": True,
    }
    assert (dataset_file["createdClient"], dataset_file["createdUser"], dataset_file["updatedUser"]) == (
        "acp_foundation_catalog",
        "acp_foundation_catalog@AdobeID",
        "acp_foundation_catalog@AdobeID",
    )
    assert dataset_file["created"] == dataset_file["updated"] == completed["completed"]
    assert dataset_file["version"] == "1.0.0" and dataset_file["imsOrg"] == completed["imsOrg"]
    assert dataset_file["sandboxId"] == completed["sandboxId"]
    assert not {"availableDates", "folderName", "sampleParent"} & set(dataset_file)  # optional: not made
    (item,) = call(live_server, "GET", f"{EXPORT}/batches/{batch}/files").json()["data"]
    assert {key: item[key] for key in ("version", "created", "updated", "records", "size")} == {
        key: str(dataset_file[key]) for key in ("version", "created", "updated", "records", "size")
    }  # Data Access shows the same figures, as strings
