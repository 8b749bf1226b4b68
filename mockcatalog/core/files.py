"""The one way the mock writes a file it must never leave half-written (state files, snapshots):
a temporary file beside it, flushed to disk, then renamed over it, so a crash leaves the previous
complete file; the file's permissions are kept."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def temporary_prefix(target: Path) -> str:
    """What the temporary files of writes to ``target`` start with (``.name.``), to find a killed
    write's leftovers."""
    return f".{target.name}."


def write_atomically(target: Path, data: bytes) -> None:
    """``data`` as the contents of ``target`` (its directory must exist), all or nothing."""
    handle, temporary = tempfile.mkstemp(prefix=temporary_prefix(target), suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _mode_to_keep(target))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_to_keep(target: Path) -> int:
    """The target's permission bits, or what a new file gets under the process's umask."""
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
