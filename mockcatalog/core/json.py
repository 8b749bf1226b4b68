"""The one way the mock makes JSON, with orjson: the standard ``json`` module spent more time
serializing a page of 20 batches than Flask spent on the whole request (bench/bench_inprocess.py
measures it). Also the one home of :data:`Json`, the type of a JSON object as the mock holds it.

Key order is kept (a list's key order is its result order; never sort). An object orjson cannot
encode (an integer beyond 64 bits in a client-supplied extra field, say) falls back to the
standard module rather than failing the request.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import orjson

#: A JSON object as the mock holds it: a Catalog object, a request body, a run's record.
Json = dict[str, Any]
#: What keeping one page costs besides its bytes: the bytes object, the key tuple with its digest,
#: and the dictionary's slot (measured at about 200 bytes; counted generously).
ENTRY_OVERHEAD = 256


def encode(obj: Any) -> bytes:
    try:
        return orjson.dumps(obj)
    except TypeError:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


class EncodedPages:
    """Encoded list pages, by (generation of the contents read, digest of the request).

    Encoding a page of 20 batches was the largest single cost of a list request on a live server
    (bench/bench_live.py: 85% of a minimal Flask app's throughput with this, 73-80% without).
    Both parts of the key are values, never identities: a collection's generation is never reused
    (``Collection.generation``) and the digest names the query string, the path and the headers the
    request's checks read (``RequestMemo.key``), so a hit is the very bytes encoding the page anew
    would give. Bounded in bytes: past ``max_bytes`` of pages (each counted with its key and the
    dictionary's share, :data:`ENTRY_OVERHEAD`), all are forgotten. A page is kept as an exact-size
    copy: orjson's own result holds a 4 KiB buffer however short the page.
    """

    def __init__(self, max_bytes: int = 8 * 1024 * 1024) -> None:
        self._pages: dict[tuple[int, bytes], bytes] = {}
        self._bytes = 0
        self._max_bytes = max_bytes
        self._lock = threading.Lock()

    def get(self, key: tuple[int, bytes]) -> bytes | None:
        return self._pages.get(key)

    def encoded(self, key: tuple[int, bytes] | None, page: Any) -> bytes:
        """``page`` encoded; from the cache when ``key`` (None: never cached) was seen before."""
        if key is None:
            return encode(page)
        kept = self._pages.get(key)
        if kept is not None:
            return kept
        encoded = encode(page)
        cost = len(encoded) + ENTRY_OVERHEAD
        if cost > self._max_bytes:
            return encoded
        kept = memoryview(encoded).tobytes()
        with self._lock:
            if self._bytes + cost > self._max_bytes:
                self._pages.clear()
                self._bytes = 0
            self._pages[key] = kept
            self._bytes += cost
        return kept

    def __len__(self) -> int:
        return len(self._pages)
