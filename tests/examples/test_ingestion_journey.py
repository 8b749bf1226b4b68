"""The whole batch-ingestion journey of Adobe's guide, as a consumer team tests its own ingestion
code against the mock_catalog fixture: a batch with a small file and a large one sent in parts,
completed, polled until processed, then read back through Data Access, failed rows included.
Strict mode is on: any request the real service would reject, or that the mock does not serve,
fails these tests."""

import json

import requests

CHUNK = 1000  # bytes per part of a large file (the real service asks for parts past 256 MB)


class Ingester:
    """The consumer's code under test."""

    def __init__(self, import_url: str, catalog_url: str, export_url: str, headers: dict[str, str]):
        self.import_url, self.catalog_url, self.export_url = import_url, catalog_url, export_url
        self.session = requests.Session()
        self.session.headers.update(headers)

    def ingest(self, dataset_id: str, files: dict[str, bytes], tolerated_percentage: int = 0) -> str:
        body = {
            "datasetId": dataset_id,
            "inputFormat": {"format": "json"},
            "partialIngestionPercentage": tolerated_percentage,
        }
        batch_id = self.session.post(f"{self.import_url}/batches", json=body, timeout=5).json()["id"]
        for name, data in files.items():
            url = f"{self.import_url}/batches/{batch_id}/datasets/{dataset_id}/files/{name}"
            if len(data) <= CHUNK:
                sent = self.session.put(url, data=data, headers={"Content-Type": "application/octet-stream"})
                sent.raise_for_status()
            else:
                self._upload_in_parts(url, data)
        self.session.post(
            f"{self.import_url}/batches/{batch_id}?action=COMPLETE", timeout=5
        ).raise_for_status()
        return batch_id

    def _upload_in_parts(self, url: str, data: bytes) -> None:
        self.session.post(f"{url}?action=INITIALIZE", timeout=5).raise_for_status()
        for first in range(0, len(data), CHUNK):
            part = data[first : first + CHUNK]
            headers = {
                "Content-Type": "application/octet-stream",
                "Content-Range": f"bytes {first}-{first + len(part) - 1}/{len(data)}",
            }
            self.session.patch(url, data=part, headers=headers, timeout=5).raise_for_status()
        self.session.post(f"{url}?action=COMPLETE", timeout=5).raise_for_status()

    def wait(self, batch_id: str, polls: int = 10) -> dict:
        for _ in range(polls):
            batch = self.session.get(f"{self.catalog_url}/batches/{batch_id}", timeout=5).json()[batch_id]
            if batch["status"] in ("success", "failed"):
                return batch
        raise TimeoutError(batch_id)

    def download(self, batch_id: str) -> dict[str, bytes]:
        listed = self.session.get(f"{self.export_url}/batches/{batch_id}/files", timeout=5).json()
        contents = {}
        for entry in listed["data"]:
            files = self.session.get(entry["_links"]["self"]["href"], timeout=5).json()["data"]
            for file in files:
                contents[file["name"]] = self.session.get(file["_links"]["self"]["href"], timeout=5).content
        return contents

    def refused_rows(self, batch_id: str) -> list[dict]:
        listed = self.session.get(f"{self.export_url}/batches/{batch_id}/failed", timeout=5).json()["data"]
        rows = []
        for file in listed:
            text = self.session.get(file["_links"]["self"]["href"], timeout=5).text
            rows += [json.loads(line) for line in text.splitlines()]
        return rows


def ingester_for(mock_catalog) -> Ingester:
    return Ingester(
        mock_catalog.import_url, mock_catalog.catalog_url, mock_catalog.export_url, mock_catalog.headers
    )


def rows(count: int, start: int = 0) -> bytes:
    return b"".join(
        json.dumps({"id": n, "name": f"customer {n}"}).encode() + b"\n" for n in range(start, start + count)
    )


def test_a_small_and_a_large_file_are_ingested_and_read_back(mock_catalog):
    mock_catalog.processing(polls=2)  # the batch is processing until read twice, as a real one would be
    dataset_id = mock_catalog.add_dataset("Customers")
    small, large = rows(3), rows(100, start=3)
    assert len(large) > CHUNK  # so it goes in parts

    ingester = ingester_for(mock_catalog)
    batch_id = ingester.ingest(dataset_id, {"day=1/small.json": small, "day=1/large.json": large})
    batch = ingester.wait(batch_id)

    assert (batch["status"], batch["recordCount"]) == ("success", 103)
    assert ingester.download(batch_id) == {"day=1/small.json": small, "day=1/large.json": large}
    assert ingester.refused_rows(batch_id) == []
    parts = -(-len(large) // CHUNK)
    mock_catalog.assert_called("PATCH /batches/{id}/datasets/{datasetId}/files/{filePath}", times=parts)


def test_rows_refused_by_a_partial_ingestion_are_read_back_with_their_errors(mock_catalog):
    dataset_id = mock_catalog.add_dataset("Customers")
    sent = rows(9) + b'{"id": 9, "name": \n'

    ingester = ingester_for(mock_catalog)
    batch_id = ingester.ingest(dataset_id, {"part-1.json": sent}, tolerated_percentage=20)

    assert ingester.wait(batch_id)["failedRecordCount"] == 1
    (refused,) = ingester.refused_rows(batch_id)
    assert refused["_corrupt_record"] == '{"id": 9, "name": '
    assert [error["code"] for error in refused["_errors"]] == ["1401"]
    assert ingester.refused_rows(batch_id) == mock_catalog.failed_rows(batch_id)  # the fixture's helper
    assert ingester.download(batch_id) == {"part-1.json": rows(9)}
