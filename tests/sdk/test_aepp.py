"""A real Platform SDK from PyPI (aepp), unchanged but for its host and token settings, drives the
whole workflow against the mock: IMS token, dataset, batch, upload, COMPLETE, polling, listing; and
its other batch and dataset methods, with what each gets back (the setup: ``conftest.py``; every URL
aepp builds: ``test_aepp_urls.py``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from mockcatalog.server import LiveServer

pytestmark = pytest.mark.e2e

#: A failed batch of the packaged fixtures: code 1401, rows 3, 17 and 42 refused, no contents kept.
FIXTURE_FAILED_BATCH = "01M7F0RWG0NTBX1VD85Y7PT1AR"


def test_aepp_completes_the_workflow(sdk: tuple[Any, Any, LiveServer]) -> None:
    cat, ing, _server = sdk
    references = cat.createDataSet(
        name="Orders from aepp", schemaId="https://ns.adobe.com/acme/schemas/orders"
    )
    dataset_id = references[0].removeprefix("@/dataSets/")

    batch = ing.createBatch(datasetId=dataset_id, format="json", multiline=True)
    assert batch["status"] == "loading"
    records = [{"_id": "r1", "amount": 10}, {"_id": "r2", "amount": 20}, {"_id": "r3", "amount": 5}]
    uploaded = ing.uploadSmallFile(
        batchId=batch["id"], datasetId=dataset_id, filePath="orders.json", data=records
    )
    assert uploaded["size"] > 0
    assert ing.uploadSmallFileFinish(batchId=batch["id"], action="COMPLETE") == {}

    finished = cat.getBatch(batch["id"])[batch["id"]]
    assert finished["status"] == "success" and finished["recordCount"] == 3

    listed = cat.getBatches(dataSet=dataset_id)
    assert list(listed) == [batch["id"]]
    datasets = cat.getDataSets()  # aepp pages with start= and reads name/classification/tags of each
    assert datasets[dataset_id]["lastBatchStatus"] == "success"


def test_aepp_reads_failed_batches_and_mapper_errors(sdk: tuple[Any, Any, LiveServer]) -> None:
    """Its failed-batch helpers read ``sandboxId``, ``errors`` and ``relatedObjects`` of every
    failed batch, unconditionally (a KeyError when a real response's field is missing)."""
    cat, ing, _server = sdk
    dataset_id = cat.createDataSet(name="Failing", schemaId="https://ns.adobe.com/acme/schemas/f")[0].split(
        "/"
    )[-1]
    batch = ing.createBatch(datasetId=dataset_id, format="json")
    ing.uploadSmallFileFinish(batchId=batch["id"], action="COMPLETE")  # no file: processing fails it
    failed = cat.getFailedBatchesDF(limit=100)
    assert batch["id"] in failed.index and failed.loc[batch["id"], "dataSetId"] == dataset_id
    assert len(set(failed["sandbox"])) == 1  # one sandbox: the same sandboxId on every batch
    mapper = cat.getMapperErrors(limit=100)  # the fixtures hold no mapper errors: an empty frame
    assert len(mapper) == 0


def test_aepp_filters_batches_by_external_id_and_datasets_by_creation(
    sdk: tuple[Any, Any, LiveServer],
) -> None:
    cat, ing, _server = sdk
    dataset_id = cat.createDataSet(name="Filtered", schemaId="https://ns.adobe.com/acme/schemas/g")[0].split(
        "/"
    )[-1]
    batch = ing.createBatch(datasetId=dataset_id, format="json")
    assert list(cat.getBatches(externalId=batch["externalId"])) == [batch["id"]]
    created = cat.getDataSet(dataset_id)[dataset_id]["created"]
    assert dataset_id in cat.getDataSets(created=created)


def test_aepp_uploads_into_a_partition_folder(sdk: tuple[Any, Any, LiveServer]) -> None:
    cat, ing, _server = sdk
    dataset_id = cat.createDataSet(name="Partitioned", schemaId="https://ns.adobe.com/acme/schemas/h")[
        0
    ].split("/")[-1]
    batch = ing.createBatch(datasetId=dataset_id, format="json", multiline=True)
    uploaded = ing.uploadSmallFile(
        batchId=batch["id"],
        datasetId=dataset_id,
        filePath="year=2026/month=11/part-1.json",
        data=[{"_id": "a"}],
    )
    assert uploaded["path"] == "year=2026/month=11/part-1.json"
    ing.uploadSmallFileFinish(batchId=batch["id"], action="COMPLETE")
    assert cat.getBatch(batch["id"])[batch["id"]]["recordCount"] == 1


def new_dataset(cat: Any, name: str, schema: str = "https://ns.adobe.com/acme/schemas/aepp") -> str:
    """A dataset made by aepp's ``createDataSet``; its id."""
    (reference,) = cat.createDataSet(name=name, schemaId=schema)
    return str(reference).removeprefix("@/dataSets/")


def violations_of(server: LiveServer) -> list[str]:
    """What strict mode would call a violation, since the mock started (one line each)."""
    evidence = requests.get(f"{server.url}/__admin/violations", timeout=10).json()
    return [f"{entry['method']} {entry['path']} -> {entry['status']}" for entry in evidence["violations"]]


def test_aepp_dataset_methods_change_what_a_read_shows(sdk: tuple[Any, Any, LiveServer]) -> None:
    cat, _ing, server = sdk
    dataset_id = new_dataset(cat, "Sample Dataset", "https://ns.adobe.com/acme/schemas/s")

    def read() -> dict[str, Any]:
        return dict(cat.getDataSet(dataset_id)[dataset_id])

    created = read()
    assert created["schemaRef"]["id"] == "https://ns.adobe.com/acme/schemas/s"
    assert created["tags"]["adobe/pqs/table"] == ["sample_dataset"]  # the Catalog guide's example
    assert cat.enableDatasetProfile(dataset_id, upsert=True) == [f"@/dataSets/{dataset_id}"]
    assert read()["tags"]["unifiedProfile"] == ["enabled:true", "isUpsert:true"]
    cat.disableDatasetProfile(dataset_id)
    assert read()["tags"]["unifiedProfile"] == ["enabled:false"]
    cat.enableDatasetUpsert(dataset_id)
    assert read()["tags"]["unifiedProfile"] == ["enabled:true", "isUpsert:true"]
    cat.enableDatasetIdentity(dataset_id)
    assert read()["tags"]["unifiedIdentity"] == ["enabled:true"]
    cat.disableDatasetIdentity(dataset_id)
    assert read()["tags"]["unifiedIdentity"] == ["enabled:false"]
    cat.patchDataset(dataset_id, {"description": "patched by aepp"})
    assert read()["description"] == "patched by aepp"
    replaced = {**read(), "description": "replaced by aepp"}  # the synchronizer's round trip
    assert cat.putDataset(dataset_id, replaced) == [f"@/dataSets/{dataset_id}"]
    assert read()["description"] == "replaced by aepp"
    assert isinstance(cat.getDataSetObservableSchema(dataset_id), dict)  # keyed by the id it asked for
    assert cat.deleteDataSet(dataset_id) == 200
    assert cat.getDataSet(dataset_id)["status"] == 404
    assert violations_of(server) == []


def test_aepp_caches_every_dataset_and_finds_datasets_by_their_schema(
    sdk: tuple[Any, Any, LiveServer],
) -> None:
    """``getDataSets`` caches ``tags["adobe/pqs/table"]`` of every dataset (one without it empties
    the cache); aepp's schema tools find a schema's datasets with ``property=schemaRef.id==...``."""
    cat, _ing, server = sdk
    schema = "https://ns.adobe.com/acme/schemas/aepp-orders"
    made = cat.createDataSet(name="Orders (2024) from aepp", schemaId=schema)[0].split("/")[-1]
    snapshot = cat.createDataSet(name="Profile-Snapshot-Export-abc", schemaId=schema)[0].split("/")[-1]

    everything = cat.getDataSets()
    assert cat.data.ids["Orders (2024) from aepp"] == made
    assert cat.data.table_names["Orders (2024) from aepp"] == ["orders_2024_from_aepp"]
    assert set(cat.data.ids.values()) == set(everything)  # fixture datasets too: nothing left out
    assert set(cat.getDataSets(property=f"schemaRef.id=={schema}")) == {made, snapshot}
    assert list(cat.getProfileSnapshotDatasets()) == [snapshot]
    assert violations_of(server) == []


def test_aepp_creates_the_union_profile_dataset_at_its_slashed_path(sdk: tuple[Any, Any, LiveServer]) -> None:
    cat, _ing, server = sdk
    (reference,) = cat.createUnionProfileDataset()  # POST .../dataSets/ (with the slash)
    dataset_id = reference.removeprefix("@/dataSets/")
    assert cat.getDataSet(dataset_id)[dataset_id]["schemaRef"]["id"].endswith("/profile__union")
    assert violations_of(server) == []


def test_aepp_uploads_a_large_file_in_parts_and_reads_it_back(sdk: tuple[Any, Any, LiveServer]) -> None:
    from aepp import dataaccess

    cat, ing, server = sdk
    access = dataaccess.DataAccess()
    dataset_id = new_dataset(cat, "Large")
    batch_id = ing.createBatch(datasetId=dataset_id, format="json", multiline=True)["id"]
    rows = json.dumps([{"_id": "1"}, {"_id": "2"}]).encode()
    last = len(rows) - 1
    with pytest.warns(DeprecationWarning):  # aepp marks its large-file methods deprecated
        assert ing.uploadLargeFileStartEnd(batch_id, dataset_id, "big.json", "INITIALIZE")["size"] == 0
        ing.uploadLargeFilePart(batch_id, dataset_id, "big.json", rows[10:], f"bytes 10-{last}/{len(rows)}")
        ing.uploadLargeFilePart(batch_id, dataset_id, "big.json", rows[:10], f"bytes 0-9/{len(rows)}")
        assert ing.headFileStatus(batch_id, dataset_id, "big.json") == {}  # aepp drops the headers of a 200
        ing.uploadLargeFileStartEnd(batch_id, dataset_id, "big.json", "COMPLETE")
    assert ing.uploadSmallFileFinish(batchId=batch_id, action="COMPLETE") == {}
    assert cat.getBatch(batch_id)[batch_id]["recordCount"] == 2

    (listed,) = access.getBatchFiles(batch_id)
    file_id = listed["dataSetFileId"]
    (entry,) = access.getFiles(file_id)["data"]
    assert [json.loads(line) for line in access.getFiles(file_id, path=entry["name"]).splitlines()] == [
        {"_id": "1"},
        {"_id": "2"},
    ]
    assert access.getHeadFile(file_id, entry["name"]) == {}
    assert access.getPreview(dataset_id) == [{"_id": "1"}, {"_id": "2"}]
    assert violations_of(server) == []


def test_aepp_reverts_a_batch_and_pages_through_batches(sdk: tuple[Any, Any, LiveServer]) -> None:
    cat, ing, server = sdk
    dataset_id = new_dataset(cat, "Reverted")
    batch_id = ing.createBatch(datasetId=dataset_id, format="json", multiline=True)["id"]
    ing.uploadSmallFile(batchId=batch_id, datasetId=dataset_id, filePath="r.json", data=[{"_id": "r"}])
    ing.uploadSmallFileFinish(batchId=batch_id, action="COMPLETE")
    assert cat.findActiveBatch(batch_id) == batch_id  # reads tags.acp_successor, absent here
    assert ing.deleteBatch(batch_id) == {}  # REVERT: 200 with no body
    assert cat.getBatch(batch_id)[batch_id]["status"] == "inactive"
    paged = cat.getBatches(limit=2, n_results=5)  # start=0, 2, 4: pages of two until it has enough
    assert len(paged) == 6  # six different batches: no page repeats another
    assert batch_id not in cat.getBatches(status="success", dataSet=dataset_id)
    assert violations_of(server) == []


def test_aepp_lists_the_failed_rows_of_a_fixture_batch(sdk: tuple[Any, Any, LiveServer]) -> None:
    """A failed batch of the fixtures (code 1401, rows 3, 17, 42) lists its ``parse_errors`` though
    the mock holds no rows of it; reading them is the 404 saying why, and a name the batch has no
    file of is the plain 404."""
    from aepp import dataaccess

    _cat, _ing, server = sdk
    access = dataaccess.DataAccess()
    (listed,) = access.getBatchFailed(FIXTURE_FAILED_BATCH)
    assert listed["name"] == "parse_errors" and "length" not in listed  # the mock cannot know it
    assert listed["_links"]["self"]["href"].endswith("?path=parse_errors")
    contents = access.getBatchFailed(FIXTURE_FAILED_BATCH, path="parse_errors")
    assert contents["status"] == 404 and "loaded from fixture or state files" in contents["detail"]
    other = access.getBatchFailed(FIXTURE_FAILED_BATCH, path="conversion_errors")
    assert other["status"] == 404 and other["errors"]["path"] == [
        "Not a file of this batch: 'conversion_errors'."
    ]
    assert violations_of(server) == []


def test_aepp_methods_the_mock_does_not_serve_get_the_501_naming_them(
    sdk: tuple[Any, Any, LiveServer],
) -> None:
    """aepp returns an error body as if it were data: each is the 501 naming Adobe's operation,
    reported as unsupported, never as the client's violation."""
    from aepp import dataaccess

    cat, _ing, server = sdk
    dataset_id = "6ac98000f2a74de452e6b438"  # Web Events, a fixture dataset
    named = {
        "listLastBatches": cat.getLastBatches(dataSetId=dataset_id),
        "getDataSetTtl": cat.getDataSetExpiration(dataset_id),
        "patchDataSetV2": cat.setDatasetTTL(dataset_id, "P3M"),
        "get_data_set_views_by_data_set_id": cat.getDataSetViews(dataset_id),
        "get_service_resources": cat.getResources(),
        "getBatchMeta": dataaccess.DataAccess().getBatchMeta(FIXTURE_FAILED_BATCH, path="row_errors"),
    }
    for operation_id, answer in named.items():
        assert (answer["status"], answer["operation"]["operationId"]) == (501, operation_id)
    assert cat.patchDatasetV2(dataset_id, {"extensions": {}})["operation"]["operationId"] == "patchDataSetV2"
    evidence = requests.get(f"{server.url}/__admin/violations", timeout=10).json()
    assert evidence["violations"] == [] and len(evidence["unsupported"]) == len(named) + 1
