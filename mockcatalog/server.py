"""Run the mock on a socket: in a background thread (tests, the pytest plugin) or in the foreground
(``mockcatalog serve``, on waitress, a production-grade threaded WSGI server). Either way the app is
served behind :class:`~mockcatalog.http.compression.GzipOnTheWire`, as the Platform's edge answers."""

from __future__ import annotations

import gc
import signal
import threading
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from mockcatalog.core.wsgi import WSGIApp
from mockcatalog.http.compression import GzipOnTheWire
from mockcatalog.http.gateway import DROP_CONNECTION


class _QuietHandler(WSGIRequestHandler):
    """No access log on stderr: a test suite's output is for the tests."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class LiveServer:
    """The app on ``host`` and a free port, served from a daemon thread until :meth:`stop`."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self._server: BaseWSGIServer = make_server(
            host, port, GzipOnTheWire(app), threaded=True, request_handler=_QuietHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # how long stop() waits for the loop to notice
            name="mockcatalog",
            daemon=True,
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_forever(
    app: Flask,
    host: str,
    port: int,
    *,
    threads: int = 8,
    connection_limit: int = 1000,
    idle_timeout_seconds: int = 60,
    on_ready: Callable[[str], None],
) -> None:
    """Serve ``app`` with waitress until interrupted; ``on_ready(url)`` once the socket listens.

    Idle and slow connections wait in waitress's event loop, not in a worker thread, so they cost a
    socket each: ``connection_limit`` of them are kept (more wait in the listen backlog), and one
    silent for ``idle_timeout_seconds`` is closed."""
    from waitress.server import create_server

    try:
        server: Any = create_server(
            _DropsConnections(GzipOnTheWire(app)),
            host=host,
            port=port,
            threads=threads,
            connection_limit=connection_limit,
            channel_timeout=idle_timeout_seconds,
            ident="mockcatalog",
        )
    except (OSError, ValueError) as exc:  # a busy port; an address it does not have, or no address at all
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CannotListen(f"cannot listen on {host}:{port}: {reason}") from exc
    gc.collect()
    gc.freeze()  # what start-up built (spec, schemas, fixtures) is kept for good: no collection rescans it
    signal.signal(signal.SIGTERM, _exit_on_signal)  # stop as cleanly on `kill` as on Ctrl-C
    on_ready(f"http://{host}:{server.effective_port}")
    try:
        server.run()
    finally:
        server.close()


class _DropsConnections:
    """Under waitress, a dropped connection (an injected fault) is closed before any answer, as the
    development server's is: waitress writes nothing and closes a connection whose application
    raises its ``ClientDisconnected`` (anything else it answers with a 500)."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        answer = self.app(environ, start_response)
        if not environ.get(DROP_CONNECTION):
            return answer
        close = getattr(answer, "close", None)
        if close is not None:
            close()
        from waitress.channel import ClientDisconnected

        raise ClientDisconnected


class CannotListen(Exception):
    """The server could not open its socket; the message says where and why, in one line."""


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(0)
