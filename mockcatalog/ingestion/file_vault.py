"""The contents of the files processing produces, which Data Access serves back: each dataset file a
successful batch made, and each batch's failed rows.

They are kept apart from the tenants' collections because they are the one thing the mock keeps
whose size a client decides (a 64 MiB upload stays 64 MiB of accepted rows), so they share one
bound, in bytes, across all tenants (``--max-kept-file-bytes``): past it, the oldest contents are
dropped first. The Catalog objects that describe them stay; Data Access answers a 404 saying why
for contents it no longer has. The vault is emptied by a reset, with the objects that point into it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from mockcatalog.catalog.tenancy import Tenant


@dataclass(frozen=True, slots=True)
class KeptFile:
    """One file Data Access can serve: its name, media type and bytes."""

    name: str
    media_type: str
    data: bytes


class FileVault:
    """``(tenant, key) -> KeptFile``, oldest dropped first past ``max_bytes`` in all; thread-safe."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._files: OrderedDict[tuple[Tenant, str], KeptFile] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def put(self, tenant: Tenant, key: str, kept: KeptFile) -> None:
        """Keep ``kept`` under ``key`` (replacing what was there), then drop the oldest contents
        until the bound holds again; a file larger than the whole bound is not kept at all."""
        with self._lock:
            self._drop((tenant, key))
            if len(kept.data) > self.max_bytes:
                return
            self._files[(tenant, key)] = kept
            self._bytes += len(kept.data)
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._files)))

    def get(self, tenant: Tenant, key: str) -> KeptFile | None:
        with self._lock:
            return self._files.get((tenant, key))

    @property
    def kept_bytes(self) -> int:
        with self._lock:
            return self._bytes

    def forget(self, tenant: Tenant, keys: Iterable[str]) -> None:
        """Drop the contents kept under ``keys`` (those of a deleted batch)."""
        with self._lock:
            for key in keys:
                self._drop((tenant, key))

    def clear(self) -> None:
        with self._lock:
            self._files.clear()
            self._bytes = 0

    def _drop(self, key: tuple[Tenant, str]) -> None:
        dropped = self._files.pop(key, None)
        if dropped is not None:
            self._bytes -= len(dropped.data)
