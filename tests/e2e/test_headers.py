"""The headers Adobe's specs and guides name, as the mock answers them through a live server:
preconditions (``If-Match``, ``If-None-Match``), compression, credential headers sent twice, the
gateway's order of refusals, and what errors name."""

from __future__ import annotations

import gzip
import http.client
import json
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from mockcatalog.server import LiveServer

from ..conftest import ACME, GLOBEX, make_credentials

CATALOG = "/data/foundation/catalog"


def new_dataset(server: LiveServer) -> tuple[str, str]:
    """A new dataset's id and its version (what ``ETag`` and the preconditions name)."""
    created = requests.post(
        f"{server.url}{CATALOG}/dataSets",
        json={"name": "preconditions"},
        headers=make_credentials(),
        timeout=10,
    )
    dataset_id = created.json()[0].removeprefix("@/dataSets/")
    read = requests.get(
        f"{server.url}{CATALOG}/dataSets/{dataset_id}", headers=make_credentials(), timeout=10
    )
    return dataset_id, read.headers["ETag"].strip('"')


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_if_none_match_naming_the_current_version_writes_nothing(
    live_server: LiveServer, method: str
) -> None:
    dataset_id, version = new_dataset(live_server)
    url = f"{live_server.url}{CATALOG}/dataSets/{dataset_id}"
    for refused in (f'"{version}"', "*", f"0, {version}"):
        answer = requests.request(
            method,
            url,
            json={"name": "changed"},
            headers={**make_credentials(), "If-None-Match": refused},
            timeout=10,
        )
        assert answer.status_code == 412, (refused, answer.text)
        assert "If-None-Match" in answer.json()["errors"]
        assert refused in answer.json()["errors"]["If-None-Match"][0]
    unchanged = requests.get(url, headers=make_credentials(), timeout=10).json()[dataset_id]
    assert unchanged["name"] == "preconditions" and unchanged["version"] == version
    written = requests.request(
        method,
        url,
        json={"name": "changed"},
        headers={**make_credentials(), "If-None-Match": '"0.0.0-stale"'},
        timeout=10,
    )
    assert written.status_code == 200, written.text
    assert requests.get(url, headers=make_credentials(), timeout=10).json()[dataset_id]["name"] == "changed"


def test_if_match_takes_a_list_of_versions(live_server: LiveServer) -> None:
    dataset_id, version = new_dataset(live_server)
    url = f"{live_server.url}{CATALOG}/dataSets/{dataset_id}"
    stale = requests.patch(
        url, json={"name": "x"}, headers={**make_credentials(), "If-Match": '"0.8.0", "0.9.0"'}, timeout=10
    )
    assert stale.status_code == 412 and "0.9.0" in stale.json()["errors"]["If-Match"][0]
    listed = requests.patch(
        url,
        json={"name": "x"},
        headers={**make_credentials(), "If-Match": f'"0.8.0", "{version}"'},
        timeout=10,
    )
    assert listed.status_code == 200, listed.text


def test_answers_are_gzip_compressed_for_a_client_that_accepts_it(live_server: LiveServer) -> None:
    parts = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    path = f"{CATALOG}/batches?limit=20"
    try:
        connection.request("GET", path, headers={**make_credentials(), "Accept-Encoding": "gzip"})
        zipped = connection.getresponse()
        compressed_body = zipped.read()
        connection.request("GET", path, headers={**make_credentials(), "Accept-Encoding": "identity"})
        plain = connection.getresponse()
        plain_body = plain.read()
    finally:
        connection.close()
    assert zipped.getheader("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in (zipped.getheader("Vary") or "")
    assert int(zipped.getheader("Content-Length") or 0) == len(compressed_body) < len(plain_body)
    assert gzip.decompress(compressed_body) == plain_body
    assert plain.getheader("Content-Encoding") is None
    # requests asks for gzip by default and undoes it: a consumer sees JSON either way
    assert requests.get(f"{live_server.url}{path}", headers=make_credentials(), timeout=10).json()


def test_gzip_with_quality_zero_is_refused_and_small_answers_stay_plain(live_server: LiveServer) -> None:
    url = f"{live_server.url}{CATALOG}/batches?limit=20"
    refused = requests.get(
        url, headers={**make_credentials(), "Accept-Encoding": "gzip;q=0"}, timeout=10, stream=True
    )
    assert refused.headers.get("Content-Encoding") is None
    small = requests.get(
        f"{live_server.url}{CATALOG}/batches/nope", headers=make_credentials(), timeout=10, stream=True
    )
    assert small.headers.get("Content-Encoding") is None


def sent_raw(
    server: LiveServer, method: str, headers: list[tuple[str, str]], body: bytes = b""
) -> tuple[int, Any]:
    """``method`` on the dataset list with ``headers`` exactly as given, a name repeated if it is
    (no client library sends a header twice): the status and the parsed body."""
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        connection.putrequest(method, f"{CATALOG}/dataSets")
        for name, value in headers:
            connection.putheader(name, value)
        if body:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body or None)
        answer = connection.getresponse()
        return answer.status, json.loads(answer.read())
    finally:
        connection.close()


def test_an_org_header_sent_twice_with_one_value_reaches_that_tenant(live_server: LiveServer) -> None:
    """Adobe's legacy Batch Ingestion collection sends the org header twice."""
    url = f"{live_server.url}{CATALOG}/dataSets"
    once = requests.get(url, headers=make_credentials(), timeout=10).json()
    status, twice = sent_raw(live_server, "GET", [*make_credentials().items(), ("x-gw-ims-org-id", ACME)])
    assert status == 200
    assert sorted(twice) == sorted(once) != []


def test_an_org_header_sent_twice_with_two_values_is_refused(live_server: LiveServer) -> None:
    headers = [*make_credentials().items(), ("x-gw-ims-org-id", GLOBEX), ("Content-Type", "application/json")]
    status, body = sent_raw(live_server, "POST", headers, b'{"name": "both"}')
    assert status == 400
    assert ACME in body["errors"]["x-gw-ims-org-id"][0] and GLOBEX in body["errors"]["x-gw-ims-org-id"][0]
    for org in (ACME, GLOBEX):
        listed = requests.get(
            f"{live_server.url}{CATALOG}/dataSets", headers=make_credentials(org), timeout=10
        )
        assert "both" not in [dataset.get("name") for dataset in listed.json().values()]


def test_an_operation_the_mock_does_not_serve_is_refused_first_without_credentials(
    live_server: LiveServer,
) -> None:
    url = f"{live_server.url}{CATALOG}/accounts"
    assert requests.get(url, timeout=10).status_code == 403  # Adobe's gateway: no token is a 403
    assert requests.get(url, headers={"Authorization": "Basic t"}, timeout=10).status_code == 401
    # the token is the gateway's; the other headers are the service's (streaming asks for none)
    streaming = f"{live_server.url}/data/foundation/import/collection/abc123"
    assert (
        requests.post(streaming, json={}, headers={"Authorization": "Bearer t"}, timeout=10).status_code
        == 501
    )
    no_key = {"Authorization": "Bearer t", "x-gw-ims-org-id": "ORG@AdobeOrg"}
    assert requests.get(url, headers=no_key, timeout=10).json()["error_code"] == "403000"  # the gateway's
    served = requests.get(url, headers=make_credentials(), timeout=10)
    assert served.status_code == 501 and served.json()["operation"]["operationId"] == "get_accounts"


def test_data_access_head_needs_the_file_name(live_server: LiveServer) -> None:
    url = f"{live_server.url}/data/foundation/export/files/abc123-1"
    without = requests.head(url, headers=make_credentials(), timeout=10)
    assert without.status_code == 400
    assert requests.get(url, headers=make_credentials(), timeout=10).status_code == 404  # GET lists


@pytest.mark.parametrize("value", ["true", "True", "TRUE", "false", "False"])
def test_boolean_filters_are_read_in_any_case(live_server: LiveServer, value: str) -> None:
    """aepp sends Python's ``True``."""
    answer = requests.get(
        f"{live_server.url}{CATALOG}/dataSetFiles?isValid={value}", headers=make_credentials(), timeout=10
    )
    assert answer.status_code == 200, answer.text


def test_a_validation_error_names_the_field_the_rule_and_the_value(live_server: LiveServer) -> None:
    answer = requests.get(
        f"{live_server.url}{CATALOG}/dataSetFiles?isValid=maybe&limit=0",
        headers=make_credentials(),
        timeout=10,
    )
    errors = answer.json()["errors"]
    assert answer.status_code == 400
    assert '"maybe"' in errors["isValid"][0] and "true" in errors["isValid"][0]
    assert '"0"' in errors["limit"][0] and "greater than or equal to 1" in errors["limit"][0]
    body = requests.post(
        f"{live_server.url}{CATALOG}/dataSets",
        json={"name": "x", "tags": {"team": "data"}},
        headers=make_credentials(),
        timeout=10,
    )
    assert body.status_code == 400 and '"data"' in body.json()["errors"]["tags.team.value"][0]


def test_a_single_upload_past_adobes_ceiling_is_the_clients_413_whatever_the_mocks_bound() -> None:
    """Files over 512 MB go in parts (the larger of the guides' figures): the real service refuses
    one sent whole, even where ``--max-file-bytes`` would hold it."""
    from mockcatalog import create_app

    app = create_app({"seed": 1, "max_file_bytes": 1024**3})
    client = app.test_client()
    dataset = client.post(f"{CATALOG}/dataSets", json={"name": "big"}, headers=make_credentials()).json[0]
    dataset_id = dataset.removeprefix("@/dataSets/")
    batch = client.post(
        "/data/foundation/import/batches",
        json={"datasetId": dataset_id, "inputFormat": {"format": "json"}},
        headers=make_credentials(),
    ).json["id"]
    headers = {**make_credentials(), "Content-Type": "application/octet-stream"}
    upload = f"/data/foundation/import/batches/{batch}/datasets/{dataset_id}/files/a.json"
    claimed = {"CONTENT_LENGTH": str(512 * 1024**2 + 1)}  # refused on its length, before it is read
    refused = client.put(upload, data=b"{}", headers=headers, environ_overrides=claimed)
    assert refused.status_code == 413 and "INITIALIZE" in refused.json["detail"]
    assert "limit" not in refused.json  # not a limit of the mock: a request the real service refuses


def test_a_files_contents_go_out_as_they_are_whatever_the_client_accepts(live_server: LiveServer) -> None:
    """Only the Catalog specs declare Accept-Encoding: a Data Access file streamed to disk is the
    file, and its HEAD's Content-Length is the GET's."""
    api = requests.Session()
    api.headers.update(make_credentials())
    dataset = api.post(f"{live_server.url}{CATALOG}/dataSets", json={"name": "raw"}, timeout=10).json()[0]
    dataset_id = dataset.rsplit("/", 1)[1]
    imports = f"{live_server.url}/data/foundation/import/batches"
    batch = api.post(
        imports, json={"datasetId": dataset_id, "inputFormat": {"format": "json"}}, timeout=10
    ).json()["id"]
    rows = b"".join(b'{"id": %d, "note": "a row long enough to pass the bound"}\n' % n for n in range(100))
    octets = {"Content-Type": "application/octet-stream"}
    api.put(f"{imports}/{batch}/datasets/{dataset_id}/files/a.json", data=rows, headers=octets, timeout=10)
    api.post(f"{imports}/{batch}?action=COMPLETE", timeout=10)
    contents = f"{live_server.url}/data/foundation/export/files/{batch}-1?path=a.json"
    streamed = api.get(contents, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=10)
    assert streamed.headers.get("Content-Encoding") is None and streamed.raw.read() == rows
    assert api.head(contents, timeout=10).headers["Content-Length"] == str(len(rows))
