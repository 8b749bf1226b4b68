"""A large file uploaded in parts, as Adobe's batch ingestion guide does it, through a live server:
INITIALIZE, PATCH parts with Content-Range, HEAD for what arrived, COMPLETE, then the batch."""

from __future__ import annotations

import json

import pytest
import requests

from mockcatalog import create_app
from mockcatalog.control.journal import contract_report
from mockcatalog.http.extension import control_of
from mockcatalog.server import LiveServer

from ..conftest import GLOBEX, make_credentials

pytestmark = pytest.mark.e2e

DATASET = "6ac98000f2a74de452e6b438"
ROWS = b"".join(json.dumps({"id": n, "name": f"row {n}"}).encode() + b"\n" for n in range(200))


def new_batch(server: LiveServer) -> tuple[str, str]:
    """A loading batch, and the URL of its file ``big/part-1.json``."""
    ingestion = f"{server.url}/data/foundation/import/batches"
    body = {"datasetId": DATASET, "inputFormat": {"format": "json"}}
    batch = requests.post(ingestion, json=body, headers=make_credentials(), timeout=10).json()["id"]
    return batch, f"{ingestion}/{batch}/datasets/{DATASET}/files/big/part-1.json"


def patch(url: str, first: int, last: int, total: int | None = None) -> requests.Response:
    length = f"/{total}" if total is not None else ""
    headers = {
        **make_credentials(),
        "Content-Type": "application/octet-stream",
        "Content-Range": f"bytes {first}-{last}{length}",
    }
    return requests.patch(url, data=ROWS[first : last + 1], headers=headers, timeout=10)


def post(url: str) -> requests.Response:
    return requests.post(url, headers=make_credentials(), timeout=10)


def test_a_large_file_in_parts_is_ingested_like_a_small_one(live_server: LiveServer) -> None:
    batch, url = new_batch(live_server)
    assert post(f"{url}?action=INITIALIZE").status_code == 201
    status = requests.head(url, headers=make_credentials(), timeout=10)
    assert status.status_code == 200 and "Range" not in status.headers  # nothing yet

    third = len(ROWS) // 3
    sent = patch(url, 2 * third, len(ROWS) - 1, len(ROWS))  # the last part first
    assert sent.status_code == 200 and sent.headers["Range"] == f"bytes {2 * third}-{len(ROWS) - 1}"
    assert patch(url, 0, third - 1).status_code == 200
    status = requests.head(url, headers=make_credentials(), timeout=10)
    assert status.headers["Range"] == f"bytes 0-{third - 1},{2 * third}-{len(ROWS) - 1}"

    gaps = post(f"{url}?action=COMPLETE")
    assert (
        gaps.status_code == 400 and f"bytes {third}-{2 * third - 1} were never sent" in gaps.json()["detail"]
    )
    early = post(f"{live_server.url}/data/foundation/import/batches/{batch}?action=COMPLETE")
    assert early.status_code == 400 and "big/part-1.json" in early.json()["detail"]

    assert patch(url, third, 2 * third - 1).status_code == 200
    done = post(f"{url}?action=COMPLETE")
    assert done.status_code == 201 and done.json()["size"] == len(ROWS)
    assert done.json()["name"] == "big/part-1.json" and done.json()["sizeInBytes"] == len(
        ROWS
    )  # the spec's File
    assert (
        post(f"{live_server.url}/data/foundation/import/batches/{batch}?action=COMPLETE").status_code == 200
    )

    catalog = f"{live_server.url}/data/foundation/catalog/batches/{batch}"
    read = requests.get(catalog, headers=make_credentials(), timeout=10).json()[batch]
    assert (read["status"], read["recordCount"], read["size"]) == ("success", 200, len(ROWS))
    contents = f"{live_server.url}/data/foundation/export/files/{batch}-1?path=big/part-1.json"
    assert requests.get(contents, headers=make_credentials(), timeout=10).content == ROWS


def test_bad_parts_are_refused_naming_the_bytes_and_change_nothing(live_server: LiveServer) -> None:
    _batch, url = new_batch(live_server)
    assert patch(url, 0, 9).status_code == 404  # never initialized
    post(f"{url}?action=INITIALIZE")
    assert patch(url, 0, 99, 150).status_code == 200
    for first, last, total, says in [
        (100, 199, None, "go past the end of the file (150 bytes, 0-149)"),
        (100, 149, 300, "declares a file of 300 bytes; this upload declared 150"),
    ]:
        refused = patch(url, first, last, total)
        assert refused.status_code == 400 and says in refused.json()["detail"]
        assert "Content-Range" in refused.json()["errors"]
    short = requests.patch(
        url,
        data=b"12345",
        headers={
            **make_credentials(),
            "Content-Type": "application/octet-stream",
            "Content-Range": "bytes 100-149",
        },
        timeout=10,
    )
    assert short.status_code == 400 and "names 50 bytes, but the body holds 5" in short.json()["detail"]
    assert requests.head(url, headers=make_credentials(), timeout=10).headers["Range"] == "bytes 0-99"


def test_an_overlapping_part_is_taken_and_complete_refuses_it(live_server: LiveServer) -> None:
    """Adobe's troubleshooting guides: overlapping chunks are accepted, and COMPLETE is a 400."""
    _batch, url = new_batch(live_server)
    post(f"{url}?action=INITIALIZE")
    assert patch(url, 0, 99, 150).status_code == 200
    overlapping = patch(url, 50, 149)
    assert overlapping.status_code == 200 and overlapping.headers["Range"] == "bytes 0-149"
    completed = post(f"{url}?action=COMPLETE")
    assert completed.status_code == 400, completed.text
    assert completed.json()["errors"] == {"filePath": ["Overlapping bytes 50-99."]}
    post(f"{url}?action=INITIALIZE")  # started again: each byte once
    assert patch(url, 0, 99, 150).status_code == 200 and patch(url, 100, 149).status_code == 200
    assert post(f"{url}?action=COMPLETE").status_code == 201


def test_uploads_held_by_unprocessed_batches_are_bounded_in_all_tenants() -> None:
    """Past --max-upload-bytes, an upload is a 413 that strict mode reports as a limit of the mock
    (unsupported), not as a request the real service rejects; processing a batch frees its bytes."""
    app = create_app({"seed": 1, "max_upload_bytes": 100})
    with LiveServer(app) as server:
        mine, url = new_batch(server)
        octet = {"Content-Type": "application/octet-stream"}
        assert (
            requests.put(url, data=ROWS[:60], headers={**make_credentials(), **octet}, timeout=10).status_code
            == 200
        )

        globex = make_credentials(GLOBEX)  # another tenant shares the bound
        dataset = next(iter(requests.get(f"{server.url}/dataSets", headers=globex, timeout=10).json()))
        ingestion = f"{server.url}/data/foundation/import/batches"
        body = {"datasetId": dataset, "inputFormat": {"format": "json"}}
        theirs = requests.post(ingestion, json=body, headers=globex, timeout=10).json()["id"]
        upload = f"{ingestion}/{theirs}/datasets/{dataset}/files/a.json"
        full = requests.put(upload, data=ROWS[:60], headers={**globex, **octet}, timeout=10)
        assert full.status_code == 413 and "--max-upload-bytes" in full.json()["detail"]
        assert full.json()["limit"] == {"name": "--max-upload-bytes", "value": 100}
        journal = control_of(app).journal
        (limited,) = journal.unsupported()
        assert limited.cannot == "limit" and not journal.violations()
        report = contract_report([], [], journal.unsupported())
        assert report.startswith("1 call(s) past a limit of the mock") and "does not serve" not in report
        overview = requests.get(f"{server.url}/__admin/overview", timeout=10).json()
        assert [r["cannot"] for r in overview["requests"] if r["status"] == 413] == ["limit"]

        assert post(f"{ingestion}/{mine}?action=COMPLETE").status_code == 200
        requests.get(f"{server.url}/batches/{mine}", headers=make_credentials(), timeout=10)  # processed
        assert (
            requests.put(upload, data=ROWS[:60], headers={**globex, **octet}, timeout=10).status_code == 200
        )
