"""mockcatalog: an in-memory mock of Adobe Experience Platform's Catalog and Batch Ingestion APIs."""

from mockcatalog.app import create_app as create_app
from mockcatalog.errors import BadRequest as BadRequest
from mockcatalog.errors import Forbidden as Forbidden
from mockcatalog.errors import MockCatalogError as MockCatalogError
from mockcatalog.errors import NotFound as NotFound
from mockcatalog.errors import Unauthorized as Unauthorized
from mockcatalog.store import CatalogStore as CatalogStore

__all__ = [
    "BadRequest",
    "CatalogStore",
    "Forbidden",
    "MockCatalogError",
    "NotFound",
    "Unauthorized",
    "create_app",
]
