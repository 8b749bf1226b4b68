"""The check every stored object passes: what a write (or the mock itself) would store must match
openapi.yaml's shape of its collection, or nothing is stored.

The store takes this check as a plain callable (``validate(collection, object)``), so the Catalog
domain never imports the contract; the app wires the two together.
"""

from __future__ import annotations

from collections.abc import Callable

from marshmallow import ValidationError

from mockcatalog.contract.schemas import fixture_schemas
from mockcatalog.contract.validation import flatten, naming_values
from mockcatalog.core.errors import InvalidRequest
from mockcatalog.core.json import Json

#: ``validate(collection, object)``: raises :class:`InvalidRequest` when ``object`` may not be stored.
ObjectCheck = Callable[[str, Json], None]


def object_validator(spec_path: str | None) -> ObjectCheck:
    """Checks what a write would store against openapi.yaml's shapes (a 400 naming the fields and
    the values that break them)."""
    schemas = fixture_schemas(spec_path)

    def validate(collection: str, obj: Json) -> None:
        try:
            schemas[collection].load(obj)
        except ValidationError as exc:
            raise InvalidRequest(
                f"The {collection} object would not match openapi.yaml.",
                errors=naming_values(flatten(exc.messages), obj),
            ) from exc

    return validate
