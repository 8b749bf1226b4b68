"""The Schema Registry's reads through a live server: a schema by its encoded ``$id`` or its
``meta:altId`` with the ``Accept`` variants Adobe documents, the tenant's list and its pages,
Adobe's own errors, and a sample row that ingests into a dataset of its schema."""

from __future__ import annotations

import urllib.parse

import pytest
import requests

from mockcatalog.catalog.xdm import compile_schema
from mockcatalog.http.extension import control_of
from mockcatalog.server import LiveServer

from ..conftest import make_credentials

pytestmark = pytest.mark.e2e

REGISTRY = "/data/foundation/schemaregistry"
EVENT_ID = "https://ns.adobe.com/acme/schemas/loyalty-txn"  # packaged; its dataset: Loyalty Transactions
EVENT_ALT_ID = "_acme.schemas.loyalty-txn"
LOYALTY = "6acc23000c5c7fd0a6a3a450"
FULL = "application/vnd.adobe.xed-full+json; version=1"


def get(server: LiveServer, path: str, accept: str | None, **params: str) -> requests.Response:
    headers = make_credentials() if accept is None else {**make_credentials(), "Accept": accept}
    return requests.get(f"{server.url}{REGISTRY}{path}", headers=headers, params=params, timeout=10)


@pytest.mark.parametrize(
    "accept",
    [
        FULL,
        "application/vnd.adobe.xed+json;version=1",
        "application/vnd.adobe.xdm-full+json; version=1.0",  # aepp's spelling
        "application/vnd.adobe.xed-full-desc+json; version=1",
        "application/vnd.adobe.xed-deprecatefield+json; version=1",
    ],
)
def test_a_schema_is_found_by_its_encoded_id_or_its_alt_id(live_server: LiveServer, accept: str) -> None:
    by_id = get(live_server, f"/tenant/schemas/{urllib.parse.quote(EVENT_ID, safe='')}", accept)
    by_alt_id = get(live_server, f"/tenant/schemas/{EVENT_ALT_ID}", accept)
    assert by_id.status_code == by_alt_id.status_code == 200
    schema = by_id.json()
    assert schema == by_alt_id.json()
    assert (schema["$id"], schema["meta:altId"], schema["title"]) == (
        EVENT_ID,
        EVENT_ALT_ID,
        "Loyalty Transactions",
    )
    assert schema["meta:containerId"] == "tenant" and "meta:sandboxId" in schema and "sandboxId" not in schema
    assert schema["properties"]["_acme"]["properties"]["points"]["meta:xdmType"] == "int"


def test_notext_drops_titles_and_descriptions_but_no_field(live_server: LiveServer) -> None:
    plain = get(
        live_server,
        f"/tenant/schemas/{EVENT_ALT_ID}",
        "application/vnd.adobe.xed-full-notext+json; version=1",
    )
    schema = plain.json()
    assert plain.status_code == 200 and "title" not in schema and "description" not in schema
    assert "title" not in schema["properties"]["_id"] and set(schema["properties"]) >= {"_id", "timestamp"}


@pytest.mark.parametrize(
    ("path", "accept", "code"),
    [
        (
            f"/tenant/schemas/{EVENT_ALT_ID}",
            "application/vnd.adobe.xed-full+json",
            "XDM-1007-400",
        ),  # no version
        (f"/tenant/schemas/{EVENT_ALT_ID}", None, "XDM-1007-400"),
        (f"/tenant/schemas/{EVENT_ALT_ID}", "application/vnd.adobe.xed-full+json; version=2", "XDM-1007-400"),
        (f"/tenant/schemas/{EVENT_ALT_ID}", "application/json", "XDM-1007-400"),
        ("/tenant/schemas", "application/vnd.adobe.xed-id+json; version=1", "XDM-1006-400"),  # a list: none
        ("/tenant/schemas", "*/*", "XDM-1006-400"),
        (f"/rpc/sampledata/{EVENT_ALT_ID}", "application/vnd.adobe.xed+json", "XDM-1007-400"),
    ],
)
def test_a_bad_accept_is_the_registrys_own_400(
    live_server: LiveServer, path: str, accept: str | None, code: str
) -> None:
    refused = get(live_server, path, accept)
    body = refused.json()
    assert refused.status_code == 400 and body["type"] == f"http://ns.adobe.com/aep/errors/{code}"
    assert body["title"] == "Accept Header Invalid" and body["report"]["detailed-message"] == body["detail"]
    violations = control_of(live_server.app).journal.violations()
    assert len(violations) == 1  # the real registry refuses it: strict mode says so


def test_an_unknown_schema_is_xdm_1012_and_the_global_container_holds_none(live_server: LiveServer) -> None:
    for path in (
        "/tenant/schemas/_acme.schemas.nothing",
        f"/global/schemas/{EVENT_ALT_ID}",
        "/rpc/sampledata/nothing",
    ):
        missing = get(live_server, path, FULL)
        assert missing.status_code == 404 and missing.json()["type"].endswith("XDM-1012-404"), path
    assert get(live_server, "/global/schemas", "application/vnd.adobe.xed-id+json").json()["results"] == []


def test_the_list_pages_by_next_and_answers_summaries_or_whole_schemas(live_server: LiveServer) -> None:
    summaries = get(live_server, "/tenant/schemas", "application/vnd.adobe.xed-id+json").json()
    assert [s["title"] for s in summaries["results"]] == ["CRM Profile", "Loyalty Transactions"]
    assert set(summaries["results"][0]) == {"$id", "meta:altId", "version", "title"}
    first = get(
        live_server, "/tenant/schemas", "application/vnd.adobe.xdm-id+json", limit="1", orderby="-title"
    )
    assert first.json()["_page"] == {"orderby": "-title", "next": "1", "count": 1}
    following = get(live_server, "/tenant/schemas", "application/vnd.adobe.xed-id+json", limit="1",
                    orderby="-title", start=first.json()["_page"]["next"])  # fmt: skip
    assert [s["title"] for s in first.json()["results"] + following.json()["results"]] == [
        "Loyalty Transactions", "CRM Profile",
    ]  # fmt: skip
    assert following.json()["_page"]["next"] is None and following.json()["_links"]["next"] is None
    whole = get(live_server, "/tenant/schemas", "application/vnd.adobe.xed+json").json()["results"]
    assert all("properties" in schema for schema in whole)


def test_property_filters_what_it_can_and_says_what_it_cannot(live_server: LiveServer) -> None:
    listing = "application/vnd.adobe.xed-id+json"
    kept = get(
        live_server,
        "/tenant/schemas",
        listing,
        property="meta:extends==https://ns.adobe.com/xdm/context/profile",  # one of its values
    )
    assert [s["title"] for s in kept.json()["results"]] == ["CRM Profile"]
    unbuilt = get(live_server, "/tenant/schemas", listing, property="version>1")  # comparisons: not built
    assert unbuilt.status_code == 501 and "property" in unbuilt.json()["feature"]
    assert [e.cannot for e in control_of(live_server.app).journal.unsupported()] == ["not built"]


def test_a_sample_row_is_the_same_each_time_and_ingests_into_its_dataset(live_server: LiveServer) -> None:
    sample = get(live_server, f"/rpc/sampledata/{EVENT_ALT_ID}", "application/vnd.adobe.xed+json; version=1")
    assert sample.status_code == 200
    row = sample.json()
    assert get(live_server, f"/rpc/sampledata/{EVENT_ALT_ID}", FULL).json() == row
    schema = get(live_server, f"/tenant/schemas/{EVENT_ALT_ID}", FULL).json()
    assert compile_schema(schema).check(row)[1] == []  # every field of its type, enum and range

    url, headers = live_server.url + "/data/foundation/import/batches", make_credentials()
    body = {"datasetId": LOYALTY, "inputFormat": {"format": "json"}}
    batch_id = requests.post(url, json=body, headers=headers, timeout=10).json()["id"]
    upload = f"{url}/{batch_id}/datasets/{LOYALTY}/files/sample.json"
    octet = {**headers, "Content-Type": "application/octet-stream"}
    assert requests.put(upload, data=sample.content, headers=octet, timeout=10).status_code == 200
    assert requests.post(f"{url}/{batch_id}?action=COMPLETE", headers=headers, timeout=10).status_code == 200
    batch = requests.get(f"{live_server.url}/batches/{batch_id}", headers=headers, timeout=10).json()[
        batch_id
    ]
    assert (batch["status"], batch["recordCount"]) == ("success", 1)


def test_calls_the_mock_does_not_serve_name_the_registrys_operation(live_server: LiveServer) -> None:
    answer = requests.post(
        f"{live_server.url}{REGISTRY}/tenant/schemas", json={}, headers=make_credentials(), timeout=10
    )
    assert answer.status_code == 501 and answer.json()["operation"]["operationId"] == "createSchema"
    stats = requests.get(f"{live_server.url}{REGISTRY}/stats", headers=make_credentials(), timeout=10)
    assert stats.status_code == 501 and stats.json()["operation"]["api"] == "Schema Registry"
