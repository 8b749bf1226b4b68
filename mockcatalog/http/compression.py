"""gzip on the wire: what the Platform's edge does for a client that sends ``Accept-Encoding: gzip``
(both Catalog specs declare the header, with gzip the one supported encoding).

It wraps the app where it is served over HTTP (``serve``, the plugin's live server), as the real
edge sits in front of the services: the app itself, called in process (Flask's test client,
schemathesis on the WSGI app), answers uncompressed, so no in-process caller has to undo it.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.datastructures import Accept
from werkzeug.http import parse_accept_header

from mockcatalog.core.wsgi import WSGIApp, call_to_the_end

#: Bodies shorter than this go out as they are: compressing them costs more than it saves.
MIN_COMPRESSED_BYTES = 1024
#: What is compressed: the API's JSON answers (Data Access's file contents never are).
JSON = "application/json"
#: gzip's fastest level: the mock answers on loopback, where time matters more than bytes.
GZIP_LEVEL = 1


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header gives gzip (or ``*``) a quality above zero."""
    if not accept_encoding or ("gzip" not in accept_encoding and "*" not in accept_encoding):
        return False
    return parse_accept_header(accept_encoding, Accept).quality("gzip") > 0


class GzipOnTheWire:
    """WSGI middleware: a JSON answer gzip-compressed when the client accepts it (the Catalog specs
    declare the header; Data Access's and ingestion's do not, and a file's bytes go out as they
    are, so a client streaming one to disk writes the file, and ``HEAD``'s ``Content-Length`` is
    the ``GET``'s). Left alone too: small, empty and already-encoded answers, and ``HEAD``."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "HEAD" or not accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING")):
            return self.app(environ, start_response)
        status, headers, body, exc_info = call_to_the_end(self.app, environ)
        content_type = next((v for n, v in headers if n.lower() == "content-type"), "")
        encoded = any(n.lower() == "content-encoding" for n, _ in headers)
        if len(body) >= MIN_COMPRESSED_BYTES and content_type.startswith(JSON) and not encoded:
            body = gzip.compress(body, GZIP_LEVEL, mtime=0)
            vary = [v for n, v in headers if n.lower() == "vary"]
            headers = [(n, v) for n, v in headers if n.lower() not in ("content-length", "vary")]
            headers += [
                ("Content-Encoding", "gzip"),
                ("Content-Length", str(len(body))),
                ("Vary", ", ".join([*vary, "Accept-Encoding"])),
            ]
        start_response(status, headers, exc_info)
        return [body]
