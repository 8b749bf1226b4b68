"""The table of Platform operations the mock knows but does not serve (``scope.py``)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from werkzeug.exceptions import MethodNotAllowed, NotFound

from mockcatalog.contract import scope
from mockcatalog.contract.scope import NOT_SERVED, PlatformOperation

from ...conftest import concrete


@pytest.mark.parametrize("operation", NOT_SERVED, ids=lambda operation: operation.label)
def test_each_operation_is_found_by_its_method_and_path_and_by_nothing_else(
    operation: PlatformOperation,
) -> None:
    path = concrete(operation)
    assert scope.not_served(operation.method, path) == operation
    assert scope.not_served(operation.method, path + "/extra/segments") is None
    # every entry whose template matches the path (a {container} matches "tenant")
    at_path = {other.method: other for other in NOT_SERVED if scope._pattern(other.path).fullmatch(path)}
    others = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"} - set(at_path)
    for method in others:  # a HEAD is the GET of its path, when there is one
        expected = at_path.get("GET") if method == "HEAD" else None
        assert scope.not_served(method, path) == expected, method


@pytest.mark.parametrize("operation", NOT_SERVED, ids=lambda operation: operation.label)
def test_no_entry_names_an_operation_the_mock_serves(app: Flask, operation: PlatformOperation) -> None:
    """An operation the mock learns to serve leaves the table (a stale entry would never be read)."""
    with pytest.raises((NotFound, MethodNotAllowed)):
        app.url_map.bind("localhost").match(concrete(operation), operation.method)


def test_a_parameter_is_one_segment_and_the_base_path_takes_a_trailing_slash() -> None:
    assert scope.not_served("GET", "/data/foundation/catalog/accounts/a/b") is None
    assert scope.not_served("GET", "/data/foundation/catalog/accounts/a") is not None
    assert scope.not_served("GET", "/data/foundation/catalog") == scope.not_served(
        "GET", "/data/foundation/catalog/"
    )


def test_only_under_adobes_base_paths() -> None:
    """The mock's own short paths (``/batches``) stand for served operations only."""
    assert scope.not_served("GET", "/accounts") is None
    assert scope.not_served("GET", "/data/foundation/catalog/accounts") is not None


def test_the_table_is_adobes_ids_without_repeats() -> None:
    labels = [operation.label for operation in NOT_SERVED]
    assert len(labels) == len(set(labels))
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", operation.operation_id) for operation in NOT_SERVED)
