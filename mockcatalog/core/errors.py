"""The mock's errors, and the one JSON body every error answers with.

Hierarchy (``*``: a contract violation, see below)::

    MockCatalogError            status 500 unless a subclass says otherwise
    ├── BadRequest              400, the request is well formed but the data does not allow it (a
    │   │                       dataset of another tenant, an action the batch's status forbids)
    │   └── InvalidRequest *    400, the request breaks the contract (parameters, body, query syntax)
    │       └── InvalidContentType *  400, a JSON body's ``Content-Type`` missing or not JSON
    ├── GatewayRefusal *        the Platform gateway's own answer to missing or bad credentials:
    │   │                       ``{"error_code", "message"}`` (platform FAQ), not the service's body
    │   ├── TokenMissing *      403, code 403010: no ``Authorization`` (or no token in it)
    │   ├── Unauthorized *      401, code 401013: not ``Bearer <token>``, or (strict auth) not a token
    │   │                       of the fake IMS, or expired
    │   ├── ApiKeyMissing *     403, code 403000: no ``x-api-key``
    │   └── OrgHeaderMissing *  400, code 400003: no ``x-gw-ims-org-id``
    ├── RegistryRefusal *       400, the Schema Registry's ``XDM-1006-400`` / ``XDM-1007-400``
    ├── Forbidden *             403, the admin API refuses a foreign ``Host`` or ``Origin``
    ├── NotFound                404, no such object in the caller's tenant
    │   └── RegistryNotFound    404, the Schema Registry's ``XDM-1012-404``
    ├── NoSuchOperation *       404, no operation at that path
    ├── MethodNotAllowed *      405, the path has no operation for that method
    ├── PreconditionFailed      412, ``If-Match`` names a stale version
    ├── PayloadTooLarge *       413, a body over the route's limit
    ├── UriTooLong *            414, URL over 2000 characters (seed 002)
    ├── UnsupportedMediaType *  415, a body in a media type the operation does not take
    ├── RangeNotSatisfiable     416, a Data Access ``Range`` past the end of the file
    ├── UnprocessableEntity     422, a JSON Patch that cannot be applied (RFC 5789)
    └── MockCannot              a request the real service answers and the mock cannot; not the
        │                       client's error, so strict mode reports it apart (unsupported), as
        │                       one of three kinds (``cannot``):
        ├── NotServedByTheMock  501 "not served": a Platform operation outside what the mock fakes
        │                       (``contract/scope.py``); the body names it (``operation``)
        ├── NotBuiltInTheMock   501 "not built": an operation the mock serves, asked for a feature
        │                       it has not built (previewing Parquet); the body names it (``feature``)
        └── MockLimitReached    413 "limit": a bound of the mock, not of the real service; the body
            │                   names the bound and its value (``limit``)
            ├── UploadsFull     413, uploads held by unprocessed batches past ``--max-upload-bytes``
            └── ContentsDropped 404, a processed file's contents dropped (``--max-kept-file-bytes``)

Whether an error is a **contract violation** (a request the real service would reject, which
strict mode fails the consumer's test for) is a property of its type, :attr:`violation`: a
malformed request is one wherever it is found; an unknown id or a stale version is the test's data,
not its contract. The store, query and validation modules raise these and never build responses;
the routing layer turns them (and werkzeug's own HTTP errors) into :func:`error_body` JSON.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, ClassVar

FieldErrors = Mapping[str, Any]


class MockCatalogError(Exception):
    """Base of every error the mock answers on purpose."""

    status: ClassVar[int] = 500
    violation: ClassVar[bool] = False

    def __init__(self, detail: str, errors: FieldErrors | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = dict(errors) if errors else None

    def to_dict(self) -> dict[str, Any]:
        return error_body(self.status, self.detail, self.errors)


class BadRequest(MockCatalogError):
    status = 400


class InvalidRequest(BadRequest):
    violation = True


class InvalidContentType(InvalidRequest):
    """The gateway's answer to a POST, PUT or PATCH whose JSON body comes without a JSON
    ``Content-Type`` (platform FAQ: its ``detail`` is fixed; our ``errors`` say what was sent)."""

    DETAIL: ClassVar[str] = "A valid content-type must be specified"

    def to_dict(self) -> dict[str, Any]:
        return error_body(self.status, self.DETAIL, self.errors)


class GatewayRefusal(MockCatalogError):
    """Refused at the gateway, before the service: the body is the gateway's
    ``{"error_code", "message"}``. ``detail`` and ``errors`` (how to fix it) go to the journal and
    the strict-mode report, not on the wire, where the real gateway says no more than its code."""

    violation = True
    error_code: ClassVar[str]
    message: ClassVar[str]

    def to_dict(self) -> dict[str, Any]:
        return {"error_code": self.error_code, "message": self.message}


class TokenMissing(GatewayRefusal):
    status = 403
    error_code = "403010"
    message = "Oauth token is missing."


class Unauthorized(GatewayRefusal):
    status = 401
    error_code = "401013"
    message = "Oauth token is not valid"


class ApiKeyMissing(GatewayRefusal):
    status = 403
    error_code = "403000"
    message = "Api Key is required"


class ApiKeyInvalid(GatewayRefusal):
    """With strict auth: an ``x-api-key`` that is not the client the token was issued to."""

    status = 403
    error_code = "403003"
    message = "Api Key is invalid"


class OrgHeaderMissing(GatewayRefusal):
    status = 400
    error_code = "400003"
    message = "Missing header"


class RegistryRefusal(InvalidRequest):
    """The Schema Registry's own 400 (``XDM-1006-400`` for a listing's ``Accept``, ``XDM-1007-400``
    for a lookup's): its body, not the service error body."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail, errors={"Accept": [detail]})
        self.code = code

    def to_dict(self) -> dict[str, Any]:
        return registry_error_body(self.code, "Accept Header Invalid", self.status, self.detail)


class Forbidden(MockCatalogError):
    status = 403
    violation = True


class NotFound(MockCatalogError):
    status = 404

    @classmethod
    def of(cls, what: str, object_id: str, errors: FieldErrors | None = None) -> NotFound:
        """The one wording of "the caller's tenant holds no such object" (``what``: "batch",
        "dataset", "dataSets object"...): the id is never looked for in other tenants."""
        return cls(f"No {what} with id {object_id} in this organization and sandbox.", errors)


class RegistryNotFound(NotFound):
    """No such resource in the Schema Registry (``XDM-1012-404``), in its own body."""

    def to_dict(self) -> dict[str, Any]:
        return registry_error_body("XDM-1012-404", "Resource Not Found", self.status, self.detail)


class NoSuchOperation(MockCatalogError):
    status = 404
    violation = True


class MethodNotAllowed(MockCatalogError):
    status = 405
    violation = True


class PreconditionFailed(MockCatalogError):
    status = 412


class PayloadTooLarge(MockCatalogError):
    status = 413
    violation = True


class UriTooLong(MockCatalogError):
    status = 414
    violation = True


class UnsupportedMediaType(MockCatalogError):
    status = 415
    violation = True


class RangeNotSatisfiable(MockCatalogError):
    """A ``Range`` that starts past the end of the file (RFC 9110: 416, with the length)."""

    status = 416


class UnprocessableEntity(MockCatalogError):
    status = 422


class MockCannot(MockCatalogError):
    """What the real service answers and the mock cannot: not the client's error, so not a
    violation, but the test learns nothing of the real answer (strict mode: unsupported). Three
    kinds, each reported as what it is (:attr:`cannot`): an operation not served, a feature not
    built, a limit of the mock."""

    status = 501
    cannot: ClassVar[str] = "not built"  # each subclass says which of the three it is


class NotServedByTheMock(MockCannot):
    """A real Platform operation outside what the mock fakes. The body names it (``operation``:
    its API, method, path and operationId; see :mod:`mockcatalog.contract.scope`)."""

    cannot = "not served"

    def __init__(self, label: str, operation: Mapping[str, str]) -> None:
        super().__init__(
            f"{label} is {operation['api']}'s {operation['operationId']}, a real Platform operation "
            "that mockcatalog does not serve (its README lists what it does)."
        )
        self.operation = dict(operation)

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "operation": self.operation}


class NotBuiltInTheMock(MockCannot):
    """An operation the mock serves, asked for something it has not built (previewing Parquet,
    say). The body names the feature (``feature``)."""

    cannot = "not built"

    def __init__(self, feature: str, detail: str) -> None:
        super().__init__(detail)
        self.feature = feature

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "feature": self.feature}


class MockLimitReached(MockCannot):
    """A request past one of the mock's own bounds (which the real service does not have, or not
    there): a 413 as for a body too large. The body names the bound and its value (``limit``)."""

    status = 413
    cannot = "limit"

    def __init__(self, detail: str, *, bound: str, value: int, errors: FieldErrors | None = None) -> None:
        super().__init__(detail, errors)
        self.bound, self.value = bound, value

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "limit": {"name": self.bound, "value": self.value}}


class UploadsFull(MockLimitReached):
    """An upload past what the mock holds for batches not yet processed (``--max-upload-bytes``)."""


class ContentsDropped(MockLimitReached, NotFound):
    """A processed file whose contents the mock dropped to stay within ``--max-kept-file-bytes``:
    a 404 (a :class:`NotFound` to whoever catches one), but the real service would have served it."""

    status = 404


#: The ``type`` of every service error. Adobe documents no other value than this one, in its only
#: example of a service error body (platform FAQ), so a consumer can rely on nothing more.
ERROR_TYPE = "/placeholder/type/uri"


def error_body(status: int, detail: str, errors: FieldErrors | None = None) -> dict[str, Any]:
    """The JSON error shape declared as ``Error`` in openapi.yaml: Adobe's ``type``, ``status``,
    ``title`` and ``detail``, plus our ``errors`` (field -> messages), which the real service lacks."""
    body: dict[str, Any] = {"type": ERROR_TYPE, "status": status, "title": _title(status), "detail": detail}
    if errors:
        body["errors"] = dict(errors)
    return body


def registry_error_body(code: str, title: str, status: int, detail: str) -> dict[str, Any]:
    """The Schema Registry's error body, as Adobe's spec shows it: the code in ``type``, and a
    ``report`` repeating the message (its request id and time are the mock's own)."""
    report = {
        "registryRequestId": str(uuid.uuid4()),
        "timestamp": dt.datetime.now(dt.UTC).strftime("%m-%d-%Y %H:%M:%S"),
        "detailed-message": detail,
        "sub-errors": [],
    }
    return {
        "type": f"http://ns.adobe.com/aep/errors/{code}",
        "title": title,
        "status": status,
        "report": report,
        "detail": detail,
    }


#: Titles Adobe's material shows: its one example of a service error body (the platform FAQ's 400)
#: is titled ``BadRequestError``. Other statuses have no documented title: their reason phrase.
DOCUMENTED_TITLES = {400: "BadRequestError"}


def _title(status: int) -> str:
    if status in DOCUMENTED_TITLES:
        return DOCUMENTED_TITLES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
