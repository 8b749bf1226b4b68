"""The views, one module per resource family, and the table that binds them to operation ids."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask.typing import ResponseReturnValue

from mockcatalog.resources import batches, datasets

VIEWS: Mapping[str, Callable[..., ResponseReturnValue]] = {
    "listBatches": batches.list_batches,
    "createBatch": batches.create_batch,
    "getBatches": batches.get_batches,
    "listDataSets": datasets.list_datasets,
    "getDataSets": datasets.get_datasets,
    "getIngestBatchSummary": datasets.get_ingest_batch_summary,
}
