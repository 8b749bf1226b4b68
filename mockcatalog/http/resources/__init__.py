"""The views, one module per resource family, and the table that binds them to operation ids.

A view takes the admitted :class:`~mockcatalog.http.gateway.Call` and returns a response; it never
reads the request itself. By-id reads and writes are the same for datasets and batches, so they
are one view each, bound to their collection here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from flask import Response

from mockcatalog.catalog.model import BATCHES, DATASET_FILES, DATASETS
from mockcatalog.http.gateway import Call
from mockcatalog.http.resources import batches, datasets, exports, ims, schemas
from mockcatalog.http.resources.common import delete_by_id, get_by_ids, write_by_id

VIEWS: Mapping[str, Callable[[Call], Response]] = {
    "listBatches": batches.list_batches,
    "getUniqueBatchValues": batches.get_unique_batch_values,
    "createBatch": batches.create_batch,
    "createCatalogBatch": batches.create_catalog_batch,
    "getBatches": partial(get_by_ids, BATCHES),
    "updateBatch": partial(write_by_id, BATCHES),
    "replaceBatch": partial(write_by_id, BATCHES, replace=True),
    "deleteBatch": batches.delete_batch,
    "batchAction": batches.batch_action,
    "uploadFile": batches.upload_file,
    "largeFileAction": batches.large_file_action,
    "uploadLargeFilePart": batches.upload_large_file_part,
    "getLargeFileStatus": batches.large_file_status,
    "getBatchPreview": batches.batch_preview,
    "listDataSets": datasets.list_datasets,
    "createDataSet": datasets.create_dataset,
    "getDataSets": partial(get_by_ids, DATASETS),
    "updateDataSet": partial(write_by_id, DATASETS),
    "replaceDataSet": partial(write_by_id, DATASETS, replace=True),
    "deleteDataSet": partial(delete_by_id, DATASETS),
    "getIngestBatchSummary": datasets.get_ingest_batch_summary,
    "listDataSetFiles": datasets.list_dataset_files,
    "getDataSetFiles": partial(get_by_ids, DATASET_FILES),
    "listBatchFiles": exports.list_batch_files,
    "listFailedBatchFiles": exports.list_failed_batch_files,
    "getFile": exports.get_file,
    "getFileMetadata": exports.get_file,
    "getPreviewByDatasetId": exports.dataset_preview,
    "listAllSchemas": schemas.list_all_schemas,
    "lookupSchema": schemas.lookup_schema,
    "getSampleData": schemas.get_sample_data,
    "imsTokenV3": ims.ims_token_v3,
    "imsTokenV2": ims.ims_token_v2,
}
#: Operations whose view reads a list query (built once per distinct request, with the checks),
#: each with the query parameters its view reads apart from it.
LIST_OPERATIONS: Mapping[str, frozenset[str]] = {
    "listBatches": frozenset(),
    "getUniqueBatchValues": frozenset(),
    "listDataSets": frozenset(),
    "listDataSetFiles": frozenset(),
    "getIngestBatchSummary": frozenset({"createdAfter", "createdBefore"}),
}
