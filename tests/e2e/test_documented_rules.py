"""The headers, stated limits and troubleshooting rows of Adobe's material that no other test
showed, as the mock answers them. Each test names its rows of the fidelity audit (H = headers,
L = limits, T = troubleshooting). A test named ``not_built`` pins a rule the mock
does not enforce yet: when the rule is built, that test fails and gives way to one of the rule."""

from __future__ import annotations

import gzip
import http.client
import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mockcatalog import create_app
from mockcatalog.server import LiveServer

from ..conftest import GLOBEX, make_credentials
from .conftest import Serve

pytestmark = pytest.mark.e2e

CATALOG, IMPORT, EXPORT = "/data/foundation/catalog", "/data/foundation/import", "/data/foundation/export"
WEB_EVENTS = "6ac98000f2a74de452e6b438"  # packaged, no schema held
LOYALTY = "6acc23000c5c7fd0a6a3a450"  # packaged, a hierarchical schema (loyalty-txn)
OCTET = {"Content-Type": "application/octet-stream"}


def new_dataset(client: FlaskClient, **fields: Any) -> str:
    made = client.post(f"{CATALOG}/dataSets", json={"name": "rules", **fields}, headers=make_credentials())
    assert made.status_code == 201, made.text
    return str(made.get_json()[0]).rsplit("/", 1)[-1]


def new_batch(client: FlaskClient, dataset: str = WEB_EVENTS, fmt: str = "json") -> str:
    body = {"datasetId": dataset, "inputFormat": {"format": fmt}}
    made = client.post(f"{IMPORT}/batches", json=body, headers=make_credentials())
    assert made.status_code == 201, made.text
    return str(made.get_json()["id"])


def upload(
    client: FlaskClient, batch: str, data: bytes, path: str = "a.json", dataset: str = WEB_EVENTS
) -> TestResponse:
    url = f"{IMPORT}/batches/{batch}/datasets/{dataset}/files/{path}"
    return client.put(url, data=data, headers={**make_credentials(), **OCTET})


def action(client: FlaskClient, batch: str, name: str) -> TestResponse:
    return client.post(f"{IMPORT}/batches/{batch}?action={name}", headers=make_credentials())


def read_batch(client: FlaskClient, batch: str) -> dict[str, Any]:
    answer = client.get(f"{CATALOG}/batches/{batch}", headers=make_credentials())
    return dict(answer.get_json()[batch])


def ingest(
    client: FlaskClient, data: bytes, path: str = "a.json", fmt: str = "json", dataset: str = WEB_EVENTS
) -> dict[str, Any]:
    """One batch: ``data`` uploaded as ``path``, completed, read back."""
    batch = new_batch(client, dataset, fmt)
    assert upload(client, batch, data, path, dataset).status_code == 200
    assert action(client, batch, "COMPLETE").status_code == 200
    return read_batch(client, batch)


def catalog_batch(client: FlaskClient, status: str) -> TestResponse:
    """A batch a Catalog producer writes with ``status``, related to Web Events."""
    body = {"status": status, "relatedObjects": [{"type": "dataSet", "id": WEB_EVENTS}]}
    return client.post(f"{CATALOG}/batches", json=body, headers=make_credentials())


def raw(server: LiveServer, path: str, headers: list[tuple[str, str]]) -> tuple[int, bytes]:
    """GET ``path`` with ``headers`` sent as given (a name may repeat), through ``http.client``."""
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        connection.putrequest("GET", path)
        for name, value in headers:
            connection.putheader(name, value)
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


# --- headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "other"),
    [("x-api-key", "another-client"), ("Authorization", "Bearer other"), ("x-sandbox-name", "dev")],
)
def test_h6_a_credential_header_twice_counts_once_if_equal_and_is_a_400_if_not(
    live_server: LiveServer, name: str, other: str
) -> None:
    sent = list({**make_credentials(), "x-sandbox-name": "prod"}.items())
    value = dict(sent)[name]
    once = raw(live_server, f"{CATALOG}/dataSets", sent)
    twice = raw(live_server, f"{CATALOG}/dataSets", [*sent, (name, value)])
    assert once[0] == twice[0] == 200 and json.loads(twice[1]) == json.loads(once[1]) != {}
    status, body = raw(live_server, f"{CATALOG}/dataSets", [*sent, (name, other)])
    refused = json.loads(body)
    assert status == 400 and refused["title"] == "BadRequestError"
    assert name.lower() in refused["detail"].lower() and "2 different values" in refused["detail"]


def test_h11_the_catalog_answers_json_whatever_accept_says(client: FlaskClient) -> None:
    plain = client.get(f"{CATALOG}/dataSets", headers=make_credentials())
    for accept in ("application/xml", "text/csv"):
        answer = client.get(f"{CATALOG}/dataSets", headers={**make_credentials(), "Accept": accept})
        assert answer.status_code == 200 and answer.mimetype == "application/json"
        assert answer.get_json() == plain.get_json()


def test_h12_the_app_called_in_process_never_compresses(client: FlaskClient) -> None:
    """gzip is the served mock's (LiveServer: test_headers.py; ``serve``: below); an in-process
    caller gets plain JSON even when it asks for gzip."""
    answer = client.get(
        f"{CATALOG}/batches?limit=20", headers={**make_credentials(), "Accept-Encoding": "gzip"}
    )
    assert answer.status_code == 200 and "Content-Encoding" not in answer.headers
    assert len(answer.data) > 1024 and answer.get_json()


def test_h12_mockcatalog_serve_compresses_what_it_serves(serve: Serve) -> None:
    parts = urlsplit(serve())
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        connection.request(
            "GET", f"{CATALOG}/batches?limit=20", headers={**make_credentials(), "Accept-Encoding": "gzip"}
        )
        answer = connection.getresponse()
        body = answer.read()
    finally:
        connection.close()
    assert answer.status == 200 and answer.getheader("Content-Encoding") == "gzip"
    assert int(answer.getheader("Content-Length") or 0) == len(body)
    assert json.loads(gzip.decompress(body))


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_h14_if_none_match_naming_a_batchs_version_writes_nothing(client: FlaskClient, method: str) -> None:
    batch = str(catalog_batch(client, "loading").get_json()[0]).rsplit("/", 1)[-1]
    url = f"{CATALOG}/batches/{batch}"
    version = client.get(url, headers=make_credentials()).headers["ETag"]
    for refused in (version, "*"):
        headers = {**make_credentials(), "If-None-Match": refused}
        answer = client.open(url, method=method, json={"tags": {"a": ["b"]}}, headers=headers)
        assert answer.status_code == 412 and "If-None-Match" in answer.get_json()["errors"]
    assert client.get(url, headers=make_credentials()).headers["ETag"] == version
    headers = {**make_credentials(), "If-None-Match": '"9.9.9"'}
    assert client.open(url, method=method, json={"tags": {"a": ["b"]}}, headers=headers).status_code == 200
    assert client.get(url, headers=make_credentials()).headers["ETag"] != version


def test_h16_only_catalog_creates_say_where_the_object_is(client: FlaskClient) -> None:
    body = {"datasetId": WEB_EVENTS, "inputFormat": {"format": "json"}}
    ingestion = client.post(f"{IMPORT}/batches", json=body, headers=make_credentials())
    assert ingestion.status_code == 201 and "Location" not in ingestion.headers  # the ingest spec has none
    assert catalog_batch(client, "loading").headers["Location"].startswith(f"{CATALOG}/batches/")


def test_h19_l3_properties_and_order_by_may_be_headers_and_the_query_wins(client: FlaskClient) -> None:
    url = f"{CATALOG}/batches?limit=5"
    projected = client.get(url, headers={**make_credentials(), "properties": "status"}).get_json()
    assert projected and all(set(batch) == {"status"} for batch in projected.values())
    both = client.get(f"{url}&properties=created", headers={**make_credentials(), "properties": "status"})
    assert all(set(batch) == {"created"} for batch in both.get_json().values())
    ascending = list(client.get(f"{url}&orderBy=asc:created", headers=make_credentials()).get_json())
    descending = list(client.get(f"{url}&orderBy=desc:created", headers=make_credentials()).get_json())
    assert ascending != descending
    by_header = client.get(url, headers={**make_credentials(), "orderBy": "asc:created"}).get_json()
    assert list(by_header) == ascending
    query_wins = client.get(
        f"{url}&orderBy=desc:created", headers={**make_credentials(), "orderBy": "asc:created"}
    )
    assert list(query_wins.get_json()) == descending
    for _ in range(21):  # L3: observableSchema asked for by header is metered too
        new_dataset(client, observableSchema={})
    metered = {**make_credentials(), "properties": "observableSchema"}
    assert len(client.get(f"{CATALOG}/dataSets?limit=50", headers=metered).get_json()) == 20
    assert len(client.get(f"{CATALOG}/dataSets?limit=50", headers=make_credentials()).get_json()) > 20


def test_h20_a_part_needs_a_content_range_in_bytes(client: FlaskClient) -> None:
    batch = new_batch(client)
    url = f"{IMPORT}/batches/{batch}/datasets/{WEB_EVENTS}/files/big.json"
    assert client.post(f"{url}?action=INITIALIZE", headers=make_credentials()).status_code == 201
    for content_range, says in ((None, "Missing data"), ("100-149", "Must match")):
        headers = {
            **make_credentials(),
            **OCTET,
            **({"Content-Range": content_range} if content_range else {}),
        }
        refused = client.patch(url, data=b"x" * 50, headers=headers)
        assert refused.status_code == 400 and says in refused.get_json()["errors"]["content-range"][0]
    taken = client.patch(
        url, data=b"x" * 50, headers={**make_credentials(), **OCTET, "Content-Range": "bytes 100-149"}
    )
    assert taken.status_code == 200 and taken.headers["Range"] == "bytes 100-149"


def test_h26_h28_cache_control_and_request_ids_change_nothing(client: FlaskClient) -> None:
    plain = client.get(f"{CATALOG}/batches?limit=3", headers=make_credentials())
    extra = {**make_credentials(), "Cache-Control": "no-cache", "x-request-id": "abc-123"}
    answer = client.get(f"{CATALOG}/batches?limit=3", headers=extra)
    assert (answer.status_code, answer.get_json()) == (200, plain.get_json())
    assert "abc-123" not in str(answer.headers)  # read nowhere, echoed nowhere
    batch = ingest(client, b'{"id": 1}\n')["id"]
    download = client.get(f"{EXPORT}/files/{batch}-1?path=a.json", headers=extra)
    assert download.status_code == 200 and download.data == b'{"id": 1}\n'
    assert "Content-Disposition" not in download.headers and "abc-123" not in str(download.headers)


def test_h29_an_unknown_path_under_a_base_path_is_a_404_before_any_credential(client: FlaskClient) -> None:
    answer = client.get(f"{CATALOG}/nonsense")
    assert answer.status_code == 404 and answer.get_json()["title"] == "Not Found"
    assert "error_code" not in answer.get_json()  # the service's body, not the gateway's


# --- limits -------------------------------------------------------------------------------------


def test_l1_a_catalog_list_without_limit_holds_20(client: FlaskClient) -> None:
    for _ in range(25):
        new_dataset(client)
    url = f"{CATALOG}/dataSets"
    assert len(client.get(url, headers=make_credentials()).get_json()) == 20
    assert len(client.get(f"{url}?start=4", headers=make_credentials()).get_json()) == 20
    assert len(client.get(f"{url}?limit=100", headers=make_credentials()).get_json()) > 25


def test_l5_a_batch_holds_at_most_1500_files(client: FlaskClient) -> None:
    batch = new_batch(client)
    statuses = {
        upload(client, batch, b'{"id": 1}\n', f"p{number}.json").status_code for number in range(1500)
    }
    assert statuses == {200}
    refused = upload(client, batch, b'{"id": 1}\n', "one-more.json")
    assert refused.status_code == 400 and "1500" in refused.get_json()["errors"]["filePath"][0]
    large = f"{IMPORT}/batches/{batch}/datasets/{WEB_EVENTS}/files/big.json?action=INITIALIZE"
    assert client.post(large, headers=make_credentials()).status_code == 400  # a large file counts too
    assert upload(client, batch, b'{"id": 2}\n', "p7.json").status_code == 200  # replacing adds none
    assert action(client, batch, "COMPLETE").status_code == 200
    assert (read_batch(client, batch)["status"], read_batch(client, batch)["recordCount"]) == (
        "success",
        1500,
    )


@pytest.mark.parametrize("dataset", [WEB_EVENTS, LOYALTY])  # kept as sent; checked by a schema
def test_l7_a_row_of_more_than_10000_fields_is_refused(client: FlaskClient, dataset: str) -> None:
    """Adobe caps a row at 10,000 fields, nested ones counted: a row past it is refused (error 1401,
    a row that cannot be taken), one at it is not."""
    flat = {f"f{number}": number for number in range(10_001)}
    nested = {
        "a": {f"f{number}": number for number in range(5_000)},
        "b": [{f"g{n}": n for n in range(5_000)}],
    }
    at_limit = {f"f{number}": number for number in range(9_999)}  # and `_id` below: 10,000
    rows = [{**row, "_id": "x"} for row in (flat, nested, at_limit)]
    batch_id = new_batch(client, dataset)
    assert (
        upload(
            client, batch_id, b"".join(json.dumps(row).encode() + b"\n" for row in rows), dataset=dataset
        ).status_code
        == 200
    )
    assert action(client, batch_id, "COMPLETE").status_code == 200
    batch = read_batch(client, batch_id)
    assert batch["status"] == "failed" and batch["failedRecordCount"] >= 2
    refused = next(error for error in batch["errors"] if error["code"] == "1401")
    assert refused["rows"] == ["1", "2"]  # the row at the limit is not one of them


def test_l8_not_built_batches_are_not_rate_limited(client: FlaskClient) -> None:
    """Adobe states 138 batches a minute per user, with no documented answer past it."""
    body = {"datasetId": WEB_EVENTS, "inputFormat": {"format": "json"}}
    statuses = {
        client.post(f"{IMPORT}/batches", json=body, headers=make_credentials()).status_code
        for _ in range(139)
    }
    assert statuses == {201}


def test_l13_a_data_access_page_may_hold_more_than_100(client: FlaskClient) -> None:
    batch = ingest(client, b'{"id": 1}\n')["id"]
    for limit in (101, 500):
        page = client.get(f"{EXPORT}/batches/{batch}/files?limit={limit}", headers=make_credentials())
        assert page.status_code == 200 and page.get_json()["_page"] == {"limit": limit, "count": 1}
    assert (
        client.get(f"{EXPORT}/batches/{batch}/files?limit=0", headers=make_credentials()).status_code == 400
    )


def test_l14_a_dataset_preview_is_its_first_100_rows(client: FlaskClient) -> None:
    dataset = new_dataset(client)
    rows = b"".join(json.dumps({"id": number}).encode() + b"\n" for number in range(150))
    assert ingest(client, rows, dataset=dataset)["recordCount"] == 150
    preview = client.get(f"{EXPORT}/datasets/{dataset}/preview", headers=make_credentials()).get_json()
    assert preview["data"] == [{"id": number} for number in range(100)]


def test_l18_not_built_identity_values_are_not_checked(client: FlaskClient) -> None:
    """Adobe skips a record whose ECID is not 38 digits or whose other id is over 1024 characters;
    the mock has no identity namespaces."""
    identities = {"ECID": [{"id": "123abc"}], "Email": [{"id": "x" * 1025}]}
    batch = ingest(client, json.dumps({"identityMap": identities}).encode() + b"\n")
    assert (batch["status"], batch["recordCount"]) == ("success", 1)


# --- troubleshooting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "aborts"),
    [("queued", True), ("retrying", True), ("stalled", True), ("staged", True), ("loaded", False)],
)
def test_t3_t16_complete_again_changes_nothing_and_abort_cancels_until_loaded(
    client: FlaskClient, status: str, aborts: bool
) -> None:
    batch = str(catalog_batch(client, status).get_json()[0]).rsplit("/", 1)[-1]
    completed = action(client, batch, "COMPLETE")
    assert (completed.status_code, completed.data) == (200, b"")
    assert read_batch(client, batch)["status"] == status
    aborted = action(client, batch, "ABORT")
    assert aborted.status_code == (200 if aborts else 400)
    assert read_batch(client, batch)["status"] == ("aborted" if aborts else status)


def test_t9_nothing_reaches_the_dataset_before_complete(client: FlaskClient) -> None:
    batch = new_batch(client)
    assert upload(client, batch, b'{"id": 1}\n').status_code == 200
    files = f"{CATALOG}/dataSetFiles?batchId={batch}"
    assert client.get(files, headers=make_credentials()).get_json() == {}
    assert client.get(f"{EXPORT}/batches/{batch}/files", headers=make_credentials()).get_json()["data"] == []
    action(client, batch, "COMPLETE")
    assert list(client.get(files, headers=make_credentials()).get_json()) == [f"{batch}-1"]


def test_t11_csv_into_a_hierarchical_schema_is_promoted_unchecked(client: FlaskClient) -> None:
    csv = b"_acme.loyalty.points,_acme.loyalty.tier\nnot a number,not a tier\n"
    batch = ingest(client, csv, "a.csv", "csv", LOYALTY)
    assert (batch["status"], batch["recordCount"], batch["failedRecordCount"]) == ("success", 1, 0)


@pytest.mark.parametrize("status", ["archived", "retained", "abandoned", "deleted"])
def test_t15_t18_states_of_the_state_table_are_taken_and_no_action_applies(
    client: FlaskClient, status: str
) -> None:
    made = catalog_batch(client, status)
    assert made.status_code == 201, made.text
    batch = str(made.get_json()[0]).rsplit("/", 1)[-1]
    assert read_batch(client, batch)["status"] == status
    for name in ("COMPLETE", "ABORT", "FAIL", "REVERT"):
        refused = action(client, batch, name)
        assert refused.status_code == 400 and repr(status) in refused.get_json()["detail"], name
    other = str(catalog_batch(client, "success").get_json()[0]).rsplit("/", 1)[-1]
    patched = client.patch(f"{CATALOG}/batches/{other}", json={"status": status}, headers=make_credentials())
    assert patched.status_code == 200 and read_batch(client, other)["status"] == status


def test_t21_t24_csv_over_http_blank_header_is_118_and_no_metrics(client: FlaskClient) -> None:
    blank = ingest(client, b"\n1,a\n2,b\n", "a.csv", "csv")
    assert blank["status"] == "failed" and [error["code"] for error in blank["errors"]] == ["118"]
    assert "header row is empty" in blank["errors"][0]["description"]
    legacy = ingest(client, b"id,name\n1,a\n2,b\n", "a.csv", "csv")
    assert (legacy["status"], legacy["recordCount"]) == ("success", 2) and "metrics" not in legacy
    modern = ingest(client, b'{"id": 1}\n')
    assert modern["status"] == "success" and modern["metrics"]["outputRecordCount"] == 1


def test_t28_strict_auth_refuses_another_clients_key_and_t29_is_not_built() -> None:
    """Adobe's FAQ: 403003 for an invalid API key, 403025 for a token not entitled to the org. With
    strict auth the key must be the client the token was issued to; the mock keeps no entitlements
    between clients and organizations, so any organization is taken."""
    client = create_app({"seed": 1, "strict_auth": True}).test_client()
    issued = client.post(
        "/ims/token/v3",
        data={
            "grant_type": "client_credentials",
            "client_id": "client-A",
            "client_secret": "s",
            "scope": "openid",
        },
    )
    token = f"Bearer {issued.get_json()['access_token']}"
    url = f"{CATALOG}/dataSets?limit=1"
    assert (
        client.get(url, headers={**make_credentials(), "Authorization": "Bearer never-issued"}).status_code
        == 401
    )
    assert (
        client.get(url, headers={**make_credentials(api_key="client-A"), "Authorization": token}).status_code
        == 200
    )
    wrong_key = client.get(url, headers={**make_credentials(api_key="client-B"), "Authorization": token})
    assert wrong_key.status_code == 403
    assert wrong_key.get_json() == {"error_code": "403003", "message": "Api Key is invalid"}
    other_org = {**make_credentials(GLOBEX, api_key="client-A"), "Authorization": token}
    assert client.get(url, headers=other_org).status_code == 200


def test_t30_every_400_of_a_service_is_titled_bad_request_error(client: FlaskClient) -> None:
    creds = make_credentials()
    batch = new_batch(client)
    refusals = [
        client.post(f"{CATALOG}/dataSets", data=b'{"name": "x"}', headers=creds),  # no Content-Type
        client.post(f"{CATALOG}/dataSets", data=b"{", headers={**creds, "Content-Type": "application/json"}),
        client.post(f"{CATALOG}/dataSets", json={"name": "x", "tags": "no"}, headers=creds),
        client.get(f"{CATALOG}/batches?limit=0", headers=creds),
        client.get(f"{CATALOG}/dataSets", headers={**creds, "x-sandbox-name": "Prod"}),
        client.head(f"{EXPORT}/files/{batch}-1", headers=creds),
        action(client, batch, "NOPE"),
        upload(client, batch, b"{}", "a//b.json"),
    ]
    assert [answer.status_code for answer in refusals] == [400] * len(refusals)
    bodies = [answer.get_json() for answer in refusals if answer.request.method != "HEAD"]
    assert {(body["type"], body["title"]) for body in bodies} == {
        ("/placeholder/type/uri", "BadRequestError")
    }
    missing = client.post(f"{CATALOG}/dataSets", data=b"{}", headers=creds).get_json()
    assert missing["detail"] == "A valid content-type must be specified"  # the FAQ's example, whole
    stale = client.patch(
        f"{CATALOG}/dataSets/{WEB_EVENTS}", json={"name": "y"}, headers={**creds, "If-Match": "0.0.9"}
    )
    assert (stale.status_code, stale.get_json()["title"]) == (
        412,
        "Precondition Failed",
    )  # no documented title
    no_org = client.get(
        f"{CATALOG}/dataSets", headers={k: v for k, v in creds.items() if k != "x-gw-ims-org-id"}
    )
    assert no_org.get_json() == {"error_code": "400003", "message": "Missing header"}  # the gateway's shape
    registry = client.get("/data/foundation/schemaregistry/tenant/schemas", headers=creds)
    assert registry.status_code == 400 and registry.get_json()["title"] != "BadRequestError"  # XDM's own


def test_a_replay_may_say_which_predecessors_it_lists(client: FlaskClient) -> None:
    """The 2020 Catalog spec's batch carries ``replay.predecessorListingType`` (ALL or IMMEDIATE):
    a batch read from a real sandbox and written back must be taken."""
    body = {"datasetId": WEB_EVENTS, "inputFormat": {"format": "json"}}
    first = new_batch(client)
    replay = {"predecessors": [first], "reason": "replace", "predecessorListingType": "ALL"}
    made = client.post(f"{IMPORT}/batches", json={**body, "replay": replay}, headers=make_credentials())
    assert made.status_code == 201, made.text
    assert read_batch(client, made.get_json()["id"])["replay"]["predecessorListingType"] == "ALL"
    wrong_replay = {**replay, "predecessorListingType": "SOME"}
    wrong = client.post(
        f"{IMPORT}/batches", json={**body, "replay": wrong_replay}, headers=make_credentials()
    )
    assert (
        wrong.status_code == 400
        and '"SOME"' in wrong.get_json()["errors"]["replay.predecessorListingType"][0]
    )


def test_a_fixture_batch_that_succeeded_has_its_dataset_files(client: FlaskClient) -> None:
    """A packaged batch that succeeded wrote its rows: Catalog lists its dataset file (records and
    size as the batch's), Data Access lists it, and reading its rows says the mock holds none."""
    batches = client.get(f"{CATALOG}/batches?status=success&limit=100", headers=make_credentials()).get_json()
    batch_id, batch = next(iter(batches.items()))
    files = client.get(f"{CATALOG}/dataSetFiles?batchId={batch_id}", headers=make_credentials()).get_json()
    [(file_id, dataset_file)] = files.items()
    related = [ref["id"] for ref in batch["relatedObjects"] if ref["type"] == "dataSet"]
    assert (dataset_file["records"], dataset_file["size"]) == (batch["recordCount"], batch["size"])
    assert dataset_file["dataSetId"] == related[0] and dataset_file["isValid"] is True
    listed = client.get(f"{EXPORT}/batches/{batch_id}/files", headers=make_credentials()).get_json()
    assert [entry["dataSetFileId"] for entry in listed["data"]] == [file_id]
    entries = client.get(f"{EXPORT}/files/{file_id}", headers=make_credentials()).get_json()["data"]
    assert [entry["name"] for entry in entries] == ["part-00000.parquet"] and "length" not in entries[0]
    read = client.get(f"{EXPORT}/files/{file_id}?path=part-00000.parquet", headers=make_credentials())
    assert read.status_code == 404 and read.get_json()["limit"]["name"] == "--max-kept-file-bytes"
    reverted = client.get(f"{CATALOG}/batches?status=inactive", headers=make_credentials()).get_json()
    assert reverted  # the packaged fixtures hold a reverted batch
    for reverted_id in reverted:
        answer = client.get(f"{CATALOG}/dataSetFiles?batchId={reverted_id}", headers=make_credentials())
        assert all(f["isValid"] is False for f in answer.get_json().values())


def test_a_succeeded_batch_loaded_for_one_test_has_its_dataset_files_too(client: FlaskClient) -> None:
    """Fixtures loaded until the next reset (not as baseline) stand for their files as baseline
    ones do; the reset takes both away."""
    batch = {
        "imsOrg": make_credentials()["x-gw-ims-org-id"],
        "status": "success",
        "recordCount": 3,
        "size": 30,
        "relatedObjects": [{"type": "dataSet", "id": WEB_EVENTS}],
    }
    loaded = client.post("/__admin/fixtures", json={"batches": {"LOADED1": batch}, "baseline": False})
    assert loaded.status_code == 201, loaded.text
    files = client.get(f"{CATALOG}/dataSetFiles?batchId=LOADED1", headers=make_credentials()).get_json()
    assert list(files) == ["LOADED1-1"] and files["LOADED1-1"]["records"] == 3
    client.post("/__admin/reset")
    assert client.get(f"{CATALOG}/dataSetFiles?batchId=LOADED1", headers=make_credentials()).get_json() == {}


def test_a_merge_patch_writes_only_what_was_sent(client: FlaskClient) -> None:
    """A PUT starts from a create's defaults; a merge PATCH of a fixture dataset without them adds none."""
    loaded = client.post(
        "/__admin/fixtures",
        json={"dataSets": {"BARE1": {"imsOrg": make_credentials()["x-gw-ims-org-id"], "name": "bare"}}},
    )
    assert loaded.status_code == 201, loaded.text
    assert (
        client.patch(
            f"{CATALOG}/dataSets/BARE1", json={"description": "d"}, headers=make_credentials()
        ).status_code
        == 200
    )
    patched = client.get(f"{CATALOG}/dataSets/BARE1", headers=make_credentials()).get_json()["BARE1"]
    assert patched["description"] == "d" and not {"state", "classification"} & set(patched)
    assert (
        client.put(f"{CATALOG}/dataSets/BARE1", json={"name": "bare"}, headers=make_credentials()).status_code
        == 200
    )
    replaced = client.get(f"{CATALOG}/dataSets/BARE1", headers=make_credentials()).get_json()["BARE1"]
    assert replaced["state"] == "DRAFT" and replaced["classification"] == {"dataBehavior": "time-series"}
