"""Ids shaped like the real service's: ULIDs for batches, 24-hex object ids for datasets.

Ids come from one ``random.Random`` per store, so a seeded store makes the same ids every run.
"""

from __future__ import annotations

import random

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class IdFactory:
    def __init__(self, seed: int | None = None) -> None:
        self._seed = seed
        self._random = random.Random(seed)

    def reset(self) -> None:
        """Start again from the seed (a seeded mock makes the same ids after every reset)."""
        self._random.seed(self._seed)

    def batch_id(self, now_ms: int) -> str:
        """A ULID: 48 bits of milliseconds then 80 random bits, in Crockford base 32."""
        value = (now_ms & (2**48 - 1)) << 80 | self._random.getrandbits(80)
        return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))

    def object_id(self, now_ms: int) -> str:
        """A Mongo-style object id: 4 bytes of seconds then 8 random bytes, as hex."""
        return f"{(now_ms // 1000) & 0xFFFFFFFF:08x}{self._random.getrandbits(64):016x}"
