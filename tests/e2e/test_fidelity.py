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
        json={"datasetId": DATASET},
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
    written = requests.patch(
        url,
        json={"description": "x"},
        headers={**make_credentials(), "If-Match": read.headers["ETag"]},
        timeout=10,
    )
    assert written.status_code == 200
    stale = requests.patch(
        url,
        json={"description": "y"},
        headers={**make_credentials(), "If-Match": read.headers["ETag"]},
        timeout=10,
    )
    assert stale.status_code == 412


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
