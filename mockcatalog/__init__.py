"""mockcatalog: an in-memory mock of Adobe Experience Platform's Catalog and Batch Ingestion APIs.

The public names are imported on first use, not with the package: the pytest plugin (loaded by every
pytest session of a project that installed mockcatalog) imports ``mockcatalog.pytest_plugin``, and
that must cost nothing until a test asks for the ``mock_catalog`` fixture.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockcatalog.app import create_app as create_app
    from mockcatalog.catalog.store import CatalogStore as CatalogStore
    from mockcatalog.core.errors import BadRequest as BadRequest
    from mockcatalog.core.errors import Forbidden as Forbidden
    from mockcatalog.core.errors import MockCatalogError as MockCatalogError
    from mockcatalog.core.errors import NotFound as NotFound
    from mockcatalog.core.errors import Unauthorized as Unauthorized
    from mockcatalog.core.settings import Settings as Settings
    from mockcatalog.testing import MockCatalog as MockCatalog

_PUBLIC = {
    "create_app": "mockcatalog.app",
    "BadRequest": "mockcatalog.core.errors",
    "Forbidden": "mockcatalog.core.errors",
    "MockCatalogError": "mockcatalog.core.errors",
    "NotFound": "mockcatalog.core.errors",
    "Unauthorized": "mockcatalog.core.errors",
    "CatalogStore": "mockcatalog.catalog.store",
    "Settings": "mockcatalog.core.settings",
    "MockCatalog": "mockcatalog.testing",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'mockcatalog' has no attribute {name!r}")
    return getattr(importlib.import_module(_PUBLIC[name]), name)
