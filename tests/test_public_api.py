"""The names a consumer imports from ``mockcatalog``: pinned, so a change to them is deliberate."""

from __future__ import annotations

import mockcatalog


def test_the_public_names_are_pinned_and_all_importable() -> None:
    assert mockcatalog.__all__ == [
        "BadRequest", "CatalogStore", "Forbidden", "MockCatalog", "MockCatalogError", "NotFound", "Settings",
        "Unauthorized", "create_app",
    ]  # fmt: skip
    for name in mockcatalog.__all__:
        assert getattr(mockcatalog, name).__name__ == name
