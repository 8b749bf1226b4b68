"""Fault rules: which call they fire for, how often, and reproducibly."""

from __future__ import annotations

import pytest

from mockcatalog.control.faults import Fault, Faults


def fired(
    faults: Faults, label: str = "POST /batches", op_id: str = "createBatch", calls: int = 10
) -> list[int]:
    return [number for number in range(calls) if faults.take(label, op_id) is not None]


def test_next_n_calls_of_an_operation() -> None:
    faults = Faults()
    faults.add(Fault("POST /batches", 503, times=2))
    assert fired(faults, "GET /batches", "listBatches") == []
    assert fired(faults) == [0, 1]
    assert faults.active() == []


def test_operation_id_and_star_match() -> None:
    faults = Faults()
    faults.add(Fault("createBatch", 500, times=None))
    assert fired(faults, calls=3) == [0, 1, 2]
    faults.clear()
    faults.add(Fault("*", 500, times=1))
    assert fired(faults, "GET /dataSets", "listDataSets") == [0]


def test_a_fraction_is_reproducible_for_a_seed() -> None:
    def pattern(seed: int) -> list[int]:
        faults = Faults()
        faults.add(Fault("*", 500, times=None, probability=0.3, seed=seed))
        return fired(faults, calls=200)

    assert pattern(7) == pattern(7)
    assert pattern(7) != pattern(8)
    assert 30 < len(pattern(7)) < 90


def test_first_added_fault_wins_and_fired_counts() -> None:
    faults = Faults()
    first = faults.add(Fault("*", 503, times=1))
    second = faults.add(Fault("*", 429, times=1, headers={"Retry-After": "1"}))
    assert faults.take("GET /batches", "listBatches") is first
    assert faults.take("GET /batches", "listBatches") is second
    assert (first.fired, second.fired, first.id, second.id) == (1, 1, 1, 2)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": 99},
        {"status": 600},
        {"probability": 1.5},
        {"times": 0},
        {"delay": -1.0},
        {"headers": {"Retry-After": "1\r\nSet-Cookie: x=1"}},
        {"headers": {"": "1"}},
    ],
)
def test_bad_faults_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Fault(**kwargs)  # type: ignore[arg-type]


def test_default_body_is_the_error_shape() -> None:
    assert Fault("POST /batches", 503).response_body()["status"] == 503
    assert Fault("*", 500, body={"custom": True}).response_body() == {"custom": True}
