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


def test_the_installed_entry_points_load() -> None:
    """The command (``mockcatalog = mockcatalog.cli:main``) and the plugin pytest finds
    (``pytest11``) load from the paths setup.cfg gives, whatever moves inside the package."""
    from importlib.metadata import entry_points

    (command,) = entry_points(group="console_scripts", name="mockcatalog")
    assert callable(command.load())
    (plugin,) = entry_points(group="pytest11", name="mockcatalog")
    assert hasattr(plugin.load(), "mock_catalog")
