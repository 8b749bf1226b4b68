"""The mock's errors, and the one JSON body every error answers with.

Hierarchy::

    MockCatalogError            status 500 unless a subclass says otherwise
    ├── BadRequest              400, optional per-field ``errors``
    ├── Unauthorized            401, missing or malformed ``Authorization: Bearer``
    ├── Forbidden               403, missing ``x-api-key`` / ``x-gw-ims-org-id``
    ├── NotFound                404, no such object in the caller's tenant
    ├── Conflict                409, an action the batch's status does not allow
    ├── PreconditionFailed      412, ``If-Match`` names a stale version
    ├── UriTooLong              414, URL over 2000 characters (seed 002)
    ├── UnprocessableEntity     422, a JSON Patch that cannot be applied (RFC 5789)
    └── UnsupportedMediaType    415, a body that is not ``application/json``

The store, query and validation modules raise these and never build responses; ``app.py`` turns
them (and werkzeug's own HTTP errors) into :func:`error_body` JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

FieldErrors = Mapping[str, Any]


class MockCatalogError(Exception):
    """Base of every error the mock answers on purpose."""

    status: int = 500

    def __init__(self, detail: str, errors: FieldErrors | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = dict(errors) if errors else None

    def to_dict(self) -> dict[str, Any]:
        return error_body(self.status, self.detail, self.errors)


class BadRequest(MockCatalogError):
    status = 400


class Unauthorized(MockCatalogError):
    status = 401


class Forbidden(MockCatalogError):
    status = 403


class NotFound(MockCatalogError):
    status = 404


class Conflict(MockCatalogError):
    status = 409


class PreconditionFailed(MockCatalogError):
    status = 412


class UriTooLong(MockCatalogError):
    status = 414


class UnprocessableEntity(MockCatalogError):
    status = 422


class UnsupportedMediaType(MockCatalogError):
    status = 415


def error_body(status: int, detail: str, errors: FieldErrors | None = None) -> dict[str, Any]:
    """The JSON error shape declared as ``Error`` in openapi.yaml."""
    body: dict[str, Any] = {"status": status, "title": _title(status), "detail": detail}
    if errors:
        body["errors"] = dict(errors)
    return body


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
