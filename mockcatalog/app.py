"""``create_app``: the Flask app, with routes, validation and error handling all driven by openapi.yaml.

Every operation of the spec is routed at its own path and again under its real gateway base path
(``x-mockcatalog-gateway``). Before a view runs, one ``before_request`` hook checks the URL length
(414), the credentials (401/403) and the request against the operation's generated schemas (400,
415), and leaves the result in ``g`` for the view (:func:`current_call`). Every error, unknown
paths and methods included, answers the spec's JSON ``Error`` body.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, g, request
from marshmallow import INCLUDE
from werkzeug.exceptions import HTTPException

from mockcatalog.clock import Clock
from mockcatalog.errors import MockCatalogError, UriTooLong, error_body
from mockcatalog.fixture_files import default_fixture_dir, read_fixtures, rebase_timestamps
from mockcatalog.resources import VIEWS
from mockcatalog.resources.common import Call, json_response
from mockcatalog.schemas import builder_for
from mockcatalog.spec import GATEWAY_PREFIXES, load_spec
from mockcatalog.store import CatalogStore
from mockcatalog.tenancy import caller_from_headers
from mockcatalog.validation import OperationValidator, build_validators

EXTENSION = "mockcatalog"
MAX_URL_LENGTH = 2000

DEFAULT_CONFIG: Mapping[str, Any] = {
    # A fixture directory; None serves the fixtures packaged with mockcatalog.
    "MOCKCATALOG_FIXTURES": None,
    # Shift fixture timestamps so the newest is "now"; None: only for the packaged fixtures.
    "MOCKCATALOG_REBASE_TIMESTAMPS": None,
    # openapi.yaml to serve; None: the packaged one.
    "MOCKCATALOG_SPEC": None,
    # Seed of the id generator, for repeatable ids.
    "MOCKCATALOG_SEED": None,
    # A fixed "now" in Unix ms (frozen clock); None: wall-clock time.
    "MOCKCATALOG_NOW_MS": None,
    # Request bodies over this many bytes answer 413.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
}

log = logging.getLogger(__name__)


@dataclass
class MockCatalog:
    """The app's mock state, kept in ``app.extensions["mockcatalog"]``."""

    store: CatalogStore
    validators: Mapping[str, OperationValidator]
    operation_of_endpoint: Mapping[str, str]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the mock: load the spec and fixtures, route every operation, install the checks."""
    app = Flask("mockcatalog")
    app.config.from_mapping(DEFAULT_CONFIG)
    app.config.from_mapping(config or {})
    app.json.sort_keys = False  # type: ignore[attr-defined]  # key order is the result order
    app.json.compact = True  # type: ignore[attr-defined]

    spec_path = app.config["MOCKCATALOG_SPEC"]
    store = CatalogStore(clock=Clock(app.config["MOCKCATALOG_NOW_MS"]), seed=app.config["MOCKCATALOG_SEED"])
    store.load(_fixtures(app, spec_path, store.clock))
    mock = MockCatalog(store=store, validators=build_validators(spec_path), operation_of_endpoint={})
    app.extensions[EXTENSION] = mock
    _add_routes(app, mock, spec_path)
    app.before_request(_check_request)
    app.register_error_handler(MockCatalogError, _mock_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    return app


def _fixtures(app: Flask, spec_path: str | None, clock: Clock) -> Any:
    directory = app.config["MOCKCATALOG_FIXTURES"] or default_fixture_dir()
    builder = builder_for(spec_path)
    schemas = {
        "dataSets": builder.component("DataSet")(unknown=INCLUDE),
        "batches": builder.component("Batch")(unknown=INCLUDE),
    }
    fixtures = read_fixtures(directory, schemas)
    rebase = app.config["MOCKCATALOG_REBASE_TIMESTAMPS"]
    if rebase is None:
        rebase = app.config["MOCKCATALOG_FIXTURES"] is None
    return rebase_timestamps(fixtures, clock.now_ms()) if rebase else fixtures


def _add_routes(app: Flask, mock: MockCatalog, spec_path: str | None) -> None:
    endpoints: dict[str, str] = {}
    for op_id, operation in load_spec(spec_path).operations.items():
        view = VIEWS[op_id]
        rule = operation.path.replace("{", "<").replace("}", ">")
        for prefix in ("", GATEWAY_PREFIXES[operation.gateway]):
            endpoint = f"{op_id}@{prefix or '/'}"
            app.add_url_rule(
                prefix + rule,
                endpoint=endpoint,
                view_func=view,
                methods=[operation.method],
                provide_automatic_options=False,
            )
            endpoints[endpoint] = op_id
    mock.operation_of_endpoint = endpoints


def _check_request() -> None:
    url_length = len(request.path) + (len(request.query_string) + 1 if request.query_string else 0)
    if url_length > MAX_URL_LENGTH:
        raise UriTooLong(
            f"URL length {url_length} exceeds the allowed {MAX_URL_LENGTH} characters; "
            "send fewer or shorter query parameters."
        )
    if request.url_rule is None or request.endpoint is None:
        return  # unknown path or method: werkzeug's 404/405 follows
    mock: MockCatalog = current_app.extensions[EXTENSION]
    validator = mock.validators[mock.operation_of_endpoint[request.endpoint]]
    caller = caller_from_headers(request.headers)
    valid = validator.validate(
        args=request.args,
        headers=request.headers,
        path=request.view_args or {},
        body=request.get_data(cache=True),
        content_type=request.content_type,
    )
    g.mockcatalog_call = Call(caller=caller, valid=valid, validator=validator, store=mock.store)


def _mock_error(error: MockCatalogError) -> Response:
    return _json_error(error.status, error.detail, error.errors)


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    detail = {
        404: f"No operation at {request.path}; openapi.yaml lists the paths this mock serves.",
        405: f"{request.method} is not allowed on {request.path}.",
        413: "The request body is larger than the mock accepts.",
    }.get(status, error.description or "")
    response = _json_error(status, detail)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _unexpected_error(error: Exception) -> Response:
    log.exception("unexpected error in mockcatalog", exc_info=error)
    return _json_error(500, f"Internal error in the mock ({type(error).__name__}); please report it.")


def _json_error(status: int, detail: str, errors: Mapping[str, Any] | None = None) -> Response:
    return json_response(error_body(status, detail, errors), status)
