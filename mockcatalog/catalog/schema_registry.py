"""The Schema Registry's reads of a tenant's XDM schemas: a lookup by ``$id`` or ``meta:altId``,
the container's list, and a sample row made with faker.

The mock holds schemas in their resolved form, in the tenant's ``schemas`` collection (fixture
files, the admin API, state files, ``mock_catalog.add_schema``): the ``tenant`` container is
those; the ``global`` container (Adobe's own classes and field groups) holds none here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from typing import Any

from faker import Faker

from mockcatalog.catalog.model import SCHEMAS
from mockcatalog.catalog.regex_budget import field_matches
from mockcatalog.catalog.tenancy import Tenant
from mockcatalog.catalog.tenants import TenantData, TenantRegistry
from mockcatalog.core.errors import InvalidRequest, NotBuiltInTheMock, RegistryNotFound
from mockcatalog.core.json import Json

#: The most a list answers at once (Adobe's guides: 300; its spec's 500 is loose input text).
MAX_LIST = 300
SUMMARY_FIELDS = ("$id", "meta:altId", "version", "title")
#: Fields of a stored schema that only say where the mock keeps it.
_KEPT_APART = frozenset({"sandboxId", "sandboxName"})
#: Sample dates fall in a fixed window (faker's default ends now, and the same schema must answer
#: the same row).
_SAMPLE_SINCE, _SAMPLE_UNTIL = dt.datetime(2020, 1, 1), dt.datetime(2026, 1, 1)
_PROPERTY = re.compile(r"^(?P<name>[\w:.$@-]{1,128})(?:(?P<op>==|!=|<=|>=|<|>|~)(?P<value>.*))?$", re.DOTALL)


def served(schema: Json, tenant_sandbox_id: str) -> Json:
    """A stored schema as the registry answers it: its own fields, with the sandbox it lives in
    (``meta:sandboxId``) and its container."""
    answer = {name: value for name, value in schema.items() if name not in _KEPT_APART}
    answer.setdefault("meta:containerId", "tenant")
    answer["meta:sandboxId"] = tenant_sandbox_id
    return answer


class SchemaRegistry:
    """The registry's reads over the tenants' schemas."""

    def __init__(self, tenants: TenantRegistry) -> None:
        self.tenants = tenants

    def lookup(self, tenant: Tenant, container: str, reference: str) -> Json:
        """The schema ``reference`` names (its ``$id``, or its ``meta:altId``); ``XDM-1012-404``
        when the container holds none such."""
        with self.tenants.reading(tenant) as data:
            found = _find(data, reference) if container == "tenant" else None
        if found is None:
            raise RegistryNotFound(f"Requested resource {reference} with version 1 is not found")
        return found

    def listing(
        self, tenant: Tenant, container: str, *, orderby: str, start: int, limit: int, where: str | None
    ) -> tuple[list[Json], int | None]:
        """A page of the container's schemas, ordered by ``orderby`` (``-`` first: descending),
        filtered by ``where`` (a ``property`` expression); with the start of the next page, if any."""
        with self.tenants.reading(tenant) as data:
            schemas = [schema for _, schema in data[SCHEMAS].items()] if container == "tenant" else []
        if where is not None:
            keep = _property_filter(where)
            schemas = [schema for schema in schemas if keep(schema)]
        descending = orderby.startswith("-")
        field = orderby.lstrip("-+") or "title"
        schemas.sort(key=lambda schema: str(schema.get(field, "")), reverse=descending)
        page = schemas[start : start + (min(limit, MAX_LIST) if limit > 0 else MAX_LIST)]
        following = start + len(page)
        return page, following if following < len(schemas) else None

    def sample(self, tenant: Tenant, reference: str) -> Json:
        """A row of the schema ``reference`` names, made with faker (the same schema, the same row):
        each field of its type, within its enum and range, every required field present."""
        schema = self.lookup(tenant, "tenant", reference)
        seed = int.from_bytes(hashlib.blake2b(str(schema.get("$id")).encode(), digest_size=8).digest(), "big")
        fake = Faker()
        fake.seed_instance(seed)
        row = _sample(schema, fake, "")
        return row if isinstance(row, dict) else {}


def _find(data: TenantData, reference: str) -> Json | None:
    schemas = data[SCHEMAS]
    found = schemas.get(reference)
    if found is not None:
        return found
    return next((schema for _, schema in schemas.items() if schema.get("meta:altId") == reference), None)


def _property_filter(expression: str) -> Any:
    """``name==value``, ``name!=value``, ``name~regex`` or ``name`` (present), on a schema's
    top-level fields (a list's values: any of them); Adobe's ``<`` and ``>`` are not built."""
    match = _PROPERTY.match(expression)
    if match is None:
        raise InvalidRequest(
            f"property={expression!r} is not a filter expression.",
            errors={"property": ["Expected name, name==value, name!=value, name~regex or name<value."]},
        )
    name, op, value = match["name"], match["op"], match["value"]
    if op in ("<", ">", "<=", ">="):
        raise NotBuiltInTheMock(
            "Schema Registry property comparisons (<, >, <=, >=)",
            f"property={expression!r}: the mock filters schemas with ==, !=, ~ and a bare name.",
        )
    if op is None:
        return lambda schema: name in schema
    if op == "~":
        return field_matches(name, value)
    wanted = op == "=="
    return lambda schema: (value in _texts(schema.get(name))) == wanted


def _texts(value: Any) -> list[str]:
    """A field's value as the text(s) a filter compares (each of a list's, as ``meta:extends``)."""
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def _sample(node: Mapping[str, Any], fake: Faker, name: str) -> Any:
    """A value for one (already compiled, so well-formed) field definition."""
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("meta:xdmType") or node.get("type")
    fmt = node.get("format")
    if kind in ("object",) and "properties" in node:
        return {child: _sample(sub, fake, child) for child, sub in node["properties"].items()}
    if kind == "object" or kind == "map":
        values = node.get("additionalProperties")
        return {fake.word(): _sample(values, fake, name)} if isinstance(values, Mapping) and values else {}
    if kind == "array":
        return [_sample(node.get("items", {}), fake, name)]
    if kind == "boolean":
        return fake.boolean()
    if kind in ("number", "integer", "long", "int", "short", "byte"):
        low = node.get("minimum", 0)
        high = node.get("maximum", max(low, 0) + 1000)
        low, high = max(low, -1_000_000), min(high, 1_000_000)
        if kind == "number":
            return low + (high - low) * fake.random.random()
        return fake.pyint(min_value=int(low), max_value=int(max(high, low)))
    if kind == "date" or fmt == "date":
        return fake.date_between(_SAMPLE_SINCE, _SAMPLE_UNTIL).isoformat()
    if kind == "date-time" or fmt == "date-time":
        return fake.date_time_between(_SAMPLE_SINCE, _SAMPLE_UNTIL).strftime("%Y-%m-%dT%H:%M:%SZ")
    lowered = name.lower()
    if "email" in lowered or lowered == "address":
        return str(fake.email())
    if "name" in lowered:
        return str(fake.name())
    return str(fake.word())
