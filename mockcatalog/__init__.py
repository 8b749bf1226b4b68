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
    from mockcatalog.errors import BadRequest as BadRequest
    from mockcatalog.errors import Forbidden as Forbidden
    from mockcatalog.errors import MockCatalogError as MockCatalogError
    from mockcatalog.errors import NotFound as NotFound
    from mockcatalog.errors import Unauthorized as Unauthorized
    from mockcatalog.settings import Settings as Settings
    from mockcatalog.store import CatalogStore as CatalogStore
    from mockcatalog.testing import MockCatalog as MockCatalog

_PUBLIC = {
    "create_app": "mockcatalog.app",
    "BadRequest": "mockcatalog.errors",
    "Forbidden": "mockcatalog.errors",
    "MockCatalogError": "mockcatalog.errors",
    "NotFound": "mockcatalog.errors",
    "Unauthorized": "mockcatalog.errors",
    "CatalogStore": "mockcatalog.store",
    "Settings": "mockcatalog.settings",
    "MockCatalog": "mockcatalog.testing",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'mockcatalog' has no attribute {name!r}")
    return getattr(importlib.import_module(_PUBLIC[name]), name)
