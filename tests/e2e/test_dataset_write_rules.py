"""What a client may write into a dataset, over HTTP, as Adobe's Catalog specs and guides say:
fields set once (``connectorId``, ``connectionId``), fields only the service sets (statistics, base
path, ``persistence.adls``, the ``lastBatch*`` pointers, the ``files`` link), a name that never
goes, the defaults a PUT keeps, ``schemaRef`` derived from ``schema``, Adobe's types, and the read
parameters ``expansion`` and ``properties=observableSchema``. Every refusal is a JSON 400 (a 422
for a JSON Patch whose result is wrong) naming the field and what was sent, and changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from mockcatalog.server import LiveServer

from ..conftest import make_credentials

pytestmark = pytest.mark.e2e

JSON_PATCH = {"Content-Type": "application/json-patch+json"}
#: What a client sends for the fields only the service sets (all dropped).
SERVER_OWNED_VALUES: dict[str, Any] = {
    "statsCache": {"rowCount": 5},
    "basePath": "s3://client/path",
    "lastBatchId": "client-batch",
    "lastBatchStatus": "success",
    "lastSuccessfulBatch": "client-batch",
    "lastFailedBatch": "client-batch",
    "files": "@/dataSets/x/views/y/files",
}


class Catalog:
    """The Catalog's dataset calls of one caller, on a live server."""

    def __init__(self, server: LiveServer) -> None:
        self.url = f"{server.url}/data/foundation/catalog/dataSets"
        self.session = requests.Session()
        self.session.headers.update(make_credentials())

    def create(self, **fields: Any) -> str:
        made = self.session.post(self.url, json={"name": "Orders", **fields}, timeout=10)
        assert made.status_code == 201, made.text
        return str(made.json()[0].rsplit("/", 1)[1])

    def read(self, dataset_id: str, **params: str) -> dict[str, Any]:
        answer = self.session.get(f"{self.url}/{dataset_id}", params=params, timeout=10)
        assert answer.status_code == 200, answer.text
        return dict(answer.json()[dataset_id])

    def merge(self, dataset_id: str, body: Any) -> requests.Response:
        return self.session.patch(f"{self.url}/{dataset_id}", json=body, timeout=10)

    def put(self, dataset_id: str, body: Any) -> requests.Response:
        return self.session.put(f"{self.url}/{dataset_id}", json=body, timeout=10)

    def json_patch(self, dataset_id: str, *operations: dict[str, Any]) -> requests.Response:
        return self.session.patch(
            f"{self.url}/{dataset_id}", data=json.dumps(list(operations)), headers=JSON_PATCH, timeout=10
        )

    def write(self, how: str, dataset_id: str, field: str, value: Any) -> requests.Response:
        """Set ``field`` to ``value`` by a merge PATCH, a JSON Patch ``replace`` or a PUT (of the
        object as read, with the field changed)."""
        if how == "merge":
            return self.merge(dataset_id, {field: value})
        if how == "json-patch":
            return self.json_patch(dataset_id, {"op": "replace", "path": f"/{field}", "value": value})
        return self.put(dataset_id, {**self.read(dataset_id), field: value})


@pytest.fixture
def catalog(live_server: LiveServer) -> Catalog:
    return Catalog(live_server)


def refused(answer: requests.Response, field: str, status: int = 400) -> str:
    """The messages of a refusal naming ``field`` (a JSON error body with the status)."""
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    return " ".join(answer.json()["errors"][field])


# --- set once -----------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["merge", "json-patch", "put"])
@pytest.mark.parametrize(
    ("field", "first", "second"), [("connectorId", "s3", "other"), ("connectionId", "c1", "c2")]
)
def test_connector_and_connection_cannot_change_once_the_dataset_exists(
    catalog: Catalog, how: str, field: str, first: str, second: str
) -> None:
    dataset_id = catalog.create(**{field: first})
    before = catalog.read(dataset_id)
    message = refused(catalog.write(how, dataset_id, field, second), field)
    assert f'"{first}"' in message and f'Sent: "{second}"' in message
    assert catalog.read(dataset_id) == before  # a failed request changes nothing
    assert catalog.put(dataset_id, {"name": "Renamed"}).status_code == 200  # leaving it out keeps it
    assert catalog.read(dataset_id)[field] == first


@pytest.mark.parametrize("field", ["connectorId", "connectionId"])
def test_connector_and_connection_are_strings(catalog: Catalog, field: str) -> None:
    answer = catalog.session.post(catalog.url, json={"name": "Typed", field: 5}, timeout=10)
    assert "Sent: 5" in refused(answer, field)


# --- the name -----------------------------------------------------------------------------------


def test_a_put_without_a_name_is_refused(catalog: Catalog) -> None:
    dataset_id = catalog.create()
    before = catalog.read(dataset_id)
    assert "required" in refused(catalog.put(dataset_id, {"description": "no name"}), "name")
    assert catalog.read(dataset_id) == before


def test_an_empty_name_is_refused_by_a_merge_and_a_json_patch(catalog: Catalog) -> None:
    dataset_id = catalog.create()
    before = catalog.read(dataset_id)
    assert 'Sent: ""' in refused(catalog.merge(dataset_id, {"name": ""}), "name")
    assert 'Sent: ""' in refused(catalog.put(dataset_id, {"name": ""}), "name")
    replaced = catalog.json_patch(dataset_id, {"op": "replace", "path": "/name", "value": ""})
    assert 'Sent: ""' in refused(replaced, "name", 422)
    removed = catalog.json_patch(dataset_id, {"op": "remove", "path": "/name"})
    assert "removing it" in refused(removed, "name", 422)
    assert catalog.read(dataset_id) == before


def test_a_merge_patch_need_not_name_the_dataset(catalog: Catalog) -> None:
    dataset_id = catalog.create()
    assert catalog.merge(dataset_id, {"description": "only this"}).status_code == 200
    read = catalog.read(dataset_id)
    assert (read["name"], read["description"]) == ("Orders", "only this")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "n" * 501}, "name"),
        ({"name": "Long", "description": "d" * 5001}, "description"),
    ],
)
def test_a_create_needs_a_name_of_1_to_500_characters_and_a_description_of_at_most_5000(
    catalog: Catalog, body: dict[str, Any], field: str
) -> None:
    before = catalog.session.get(catalog.url, params={"limit": 100}, timeout=10).json()
    refused(catalog.session.post(catalog.url, json=body, timeout=10), field)
    assert catalog.session.get(catalog.url, params={"limit": 100}, timeout=10).json() == before
    made = catalog.create(name="n" * 500, description="d" * 5000)
    assert len(catalog.read(made)["name"]) == 500


def test_a_new_dataset_has_tags_and_a_classification_and_tags_are_lists_of_strings(catalog: Catalog) -> None:
    read = catalog.read(catalog.create())
    assert isinstance(read["tags"], dict) and read["classification"] == {"dataBehavior": "time-series"}
    answer = catalog.session.post(catalog.url, json={"name": "Tagged", "tags": {"team": "data"}}, timeout=10)
    assert 'Sent: "data"' in refused(answer, "tags.team.value")
    tagged = catalog.read(catalog.create(tags={"team": ["data"], "unifiedProfile": ["enabled:true"]}))
    assert tagged["tags"]["team"] == ["data"] and tagged["tags"]["unifiedProfile"] == ["enabled:true"]


def test_a_dataset_names_who_made_it_and_who_changed_it(catalog: Catalog) -> None:
    audit = {"createdClient": "c", "createdUser": "u", "updatedUser": "u", "created": 1, "updated": 1}
    dataset_id = catalog.create(**audit, imsOrg="other@AdobeOrg", version="9.9.9")
    made = catalog.read(dataset_id)
    assert made["createdClient"] == "test-client" and made["createdUser"] == made["updatedUser"] != "u"
    assert made["imsOrg"] == make_credentials()["x-gw-ims-org-id"] and made["version"] == "1.0.0"
    assert made["created"] == made["updated"] > 1
    other = requests.Session()
    other.headers.update(make_credentials(api_key="another-client"))
    assert other.patch(f"{catalog.url}/{dataset_id}", json=audit, timeout=10).status_code == 200
    changed = catalog.read(dataset_id)
    kept = ("createdClient", "createdUser", "created", "imsOrg")
    assert {name: changed[name] for name in kept} == {name: made[name] for name in kept}
    assert changed["updatedUser"] not in (made["updatedUser"], "u") and changed["version"] == "1.0.1"
    for name in (*audit, "imsOrg", "version", "id", "sandboxId"):
        operation = {"op": "replace", "path": f"/{name}", "value": "x"}
        assert catalog.json_patch(dataset_id, operation).status_code == 400, name
    assert catalog.read(dataset_id) == changed


# --- what a PUT keeps, what a JSON Patch may not remove ------------------------------------------


def test_a_put_keeps_the_defaults_a_create_gives(catalog: Catalog) -> None:
    dataset_id = catalog.create(state="ACTIVE", tags={"team": ["data"]}, classification={"dataBehavior": "x"})
    assert catalog.put(dataset_id, {"name": "Only a name"}).status_code == 200
    read = catalog.read(dataset_id)
    assert read["state"] == "DRAFT"
    assert read["classification"] == {"dataBehavior": "time-series"}
    assert isinstance(read["tags"], dict) and "team" not in read["tags"]
    kept = {
        "name": "Sent",
        "state": "ACTIVE",
        "tags": {"team": ["data"]},
        "classification": {"dataBehavior": "x"},
    }
    assert catalog.put(dataset_id, kept).status_code == 200
    read = catalog.read(dataset_id)
    query_table = {"adobe/pqs/table": ["orders"]}  # Catalog's own tag stays (see below)
    assert {name: read[name] for name in kept} == {**kept, "tags": {**kept["tags"], **query_table}}


@pytest.mark.parametrize("field", ["state", "tags", "classification"])
def test_a_json_patch_may_replace_but_not_remove_a_defaulted_field(catalog: Catalog, field: str) -> None:
    dataset_id = catalog.create()
    before = catalog.read(dataset_id)
    assert f"Sent: remove /{field}" in refused(
        catalog.json_patch(dataset_id, {"op": "remove", "path": f"/{field}"}), field
    )
    moved = catalog.json_patch(dataset_id, {"op": "move", "from": f"/{field}", "path": "/elsewhere"})
    assert f"Sent: move /{field}" in refused(moved, field)
    assert catalog.read(dataset_id) == before
    value = {"state": "ACTIVE", "tags": {}, "classification": {"dataBehavior": "record"}}[field]
    replaced = catalog.json_patch(dataset_id, {"op": "replace", "path": f"/{field}", "value": value})
    assert replaced.status_code == 200 and catalog.read(dataset_id)[field] == value


# --- fields only the service sets --------------------------------------------------------------


def test_a_create_ignores_the_fields_only_the_service_sets(catalog: Catalog) -> None:
    persistence = {"adls": {"adlsType": "GEN3"}, "datastream": {"source": "kafka"}}
    dataset_id = catalog.create(**SERVER_OWNED_VALUES, persistence=persistence)
    read = catalog.read(dataset_id)
    assert not {"statsCache", "basePath", "lastBatchId", "lastBatchStatus"} & read.keys()
    assert not {"lastSuccessfulBatch", "lastFailedBatch"} & read.keys()
    assert read["files"] == f"@/dataSetFiles?dataSetId={dataset_id}"  # the mock's link, not the client's
    assert read["persistence"] == {"datastream": {"source": "kafka"}}  # the client's part is kept


@pytest.mark.parametrize("how", ["merge", "put"])
def test_a_write_ignores_them_and_keeps_the_stored_ones(catalog: Catalog, how: str) -> None:
    dataset_id = "6ac98000f2a74de452e6b438"  # Web Events: a fixture with a last batch
    before = catalog.read(dataset_id)
    assert before["lastBatchId"] and before["files"]
    body = {**SERVER_OWNED_VALUES, "persistence": {"adls": {"location": "s3://x"}}, "description": "new"}
    answer = (
        catalog.merge(dataset_id, body) if how == "merge" else catalog.put(dataset_id, {**before, **body})
    )
    assert answer.status_code == 200, answer.text
    after = catalog.read(dataset_id)
    for name in ("lastBatchId", "lastBatchStatus", "lastSuccessfulBatch", "lastFailedBatch", "files"):
        assert after.get(name) == before.get(name), name
    assert "statsCache" not in after and "basePath" not in after
    assert after["persistence"] == {} and after["description"] == "new"


@pytest.mark.parametrize(
    ("operation", "field"),
    [
        ({"op": "add", "path": "/statsCache", "value": {"rowCount": 1}}, "statsCache"),
        ({"op": "replace", "path": "/basePath", "value": "s3://y"}, "basePath"),
        ({"op": "add", "path": "/persistence/adls", "value": {"adlsType": "GEN2"}}, "persistence.adls"),
        ({"op": "replace", "path": "/lastBatchId", "value": "b2"}, "lastBatchId"),
        ({"op": "replace", "path": "/lastBatchStatus", "value": "failure"}, "lastBatchStatus"),
        ({"op": "remove", "path": "/lastSuccessfulBatch"}, "lastSuccessfulBatch"),
        ({"op": "add", "path": "/lastFailedBatch", "value": "b3"}, "lastFailedBatch"),
        ({"op": "replace", "path": "/files", "value": "@/elsewhere"}, "files"),
        ({"op": "remove", "path": "/files"}, "files"),
        ({"op": "copy", "from": "/files", "path": "/link"}, "files"),
    ],
)
def test_a_json_patch_touching_one_is_a_400(catalog: Catalog, operation: dict[str, Any], field: str) -> None:
    dataset_id = "6ac98000f2a74de452e6b438"
    before = catalog.read(dataset_id)
    message = refused(catalog.json_patch(dataset_id, operation), field)
    assert f"Sent: {operation['op']} " in message
    assert catalog.read(dataset_id) == before


def test_a_dataset_read_back_can_be_put_back_unchanged(catalog: Catalog) -> None:
    dataset_id = "6ac98000f2a74de452e6b438"
    before = catalog.read(dataset_id)
    assert catalog.put(dataset_id, before).status_code == 200
    after = catalog.read(dataset_id)
    moved = {"version", "updated", "updatedUser"}
    assert {k: v for k, v in after.items() if k not in moved} == {
        k: v for k, v in before.items() if k not in moved
    }
    assert after["version"] != before["version"]


def test_processing_still_points_the_dataset_at_its_last_batch(
    live_server: LiveServer, catalog: Catalog
) -> None:
    dataset_id = catalog.create()
    assert catalog.merge(dataset_id, {"lastBatchId": "mine"}).status_code == 200
    assert "lastBatchId" not in catalog.read(dataset_id)
    ingest = f"{live_server.url}/data/foundation/import/batches"
    made = catalog.session.post(
        ingest, json={"datasetId": dataset_id, "inputFormat": {"format": "json"}}, timeout=10
    )
    batch_id = made.json()["id"]
    uploaded = catalog.session.put(
        f"{ingest}/{batch_id}/datasets/{dataset_id}/files/a.json",
        data=b'{"id": 1}\n',
        headers={"Content-Type": "application/octet-stream"},
        timeout=10,
    )
    assert uploaded.ok
    catalog.session.post(f"{ingest}/{batch_id}", params={"action": "COMPLETE"}, timeout=10)
    batches = f"{live_server.url}/data/foundation/catalog/batches/{batch_id}"
    statuses = [catalog.session.get(batches, timeout=10).json()[batch_id]["status"] for _ in range(10)]
    assert "success" in statuses
    read = catalog.read(dataset_id)
    assert (read["lastBatchId"], read["lastBatchStatus"], read["lastSuccessfulBatch"]) == (
        batch_id, "success", batch_id,
    )  # fmt: skip


# --- schemaRef from schema ----------------------------------------------------------------------

SCHEMA = "https://ns.adobe.com/acme/schemas/abc123"


def test_schema_ref_is_derived_from_schema_when_absent(catalog: Catalog) -> None:
    derived = {"id": SCHEMA, "contentType": "application/vnd.adobe.xed+json;version=1"}
    dataset_id = catalog.create(schema=SCHEMA)
    assert catalog.read(dataset_id)["schemaRef"] == derived
    assert catalog.put(dataset_id, {"name": "Again", "schema": SCHEMA}).status_code == 200
    assert catalog.read(dataset_id)["schemaRef"] == derived
    given = {"id": SCHEMA, "contentType": "application/vnd.adobe.xed-full+json;version=1"}
    assert catalog.read(catalog.create(schema=SCHEMA, schemaRef=given))["schemaRef"] == given
    assert "schemaRef" not in catalog.read(catalog.create())


# --- Adobe's types ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "where", "sent"),
    [
        ("enableErrorDiagnostics", "yes", "enableErrorDiagnostics", '"yes"'),
        ("dataSourceId", "abc", "dataSourceId", '"abc"'),
        ("observableSchema", "str", "observableSchema", '"str"'),
        ("fields", "str", "fields", '"str"'),
        ("fields", [{"name": "a", "type": "varchar"}], "fields.0.type", '"varchar"'),
        ("schemaMetadata", "str", "schemaMetadata", '"str"'),
        ("schemaMetadata", {"gdpr": "x"}, "schemaMetadata.gdpr", '"x"'),
        ("requestStartDate", 5, "requestStartDate", "5"),
        ("schema", 5, "schema", "5"),
        ("persistence", {"datastream": {"source": 5}}, "persistence.datastream.source", "5"),
    ],
)
@pytest.mark.parametrize("how", ["create", "merge", "put"])
def test_adobes_types_are_checked_on_every_write(
    catalog: Catalog, how: str, field: str, value: Any, where: str, sent: str
) -> None:
    dataset_id = catalog.create()
    before = catalog.session.get(catalog.url, params={"limit": 100}, timeout=10).json()
    if how == "create":
        answer = catalog.session.post(catalog.url, json={"name": "Typed", field: value}, timeout=10)
    else:
        answer = catalog.write(how, dataset_id, field, value)
    assert f"Sent: {sent}" in refused(answer, where)
    assert catalog.session.get(catalog.url, params={"limit": 100}, timeout=10).json() == before


def test_values_of_adobes_types_are_kept_as_sent(catalog: Catalog) -> None:
    sent = {
        "enableErrorDiagnostics": True,
        "dataSourceId": 42,
        "observableSchema": {},
        "fields": [
            {"name": "id", "type": "long"},
            {"name": "tags", "type": "map", "keyType": "string"},
            {"name": "amount", "type": "number", "precision": 10, "scale": 2},
        ],
        "schemaMetadata": {"gdpr": [], "primaryKey": [{"path": "/id", "isPrimary": True}]},
        "requestStartDate": "2024-01-01",
        "schema": SCHEMA,
        "aspect": "production",  # fields Adobe's examples and aepp send that no schema names
        "unifiedTags": ["tag-1"],
        "fileDescription": {"format": "parquet", "containerFormat": "parquet"},
    }
    read = catalog.read(catalog.create(**sent))
    assert {name: read[name] for name in sent} == sent


# --- read parameters ----------------------------------------------------------------------------


@pytest.mark.parametrize("expansion", ["files", "xdm"])
def test_expansion_is_accepted_and_selects_nothing_away(catalog: Catalog, expansion: str) -> None:
    plain = catalog.session.get(catalog.url, timeout=10)
    expanded = catalog.session.get(catalog.url, params={"expansion": expansion}, timeout=10)
    assert expanded.status_code == 200 and expanded.json() == plain.json() != {}
    dataset_id = next(iter(plain.json()))
    assert catalog.read(dataset_id, expansion=expansion) == catalog.read(dataset_id)


def test_a_page_asking_for_observable_schema_holds_at_most_20_datasets(catalog: Catalog) -> None:
    for number in range(21):
        catalog.create(name=f"Many {number}", observableSchema={})
    named = catalog.session.get(catalog.url, params={"properties": "name", "limit": 50}, timeout=10).json()
    assert len(named) > 20
    for properties in ("observableSchema", "name,observableSchema"):
        page = catalog.session.get(catalog.url, params={"properties": properties, "limit": 50}, timeout=10)
        assert page.status_code == 200 and len(page.json()) == 20
    small = catalog.session.get(
        catalog.url, params={"properties": "observableSchema", "limit": 3}, timeout=10
    )
    assert len(small.json()) == 3


def test_the_query_table_tag_catalog_made_survives_a_put_or_merge_of_other_tags(catalog: Catalog) -> None:
    dataset_id = catalog.create(name="Sample Dataset")
    assert catalog.read(dataset_id)["tags"]["adobe/pqs/table"] == ["sample_dataset"]
    assert catalog.put(dataset_id, {"name": "Sample Dataset", "tags": {"team": ["data"]}}).status_code == 200
    assert catalog.read(dataset_id)["tags"] == {"team": ["data"], "adobe/pqs/table": ["sample_dataset"]}
    assert catalog.put(dataset_id, {"name": "Renamed"}).status_code == 200  # no tags at all
    assert catalog.read(dataset_id)["tags"] == {"adobe/pqs/table": ["sample_dataset"]}
    assert catalog.merge(dataset_id, {"tags": {}}).status_code == 200
    assert catalog.read(dataset_id)["tags"] == {"adobe/pqs/table": ["sample_dataset"]}
    removed = catalog.json_patch(dataset_id, {"op": "remove", "path": "/tags/adobe~1pqs~1table"})
    assert removed.status_code == 200 and catalog.read(dataset_id)["tags"] == {}  # on purpose: gone
