"""What the Platform gateway does before a view runs, as an ordered list of named checks.

Each route has a :class:`Gate` (made once, by the routing) and runs these checks, in this order
(what the gateway checks first is reported first):

0. **local admin**: the admin API only, never behind the gateway: its ``Host`` and ``Origin`` must be
   ones a web page cannot forge (403);
1. **URL length**: over 2000 characters is a 414 (gateway paths only, seed 002);
2. **fault**: an injected fault answers, waits or drops the connection instead (gateway paths only);
3. **credentials**: ``Authorization``, ``x-api-key``, ``x-gw-ims-org-id`` (401/403), for
   operations that need them;
4. **token**: with strict auth, a token the fake IMS issued and that has not expired (401), sent
   with the API key of the client it was issued to (403 ``403003``);
5. **parameters and body**: validated against the operation's spec-generated schemas (400/415),
   one error listing every bad field.

Each check reads only its inputs. Remembering is no check: a bodiless request seen before skips 3
and 5, whose results the gate's memo (:mod:`~mockcatalog.http.request_memo`) keeps for it. The
gateway imports nothing of the routing that uses it.

A check may raise a :class:`~mockcatalog.core.errors.MockCatalogError` (the request is refused) or
return a response (the request is answered without its view). When all pass, the route's view
receives an immutable :class:`Call`: who is calling, what they sent (validated), and the control
plane to act on.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from flask import Request, Response

from mockcatalog.catalog.query import ListQuery, build_query
from mockcatalog.catalog.tenancy import Caller, bearer_token, caller_from_headers, one_value_each
from mockcatalog.contract.validation import OperationValidator, ValidRequest, lowercase_headers
from mockcatalog.control.plane import MockControl
from mockcatalog.core.errors import ApiKeyInvalid, Forbidden, Unauthorized, UriTooLong
from mockcatalog.http.request_memo import RequestMemo
from mockcatalog.http.responses import json_response

MAX_URL_LENGTH = 2000  # the Platform gateway's limit (seed 002)


class Admitted(NamedTuple):
    """What the checks found out about a request; a route may remember it for identical requests,
    so it is immutable and holds nothing of the request it came from."""

    caller: Caller | None  # None for operations that need no credentials (the fake IMS, the admin API)
    valid: ValidRequest
    sent: tuple[str, ...]  # the parameter names the request sent, for contract coverage
    list_query: ListQuery | None  # for list operations: the query the parameters ask for


@dataclass(frozen=True, slots=True)
class Call:
    """One admitted call: what a view receives."""

    control: MockControl
    caller: Caller | None
    valid: ValidRequest
    sent: tuple[str, ...]
    list_query: ListQuery | None
    #: a digest of what the request's answer depends on besides the data (query string, path,
    #: headers read), for bodiless requests that are not too large to remember; else None
    request_key: bytes | None = None
    #: the path the call was made at (with or without a gateway base path), for ``Location``
    path: str = "/"
    #: ``http://host:port`` as the client called it, for the absolute links Data Access answers
    origin: str = ""

    @property
    def who(self) -> Caller:
        """The caller of an operation that needs credentials (every Catalog operation)."""
        assert self.caller is not None, "operations with credentials always have a caller"
        return self.caller

    @property
    def query(self) -> ListQuery:
        """The list query of a list operation."""
        assert self.list_query is not None, "only list operations have a list query"
        return self.list_query


#: Set in the WSGI environ of a request whose connection is to be dropped, for a server that does
#: not hand its socket over (waitress): ``server.serve_forever`` closes it before any answer.
DROP_CONNECTION = "mockcatalog.drop_connection"


class DroppedConnection(Response):
    """The connection closed before any answer (no status line): a ``requests`` client raises
    ``ConnectionError``, under the plugin's server and under ``mockcatalog serve`` alike.

    The development server hands its socket over, shut here; waitress is told through
    :data:`DROP_CONNECTION`. Elsewhere (in process) the response promises more bytes than it
    sends, so a server that writes it closes the connection mid-response."""

    def __init__(self, environ: dict[str, object]) -> None:
        super().__init__(b"", status=200)
        self.headers["Content-Length"] = "1024"
        environ[DROP_CONNECTION] = True
        sock = environ.get("werkzeug.socket")  # the development server hands its socket over
        if isinstance(sock, socket.socket):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


@dataclass(frozen=True, slots=True)
class Gate:
    """What the gateway knows of one route, fixed at start-up: which checks apply, what validates
    its parameters and body, and where its checked requests are remembered."""

    label: str  # "GET /batches", whatever base path was used
    operation_id: str
    validator: OperationValidator
    reads_body: bool
    header_keys: tuple[tuple[str, str], ...]  # declared headers, each with its WSGI environ key
    control: MockControl
    first_checks: tuple[FirstCheck, ...]  # of FIRST_CHECKS, the ones that apply, in order
    needs_credentials: bool
    memo: RequestMemo[Admitted] | None  # for bodiless requests
    #: for list operations, the query parameters its view reads apart from the list query
    apart_from_list: frozenset[str] | None

    def list_query(self, valid: ValidRequest) -> ListQuery | None:
        """The list query a list operation's parameters ask for (None for other operations)."""
        apart = self.apart_from_list
        if apart is None:
            return None
        values = (
            {name: value for name, value in valid.query.items() if name not in apart}
            if apart
            else valid.query
        )
        by_property = valid.undocumented if self.validator.filters_by_any_property else None
        return build_query(values, self.validator.query_kinds, by_property)


#: A check that runs before the caller is known: it refuses (raises), answers instead of the view
#: (returns a response), or lets the request on (returns None).
FirstCheck = Callable[[Gate, Request], Response | None]


def check_url_length(gate: Gate, request: Request) -> None:
    refuse_long_url(request)


def refuse_long_url(req: Request) -> None:
    """A 414 for a URL over the gateway's limit (unknown paths are measured too)."""
    path, query_string = req.path, req.query_string
    url_length = len(path) + (len(query_string) + 1 if query_string else 0)
    if url_length > MAX_URL_LENGTH:
        raise UriTooLong(
            f"URL length {url_length} exceeds the allowed {MAX_URL_LENGTH} characters; "
            "send fewer or shorter query parameters."
        )


def check_fault(gate: Gate, request: Request) -> Response | None:
    """Act out an injected fault: wait, then drop the connection, answer instead, or carry on."""
    fault = gate.control.faults.take(gate.label, gate.operation_id)
    if fault is None:
        return None
    if fault.delay:
        time.sleep(fault.delay)
    if fault.drop:
        return DroppedConnection(request.environ)
    if fault.status is None:
        return None
    return json_response(fault.response_body(), fault.status, fault.headers)


def check_local_admin(gate: Gate, request: Request) -> None:
    """The admin API answers only requests a web page cannot forge: its ``Host`` must be a loopback
    name, an IP address or a configured name (a DNS-rebinding page's host is none of these), and an
    ``Origin``, if sent, must be the server's own (a cross-site page's is not)."""
    host = request.environ.get("HTTP_HOST")
    if host is None:
        return  # HTTP/1.0 without Host: not a browser
    allowed = gate.control.settings.admin_hosts
    if not host_may_reach_admin(host, allowed):
        raise Forbidden(
            f"The admin API does not answer under the host {host!r}; call it at 127.0.0.1 or localhost, "
            "or name the host with --admin-hosts.",
            errors={"Host": [f"Not a loopback name, an IP address or one of --admin-hosts: {host!r}."]},
        )
    origin = request.environ.get("HTTP_ORIGIN")
    if origin is not None and origin != f"{request.scheme}://{host}":
        raise Forbidden(
            f"The admin API does not answer requests from the web origin {origin!r}.",
            errors={"Origin": [f"Only the server's own origin ({request.scheme}://{host}) may call it."]},
        )


def host_may_reach_admin(host: str, allowed: str) -> bool:
    """Whether a ``Host`` header (with or without a port) names a loopback, an IP address or an
    allowed name."""
    if host.startswith("["):  # [::1]:8080
        name = host[1:].partition("]")[0]
    elif host.count(":") == 1:  # 127.0.0.1:8080, localhost:8080
        name = host.partition(":")[0]
    else:  # a name without a port, or a bare IPv6 address
        name = host
    name = name.lower()
    extra = {part.strip().lower() for part in allowed.split(",") if part.strip()}
    if name in ("localhost", "localhost.") or name in extra:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def check_token(control: MockControl, caller: Caller | None) -> None:
    """With strict auth, the caller's token must be one the fake IMS issued and not expired (401),
    and its ``x-api-key`` the client the token was issued to (403 ``403003``, Adobe's FAQ). It
    changes with the clock, so it is checked on every request, remembered or not."""
    if caller is None or not control.settings.strict_auth:
        return
    problem = control.tokens.problem(caller.token, control.clock.now_ms())
    if problem:
        raise Unauthorized(problem, errors={"Authorization": [problem]})
    client = control.tokens.client_of(caller.token)
    if client is not None and caller.api_key != client:  # the FAQ's 403003: the key is the client's id
        raise ApiKeyInvalid(
            f"x-api-key {caller.api_key!r} is not the client the token was issued to ({client!r}).",
            errors={"x-api-key": [f"Sent {caller.api_key!r}; the token's client is {client!r}."]},
        )


def refuse_without_credentials(request: Request, *, token_only: bool) -> None:
    """The gateway's refusals, which come before any service sees a call (the platform FAQ: no
    token 403010, no API key 403000, no org 400003); ``token_only`` for an operation whose spec asks
    for the token alone (streaming)."""
    headers = one_value_each(lowercase_headers(request.environ))
    if token_only:
        bearer_token(headers)
    else:
        caller_from_headers(headers)


def checked(gate: Gate, request: Request) -> Admitted:
    """Credentials, token, then parameters and body, in that order: what the request is."""
    headers = lowercase_headers(request.environ)
    if gate.needs_credentials:
        headers = one_value_each(headers)
    caller = caller_from_headers(headers) if gate.needs_credentials else None
    check_token(gate.control, caller)
    valid = gate.validator.validate(
        args=request.args,
        headers=headers,
        path=request.view_args or {},
        body=request.get_data(cache=True) if gate.reads_body else b"",
        content_type=request.content_type,
    )
    return Admitted(caller, valid, parameters_sent(gate, request), gate.list_query(valid))


#: The checks that run before the caller is known, in order; a route keeps the ones that apply.
FIRST_CHECKS: tuple[tuple[str, FirstCheck], ...] = (
    ("local admin", check_local_admin),
    ("URL length", check_url_length),
    ("fault", check_fault),
)


def first_checks_for(*, admin: bool, behind_gateway: bool) -> tuple[FirstCheck, ...]:
    """The first checks a route runs, in :data:`FIRST_CHECKS` order."""
    skipped = set() if admin else {"local admin"}
    if not behind_gateway:
        skipped |= {"URL length", "fault"}
    return tuple(check for name, check in FIRST_CHECKS if name not in skipped)


def admit(gate: Gate, request: Request) -> Call | Response:
    """Run the gate's checks: a :class:`Call` for its view, or the response a check answered.

    A bodiless request seen before is not checked again (its credentials and parameters are what
    they were): the gate's memo is a cache around :func:`checked`, keyed by what it depends on;
    only the token, which changes with the clock, is checked every time."""
    for check in gate.first_checks:
        answer = check(gate, request)
        if answer is not None:
            return answer
    memo = gate.memo
    key = None if memo is None else memo.key(request.environ, request.query_string, request.view_args or {})
    admitted = memo.get(key.digest) if memo is not None and key is not None else None
    if admitted is None:
        admitted = checked(gate, request)
        if memo is not None and key is not None:
            memo.put(key, _to_remember(admitted))
    else:
        check_token(gate.control, admitted.caller)
    query = admitted.list_query
    if query is None:
        query = gate.list_query(admitted.valid)  # a remembered request whose query is not reusable
    digest = key.digest if key is not None else None
    origin = request.host_url.rstrip("/")
    return Call(
        gate.control, admitted.caller, admitted.valid, admitted.sent, query, digest, request.path, origin
    )


def _to_remember(admitted: Admitted) -> Admitted:
    """What a memo keeps: a query whose regular expression keeps its own request's time budget is
    built anew each time."""
    query = admitted.list_query
    return admitted if query is None or query.reusable else admitted._replace(list_query=None)


def parameters_sent(gate: Gate, req: Request) -> tuple[str, ...]:
    """The parameter names a request sent (query, path and declared headers), for coverage."""
    environ = req.environ
    headers = [name for name, key in gate.header_keys if key in environ]
    return (*req.args, *(req.view_args or {}), *headers)
