"""A real Platform SDK from PyPI (aepp), unchanged but for its host and token settings, drives the
whole workflow against the mock: IMS token, dataset, batch, upload, COMPLETE, polling, listing.

aepp reads two module-level settings that ``aepp.configure`` fills in: the platform base URL
(``aepp.config.endpoints["global"]``) and the IMS token URL
(``aepp.config.config_object["oauthTokenEndpointV2"]``). Pointing both at the mock is all it takes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mockcatalog import create_app
from mockcatalog.server import LiveServer

from ..conftest import ACME
from ..doc_blocks import doc_block, pointed_at

pytestmark = pytest.mark.e2e

ORG = ACME  # the packaged fixtures' organization


@pytest.fixture
def sdk() -> Iterator[tuple[Any, Any, LiveServer]]:
    """aepp's Catalog and DataIngestion clients, configured against a mock with strict auth."""
    import aepp
    from aepp import catalog, ingestion

    app = create_app({"strict_auth": True})  # only tokens the fake IMS issued pass
    with LiveServer(app) as server:
        aepp.configure(
            org_id=ORG, client_id="sdk-client", secret="sdk-secret", scopes="openid", sandbox="prod"
        )
        exec(pointed_at(doc_block("aepp-setup").text, server.url))  # the documented two settings
        yield catalog.Catalog(), ingestion.DataIngestion(), server


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
