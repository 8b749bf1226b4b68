"""Calling a WSGI app to the end: its status, headers and whole body, for the code that stands
between the app and a client (compression on the wire, interception in process)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class Answered(NamedTuple):
    status: str  # "200 OK"
    headers: list[tuple[str, str]]
    body: bytes
    exc_info: Any  # what the app passed to start_response, for a caller that starts its own


def call_to_the_end(app: WSGIApp, environ: dict[str, Any]) -> Answered:
    """Run ``app`` on ``environ`` and collect everything it answers (its iterable closed, as PEP
    3333 asks). Flask answers through the iterable only, never through ``write()``."""
    started: list[Any] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        started[:] = [status, headers, exc_info]
        return _no_write

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    status, headers, exc_info = started
    return Answered(status, list(headers), body, exc_info)


def _no_write(data: bytes) -> None:
    raise NotImplementedError("the app answers through its iterable, never write()")
