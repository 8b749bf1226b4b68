"""Checks of bodiless requests, remembered: the same URL and headers get the same answer.

A consumer's suite sends the same bodiless request again and again (a poll, a page of a list).
Who the caller is and what its parameters validate to depend only on the query string, the path
arguments and the few headers the operation reads, so each route remembers what the checks found
(immutable: the gateway's ``Admitted``) for the requests it has seen. Validation was
the largest part of the mock's own cost per request (bench/bench_inprocess.py).

Bounded in bytes: a route keeps at most ``max_entries`` and :data:`MAX_MEMO_BYTES`, each entry keyed
by a 16-byte digest of what it depends on (never the raw headers), and a request whose key
material is over :data:`MAX_KEY_BYTES` (a giant token, say) is checked every time instead. Only
successful checks are kept: a bad request is checked, and answered, every time; and anything that
changes with time (strict auth's token expiry) is checked outside.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any, Generic, NamedTuple, TypeVar

#: What a memo remembers of a request (the gateway's immutable ``Admitted``).
Remembered = TypeVar("Remembered")

#: Headers the caller is read from (tenancy.caller_from_headers), besides the declared ones.
CREDENTIAL_HEADERS = ("authorization", "x-api-key", "x-gw-ims-org-id", "x-sandbox-name")
#: Requests whose query string, headers read and path values add up to more are not remembered.
MAX_KEY_BYTES = 8 * 1024
#: What one route's remembered checks may hold, estimated from their material; past it they are
#: forgotten. With about forty routes, the memos of a server hold at most about 20 MiB.
MAX_MEMO_BYTES = 512 * 1024
ENTRY_OVERHEAD = 512  # the objects around the values: a generous estimate


class MemoKey(NamedTuple):
    digest: bytes  # 16 bytes: what the entry is found by (and what a request's answer depends on)
    size: int  # what remembering it costs, estimated in bytes


class RequestMemo(Generic[Remembered]):
    """One route's remembered checks, keyed by a digest of what they depend on: its query string,
    its path values and ``header_names`` (the headers its checks read) with the credentials."""

    def __init__(self, header_names: Iterable[str], max_entries: int = 1024) -> None:
        names = sorted({*header_names, *CREDENTIAL_HEADERS})
        self._environ_keys = tuple(environ_key(name) for name in names)
        self._entries: dict[bytes, Remembered] = {}
        self._max_entries = max_entries
        self._bytes = 0  # an estimate: see MemoKey.size

    def key(self, environ: Mapping[str, Any], query_string: bytes, path: Mapping[str, Any]) -> MemoKey | None:
        """The digest of what the checks depend on, and what remembering it costs; None when it is
        too large to remember.

        The material is the ``repr`` of a tuple of the values (bytes, strings, None), which no two
        different requests share; one digest of it costs a few microseconds."""
        values = (query_string, tuple(map(environ.get, self._environ_keys)), tuple(path.values()))
        material = repr(values).encode("utf-8", "surrogateescape")
        if len(material) > MAX_KEY_BYTES:
            return None
        # what is kept holds the caller's credentials and the validated values: the material twice, at most
        return MemoKey(hashlib.blake2b(material, digest_size=16).digest(), 2 * len(material) + ENTRY_OVERHEAD)

    def get(self, key: bytes) -> Remembered | None:
        return self._entries.get(key)

    def __len__(self) -> int:
        return len(self._entries)

    def put(self, key: MemoKey, remembered: Remembered) -> None:
        if len(self._entries) >= self._max_entries or self._bytes + key.size > MAX_MEMO_BYTES:
            self._entries.clear()  # simpler than LRU, and a suite rarely sends this many variants
            self._bytes = 0
        self._entries[key.digest] = remembered
        self._bytes += key.size


def environ_key(header: str) -> str:
    """The WSGI environ key a header arrives under (``x-api-key`` -> ``HTTP_X_API_KEY``; the two
    content headers have no prefix, PEP 3333)."""
    key = header.upper().replace("-", "_")
    return key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key
