"""Turn OpenAPI schema objects from ``openapi.yaml`` into marshmallow fields and schema classes.

Nothing about the Catalog's shapes is written here: types, required fields, enums, patterns,
ranges, defaults and the handling of unknown fields all come from the spec. Each
``components/schemas`` entry becomes one generated class, built once and shared by every
``$ref`` to it. Generated classes are unregistered (``Schema.from_dict``), so they are handed to
``Nested`` as class objects.

Two flavours of the same schema exist: ``json`` (request bodies, where JSON types are strict: the
string ``"5"`` is not an integer) and ``text`` (query strings and headers, where every value arrives
as text and is converted).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Literal

from marshmallow import INCLUDE, RAISE, Schema, ValidationError, fields, validate

from mockcatalog.contract.spec import Spec, load_spec
from mockcatalog.core.json import Json

Flavour = Literal["json", "text"]
UnknownPolicy = Literal["exclude", "include", "raise"]

_INT_FORMAT_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


class JsonNumber(fields.Float):
    """A JSON number: rejects strings and booleans that ``Float`` would coerce, and keeps an integer
    an integer (``5`` reads back as ``5``, not ``5.0``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float | int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        number = super()._deserialize(value, attr, data, **kwargs)
        return value if isinstance(value, int) else number


class JsonBoolean(fields.Boolean):
    """A JSON boolean: only ``true`` or ``false``, not ``"yes"`` or ``1``."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class AnyOf(fields.Field[Any]):
    """JSON Schema ``anyOf``: the value as the first alternative takes it; none taking it is one
    error naming every alternative (``described``)."""

    def __init__(self, alternatives: list[fields.Field[Any]], described: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alternatives = alternatives
        self.described = described

    def _bind_to_schema(self, field_name: str, parent: Schema | fields.Field[Any]) -> None:
        super()._bind_to_schema(field_name, parent)
        for alternative in self.alternatives:
            alternative._bind_to_schema(field_name, self)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        for alternative in self.alternatives:
            try:
                return alternative.deserialize(value, attr, data, **kwargs)
            except ValidationError:
                continue
        raise ValidationError(f"Not {self.described}.")


class Pattern(validate.Validator):
    """JSON Schema ``pattern``: a regex *search*, where a final ``$`` does not accept a trailing newline."""

    def __init__(self, pattern: str, description: str = "") -> None:
        self.pattern = pattern
        self._regex = re.compile(re.sub(r"(?<!\\)\$$", r"\\Z", pattern))
        expected = description.strip().rstrip(".")
        self.message = f"Expected {expected} (pattern {pattern})." if expected else f"Must match {pattern}."

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, str) or not self._regex.search(value):
            raise ValidationError(self.message)
        return value


class SchemaBuilder:
    """Builds marshmallow fields for one spec, caching one class per component and flavour."""

    def __init__(self, spec: Spec) -> None:
        self._spec = spec
        self._components: dict[tuple[str, Flavour], type[Schema]] = {}

    def component(self, name: str, flavour: Flavour = "json") -> type[Schema]:
        """The generated class of ``components/schemas/{name}``."""
        key = (name, flavour)
        if key not in self._components:
            node = self._spec.document["components"]["schemas"][name]
            self._components[key] = self.object_schema(node, name=name, flavour=flavour)
        return self._components[key]

    def object_schema(self, node: Json, *, name: str, flavour: Flavour = "json") -> type[Schema]:
        """A schema class for an ``type: object`` node with ``properties``."""
        node = self._spec.deref(node)
        required = set(node.get("required", ()))
        attrs = {
            prop: self.field(sub, required=prop in required, flavour=flavour)
            for prop, sub in node.get("properties", {}).items()
        }
        schema_cls = Schema.from_dict(attrs, name=name)
        allowed = ", ".join(attrs) or "none"
        schema_cls.error_messages = {"unknown": f"Unknown field. {name} accepts: {allowed}."}
        return schema_cls

    def resolve_type(self, node: Json) -> str | None:
        """The ``type`` of a schema node, following ``$ref``."""
        kind = self._spec.deref(node).get("type")
        return kind if isinstance(kind, str) else None

    def unknown_policy(self, node: Json) -> UnknownPolicy:
        """``additionalProperties: false`` rejects unknown fields; anything else keeps them."""
        return RAISE if self._spec.deref(node).get("additionalProperties") is False else INCLUDE

    def field(self, node: Json, *, required: bool = False, flavour: Flavour = "json") -> fields.Field[Any]:
        """The marshmallow field for one schema node (``$ref`` resolved to its shared class)."""
        ref = node.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            target = self._spec.deref(node)
            if target.get("type") == "object" and "properties" in target:
                name = ref.rsplit("/", 1)[1]
                return fields.Nested(
                    self.component(name, flavour),
                    required=required,
                    unknown=self.unknown_policy(target),
                )
        node = self._spec.deref(node)
        kwargs: dict[str, Any] = {"required": required, "validate": _validators(node)}
        if "default" in node:
            kwargs["load_default"] = node["default"]
        if node.get("nullable"):
            kwargs["allow_none"] = True
        kind = node.get("type")
        if "anyOf" in node:
            alternatives = [self.field(sub, flavour=flavour) for sub in node["anyOf"]]
            described = " or ".join(_described(self._spec.deref(sub)) for sub in node["anyOf"])
            return AnyOf(alternatives, described, **kwargs)
        if kind == "object":
            return self._object_field(node, flavour, kwargs)
        if kind == "array":
            return fields.List(self.field(node.get("items", {}), flavour=flavour), **kwargs)
        if kind == "integer":
            return fields.Integer(strict=flavour == "json", **kwargs)
        if kind == "number":
            return (
                JsonNumber(allow_nan=False, **kwargs)
                if flavour == "json"
                else fields.Float(allow_nan=False, **kwargs)
            )
        if kind == "boolean":
            return JsonBoolean(**kwargs) if flavour == "json" else fields.Boolean(**kwargs)
        if kind == "string":
            return fields.String(**kwargs)
        return fields.Raw(allow_none=True, **{k: v for k, v in kwargs.items() if k != "allow_none"})

    def _object_field(self, node: Json, flavour: Flavour, kwargs: dict[str, Any]) -> fields.Field[Any]:
        if "properties" in node:
            schema_cls = self.object_schema(node, name=node.get("title", "Object"), flavour=flavour)
            return fields.Nested(schema_cls, unknown=self.unknown_policy(node), **kwargs)
        extra = node.get("additionalProperties", True)
        if isinstance(extra, dict) and extra:
            return fields.Dict(keys=fields.String(), values=self.field(extra, flavour=flavour), **kwargs)
        return fields.Dict(keys=fields.String(), **kwargs)


@functools.lru_cache(maxsize=8)
def builder_for(spec_path: str | Path | None = None) -> SchemaBuilder:
    """The shared builder of the spec at ``spec_path`` (default: the packaged spec)."""
    return SchemaBuilder(load_spec(spec_path))


def fixture_schemas(spec_path: str | Path | None = None) -> dict[str, Schema]:
    """What stored objects are checked with: the API's own ``DataSet``, ``Batch`` and ``DataSetFile``
    shapes (fixture files hold only the first two)."""
    builder = builder_for(spec_path)
    return {
        collection: builder.component(name)(
            unknown=builder.unknown_policy({"$ref": f"#/components/schemas/{name}"})
        )
        for collection, name in (
            ("dataSets", "DataSet"),
            ("batches", "Batch"),
            ("dataSetFiles", "DataSetFile"),
        )
    }


def _described(node: Json) -> str:
    """An ``anyOf`` alternative in words: ``a string``, ``an array of strings``."""
    kind = node.get("type")
    if not isinstance(kind, str) or not kind:
        return "any value"
    if kind == "array":
        return f"an array of {_described(node.get('items', {})).split(' ', 1)[1]}s"
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def _validators(node: Json) -> list[validate.Validator]:
    found: list[validate.Validator] = []
    if "enum" in node:
        found.append(validate.OneOf(node["enum"]))
    if "pattern" in node:
        found.append(Pattern(node["pattern"], node.get("description", "")))
    low, high = _INT_FORMAT_BOUNDS.get(node.get("format", ""), (None, None))
    low, high = node.get("minimum", low), node.get("maximum", high)
    if low is not None or high is not None:
        found.append(
            validate.Range(
                min=low,
                max=high,
                min_inclusive=not node.get("exclusiveMinimum", False),
                max_inclusive=not node.get("exclusiveMaximum", False),
            )
        )
    length_keys = {"string": ("minLength", "maxLength"), "object": ("minProperties", "maxProperties")}.get(
        node.get("type", ""), ("minItems", "maxItems")
    )
    if any(key in node for key in length_keys):
        found.append(validate.Length(min=node.get(length_keys[0]), max=node.get(length_keys[1])))
    return found
