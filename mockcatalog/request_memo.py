"""Checks of bodiless requests, remembered: the same URL and headers get the same answer.

A consumer's suite sends the same bodiless request again and again (a poll, a page of a list).
Who the caller is and what its parameters validate to depend only on the query string, the path
arguments and the few headers the operation reads, so each route remembers them for the requests
it has seen (a bounded number). Validation was the largest part of the mock's own cost per
request (bench/bench_inprocess.py). Only successful checks are kept: a bad request is checked,
and answered, every time; and anything that changes with time (strict auth's token expiry) is
checked outside.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from mockcatalog.query import ListQuery
from mockcatalog.tenancy import Caller
from mockcatalog.validation import OperationValidator, ValidRequest

#: Headers the caller is read from (tenancy.caller_from_headers), besides the declared ones.
CREDENTIAL_HEADERS = ("authorization", "x-api-key", "x-gw-ims-org-id", "x-sandbox-name")


@dataclass(slots=True)
class CheckedRequest:
    caller: Caller | None
    valid: ValidRequest  # shared between requests: views read it, never change it
    sent: tuple[str, ...]  # the parameter names the request sent, for contract coverage
    list_query: ListQuery | None = None  # the list query built from ``valid``, once it is built


class RequestMemo:
    """One route's remembered checks, keyed by what they depend on."""

    def __init__(self, validator: OperationValidator, max_entries: int = 1024) -> None:
        self.applies = not validator.operation.bodies  # a body is validated every time
        names = sorted({*validator.header_names_read, *CREDENTIAL_HEADERS})
        self._environ_keys = tuple(environ_key(name) for name in names)
        self._entries: dict[Hashable, CheckedRequest] = {}
        self._max_entries = max_entries

    def key(self, environ: Mapping[str, Any], query_string: bytes, path: Mapping[str, Any]) -> Hashable:
        return (query_string, tuple(map(environ.get, self._environ_keys)), tuple(path.items()))

    def get(self, key: Hashable) -> CheckedRequest | None:
        return self._entries.get(key)

    def entries(self) -> list[tuple[Any, CheckedRequest]]:
        return list(self._entries.items())

    def put(self, key: Hashable, checked: CheckedRequest) -> None:
        if len(self._entries) >= self._max_entries:
            self._entries.clear()  # simpler than LRU, and a suite rarely sends this many variants
        self._entries[key] = checked


def environ_key(header: str) -> str:
    """The WSGI environ key a header arrives under (``x-api-key`` -> ``HTTP_X_API_KEY``; the two
    content headers have no prefix, PEP 3333)."""
    key = header.upper().replace("-", "_")
    return key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key
