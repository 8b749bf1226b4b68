"""Catalog's ``GET /batches/uniques/{field}`` through a live server: the distinct values of a batch
field over the batches ``GET /batches`` would select, paged by value (the README's fidelity choices)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from mockcatalog.server import LiveServer

from ..conftest import GLOBEX, make_credentials

pytestmark = pytest.mark.e2e

DATASET = "6ac98000f2a74de452e6b438"  # Web Events


def get(server: LiveServer, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
    answer = requests.get(
        f"{server.url}/data/foundation/catalog{path}",
        params=params,
        headers=headers or make_credentials(),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == "application/json"
    return answer.json()


def first_met(batches: dict[str, dict[str, Any]], field: str) -> list[Any]:
    """The distinct values of ``field`` in a list answer, first met first."""
    return list(dict.fromkeys(batch[field] for batch in batches.values() if field in batch))


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"orderBy": "desc:created"},
        {"dataSet": DATASET},
        {"status": "!failed", "orderBy": "updated"},
        {"property": "recordCount>1000"},
        {"tags": "acme/source:storefront"},
    ],
    ids=["store-order", "ordered", "related-dataset", "negated-status", "property", "tags"],
)
def test_the_values_are_those_of_the_batches_the_list_selects(
    live_server: LiveServer, params: dict[str, str]
) -> None:
    listed = get(live_server, "/batches", **params, limit="100")
    assert listed, params  # the filter keeps something to draw values from
    for field in ("status", "createdUser", "recordCount"):
        uniques = get(live_server, f"/batches/uniques/{field}", **params, limit="100")
        assert uniques == first_met(listed, field), (field, params)


def test_limit_and_start_page_the_values_not_the_batches(live_server: LiveServer) -> None:
    statuses = get(live_server, "/batches/uniques/status", limit="100")
    assert len(statuses) >= 5  # the fixtures hold batches in most statuses
    assert get(live_server, "/batches/uniques/status", limit="2") == statuses[:2]
    assert get(live_server, "/batches/uniques/status", start="2", limit="3") == statuses[2:5]
    assert get(live_server, "/batches/uniques/status", start=str(len(statuses))) == []
    for _ in range(25 - len(get(live_server, "/batches/uniques/id", limit="100"))):
        made = requests.post(
            f"{live_server.url}/data/foundation/catalog/batches",
            json={"status": "loading"},
            headers=make_credentials(),
            timeout=10,
        )
        assert made.status_code == 201, made.text
    assert len(get(live_server, "/batches/uniques/id")) == 20  # the list's default limit, on values


def test_values_are_json_as_stored_and_a_field_no_batch_holds_answers_an_empty_array(
    live_server: LiveServer,
) -> None:
    made = requests.post(
        f"{live_server.url}/data/foundation/import/batches",
        json={"datasetId": DATASET, "inputFormat": {"format": "json"}, "externalId": "nightly-42"},
        headers=make_credentials(),
        timeout=10,
    ).json()
    external = get(live_server, "/batches/uniques/externalId", dataSet=DATASET, orderBy="desc:created")
    assert external[0] == "nightly-42"
    counts = get(live_server, "/batches/uniques/recordCount")
    assert counts and {type(count) for count in counts} == {int}  # numbers stay numbers
    assert get(live_server, "/batches/uniques/relatedObjects") == []  # arrays are no single value
    assert get(live_server, "/batches/uniques/noSuchField") == []
    assert get(live_server, "/batches/uniques/id", id=made["id"]) == [made["id"]]  # {PROPERTY}={VALUE}


def test_the_own_path_answers_as_the_gateway_path_and_only_the_callers_tenant(
    live_server: LiveServer,
) -> None:
    ours = get(live_server, "/batches/uniques/id", limit="100")
    bare = requests.get(
        f"{live_server.url}/batches/uniques/id",
        params={"limit": "100"},
        headers=make_credentials(),
        timeout=10,
    )
    assert bare.status_code == 200 and bare.json() == ours
    theirs = get(live_server, "/batches/uniques/id", make_credentials(GLOBEX), limit="100")
    assert ours and theirs and not set(ours) & set(theirs)


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        ("/batches/uniques/relatedObjects.id", {}, "field"),
        ("/batches/uniques/1st", {}, "field"),
        ("/batches/uniques/" + "f" * 101, {}, "field"),
        ("/batches/uniques/status", {"limit": "0"}, "limit"),
        ("/batches/uniques/status", {"orderBy": "sideways:created"}, "orderBy"),
        ("/batches/uniques/status", {"property": "status~("}, "property"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(
    live_server: LiveServer, path: str, params: dict[str, str], named: str
) -> None:
    answer = requests.get(
        f"{live_server.url}/data/foundation/catalog{path}",
        params=params,
        headers=make_credentials(),
        timeout=10,
    )
    assert answer.status_code == 400, answer.text
    assert named in answer.json()["errors"]
