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

from ..doc_blocks import doc_block, pointed_at

pytestmark = pytest.mark.e2e

ORG = "ACME000000000000000000AA@AdobeOrg"


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
