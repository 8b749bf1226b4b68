"""A consumer team's tests of its own Catalog client, using the mock_catalog fixture.

This file is the example in docs/pytest.md, verbatim (a test checks they agree).
"""

import requests


class BatchUploader:
    """The consumer's code under test: creates batches, retrying what the platform asks to retry."""

    def __init__(self, import_url: str, catalog_url: str, headers: dict[str, str], attempts: int = 3):
        self.import_url, self.catalog_url = import_url, catalog_url
        self.session = requests.Session()
        self.session.headers.update(headers)
        self.attempts = attempts

    def create_batch(self, dataset_id: str) -> str:
        for _ in range(self.attempts):
            response = self.session.post(
                f"{self.import_url}/batches",
                json={"datasetId": dataset_id, "inputFormat": {"format": "json"}},
                timeout=5,
            )
            if response.status_code not in (429, 500, 503):
                break
        response.raise_for_status()
        return response.json()["id"]

    def failed_batches(self, dataset_id: str) -> list[str]:
        params = {"dataSet": dataset_id, "status": "failed", "orderBy": "desc:created"}
        response = self.session.get(f"{self.catalog_url}/batches", params=params, timeout=5)
        response.raise_for_status()
        return list(response.json())


def uploader_for(mock_catalog) -> BatchUploader:
    return BatchUploader(mock_catalog.import_url, mock_catalog.catalog_url, mock_catalog.headers)


def test_creates_a_loading_batch(mock_catalog):
    dataset_id = mock_catalog.add_dataset("Orders")

    batch_id = uploader_for(mock_catalog).create_batch(dataset_id)

    mock_catalog.assert_called("POST /batches", times=1, json={"datasetId": dataset_id})
    batch = mock_catalog.client.get(f"/batches/{batch_id}", headers=mock_catalog.headers).json[batch_id]
    assert batch["status"] == "loading"


def test_every_test_starts_from_the_pristine_fixtures(mock_catalog):
    assert mock_catalog.requests == []  # nor does it see the last test's requests
    datasets = mock_catalog.client.get("/dataSets", headers=mock_catalog.headers).json
    assert "Orders" not in [dataset["name"] for dataset in datasets.values()]  # the last test's is gone


def test_retries_a_503_then_succeeds(mock_catalog):
    dataset_id = mock_catalog.add_dataset("Orders")
    mock_catalog.fail_next("POST /batches", status=503)

    uploader_for(mock_catalog).create_batch(dataset_id)

    statuses = [call.status for call in mock_catalog.calls("POST /batches")]
    assert statuses == [503, 201]


def test_lists_failed_batches(mock_catalog):
    dataset_id = mock_catalog.add_dataset("Orders")
    failed = mock_catalog.add_batch(dataset_id, status="failed")
    mock_catalog.add_batch(dataset_id, status="success")

    assert uploader_for(mock_catalog).failed_batches(dataset_id) == [failed]
    mock_catalog.assert_called("GET /batches", query={"dataSet": dataset_id, "status": "failed"})
