"""What the Platform gateway does before a view runs, as an ordered list of named checks.

Each route runs its own subset of :data:`CHECKS`, in this order (what the gateway checks first is
reported first):

0. **local admin**: the admin API only, never behind the gateway: its ``Host`` and ``Origin`` must be
   ones a web page cannot forge (403);
1. **URL length**: over 2000 characters is a 414 (gateway paths only, seed 002);
2. **fault**: an injected fault answers, waits or drops the connection instead (gateway paths only);
3. **remembered**: a bodiless request seen before skips 4 and 6 (see :mod:`request_memo`);
4. **credentials**: ``Authorization``, ``x-api-key``, ``x-gw-ims-org-id`` (401/403);
5. **token**: with strict auth, a token the fake IMS issued and that has not expired (401);
6. **parameters and body**: validated against the operation's spec-generated schemas (400/415),
   one error listing every bad field.

A check may raise a :class:`~mockcatalog.errors.MockCatalogError` (the request is refused) or
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
from typing import TYPE_CHECKING, NamedTuple

from flask import Request, Response

from mockcatalog.errors import Forbidden, Unauthorized, UriTooLong
from mockcatalog.json_provider import json_response
from mockcatalog.query import ListQuery
from mockcatalog.request_memo import MemoKey
from mockcatalog.tenancy import Caller, caller_from_headers
from mockcatalog.validation import ValidRequest, lowercase_headers

if TYPE_CHECKING:
    from mockcatalog.control import MockControl
    from mockcatalog.routing import Route

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


class DroppedConnection(Response):
    """A response that promises more bytes than it sends, so the server closes the connection
    mid-response: the client sees a broken connection, not an HTTP status."""

    def __init__(self, environ: dict[str, object]) -> None:
        super().__init__(b"", status=200)
        self.headers["Content-Length"] = "1024"
        sock = environ.get("werkzeug.socket")  # the development server hands its socket over
        if isinstance(sock, socket.socket):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


@dataclass(slots=True)
class Admission:
    """One request on its way through the checks."""

    route: Route
    request: Request
    control: MockControl
    memo_key: MemoKey | None = None
    headers: dict[str, str] | None = None
    caller: Caller | None = None
    admitted: Admitted | None = None

    def lowercase_headers(self) -> dict[str, str]:
        if self.headers is None:
            self.headers = lowercase_headers(self.request.environ)
        return self.headers


Check = Callable[[Admission], Response | None]


def check_url_length(admission: Admission) -> None:
    refuse_long_url(admission.request)


def refuse_long_url(req: Request) -> None:
    """A 414 for a URL over the gateway's limit (unknown paths are measured too)."""
    path, query_string = req.path, req.query_string
    url_length = len(path) + (len(query_string) + 1 if query_string else 0)
    if url_length > MAX_URL_LENGTH:
        raise UriTooLong(
            f"URL length {url_length} exceeds the allowed {MAX_URL_LENGTH} characters; "
            "send fewer or shorter query parameters."
        )


def check_fault(admission: Admission) -> Response | None:
    """Act out an injected fault: wait, then drop the connection, answer instead, or carry on."""
    route = admission.route
    fault = admission.control.faults.take(route.label, route.operation.operation_id)
    if fault is None:
        return None
    if fault.delay:
        time.sleep(fault.delay)
    if fault.drop:
        return DroppedConnection(admission.request.environ)
    if fault.status is None:
        return None
    return json_response(fault.response_body(), fault.status, fault.headers)


def check_local_admin(admission: Admission) -> None:
    """The admin API answers only requests a web page cannot forge: its ``Host`` must be a loopback
    name, an IP address or a configured name (a DNS-rebinding page's host is none of these), and an
    ``Origin``, if sent, must be the server's own (a cross-site page's is not)."""
    req = admission.request
    host = req.environ.get("HTTP_HOST")
    if host is None:
        return  # HTTP/1.0 without Host: not a browser
    allowed = admission.control.settings.admin_hosts
    if not host_may_reach_admin(host, allowed):
        raise Forbidden(
            f"The admin API does not answer under the host {host!r}; call it at 127.0.0.1 or localhost, "
            "or name the host with --admin-hosts.",
            errors={"Host": [f"Not a loopback name, an IP address or one of --admin-hosts: {host!r}."]},
        )
    origin = req.environ.get("HTTP_ORIGIN")
    if origin is not None and origin != f"{req.scheme}://{host}":
        raise Forbidden(
            f"The admin API does not answer requests from the web origin {origin!r}.",
            errors={"Origin": [f"Only the server's own origin ({req.scheme}://{host}) may call it."]},
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


def check_remembered(admission: Admission) -> None:
    route, req = admission.route, admission.request
    assert route.memo is not None
    admission.memo_key = route.memo.key(req.environ, req.query_string, req.view_args or {})
    if admission.memo_key is not None:
        admission.admitted = route.memo.get(admission.memo_key.digest)
        if admission.admitted is not None:
            admission.caller = admission.admitted.caller


def check_credentials(admission: Admission) -> None:
    if admission.admitted is None:
        admission.caller = caller_from_headers(admission.lowercase_headers())


def check_token(admission: Admission) -> None:
    caller = admission.caller
    control = admission.control
    if caller is None or not control.settings.strict_auth:
        return
    problem = control.tokens.problem(caller.token, control.clock.now_ms())
    if problem:
        raise Unauthorized(problem, errors={"Authorization": [problem]})


def check_parameters_and_body(admission: Admission) -> None:
    if admission.admitted is not None:
        return
    route, req = admission.route, admission.request
    valid = route.validator.validate(
        args=req.args,
        headers=admission.lowercase_headers(),
        path=req.view_args or {},
        body=req.get_data(cache=True) if route.operation.bodies else b"",
        content_type=req.content_type,
    )
    query = route.list_query(valid)
    admitted = Admitted(admission.caller, valid, parameters_sent(route, req), query)
    if admission.memo_key is not None and route.memo is not None:
        # a query whose regular expression keeps its own request's time budget is built anew each time
        kept = admitted if query is None or query.reusable else admitted._replace(list_query=None)
        route.memo.put(admission.memo_key, kept)
    admission.admitted = admitted


#: Every check, in the order the gateway runs them; each route keeps the ones that apply to it.
CHECKS: tuple[tuple[str, Check], ...] = (
    ("local admin", check_local_admin),
    ("URL length", check_url_length),
    ("fault", check_fault),
    ("remembered", check_remembered),
    ("credentials", check_credentials),
    ("token", check_token),
    ("parameters and body", check_parameters_and_body),
)


def checks_for(
    *, admin: bool, behind_gateway: bool, remembers: bool, needs_credentials: bool
) -> tuple[Check, ...]:
    """The checks a route runs, in :data:`CHECKS` order."""
    skipped = set() if admin else {"local admin"}
    if not behind_gateway:
        skipped |= {"URL length", "fault"}
    if not remembers:
        skipped.add("remembered")
    if not needs_credentials:
        skipped |= {"credentials", "token"}
    return tuple(check for name, check in CHECKS if name not in skipped)


def admit(route: Route, request: Request) -> Call | Response:
    """Run the route's checks: a :class:`Call` for its view, or the response a check answered."""
    control = route.control
    admission = Admission(route, request, control)
    for check in route.checks:
        answer = check(admission)
        if answer is not None:
            return answer
    admitted = admission.admitted
    assert admitted is not None  # the last check always admits
    query = admitted.list_query
    if query is None:
        query = route.list_query(admitted.valid)  # a remembered request whose query is not reusable
    digest = admission.memo_key.digest if admission.memo_key is not None else None
    origin = request.host_url.rstrip("/")
    return Call(control, admitted.caller, admitted.valid, admitted.sent, query, digest, request.path, origin)


def parameters_sent(route: Route, req: Request) -> tuple[str, ...]:
    """The parameter names a request sent (query, path and declared headers), for coverage."""
    environ = req.environ
    headers = [name for name, key in route.header_keys if key in environ]
    return (*req.args, *(req.view_args or {}), *headers)
