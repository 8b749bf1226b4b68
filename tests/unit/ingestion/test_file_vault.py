"""The bounded store of processed files' contents (``file_vault.py``)."""

from __future__ import annotations

from mockcatalog.ingestion.file_vault import FileVault, KeptFile

ACME, GLOBEX = ("ACME@AdobeOrg", "prod"), ("GLOBEX@AdobeOrg", "prod")


def kept(size: int, name: str = "a.json") -> KeptFile:
    return KeptFile(name, "application/octet-stream", b"x" * size)


def test_contents_are_kept_per_tenant() -> None:
    vault = FileVault(100)
    vault.put(ACME, "f-1", kept(10))
    assert vault.get(ACME, "f-1") == kept(10)
    assert vault.get(GLOBEX, "f-1") is None


def test_past_the_bound_the_oldest_go_first_whatever_their_tenant() -> None:
    vault = FileVault(100)
    vault.put(ACME, "f-1", kept(40))
    vault.put(GLOBEX, "f-1", kept(40))
    vault.put(ACME, "f-2", kept(40))
    assert vault.get(ACME, "f-1") is None
    assert vault.get(GLOBEX, "f-1") is not None and vault.get(ACME, "f-2") is not None
    assert vault.kept_bytes == 80


def test_a_replacement_is_counted_once_and_a_file_over_the_bound_is_not_kept() -> None:
    vault = FileVault(100)
    vault.put(ACME, "f-1", kept(60))
    vault.put(ACME, "f-1", kept(70))
    assert vault.kept_bytes == 70
    vault.put(ACME, "f-2", kept(101))
    assert vault.get(ACME, "f-2") is None and vault.get(ACME, "f-1") is not None
    vault.clear()
    assert vault.kept_bytes == 0 and vault.get(ACME, "f-1") is None
