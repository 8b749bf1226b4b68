"""Interception: a client's ``requests`` and ``httpx`` calls to Adobe's hosts answered by the mock in
process (no socket, no network), with no change to the client's code.

:meth:`MockCatalog.intercept() <mockcatalog.testing.MockCatalog.intercept>` starts one; the pytest
plugin starts one for every test with ``--mockcatalog-intercept`` (or for one test with
``@pytest.mark.mockcatalog(intercept=True)``). The transports are patched by maintained libraries:
``responses`` for ``requests`` (a callback per method) and ``respx`` for ``httpx``, sync and async
(a side effect). Each request is made into the WSGI environ werkzeug's development server (the
plugin's live server) makes of it and handed to the app: the gateway, strict mode and the journal
see an intercepted call as they see one over a socket. One difference on the way back: the answer
is not gzip-compressed (the live server compresses for a client that accepts gzip, as Platform's
edge does). The client reads the same body either way, and compressing it only for the client to
undo it cost more than the rest of the interception (bench/bench_interception.py: 3.2x a respx
stub with it, 1.9x without).

Faults act as on a socket: a dropped connection is the client's own error (``requests``:
``ConnectionError``; ``httpx``: ``RemoteProtocolError``), and an answer later than the client's read
timeout is its timeout error, raised once the mock has answered (there is no socket to give up on:
the client waits the whole delay). An async client is answered in its event loop's thread, as a
sync one is (a ``delay`` fault holds the loop). Requests to any other host fail with
:class:`NetworkBlocked`, naming it, or reach the network with ``pass_through=True``; URL prefixes
given as ``allow`` (the mock's own live server) always do.

The patches are process-wide, so interceptions stack: starting one pauses the one running, and
stopping it resumes that one.
"""

from __future__ import annotations

import io
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.client import RemoteDisconnected
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask

from mockcatalog.core.wsgi import call_to_the_end
from mockcatalog.http.gateway import DROP_CONNECTION

try:
    import httpx
    import requests
    import responses
    import respx
    from urllib3 import HTTPHeaderDict
    from urllib3.exceptions import ProtocolError
except ImportError as missing:  # pragma: no cover - the extra is not installed
    raise ImportError(
        f"mockcatalog's interception needs {missing.name}, of the intercept extra: "
        "pip install -e '<your mockcatalog checkout>[intercept]'"
    ) from missing

#: Adobe Experience Platform's API gateway: aepp's ``endpoints["global"]``, Adobe's guides' host.
PLATFORM_HOSTS = ("platform.adobe.io",)
#: Adobe IMS, where a client gets its token (``/ims/token/v3``): the production host, and the stage
#: one aepp uses outside production (aepp's ``configs.py``).
IMS_HOSTS = ("ims-na1.adobelogin.com", "ims-na1-stg1.adobelogin.com")
DEFAULT_HOSTS = PLATFORM_HOSTS + IMS_HOSTS
#: The methods ``responses`` is told to answer (it matches one method per registered callback).
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class NetworkBlocked(RuntimeError):
    """A request to a host that interception does not answer, refused before it left the process.
    Not a network error on purpose: no client's retry or error handling swallows it."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What the app answered one request, as a socket would carry it."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    dropped: bool  # a dropped-connection fault: the client gets no answer at all
    seconds: float  # how long the app took (a delay fault included)


class InProcess:
    """The app as an HTTP peer with no socket: a request in, an :class:`Answer` out."""

    def __init__(self, app: Flask) -> None:
        self._wsgi = app.wsgi_app

    def answer(self, method: str, url: str, headers: Iterable[tuple[str, str]], body: bytes) -> Answer:
        environ = wsgi_environ(method, url, headers, body)
        began = time.perf_counter()
        answered = call_to_the_end(self._wsgi, environ)
        return Answer(
            int(answered.status[:3]),
            answered.headers,
            answered.body,
            bool(environ.get(DROP_CONNECTION)),
            time.perf_counter() - began,
        )


def wsgi_environ(method: str, url: str, headers: Iterable[tuple[str, str]], body: bytes) -> dict[str, Any]:
    """The WSGI environ werkzeug's development server (the live server) makes of this request: the
    path percent-decoded, URL text as its UTF-8 bytes read as latin-1 (PEP 3333), a header whose
    name holds ``_`` ignored, repeated headers joined with commas, ``Host`` as the client sent it."""
    parts = urlsplit(url)
    target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
    host = parts.netloc.rpartition("@")[2]
    environ: dict[str, Any] = {
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": parts.scheme or "https",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "SERVER_SOFTWARE": "mockcatalog-interception",
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": _latin1(unquote(parts.path or "/")),
        "QUERY_STRING": _latin1(parts.query),
        "REQUEST_URI": _latin1(target),
        "RAW_URI": _latin1(target),
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": 0,
        "SERVER_NAME": parts.hostname or "",
        "SERVER_PORT": str(parts.port or (80 if parts.scheme == "http" else 443)),
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    for name, value in headers:
        if "_" in name:
            continue
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
            if key in environ:
                value = f"{environ[key]},{value}"
        environ[key] = value
    environ.setdefault("HTTP_HOST", host)  # requests leaves Host to urllib3, which sends the URL's
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        environ["wsgi.input_terminated"] = True
    elif body and "CONTENT_LENGTH" not in environ:
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


def _latin1(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


_LOCK = threading.Lock()
_RUNNING: list[Interception] = []  # started and not stopped, oldest first; the last one is patched in


class Interception:
    """Requests to ``hosts`` answered by ``app`` in process, until :meth:`stop` (or the end of a
    ``with`` block). Other hosts: :class:`NetworkBlocked`, or the network with ``pass_through``."""

    def __init__(
        self,
        app: Flask,
        *,
        hosts: Iterable[str] = DEFAULT_HOSTS,
        pass_through: bool = False,
        allow: Iterable[str] = (),
    ) -> None:
        """``allow``: URL prefixes that reach the network even without ``pass_through`` (the
        mock's own live server, whose ``url`` a test may call too)."""
        self.hosts = tuple(dict.fromkeys(host.lower() for host in hosts))
        if not self.hosts or any(not host or "/" in host for host in self.hosts):
            raise ValueError(f"hosts must be host names, such as {DEFAULT_HOSTS[0]!r}; got {hosts!r}")
        self.pass_through = pass_through
        self.allow = tuple(prefix.rstrip("/") + "/" for prefix in allow)
        self.active = False  # started and not stopped (it may be paused under a newer one)
        self._app = InProcess(app)
        names = "|".join(re.escape(host) for host in self.hosts)
        ours = rf"https?://(?:[^/?#@]*@)?(?:{names})(?::\d+)?(?:[/?#]|$)"
        self._ours = re.compile(ours, re.IGNORECASE)
        neither = "".join(f"(?!{re.escape(prefix)})" for prefix in self.allow)
        self._others = re.compile(f"(?!{ours}){neither}", re.IGNORECASE)
        self._requests: responses.RequestsMock | None = None  # made when first started
        self._forget_requests: list[responses.CallList] = []
        self._httpx = self._httpx_router()

    # --- on and off -----------------------------------------------------------------------------

    def start(self) -> Interception:
        with _LOCK:
            if not self.active:
                if _RUNNING:
                    _RUNNING[-1]._unpatch()
                _RUNNING.append(self)
                self._patch()
                self.active = True
        return self

    def stop(self) -> None:
        """Undo it (again: nothing); the interception it paused, if any, answers again."""
        with _LOCK:
            if not self.active:
                return
            self.active = False
            on_top = _RUNNING[-1] is self
            _RUNNING.remove(self)
            if on_top:
                self._unpatch()
                if _RUNNING:
                    _RUNNING[-1]._patch()

    def __enter__(self) -> Interception:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def _patch(self) -> None:
        if self._requests is None:  # what answered requests before: where they pass through to
            self._requests = self._requests_mock(requests.adapters.HTTPAdapter.send)
        self._requests.start()
        self._httpx.start()

    def _unpatch(self) -> None:
        if self._requests is not None:
            self._requests.stop(allow_assert=False)
        self._httpx.stop(quiet=True)

    # --- requests, through responses ------------------------------------------------------------

    def _requests_mock(self, underneath: Callable[..., requests.Response]) -> responses.RequestsMock:
        """Adobe's hosts answered by the app; others refused, or handed to ``underneath`` (the
        network, or a ``responses`` mock of the test's own started before)."""
        mock = responses.RequestsMock(assert_all_requests_are_fired=False, real_adapter_send=underneath)
        for method in METHODS:
            mock.add_callback(method, self._ours, self._requests_answer, content_type=None)
            if not self.pass_through:
                mock.add_callback(method, self._others, self._requests_blocked, content_type=None)
        for prefix in self.allow if not self.pass_through else (re.compile(".*"),):
            mock.add_passthru(prefix)
        self._forget_requests = [mock.calls, *(response.calls for response in mock.registered())]
        return mock

    def _requests_answer(self, request: requests.PreparedRequest) -> tuple[int, HTTPHeaderDict, bytes]:
        for calls in self._forget_requests:  # the journal is the record: responses' lists stay short
            calls.reset()
        url = request.url or ""
        headers = ((name, _text(value)) for name, value in request.headers.items())
        answer = self._app.answer(request.method or "GET", url, headers, _body(request.body))
        timeout = _read_timeout(getattr(request, "req_kwargs", {}).get("timeout"))
        if timeout is not None and answer.seconds > timeout:
            raise requests.ReadTimeout(
                f"{urlsplit(url).hostname}: Read timed out. (read timeout={timeout}) [mockcatalog "
                f"interception: the mock answered after {answer.seconds:.2f} s]",
                request=request,
            )
        if answer.dropped:  # what requests raises when the live server drops the connection
            raise requests.ConnectionError(
                ProtocolError(
                    "Connection aborted.", RemoteDisconnected("Remote end closed connection without response")
                ),
                request=request,
            )
        return answer.status, HTTPHeaderDict(answer.headers), answer.body

    def _requests_blocked(self, request: requests.PreparedRequest) -> NetworkBlocked:
        for calls in self._forget_requests:
            calls.reset()
        return self._blocked(request.method or "GET", request.url or "")

    # --- httpx, through respx -------------------------------------------------------------------

    def _httpx_router(self) -> respx.MockRouter:
        router = respx.MockRouter(assert_all_called=False, assert_all_mocked=True)
        router.route(host__in=self.hosts).mock(side_effect=self._httpx_answer)
        for prefix in self.allow:
            router.route(url__startswith=prefix).pass_through()
        router.route().mock(side_effect=self._httpx_elsewhere)
        return router

    def _httpx_answer(self, request: httpx.Request) -> httpx.Response:
        self._forget_httpx()
        answer = self._app.answer(
            request.method, str(request.url), request.headers.multi_items(), request.content
        )
        timeout = (request.extensions.get("timeout") or {}).get("read")
        if timeout is not None and answer.seconds > timeout:
            raise httpx.ReadTimeout("The read operation timed out", request=request)
        if answer.dropped:  # what httpx raises when the live server drops the connection
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        return httpx.Response(answer.status, headers=answer.headers, content=answer.body)

    def _httpx_elsewhere(self, request: httpx.Request) -> httpx.Request | None:
        """Another host: left to a respx router of the test's own started later (None: no match
        here), else passed through (the request itself) or refused."""
        self._forget_httpx()
        routers = self._httpx.Mocker.routers if self._httpx.Mocker else []
        if self._httpx in routers and routers[-1] is not self._httpx:
            return None
        if self.pass_through:
            return request
        raise self._blocked(request.method, str(request.url))

    def _forget_httpx(self) -> None:
        """The journal is the record: respx's lists of calls stay short."""
        self._httpx.calls.clear()
        for route in self._httpx.routes:
            route.calls.clear()

    # --- what is not intercepted ----------------------------------------------------------------

    def _blocked(self, method: str, url: str) -> NetworkBlocked:
        host = urlsplit(url).hostname or url
        return NetworkBlocked(
            f"mockcatalog interception blocked {method} {url}: the host {host!r} is not one the mock "
            f"answers ({', '.join(self.hosts)}), and requests do not leave the process. To let other "
            f"hosts reach the network: intercept(pass_through=True) (the plugin: "
            f"--mockcatalog-pass-through); to answer {host!r} with the mock: intercept(hosts=[...])."
        )


def _text(value: str | bytes) -> str:
    return value if isinstance(value, str) else value.decode("latin-1")


def _body(body: Any) -> bytes:
    """A prepared request's body as bytes (str as UTF-8, as urllib3 sends it; chunks joined)."""
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return b"".join(chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk) for chunk in body)


def _read_timeout(timeout: Any) -> float | None:
    """The read timeout of a requests ``timeout=``: a number, a (connect, read) pair or urllib3's."""
    if isinstance(timeout, tuple):
        timeout = timeout[1]
    read = getattr(timeout, "read_timeout", timeout)
    return float(read) if isinstance(read, int | float) else None
