"""The MockCatalog object outside pytest's fixture (``MockCatalog.start()``), and its fault and
verification helpers as a consumer calls them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from mockcatalog import MockCatalog


@pytest.fixture
def mock() -> Iterator[MockCatalog]:
    started = MockCatalog.start({"seed": 2})
    yield started
    started.stop()


def list_batches(mock: MockCatalog) -> requests.Response:
    return requests.get(f"{mock.catalog_url}/batches", headers=mock.headers, timeout=10)


def test_throttle_then_fail_a_fraction_then_drop(mock: MockCatalog) -> None:
    mock.throttle_next("GET /batches", retry_after=3)
    throttled = list_batches(mock)
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "3"
    assert list_batches(mock).status_code == 200

    mock.fail_fraction("listBatches", 0.5, status=500, seed=4)
    statuses = [list_batches(mock).status_code for _ in range(20)]
    assert set(statuses) == {200, 500}
    mock.control.faults.clear()

    mock.drop_next("GET /batches")
    with pytest.raises(requests.ConnectionError):
        list_batches(mock)
    assert list_batches(mock).status_code == 200


def test_assert_not_called_and_its_report(mock: MockCatalog) -> None:
    mock.assert_not_called("POST /batches")
    list_batches(mock)
    mock.assert_not_called("GET /batches", status=500)
    with pytest.raises(AssertionError, match="Expected no request matching GET /batches; 1 of 1 matched"):
        mock.assert_not_called("GET /batches")
