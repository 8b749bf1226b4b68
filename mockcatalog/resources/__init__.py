"""The views, one module per resource family, and the table that binds them to operation ids."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask.typing import ResponseReturnValue

from mockcatalog.resources import batches, datasets, ims

VIEWS: Mapping[str, Callable[..., ResponseReturnValue]] = {
    "listBatches": batches.list_batches,
    "createBatch": batches.create_batch,
    "createCatalogBatch": batches.create_catalog_batch,
    "getBatches": batches.get_batches,
    "updateBatch": batches.update_batch,
    "replaceBatch": batches.replace_batch,
    "deleteBatch": batches.delete_batch,
    "batchAction": batches.batch_action,
    "uploadFile": batches.upload_file,
    "listDataSets": datasets.list_datasets,
    "createDataSet": datasets.create_dataset,
    "getDataSets": datasets.get_datasets,
    "updateDataSet": datasets.update_dataset,
    "replaceDataSet": datasets.replace_dataset,
    "deleteDataSet": datasets.delete_dataset,
    "getIngestBatchSummary": datasets.get_ingest_batch_summary,
    "imsTokenV3": ims.ims_token_v3,
    "imsTokenV2": ims.ims_token_v2,
}
