"""The Catalog store on its own: creation rules, reads, and that failures leave nothing behind."""

from __future__ import annotations

import pytest

from mockcatalog.catalog.fixture_files import Fixtures
from mockcatalog.catalog.query import ListQuery
from mockcatalog.control.plane import MockControl
from mockcatalog.core.errors import BadRequest, NotFound

from .conftest import NOW, ORG_A, ORG_B, caller, everything, new_control


def test_create_batch_fills_the_documented_fields(control: MockControl) -> None:
    batch = control.ingestion.create_batch(
        caller(), {"datasetId": "dsA", "inputFormat": {"format": "CSV"}, "tags": {"t": ["x"]}}
    )
    assert batch["status"] == "loading"
    assert batch["relatedObjects"] == [{"type": "dataSet", "id": "dsA"}]
    assert batch["created"] == batch["updated"] == NOW
    assert batch["createdClient"] == "client-1" and batch["imsOrg"] == ORG_A
    assert batch["externalId"] == batch["id"] and len(batch["id"]) == 26
    assert batch["inputFormat"] == {"format": "csv"} and batch["tags"] == {"t": ["x"]}
    assert list(everything(control.store, (ORG_A, "prod"), "batches")) == ["b1", batch["id"]]


def test_create_batch_refuses_another_tenants_dataset_and_writes_nothing(control: MockControl) -> None:
    for who in (caller(ORG_B), caller(ORG_A, "dev")):
        with pytest.raises(BadRequest) as raised:
            control.ingestion.create_batch(who, {"datasetId": "dsA"})
        assert raised.value.errors is not None and "datasetId" in raised.value.errors
    assert list(everything(control.store, (ORG_A, "prod"), "batches")) == ["b1"]
    assert everything(control.store, (ORG_B, "prod"), "batches") == {}


def test_replay_must_name_existing_batches(control: MockControl) -> None:
    with pytest.raises(BadRequest):
        control.ingestion.create_batch(
            caller(), {"datasetId": "dsA", "replay": {"predecessors": ["b1", "nope"]}}
        )
    batch = control.ingestion.create_batch(caller(), {"datasetId": "dsA", "replay": {"predecessors": ["b1"]}})
    assert batch["replay"] == {"predecessors": ["b1"]}


def test_get_objects_keeps_id_order_and_404s_on_any_missing(control: MockControl) -> None:
    control.ingestion.create_batch(caller(), {"datasetId": "dsA"})
    found = control.store.get_objects((ORG_A, "prod"), "dataSets", ["dsA"])
    assert list(found) == ["dsA"] and found["dsA"]["name"] == "a"
    with pytest.raises(NotFound):
        control.store.get_objects((ORG_B, "prod"), "dataSets", ["dsA"])


def test_summary_of_another_tenants_dataset_is_not_found(control: MockControl) -> None:
    with pytest.raises(NotFound):
        control.store.ingest_batch_summary((ORG_B, "prod"), "dsA", ListQuery(limit=None), (0, None))
    summary = control.store.ingest_batch_summary((ORG_A, "prod"), "dsA", ListQuery(limit=None), (0, None))
    assert summary["metrics"]["batchCount"] == 1


def test_ids_repeat_for_the_same_seed() -> None:
    def first_id() -> str:
        fresh = new_control(seed=9)
        fresh.tenants.load(Fixtures(collections={"dataSets": {"d": {"imsOrg": ORG_A}}}))
        return str(fresh.ingestion.create_batch(caller(), {"datasetId": "d"})["id"])

    assert first_id() == first_id()


def test_indexed_lists_answer_what_a_full_scan_answers(control: MockControl) -> None:
    from mockcatalog.catalog.query import build_query
    from mockcatalog.contract.validation import build_validators

    kinds = build_validators()["listBatches"].query_kinds
    for _ in range(3):
        control.ingestion.create_batch(caller(), {"datasetId": "dsA"})
    control.store.add((ORG_A, "prod"), "dataSets", lambda _: {"imsOrg": ORG_A, "name": "x"}, "dsX")
    control.store.write_object(
        caller(), "batches", "b1", fields={"relatedObjects": [{"type": "dataSet", "id": "dsX"}]}
    )
    control.store.delete_object(caller(), "dataSets", "dsX")  # a batch may outlive its dataset
    for values in ({"dataSet": "dsA"}, {"dataSet": "dsX,dsA"}, {"dataSet": "dsA", "orderBy": "desc:created"}):
        query = build_query({**values, "limit": 100}, kinds)
        indexed = control.store.list_objects((ORG_A, "prod"), "batches", query)
        with control.tenants.reading((ORG_A, "prod")) as data:
            scanned = query.run(data["batches"].snapshot().items())
        assert indexed == scanned and indexed


def test_a_summary_follows_every_write_to_its_dataset_and_the_reset(control: MockControl) -> None:
    everything_since_zero = (0, None)

    def batch_count(query: ListQuery | None = None) -> int:
        query = query or ListQuery(limit=None)
        summary = control.store.ingest_batch_summary((ORG_A, "prod"), "dsA", query, everything_since_zero)
        return int(summary["metrics"]["batchCount"])

    assert batch_count() == 1
    control.ingestion.create_batch(caller(), {"datasetId": "dsA"})
    assert batch_count() == 2  # the dataset's remembered rows were dropped by the write
    assert batch_count(ListQuery(limit=1)) == 1  # paging goes the general way
    control.store.add((ORG_A, "prod"), "dataSets", lambda _: {"imsOrg": ORG_A, "name": "x"}, "x")
    control.store.write_object(
        caller(), "batches", "b1", fields={"relatedObjects": [{"type": "dataSet", "id": "x"}]}
    )
    assert batch_count() == 1  # moved to another dataset
    control.reset()
    assert batch_count() == 1 and batch_count(ListQuery(limit=5)) == 1
    control.ingestion.delete_batch(caller(), "b1")
    assert batch_count() == 0
    with pytest.raises(ValueError, match="delete_batch"):  # one owner of a batch's deletion
        control.store.delete_object(caller(), "batches", "b1")


def test_unique_values_are_the_tenants_own(control: MockControl) -> None:
    control.store.create_catalog_batch(caller(ORG_B), {"status": "success"})
    control.store.create_catalog_batch(caller(ORG_A, "dev"), {"status": "aborted"})
    control.store.create_catalog_batch(caller(), {"status": "loading"})
    seen = {
        tenant: control.store.unique_values(tenant, "batches", "status", ListQuery(limit=None)).values
        for tenant in [(ORG_A, "prod"), (ORG_A, "dev"), (ORG_B, "prod"), ("C@AdobeOrg", "prod")]
    }
    assert seen == {
        (ORG_A, "prod"): ["loading"],  # b1 has no status
        (ORG_A, "dev"): ["aborted"],
        (ORG_B, "prod"): ["success"],
        ("C@AdobeOrg", "prod"): [],
    }


def test_unique_values_follow_writes_and_name_their_generation(control: MockControl) -> None:
    tenant = (ORG_A, "prod")
    before = control.store.unique_values(tenant, "batches", "id", ListQuery(limit=None))
    made = control.store.create_catalog_batch(caller(), {"status": "loading"})
    after = control.store.unique_values(tenant, "batches", "id", ListQuery(limit=None))
    assert after.values == [*before.values, made] and after.generation != before.generation
    assert after.generation == control.store.generation(tenant, "batches")


def test_a_write_keeps_what_only_the_service_sets_without_changing_the_stored_object() -> None:
    fresh = new_control(seed=3)
    adls = {"adlsType": "GEN2", "location": "abfs://x"}
    stored = {"imsOrg": ORG_A, "name": "a", "persistence": {"adls": adls}, "lastBatchId": "b1"}
    fresh.tenants.load(Fixtures(collections={"dataSets": {"dsP": stored}}))
    tenant = (ORG_A, "prod")
    before = fresh.store.get_objects(tenant, "dataSets", ["dsP"])["dsP"]
    persistence = {"datastream": {"source": "s"}, "adls": {"adlsType": "GEN1"}}
    fields = {"persistence": persistence, "lastBatchId": "x"}
    fresh.store.write_object(caller(), "dataSets", "dsP", fields=fields)
    after = fresh.store.get_objects(tenant, "dataSets", ["dsP"])["dsP"]
    assert after["persistence"] == {"datastream": {"source": "s"}, "adls": adls}
    assert after["lastBatchId"] == "b1"
    assert before["persistence"] == {"adls": adls} and after["version"] == "1.0.1"  # before: unchanged
    fresh.store.write_object(caller(), "dataSets", "dsP", fields={"name": "b"}, replace=True)
    replaced = fresh.store.get_objects(tenant, "dataSets", ["dsP"])["dsP"]
    assert replaced["persistence"] == {"adls": adls} and replaced["lastBatchId"] == "b1"
    assert (replaced["state"], replaced["tags"]) == ("DRAFT", {})
    with pytest.raises(BadRequest):  # a PUT without a name, even past the HTTP check
        fresh.store.write_object(caller(), "dataSets", "dsP", fields={"description": "d"}, replace=True)
    assert fresh.store.get_objects(tenant, "dataSets", ["dsP"])["dsP"] == replaced
