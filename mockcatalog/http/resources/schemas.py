"""Schema Registry views (``/data/foundation/schemaregistry``): a schema's lookup, the tenant's list
and a sample row; the ``Accept`` header chooses the representation, as Adobe's registry reads it.

Adobe's guides and spec: lookups name a format *with* its version (``...; version=1``), lists one
*without* (``xed-id`` for summaries, ``xed`` for whole schemas); ``xdm`` is a synonym of ``xed``
(the spec's own error messages say ``{xed|xdm}``, and aepp sends it), and aepp's ``version=1.0``
is version 1. A bad one is the registry's ``XDM-1007-400`` (lookup) or ``XDM-1006-400`` (list),
answered by the request's validation (the header's pattern in openapi.yaml).
"""

from __future__ import annotations

import re

from flask import Response

from mockcatalog.catalog.schema_registry import MAX_LIST, SUMMARY_FIELDS, served
from mockcatalog.catalog.tenancy import sandbox_id
from mockcatalog.contract.spec import GATEWAY_PREFIXES
from mockcatalog.http.gateway import Call
from mockcatalog.http.responses import json_response

_ACCEPT = re.compile(
    r"^application/vnd\.adobe\.(?:xed|xdm)(?P<variant>(?:-[a-z]+)*)\+json"
    r"(?:\s*;\s*version\s*=\s*(?P<version>[0-9.]+))?\s*$",
    re.IGNORECASE,
)
_TEXT_FIELDS = frozenset({"title", "description"})


def lookup_schema(call: Call) -> Response:
    variant = _variant(call)
    path = call.valid.path
    schema = call.control.schemas.lookup(call.who.tenant, path["container"], path["schemaId"])
    answer = served(schema, sandbox_id(call.who.tenant))
    return json_response(_without_text(answer) if variant.endswith("notext") else answer)


def get_sample_data(call: Call) -> Response:
    return json_response(call.control.schemas.sample(call.who.tenant, call.valid.path["schemaId"]))


def list_all_schemas(call: Call) -> Response:
    summaries = _variant(call) == "-id"  # openapi.yaml's pattern admits xed-id and xed only
    query, container = call.valid.query, call.valid.path["container"]
    start = _offset(query.get("start"))
    orderby = str(query.get("orderby") or "title")
    page, following = call.control.schemas.listing(
        call.who.tenant,
        container,
        orderby=orderby,
        start=start,
        limit=int(query.get("limit", MAX_LIST)),
        where=query.get("property"),
    )
    tenant_sandbox = sandbox_id(call.who.tenant)
    results = [
        {name: schema[name] for name in SUMMARY_FIELDS if name in schema}
        if summaries
        else served(schema, tenant_sandbox)
        for schema in page
    ]
    base = f"{call.origin}{GATEWAY_PREFIXES['schemaregistry']}/{container}/schemas"
    next_url = None if following is None else f"{base}?start={following}&orderby={orderby}"
    return json_response(
        {
            "results": results,
            "_page": {
                "orderby": orderby,
                "next": None if following is None else str(following),
                "count": len(results),
            },
            "_links": {
                "next": None if next_url is None else {"href": next_url},
                "global_schemas": {
                    "href": f"{call.origin}{GATEWAY_PREFIXES['schemaregistry']}/global/schemas"
                },
            },
        }
    )


def _variant(call: Call) -> str:
    """The representation ``Accept`` asks for (``-full``, ``-id``, ...): openapi.yaml's pattern
    for the header is the one home of what is valid, and answers Adobe's ``XDM-1006-400`` /
    ``XDM-1007-400`` for anything else before a view runs."""
    match = _ACCEPT.match(str(call.valid.headers.get("accept", "")))
    return str(match["variant"]).lower() if match is not None else ""


def _offset(start: object) -> int:
    """``start`` as the list answered it in ``_page.next`` (an offset); anything else, the first."""
    text = str(start or "0")
    return int(text) if text.isdigit() and len(text) < 10 else 0


def _without_text(node: object) -> object:
    """A schema without its titles and descriptions (the ``-notext`` variants); the names under
    ``properties`` are fields, kept whatever they are called."""
    if isinstance(node, list):
        return [_without_text(value) for value in node]
    if not isinstance(node, dict):
        return node
    kept: dict[str, object] = {}
    for key, value in node.items():
        if key == "properties" and isinstance(value, dict):
            kept[key] = {name: _without_text(field) for name, field in value.items()}
        elif key not in _TEXT_FIELDS:
            kept[key] = _without_text(value)
    return kept
