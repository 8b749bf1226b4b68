"""``create_app``: the Flask app, with routes, validation and error handling all driven by the specs.

Every operation of ``openapi.yaml`` is routed at its own path and again under its real gateway base
path (``x-mockcatalog-gateway``); the admin API (``admin-openapi.yaml``) is routed under
``/__admin``. Before a Catalog view runs, one ``before_request`` hook checks the URL length (414),
fires any injected fault, checks the credentials (401/403) and validates the request against the
operation's generated schemas (400, 415), leaving the result in ``g`` for the view. After it, the
request is journaled and counted for contract coverage. Every error, unknown paths and methods
included, answers the spec's JSON ``Error`` body.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from flask import Flask, Request, Response, current_app, g, request
from flask.typing import ResponseReturnValue
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from mockcatalog import admin
from mockcatalog.clock import Clock
from mockcatalog.control import MockControl
from mockcatalog.errors import BadRequest, MockCatalogError, Unauthorized, UriTooLong, error_body
from mockcatalog.faults import Fault
from mockcatalog.fixture_files import Fixtures, default_fixture_dir, read_fixtures, rebase_timestamps
from mockcatalog.journal import RawExchange
from mockcatalog.json_provider import FastJSONProvider
from mockcatalog.lifecycle import ProcessingPolicy
from mockcatalog.request_memo import CheckedRequest, RequestMemo, environ_key
from mockcatalog.resources import VIEWS
from mockcatalog.resources.common import Call, json_response
from mockcatalog.schemas import fixture_schemas
from mockcatalog.spec import GATEWAY_PREFIXES, Operation, load_spec
from mockcatalog.store import CatalogStore
from mockcatalog.tenancy import Caller, caller_from_headers
from mockcatalog.validation import BINARY, OperationValidator, build_validators, flatten, lowercase_headers

EXTENSION = "mockcatalog"
ROUTES = f"{EXTENSION}.routes"  # app.extensions key of the endpoint -> Route map
MAX_URL_LENGTH = 2000  # the Platform gateway's limit (seed 002)
#: Paths that are not behind the Platform gateway, so its URL limit does not apply: the admin API,
#: and the fake IMS (another host in real life).
NOT_THE_GATEWAY = ("/__admin/", "/ims/")

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
    # How many requests the journal keeps (the newest).
    "MOCKCATALOG_JOURNAL_SIZE": 1000,
    # Catalog request bodies over this many bytes answer 413 (admin bodies are not limited).
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    # Uploaded files over this many bytes answer 413; files are kept in memory.
    "MOCKCATALOG_MAX_FILE_BYTES": 64 * 1024 * 1024,
    # When completed batches finish: after this many ms of the mock's clock (0: at once) ...
    "MOCKCATALOG_PROCESSING_DELAY_MS": 0,
    # ... or on the Nth read of the batch by id (0: not by polls; takes precedence).
    "MOCKCATALOG_PROCESSING_POLLS": 0,
    # Accept only bearer tokens issued by the fake IMS (/ims/token/v3) and not expired.
    "MOCKCATALOG_STRICT_AUTH": False,
}

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Route:
    """What an endpoint serves: its operation, validator, and whether it is the control plane."""

    operation: Operation
    validator: OperationValidator
    admin: bool
    #: declared header parameters, each with the WSGI environ key it arrives under
    header_keys: tuple[tuple[str, str], ...]
    memo: RequestMemo  # checks of bodiless requests already seen
    label: str  # the operation's label ("GET /batches"), made once


class _MockCatalogFlask(Flask):
    json_provider_class = FastJSONProvider  # orjson; key order is the result order


def admin_spec_path() -> Path:
    return Path(str(resources.files("mockcatalog") / "admin-openapi.yaml"))


def control_of(app: Flask) -> MockControl:
    control: MockControl = app.extensions[EXTENSION]
    return control


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the mock: load the specs and fixtures, route every operation, install the checks."""
    app = _MockCatalogFlask("mockcatalog")
    app.config.from_mapping(DEFAULT_CONFIG)
    app.config.from_mapping(config or {})

    spec_path = app.config["MOCKCATALOG_SPEC"]
    store = CatalogStore(
        clock=Clock(app.config["MOCKCATALOG_NOW_MS"]),
        seed=app.config["MOCKCATALOG_SEED"],
        policy=ProcessingPolicy(
            delay_ms=int(app.config["MOCKCATALOG_PROCESSING_DELAY_MS"]),
            polls=int(app.config["MOCKCATALOG_PROCESSING_POLLS"]),
        ),
        validate=object_validator(spec_path),
    )
    store.load(_fixtures(app, spec_path, store.clock))
    app.extensions[EXTENSION] = MockControl(
        store, load_spec(spec_path), journal_size=app.config["MOCKCATALOG_JOURNAL_SIZE"]
    )
    routes: dict[str, Route] = {}
    _add_routes(app, routes, spec_path, VIEWS, admin=False)
    _add_routes(app, routes, str(admin_spec_path()), admin.VIEWS, admin=True)
    app.extensions[ROUTES] = routes
    app.before_request(_check_request)
    app.after_request(_record_request)
    app.register_error_handler(MockCatalogError, _mock_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    return app


def _fixtures(app: Flask, spec_path: str | None, clock: Clock) -> Fixtures:
    directory = app.config["MOCKCATALOG_FIXTURES"] or default_fixture_dir()
    fixtures = read_fixtures(directory, fixture_schemas(spec_path))
    rebase = app.config["MOCKCATALOG_REBASE_TIMESTAMPS"]
    if rebase is None:
        rebase = app.config["MOCKCATALOG_FIXTURES"] is None
    return rebase_timestamps(fixtures, clock.now_ms()) if rebase else fixtures


def object_validator(spec_path: str | None) -> Callable[[str, dict[str, Any]], None]:
    """Checks what a Catalog write produced against openapi.yaml's shapes (400 naming the fields)."""
    schemas = fixture_schemas(spec_path)

    def validate(collection: str, obj: dict[str, Any]) -> None:
        try:
            schemas[collection].load(obj)
        except ValidationError as exc:
            raise BadRequest(
                f"The {collection} object would not match openapi.yaml.", errors=flatten(exc.messages)
            ) from exc

    return validate


def _add_routes(
    app: Flask,
    routes: dict[str, Route],
    spec_path: str | None,
    views: Mapping[str, Callable[..., ResponseReturnValue]],
    *,
    admin: bool,
) -> None:
    validators = build_validators(spec_path)
    for op_id, operation in load_spec(spec_path).operations.items():
        rule = operation.path
        for param in operation.params_in("path"):
            converter = param.raw.get("x-mockcatalog-converter")
            rule = rule.replace(
                f"{{{param.name}}}", f"<{converter}:{param.name}>" if converter else f"<{param.name}>"
            )
        prefixes = ["", GATEWAY_PREFIXES[operation.gateway]] if operation.gateway else [""]
        for prefix in prefixes:
            endpoint = f"{op_id}@{prefix or '/'}"
            app.add_url_rule(
                prefix + rule,
                endpoint=endpoint,
                view_func=views[op_id],
                methods=[operation.method],
                provide_automatic_options=False,
            )
            header_keys = tuple((p.name, environ_key(p.name)) for p in operation.params_in("header"))
            validator = validators[op_id]
            memo = RequestMemo(validator)
            routes[endpoint] = Route(operation, validator, admin, header_keys, memo, operation.label)


def _route(app: Flask, req: Request) -> Route | None:
    routes: Mapping[str, Route] = app.extensions[ROUTES]
    return routes.get(req.endpoint or "")


def _check_request() -> ResponseReturnValue | None:
    # The objects behind Flask's proxies, once: every proxy access costs (bench_inprocess.py).
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    req: Request = request._get_current_object()  # type: ignore[attr-defined]
    route = _route(app, req)
    path, query_string = req.path, req.query_string
    url_length = len(path) + (len(query_string) + 1 if query_string else 0)
    if url_length > MAX_URL_LENGTH and not path.startswith(NOT_THE_GATEWAY):
        raise UriTooLong(
            f"URL length {url_length} exceeds the allowed {MAX_URL_LENGTH} characters; "
            "send fewer or shorter query parameters."
        )
    if route is None:
        return None  # unknown path or method: werkzeug's 404/405 follows
    control = control_of(app)
    operation = route.operation
    if route.admin:
        req.max_content_length = None  # fixture and state uploads may be large
    else:
        if BINARY in operation.bodies:
            req.max_content_length = app.config["MOCKCATALOG_MAX_FILE_BYTES"]
        fault = control.faults.take(route.label, operation.operation_id)
        answer = _fire(fault) if fault is not None else None
        if answer is not None:
            return answer
    strict = app.config["MOCKCATALOG_STRICT_AUTH"]
    memo_key = route.memo.key(req.environ, query_string, req.view_args or {}) if route.memo.applies else None
    checked = route.memo.get(memo_key) if memo_key is not None else None
    if checked is None:
        checked = _checked(route, req, control if strict else None)
        if memo_key is not None:
            route.memo.put(memo_key, checked)
    elif strict and checked.caller is not None:
        _check_token(control, checked.caller)
    g._get_current_object().mockcatalog_call = Call(checked, route.validator, control.store)
    return None


def _checked(route: Route, req: Request, strict: MockControl | None) -> CheckedRequest:
    """The caller (401/403), its token when ``strict`` auth is on (401), then the parameters and body
    (400/415), in that order: what the gateway checks first is reported first."""
    headers = lowercase_headers(req.environ)
    caller = caller_from_headers(headers) if route.operation.needs_credentials else None
    if caller is not None and strict is not None:
        _check_token(strict, caller)
    valid = route.validator.validate(
        args=req.args,
        headers=headers,
        path=req.view_args or {},
        body=req.get_data(cache=True) if route.operation.bodies else b"",
        content_type=req.content_type,
    )
    return CheckedRequest(caller, valid, _parameters_sent(route, req))


def _check_token(control: MockControl, caller: Caller) -> None:
    problem = control.tokens.problem(caller.token, control.store.clock.now_ms())
    if problem:
        raise Unauthorized(problem, errors={"Authorization": [problem]})


def _parameters_sent(route: Route, req: Request) -> tuple[str, ...]:
    headers = [name for name, key in route.header_keys if key in req.environ]
    return (*req.args, *(req.view_args or {}), *headers)


def _fire(fault: Fault) -> ResponseReturnValue | None:
    """Act out an injected fault: wait, then drop the connection, answer instead, or carry on."""
    if fault.delay:
        time.sleep(fault.delay)
    if fault.drop:
        return _dropped_connection()
    if fault.status is None:
        return None
    response = json_response(fault.response_body(), fault.status)
    response.headers.update(fault.headers)
    return response


def _dropped_connection() -> Response:
    """Close the client's connection without an answer.

    The development server hands its socket over (``werkzeug.socket``), so it is shut at once. Other
    servers get a response that promises more bytes than it sends, so they close the connection
    mid-response: either way the client sees a broken connection, not an HTTP status.
    """
    sock = request.environ.get("werkzeug.socket")
    if sock is not None:
        import socket

        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    response = Response(b"", status=200)
    response.headers["Content-Length"] = "1024"
    g.mockcatalog_dropped = True
    return response


def _record_request(response: Response) -> Response:
    """Journal the exchange and count it for contract coverage (cheaply: this runs on every request)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    req: Request = request._get_current_object()  # type: ignore[attr-defined]
    route = _route(app, req)
    if route is not None and route.admin:
        return response
    state = vars(g._get_current_object())  # a plain dict: three lookups through g cost a µs
    violation: MockCatalogError | None = state.get("mockcatalog_violation")
    control = control_of(app)
    environ = req.environ
    status = response.status_code
    control.journal.record(
        RawExchange.of(
            environ,
            route.label if route else None,
            _body_read_so_far(environ),
            0 if state.get("mockcatalog_dropped") else status,
            control.store.clock.now_ms(),
            violation.detail if violation else None,
            violation.errors if violation else None,
        )
    )
    if route is not None:
        call: Call | None = state.get("mockcatalog_call")  # None: the checks failed before the end
        sent = call.checked.sent if call is not None else _parameters_sent(route, req)
        control.coverage.record(route.operation.operation_id, sent, status)
    return response


def _body_read_so_far(environ: Mapping[str, Any]) -> bytes:
    """The request body, unless reading it is what failed (a 413 must not turn into a 500 here)."""
    if environ.get("CONTENT_LENGTH", "0") in ("", "0") and not environ.get("HTTP_TRANSFER_ENCODING"):
        return b""  # nothing was sent: no need to set up werkzeug's stream to find out
    try:
        return request.get_data(cache=True)
    except HTTPException:
        return b""


#: Errors that mean "the real service would reject this request", not "this data does not exist".
_CONTRACT_STATUSES = frozenset({400, 401, 403, 405, 413, 414, 415})


def _mock_error(error: MockCatalogError) -> Response:
    if error.status in _CONTRACT_STATUSES and g.get("mockcatalog_call") is None:
        g.mockcatalog_violation = error  # raised before the view: a contract check failed
    return json_response(error.to_dict(), error.status)


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    detail = {
        404: f"No operation at {request.path}; openapi.yaml lists the paths this mock serves.",
        405: f"{request.method} is not allowed on {request.path}.",
        413: "The request body is larger than the mock accepts.",
    }.get(status, error.description or "")
    if status in _CONTRACT_STATUSES or (status == 404 and request.url_rule is None):
        g.mockcatalog_violation = MockCatalogError(detail)
    response = json_response(error_body(status, detail), status)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _unexpected_error(error: Exception) -> Response:
    log.exception("unexpected error in mockcatalog", exc_info=error)
    return json_response(
        error_body(500, f"Internal error in the mock ({type(error).__name__}); please report it."), 500
    )
