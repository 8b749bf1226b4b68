"""Load ``openapi.yaml`` and describe its operations: the one source of truth for routes and validation.

The spec ships inside the package (``mockcatalog/openapi.yaml`` is the top-level file, linked in), so
an installed mockcatalog finds it without a checkout. Loading parses YAML and indexes the
operations once per process (``load_spec`` is cached); nothing here runs per request.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from mockcatalog.core.json import Json

#: Where each gateway family of operations answers on the real platform (reference page).
GATEWAY_PREFIXES: Mapping[str, str] = {
    "catalog": "/data/foundation/catalog",
    "import": "/data/foundation/import",
    "export": "/data/foundation/export",  # Data Access
    "schemaregistry": "/data/foundation/schemaregistry",
}

METHODS = ("get", "head", "put", "post", "delete", "patch")  # the HTTP methods an operation may have


@dataclass(frozen=True)
class Parameter:
    """One resolved OpenAPI parameter."""

    name: str
    location: str  # "query", "header" or "path"
    schema: Json  # may hold $ref pointers; schemas.py resolves them to shared classes
    required: bool = False
    query_kind: Json | None = None  # the ``x-mockcatalog-query`` extension, if any
    raw: Json = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Operation:
    """One operation of the spec; parameters and body are dereferenced, their schemas are not."""

    operation_id: str
    method: str
    path: str
    gateway: str | None  # family of gateway base path it also answers under (GATEWAY_PREFIXES)
    parameters: tuple[Parameter, ...]
    bodies: Mapping[str, Json] = field(default_factory=dict)  # media type -> schema
    body_required: bool = False
    raw: Json = field(default_factory=dict, repr=False, compare=False)

    @property
    def label(self) -> str:
        """``"POST /batches"``: how people (and schemathesis) name an operation."""
        return f"{self.method} {self.path}"

    @property
    def needs_credentials(self) -> bool:
        """Whether the gateway asks this operation's caller for credentials: it declares the
        ``Authorization`` header (as Adobe's specs do; the fake IMS does not)."""
        return any(p.name.lower() == "authorization" for p in self.params_in("header"))

    def params_in(self, location: str) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == location)


@dataclass(frozen=True)
class Spec:
    document: Json
    operations: Mapping[str, Operation]

    def deref(self, node: Any) -> Any:
        return deref(self.document, node)


def default_spec_path() -> Path:
    return Path(str(resources.files("mockcatalog") / "openapi.yaml"))


def admin_spec_path() -> Path:
    """The admin API's own document (``admin-openapi.yaml``), kept apart from the contract."""
    return Path(str(resources.files("mockcatalog") / "admin-openapi.yaml"))


@functools.lru_cache(maxsize=8)
def load_spec(path: str | Path | None = None) -> Spec:
    """Parse the spec at ``path`` (default: the packaged one) into a :class:`Spec`."""
    text = Path(path or default_spec_path()).read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    return Spec(document=document, operations=_operations(document))


def deref(document: Json, node: Any) -> Any:
    """Follow ``$ref`` pointers at the top of ``node`` only (nested schemas keep theirs)."""
    while isinstance(node, dict) and "$ref" in node:
        node = _pointer(document, node["$ref"])
    return node


def _pointer(document: Json, ref: str) -> Any:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $ref pointers are supported, not {ref!r}")
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _operations(document: Json) -> dict[str, Operation]:
    operations: dict[str, Operation] = {}
    for path, item in document["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            raw = item[method]
            body = deref(document, raw.get("requestBody") or {})
            content = body.get("content", {})
            parameters = [deref(document, p) for p in raw.get("parameters", [])]
            operations[raw["operationId"]] = Operation(
                operation_id=raw["operationId"],
                method=method.upper(),
                path=path,
                gateway=raw.get("x-mockcatalog-gateway"),
                parameters=tuple(
                    Parameter(
                        name=p["name"],
                        location=p["in"],
                        schema=p.get("schema", {}),
                        required=bool(p.get("required", False)),
                        query_kind=p.get("x-mockcatalog-query"),
                        raw=p,
                    )
                    for p in parameters
                ),
                bodies={media_type: entry.get("schema", {}) for media_type, entry in content.items()},
                body_required=bool(body.get("required", False)),
                raw=raw,
            )
    return operations
