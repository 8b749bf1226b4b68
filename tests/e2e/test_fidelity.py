"""What real Catalog objects and answers carry, as Adobe's specs, guides and SDK show them: each
object's ``sandboxId`` (and no mock-internal field), ``ETag`` on a single object, ``Location`` on a
create, new datasets in ``DRAFT``."""

from __future__ import annotations

import uuid

import pytest
import requests

from mockcatalog.server import LiveServer

from ..conftest import ACME, make_credentials

pytestmark = pytest.mark.e2e

DATASET = "6ac98000f2a74de452e6b438"


def catalog(server: LiveServer) -> str:
    return f"{server.url}/data/foundation/catalog"


def new_batch(server: LiveServer, **fields: object) -> dict[str, object]:
    """A batch of the Web Events dataset, made through Batch Ingestion with ``fields`` added."""
    body = {"datasetId": DATASET, "inputFormat": {"format": "json"}, **fields}
    made = requests.post(
        f"{server.url}/data/foundation/import/batches", json=body, headers=make_credentials(), timeout=10
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_every_object_carries_its_sandboxs_id_and_no_sandbox_name(live_server: LiveServer) -> None:
    ids = {}
    for sandbox in ("prod", "dev"):
        headers = make_credentials(ACME, sandbox)
        for collection in ("dataSets", "batches"):
            listed = requests.get(f"{catalog(live_server)}/{collection}", headers=headers, timeout=10).json()
            assert listed, (sandbox, collection)
            assert {"sandboxName" in obj for obj in listed.values()} == {False}
            ids.setdefault(sandbox, set()).update(obj["sandboxId"] for obj in listed.values())
    assert all(len(found) == 1 for found in ids.values())  # one id per sandbox...
    assert ids["prod"] != ids["dev"]  # ...and another for another sandbox
    uuid.UUID(next(iter(ids["prod"])))
    created = requests.post(
        f"{live_server.url}/data/foundation/import/batches",
        json={"datasetId": DATASET, "inputFormat": {"format": "json"}},
        headers=make_credentials(),
        timeout=10,
    ).json()
    assert created["sandboxId"] in ids["prod"] and "sandboxName" not in created


def test_a_single_object_carries_its_version_in_etag_which_if_match_takes(live_server: LiveServer) -> None:
    url = f"{catalog(live_server)}/dataSets/{DATASET}"
    read = requests.get(url, params={"properties": "name"}, headers=make_credentials(), timeout=10)
    full = requests.get(url, headers=make_credentials(), timeout=10).json()[DATASET]
    assert read.headers["ETag"] == f'"{full["version"]}"'  # even when version is not projected
    two = requests.get(f"{url},6acad1806513270e269e0d37", headers=make_credentials(), timeout=10)
    assert "ETag" not in two.headers  # no single object: no single version
    conditional = {**make_credentials(), "If-Match": read.headers["ETag"]}
    statuses = [
        requests.patch(url, json={"description": text}, headers=conditional, timeout=10).status_code
        for text in ("x", "y")
    ]
    assert statuses == [200, 412]  # the first write moves the version on: the same ETag is then stale


CATALOG_BATCH = {"relatedObjects": [{"type": "dataSet", "id": DATASET}], "status": "loading"}


@pytest.mark.parametrize(
    ("base", "path", "body"),
    [
        ("", "/dataSets", {"name": "Orders"}),
        ("/data/foundation/catalog", "/dataSets", {"name": "Orders"}),
        ("/data/foundation/catalog", "/batches", CATALOG_BATCH),  # bare POST /batches is ingestion's
    ],
)
def test_a_catalog_create_says_where_the_new_object_is(
    live_server: LiveServer, base: str, path: str, body: dict[str, object]
) -> None:
    answer = requests.post(
        f"{live_server.url}{base}{path}", json=body, headers=make_credentials(), timeout=10
    )
    assert answer.status_code == 201
    location = answer.headers["Location"]
    new_id = answer.json()[0].rsplit("/", 1)[1]
    assert location == f"{base}{path}/{new_id}"
    assert new_id in requests.get(live_server.url + location, headers=make_credentials(), timeout=10).json()


def test_a_new_dataset_is_a_draft(live_server: LiveServer) -> None:
    made = requests.post(
        f"{catalog(live_server)}/dataSets", json={"name": "New"}, headers=make_credentials(), timeout=10
    )
    new_id = made.json()[0].rsplit("/", 1)[1]
    read = requests.get(
        f"{catalog(live_server)}/dataSets/{new_id}", headers=make_credentials(), timeout=10
    ).json()
    assert read[new_id]["state"] == "DRAFT"
    refused = requests.post(
        f"{catalog(live_server)}/dataSets",
        json={"name": "New", "state": "ENABLED"},
        headers=make_credentials(),
        timeout=10,
    )
    assert refused.status_code == 400 and "state" in refused.json()["errors"]  # not one of Adobe's states


# --- an undocumented parameter is answered as the real service answers it: a suspect, not an error --


def evidence(server: LiveServer) -> dict[str, object]:
    return dict(requests.get(f"{server.url}/__admin/violations", timeout=10).json())


def test_an_undocumented_parameter_of_a_list_is_a_filter_on_that_property(live_server: LiveServer) -> None:
    url = f"{catalog(live_server)}/dataSets"
    everything = requests.get(url, headers=make_credentials(), timeout=10).json()
    assert everything
    org = next(iter(everything.values()))["imsOrg"]
    same_org = requests.get(url, params={"imsOrg": org}, headers=make_credentials(), timeout=10)
    assert same_org.status_code == 200 and same_org.json() == everything  # {PROPERTY}={VALUE}
    other_org = requests.get(url, params={"imsOrg": f"!{org}"}, headers=make_credentials(), timeout=10)
    assert other_org.status_code == 200 and other_org.json() == {}  # a leading ! negates
    typo = requests.get(
        f"{catalog(live_server)}/batches",
        params={"sort": "desc:created"},
        headers=make_credentials(),
        timeout=10,
    )
    assert typo.status_code == 200 and typo.json() == {}  # no batch has a property 'sort'
    found = evidence(live_server)
    assert found["violations"] == []
    suspects = found["suspects"]
    assert isinstance(suspects, list) and [entry["suspects"] for entry in suspects][-1]["sort"][0].endswith(
        "Did you mean 'orderBy'?"
    )
    assert "violations" not in str(found["report"]) and "suspects" in str(found["report"])


def test_an_undocumented_parameter_elsewhere_is_ignored_and_still_a_suspect(live_server: LiveServer) -> None:
    url = f"{catalog(live_server)}/dataSets/{DATASET}"
    plain = requests.get(url, headers=make_credentials(), timeout=10)
    ignored = requests.get(url, params={"propertys": "name"}, headers=make_credentials(), timeout=10)
    assert ignored.status_code == 200 and ignored.json() == plain.json()
    (entry,) = evidence(live_server)["suspects"]  # type: ignore[misc]
    assert entry["suspects"]["propertys"] == [
        "Not a parameter of GET /dataSets/{id} in Adobe's specs; the real service ignores it. "
        "Did you mean 'properties'?"
    ]


# --- every documented parameter is accepted, with its documented meaning ------------------------


def test_batches_filter_by_external_id(live_server: LiveServer) -> None:
    made = new_batch(live_server, externalId="nightly-2026-11-30")
    found = requests.get(
        f"{catalog(live_server)}/batches",
        params={"externalId": "nightly-2026-11-30"},
        headers=make_credentials(),
        timeout=10,
    ).json()
    assert list(found) == [made["id"]]


@pytest.mark.parametrize(
    ("parameter", "field", "value"),
    [
        ("description", "description", "Orders of the web shop"),
        ("type", "type", "raw"),
        ("namespace", "namespace", "ACP"),
        ("connectorId", "connectorId", "s3"),
        ("connectionId", "connectionId", "conn-1"),
        ("enableErrorDiagnostics", "enableErrorDiagnostics", True),
    ],
)
def test_datasets_filter_by_every_documented_field(
    live_server: LiveServer, parameter: str, field: str, value: object
) -> None:
    made = (
        requests.post(
            f"{catalog(live_server)}/dataSets",
            json={"name": "Filtered", field: value},
            headers=make_credentials(),
            timeout=10,
        )
        .json()[0]
        .rsplit("/", 1)[1]
    )
    wanted = str(value).lower() if isinstance(value, bool) else str(value)
    found = requests.get(
        f"{catalog(live_server)}/dataSets", params={parameter: wanted}, headers=make_credentials(), timeout=10
    )
    assert found.status_code == 200 and list(found.json()) == [made]


def test_datasets_filter_by_created_and_updated(live_server: LiveServer) -> None:
    listed = requests.get(f"{catalog(live_server)}/dataSets", headers=make_credentials(), timeout=10).json()
    some_id, some = next(iter(listed.items()))
    for name in ("created", "updated"):
        found = requests.get(
            f"{catalog(live_server)}/dataSets",
            params={name: some[name]},
            headers=make_credentials(),
            timeout=10,
        ).json()
        assert some_id in found and all(obj[name] == some[name] for obj in found.values())


def test_aggregate_and_request_data_source_are_accepted(live_server: LiveServer) -> None:
    batch = "01M702VXG016CKDXKNSJ0YEKQN"
    plain = requests.get(
        f"{catalog(live_server)}/batches/{batch}", headers=make_credentials(), timeout=10
    ).json()
    aggregated = requests.get(
        f"{catalog(live_server)}/batches/{batch}",
        params={"aggregate": "true"},
        headers=make_credentials(),
        timeout=10,
    )
    assert aggregated.status_code == 200 and aggregated.json() == plain  # no sub-batches to aggregate
    made = requests.post(
        f"{catalog(live_server)}/dataSets?requestDataSource=true",
        json={"name": "Sourced"},
        headers=make_credentials(),
        timeout=10,
    )
    assert made.status_code == 201


def test_limit_and_start_may_be_headers_and_the_query_wins(live_server: LiveServer) -> None:
    url = f"{catalog(live_server)}/batches"
    everything = list(requests.get(url, params={"limit": 100}, headers=make_credentials(), timeout=10).json())
    by_header = requests.get(
        url, headers={**make_credentials(), "limit": "2", "start": "1"}, timeout=10
    ).json()
    assert list(by_header) == everything[1:3]
    both = requests.get(
        url, params={"limit": 3}, headers={**make_credentials(), "limit": "2"}, timeout=10
    ).json()
    assert len(both) == 3
    wrong = requests.get(url, headers={**make_credentials(), "limit": "0"}, timeout=10)
    assert wrong.status_code == 400 and "limit" in wrong.json()["errors"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/dataSets", {"name": "Checked"}),
        ("PUT", f"/dataSets/{DATASET}", {"name": "Checked"}),
        ("POST", "/batches", CATALOG_BATCH),
        ("PUT", "/batches/01M702VXG016CKDXKNSJ0YEKQN", {"status": "success"}),
    ],
)
def test_pragma_validate_only_checks_and_stores_nothing(
    live_server: LiveServer, method: str, path: str, body: dict[str, object]
) -> None:
    headers = {**make_credentials(), "Pragma": "validate-only"}
    before = requests.get(f"{live_server.url}/__admin/state", timeout=10).json()
    answer = requests.request(method, f"{catalog(live_server)}{path}", json=body, headers=headers, timeout=10)
    assert (answer.status_code, answer.json()) == (200, [])
    assert requests.get(f"{live_server.url}/__admin/state", timeout=10).json() == before
    broken = {**body, "tags": "not tags"}
    refused = requests.request(
        method, f"{catalog(live_server)}{path}", json=broken, headers=headers, timeout=10
    )
    assert refused.status_code == 400 and "tags" in refused.json()["errors"]


def test_replay_names_predecessors_by_id_or_external_id_or_none(live_server: LiveServer) -> None:
    url = f"{live_server.url}/data/foundation/import/batches"
    first = requests.post(
        url,
        json={"datasetId": DATASET, "inputFormat": {"format": "json"}, "externalId": "first"},
        headers=make_credentials(),
        timeout=10,
    )
    for replay in (
        {"predecessors": []},
        {"predecessorsByExternalId": ["first"]},
        {"predecessors": [first.json()["id"]]},
    ):
        made = requests.post(
            url,
            json={"datasetId": DATASET, "inputFormat": {"format": "json"}, "replay": replay},
            headers=make_credentials(),
            timeout=10,
        )
        assert made.status_code == 201, (replay, made.text)
    unknown = requests.post(
        url,
        json={
            "datasetId": DATASET,
            "inputFormat": {"format": "json"},
            "replay": {"predecessorsByExternalId": ["never"]},
        },
        headers=make_credentials(),
        timeout=10,
    )
    assert unknown.status_code == 400 and "replay.predecessorsByExternalId" in unknown.json()["errors"]


@pytest.mark.parametrize(
    ("sent", "stored", "status"),
    [
        ("year=2024/month=01/part-1.json", "year=2024/month=01/part-1.json", 200),
        ("my%20file.json", "my file.json", 200),
        ("d%C3%A9j%C3%A0/fichier.json", "déjà/fichier.json", 200),
        ("a//b.json", None, 400),  # an empty segment (a client resolves a literal "..": sent encoded below)
        ("a/%2E%2E/b.json", None, 400),
        (".hidden.json", None, 400),
    ],
)
def test_upload_paths_are_what_adobe_allows(
    live_server: LiveServer, sent: str, stored: str | None, status: int
) -> None:
    base = f"{live_server.url}/data/foundation/import/batches"
    batch = requests.post(
        base,
        json={"datasetId": DATASET, "inputFormat": {"format": "json"}},
        headers=make_credentials(),
        timeout=10,
    ).json()["id"]
    answer = requests.put(
        f"{base}/{batch}/datasets/{DATASET}/files/{sent}",
        data=b'{"id": 1}\n',
        headers={**make_credentials(), "Content-Type": "application/octet-stream"},
        timeout=10,
    )
    assert answer.status_code == status
    if stored is not None:
        assert answer.json()["path"] == stored


# --- strict where Adobe is strict, lenient where it is lenient ----------------------------------


def test_a_catalog_batch_needs_a_documented_status_and_may_relate_to_nothing(live_server: LiveServer) -> None:
    url = f"{catalog(live_server)}/batches"
    for body, field in [({}, "status"), ({"status": "wat"}, "status")]:
        refused = requests.post(url, json=body, headers=make_credentials(), timeout=10)
        assert refused.status_code == 400 and field in refused.json()["errors"], body
    made = requests.post(url, json={"status": "loading"}, headers=make_credentials(), timeout=10)
    assert made.status_code == 201  # relatedObjects is not required


def test_metrics_values_are_whatever_the_producer_records(live_server: LiveServer) -> None:
    metrics = {"inputRecordCount": 3, "note": "partial", "byStage": {"read": 3}, "flags": [True]}
    made = requests.post(
        f"{catalog(live_server)}/batches",
        json={"status": "loading", "metrics": metrics},
        headers=make_credentials(),
        timeout=10,
    )
    assert made.status_code == 201, made.text
    batch_id = made.json()[0].rsplit("/", 1)[-1]
    read = requests.get(f"{catalog(live_server)}/batches/{batch_id}", headers=make_credentials(), timeout=10)
    assert read.json()[batch_id]["metrics"] == metrics


def test_an_ingestion_batch_needs_an_input_format(live_server: LiveServer) -> None:
    url = f"{live_server.url}/data/foundation/import/batches"
    for body, field in [
        ({"datasetId": DATASET}, "inputFormat"),
        ({"datasetId": DATASET, "inputFormat": {"format": "xml"}}, "inputFormat.format"),
    ]:
        refused = requests.post(url, json=body, headers=make_credentials(), timeout=10)
        assert refused.status_code == 400 and field in refused.json()["errors"], body
    for documented in ("json", "JSON", "Parquet", "csv"):
        made = requests.post(
            url,
            json={"datasetId": DATASET, "inputFormat": {"format": documented}},
            headers=make_credentials(),
            timeout=10,
        )
        assert made.status_code == 201, documented


def test_external_id_is_read_only_after_creation(live_server: LiveServer) -> None:
    made = new_batch(live_server, externalId="mine")
    url = f"{catalog(live_server)}/batches/{made['id']}"
    changed = requests.patch(url, json={"externalId": "other"}, headers=make_credentials(), timeout=10)
    assert changed.status_code == 400 and "externalId" in changed.json()["errors"]
    same = requests.patch(
        url, json={"externalId": "mine", "tags": {"a": ["b"]}}, headers=make_credentials(), timeout=10
    )
    replaced = requests.put(url, json={"tags": {}}, headers=make_credentials(), timeout=10)  # left out: kept
    assert (same.status_code, replaced.status_code) == (200, 200)
    assert (
        requests.get(url, headers=make_credentials(), timeout=10).json()[made["id"]]["externalId"] == "mine"
    )


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        ("namespace", "ACP", "acp"),
        ("saveStrategy", "delta", "merge"),
        ("fileDescription", {"format": "csv", "delimiters": [";"], "charset": "UTF-8"}, {"format": "xml"}),
        ("fileDescription", {"format": "parquet"}, {"delimiters": [";;"]}),
        ("fileDescription", {"format": "json"}, {"charset": "UTF-16"}),
    ],
)
def test_dataset_fields_stay_within_adobes_enums(
    live_server: LiveServer, field: str, good: object, bad: object
) -> None:
    url = f"{catalog(live_server)}/dataSets"
    made = requests.post(url, json={"name": "Enums", field: good}, headers=make_credentials(), timeout=10)
    assert made.status_code == 201, made.text
    refused = requests.post(url, json={"name": "Enums", field: bad}, headers=make_credentials(), timeout=10)
    assert refused.status_code == 400
    assert any(name.startswith(field) for name in refused.json()["errors"]), refused.json()


def test_namespace_and_save_strategy_are_set_once(live_server: LiveServer) -> None:
    url = f"{catalog(live_server)}/dataSets"
    created = {"name": "Set once", "namespace": "ACP", "saveStrategy": "append"}
    new_id = (
        requests.post(url, json=created, headers=make_credentials(), timeout=10).json()[0].rsplit("/", 1)[1]
    )
    for field, other in (("namespace", "AA"), ("saveStrategy", "overwrite")):
        changed = requests.patch(
            f"{url}/{new_id}", json={field: other}, headers=make_credentials(), timeout=10
        )
        assert changed.status_code == 400 and field in changed.json()["errors"]
    replaced = requests.put(
        f"{url}/{new_id}", json={"name": "Renamed"}, headers=make_credentials(), timeout=10
    )
    assert replaced.status_code == 200  # left out: kept
    read = requests.get(f"{url}/{new_id}", headers=make_credentials(), timeout=10).json()[new_id]
    assert (read["name"], read["namespace"], read["saveStrategy"]) == ("Renamed", "ACP", "append")


@pytest.mark.parametrize("collection", ["batches", "dataSets"])
def test_deleting_an_id_nothing_matches_answers_an_empty_array(
    live_server: LiveServer, collection: str
) -> None:
    url = f"{catalog(live_server)}/{collection}/000000000000000000000000"
    for headers in ({}, {"If-Match": '"1.0.0"'}):
        answer = requests.delete(url, headers={**make_credentials(), **headers}, timeout=10)
        assert (answer.status_code, answer.json()) == (200, [])
    assert requests.get(url, headers=make_credentials(), timeout=10).status_code == 404
