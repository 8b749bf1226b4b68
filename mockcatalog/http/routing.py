"""Routes: every operation of a spec bound to its view, and the one path each request takes.

A :class:`Route` holds everything fixed per route, made once at start-up: the URL rule, the
operation and its validator, the gateway checks that apply, the headers it reads, its body limit,
its memo and its view. :meth:`Route.handle` is the request's whole path::

    gateway checks (gateway.py) -> view(call) -> JSON response -> the journal (control/journal.py)

Errors become JSON there too: a :class:`~mockcatalog.core.errors.MockCatalogError` answers its status,
werkzeug's (a body over the limit) are turned into ours, and anything else is the mock's own bug:
a 500 whose traceback is recorded, so the consumer's test fails with it at teardown. Paths and
methods no route serves are answered by :func:`unrouted`, with the same body shape and journal.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, Request, Response, current_app, request
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from mockcatalog.contract import scope
from mockcatalog.contract.spec import GATEWAY_PREFIXES, Operation
from mockcatalog.contract.validation import BINARY, OperationValidator
from mockcatalog.control.journal import RawExchange
from mockcatalog.control.plane import MockControl
from mockcatalog.core.errors import (
    MethodNotAllowed,
    MockCannot,
    MockCatalogError,
    MockLimitReached,
    NoSuchOperation,
    NotFound,
    PayloadTooLarge,
    UriTooLong,
    error_body,
)
from mockcatalog.http import gateway
from mockcatalog.http.extension import control_of
from mockcatalog.http.gateway import Call, DroppedConnection, Gate
from mockcatalog.http.request_memo import RequestMemo, environ_key
from mockcatalog.http.responses import json_response

View = Callable[[Call], Response]
#: Paths that are not behind the Platform gateway, so its URL limit does not apply: the admin API,
#: and the fake IMS (another host in real life).
NOT_THE_GATEWAY = ("/__admin/", "/ims/")
ADMIN_PREFIX = "/__admin/"
#: The largest file Adobe's Data Ingestion takes in one request (its small-file upload; larger
#: files go in parts): past it, a 413 is the real service's too. The guides disagree: the
#: developer guides call small files "256 MB or less" (and advise the large-file API on timeouts or
#: size errors), the newer overview asks for parts above 512 MB. A valid request must never fail,
#: so the larger is the bound.
ADOBE_MAX_SMALL_FILE_BYTES = 512 * 1024 * 1024

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Route:
    """One operation at one URL rule (an operation answers at its own path and under its gateway
    base path: two routes)."""

    endpoint: str
    rule: str
    method: str
    gate: Gate  # what the gateway checks, and with what
    view: View
    max_body_bytes: int | None
    takes_files: bool  # its body is a file (a binary upload), bounded by --max-file-bytes
    journaled: bool  # the admin API's own requests are not journaled

    def _too_large(self, size: int | None) -> MockCatalogError:
        """A body past the route's limit: for a file upload under Adobe's own limit on one, a limit
        of the mock (``--max-file-bytes``); otherwise a request the real service refuses too."""
        limit = self.max_body_bytes
        if self.takes_files and limit is not None and (size or 0) <= ADOBE_MAX_SMALL_FILE_BYTES:
            return MockLimitReached(
                f"The file is larger than the {limit} bytes the mock keeps (--max-file-bytes); the real "
                f"service takes files of up to {ADOBE_MAX_SMALL_FILE_BYTES} bytes in one request.",
                bound="--max-file-bytes",
                value=limit,
            )
        if self.takes_files and self.method == "PUT":
            return PayloadTooLarge(
                f"A file of more than {ADOBE_MAX_SMALL_FILE_BYTES} bytes (512 MB) cannot be uploaded in one "
                "request; upload it as a large file: INITIALIZE, PATCH its parts, COMPLETE."
            )
        return PayloadTooLarge(f"The request body is larger than the {limit} bytes accepted here.")

    def handle(self, **_path: Any) -> Response:
        """The whole of one request (Flask's view function for this route)."""
        req: Request = request._get_current_object()  # type: ignore[attr-defined]  # once: proxies cost
        gate = self.gate
        req.max_content_length = self.max_body_bytes
        call: Call | None = None
        error: MockCatalogError | None = None
        failure: str | None = None
        try:
            admitted = gateway.admit(gate, req)
            if isinstance(admitted, Response):
                response = admitted
            else:
                call = admitted
                response = self.view(call)
        except MockCatalogError as exc:
            error, response = exc, error_response(exc)
        except RequestEntityTooLarge:
            error = self._too_large(req.content_length)
            response = error_response(error)
        except HTTPException as exc:  # anything else werkzeug raises while reading the request
            error = MockCatalogError(exc.description or "")
            response = json_response(error_body(exc.code or 500, error.detail), exc.code or 500)
        except Exception as exc:  # noqa: BLE001 - a bug in the mock: answered, recorded, reported
            failure = traceback.format_exc()
            response = internal_error(exc)
        if self.journaled:
            sent = call.sent if call is not None else gateway.parameters_sent(gate, req)
            record(
                gate.control, req, gate.label, response, error, failure, call.valid.suspects if call else None
            )
            gate.control.coverage.record(gate.operation_id, sent, response.status_code)
        return response


def build_routes(
    operations: Mapping[str, Operation],
    validators: Mapping[str, OperationValidator],
    views: Mapping[str, View],
    *,
    control: MockControl,
    list_operations: Mapping[str, frozenset[str]],
    admin: bool,
) -> list[Route]:
    """A route per operation and path it answers at."""
    settings = control.settings
    routes = []
    for op_id, operation in operations.items():
        rule = operation.path
        for param in operation.params_in("path"):
            converter = param.raw.get("x-mockcatalog-converter")
            rule = rule.replace(
                f"{{{param.name}}}", f"<{converter}:{param.name}>" if converter else f"<{param.name}>"
            )
        validator = validators[op_id]
        body_limit = (
            settings.max_admin_body_bytes
            if admin
            else settings.max_file_bytes
            if BINARY in operation.bodies
            else settings.max_body_bytes
        )
        if not admin and BINARY in operation.bodies and operation.method == "PUT":  # a small file
            body_limit = min(body_limit, ADOBE_MAX_SMALL_FILE_BYTES)
        gate = gateway.Gate(
            label=operation.label,
            operation_id=op_id,
            validator=validator,
            reads_body=bool(operation.bodies),
            header_keys=tuple((p.name, environ_key(p.name)) for p in operation.params_in("header")),
            control=control,
            first_checks=gateway.first_checks_for(
                admin=admin, behind_gateway=not admin and not operation.path.startswith(NOT_THE_GATEWAY)
            ),
            needs_credentials=operation.needs_credentials,
            memo=None if operation.bodies else RequestMemo(validator.header_names_read),
            apart_from_list=list_operations.get(op_id),
        )
        prefixes = ["", GATEWAY_PREFIXES[operation.gateway]] if operation.gateway else [""]
        for prefix in prefixes:
            routes.append(
                Route(
                    endpoint=f"{op_id}@{prefix or '/'}",
                    rule=prefix + rule,
                    method=operation.method,
                    gate=gate,
                    view=views[op_id],
                    max_body_bytes=body_limit,
                    takes_files=not admin and BINARY in operation.bodies,
                    journaled=not admin,
                )
            )
    return routes


def install(app: Flask, routes: list[Route]) -> None:
    """Add the routes to the app. A route for ``GET`` answers ``HEAD`` too, unless the spec
    declares ``HEAD`` at that path on its own: those are added first, so they match first.

    A Platform route also answers its path with one trailing slash, as the path itself and with
    no redirect (Adobe's guides call ``.../catalog/batches/``; aepp posts to ``.../dataSets/``);
    the admin API's paths stay exact."""
    for route in sorted(routes, key=lambda route: route.method != "HEAD"):
        app.add_url_rule(
            route.rule,
            endpoint=route.endpoint,
            view_func=route.handle,
            methods=[route.method],
            provide_automatic_options=False,
            strict_slashes=not route.journaled,  # werkzeug: a rule that is not strict takes `/x/` as `/x`
        )
    app.register_error_handler(HTTPException, unrouted)


def unrouted(exc: HTTPException) -> Response:
    """What no route answered: a path or method no route serves, or an exception that escaped a
    view function installed by hand. JSON like every answer, and journaled."""
    req: Request = request._get_current_object()  # type: ignore[attr-defined]
    error: MockCatalogError | None = None
    failure = None
    if isinstance(exc, InternalServerError) and exc.original_exception is not None:
        failure = "".join(traceback.format_exception(exc.original_exception))
        response = internal_error(exc.original_exception)
    elif exc.code in (404, 405):
        error = _why_unrouted(req, exc.code)
        response = error_response(error)
        if error.status == exc.code == 405:  # the Allow header
            response.headers.update({k: v for k, v in exc.get_headers() if k.lower() != "content-type"})
    else:
        response = json_response(error_body(exc.code or 500, exc.description or ""), exc.code or 500)
    if failure is not None or not req.path.startswith(ADMIN_PREFIX):  # the admin API is not journaled
        record(control_of(current_app), req, None, response, error, failure)
    return response


def _why_unrouted(req: Request, status: int) -> MockCatalogError:
    """Why nothing serves this request: its URL is too long, it is a Platform operation the mock does
    not serve, or its path or its method is unknown."""
    try:
        if not req.path.startswith(NOT_THE_GATEWAY):
            gateway.refuse_long_url(req)
    except UriTooLong as too_long:
        return too_long
    if status == 404 and req.path.startswith(ADMIN_PREFIX):  # the mock's own API: nothing Adobe refuses
        return NotFound(
            f"The admin API has no {req.method} {req.path}; GET /__admin lists its endpoints "
            "(admin-openapi.yaml)."
        )
    platform_operation = scope.not_served(req.method, req.path)
    if platform_operation is not None:
        try:
            gateway.refuse_without_credentials(req, token_only=platform_operation.token_only)
        except MockCatalogError as refused:
            return refused
        return platform_operation.not_served()
    if status == 405:
        return MethodNotAllowed(f"{req.method} is not allowed on {req.path}.")
    closest = control_of(current_app).operations.closest_path(req.method, req.path)
    if closest is not None:
        return NoSuchOperation(
            f"No operation at {req.path}; did you mean {closest}? (openapi.yaml lists the paths this "
            "mock serves.)"
        )
    return NoSuchOperation(f"No operation at {req.path}; openapi.yaml lists the paths this mock serves.")


def internal_error(exc: BaseException) -> Response:
    """The 500 a bug in the mock answers (logged; the caller records the traceback)."""
    log.error("unexpected error in mockcatalog", exc_info=exc)
    return json_response(
        error_body(500, f"Internal error in the mock ({type(exc).__name__}); please report it."), 500
    )


def error_response(error: MockCatalogError) -> Response:
    return json_response(error.to_dict(), error.status)


def record(
    control: MockControl,
    req: Request,
    label: str | None,
    response: Response,
    error: MockCatalogError | None,
    failure: str | None,
    suspects: dict[str, list[str]] | None = None,
) -> None:
    """Journal one exchange: the request as sent, the status answered, and why it was a contract
    violation, a suspect, a call the mock does not serve or a failure of the mock, if it was."""
    violation = error if error is not None and error.violation else None
    cannot = error if isinstance(error, MockCannot) else None
    control.journal.record(
        RawExchange.of(
            req.environ,
            label,
            _body_read_so_far(req),
            0 if isinstance(response, DroppedConnection) else response.status_code,
            control.clock.now_ms(),
            violation.detail if violation else None,
            violation.errors if violation else None,
            failure,
            suspects or None,
            cannot.detail if cannot else None,
            cannot.cannot if cannot else None,
            answer=_answer_body(req, response),  # the journal keeps a bounded part of JSON and text
            answer_type=response.headers.get("Content-Type"),
        )
    )


def _answer_body(req: Request, response: Response) -> bytes:
    """The body the mock answered: never a stream's (reading it would spend it), never a HEAD's (it
    sends none). The mock's answers are one ``bytes``, taken as they are (no copy, no join)."""
    body = response.response
    if req.method == "HEAD" or response.is_streamed:
        return b""
    if body.__class__ is list and len(body) == 1 and body[0].__class__ is bytes:
        return body[0]
    return response.get_data()


def _body_read_so_far(req: Request) -> bytes:
    """The request body, unless reading it is what failed (a 413 must not turn into a 500 here)."""
    environ = req.environ
    if environ.get("CONTENT_LENGTH", "0") in ("", "0") and not environ.get("HTTP_TRANSFER_ENCODING"):
        return b""  # nothing was sent: no need to set up werkzeug's stream to find out
    try:
        return req.get_data(cache=True)
    except HTTPException:
        return b""
