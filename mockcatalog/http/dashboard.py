"""What a person sees: the dashboard at the root (an index of links for other clients), and the API
docs at ``/docs`` (Swagger UI over the served contract, its assets from the swagger-ui-bundle
package: like the dashboard, it needs nothing from the network).

``GET /`` answers the HTML page (``dashboard.html``, packaged: no asset comes from the network) when
the client asks for HTML, as a browser does, and a JSON index of the mock's endpoints otherwise.
The page reads ``GET /__admin/overview`` every two seconds: the tenants with their datasets and
batches, the newest requests with their answers and verdicts (filtered by verdict, status and
operation), the active faults, the clock and the contract coverage. A request opens to its detail
(``GET /__admin/requests/{seq}``: headers, body, answer, and why it is what it is); a tenant opens to
its newest datasets and batches (``GET /__admin/objects``). Its buttons call the admin API
(reset, clear the journal, clear the faults), which answers only its own origin.
"""

from __future__ import annotations

import urllib.parse
from collections import Counter
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from flask import Response
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from mockcatalog.catalog.tenancy import DEFAULT_SANDBOX
from mockcatalog.contract.spec import load_spec
from mockcatalog.control.journal import (
    MAX_ANSWER_BYTES,
    MAX_BODY_BYTES,
    RawExchange,
    RecordedRequest,
    verdict,
)
from mockcatalog.control.plane import MockControl
from mockcatalog.core.errors import NotFound
from mockcatalog.http.admin import named
from mockcatalog.http.gateway import Call
from mockcatalog.http.responses import json_response

NEWEST_REQUESTS = 50
#: The ``operation`` filter's name for requests no operation of the mock matched.
NO_OPERATION = "none"
LINKS = {
    "dashboard": "/",
    "API docs": "/docs",
    "overview": "/__admin/overview",
    "health": "/__admin/health",
    "contract (YAML)": "/openapi.yaml",
    "contract (JSON)": "/openapi.json",
    "requests received": "/__admin/requests",
    "contract violations, suspects and unsupported calls": "/__admin/violations",
    "contract coverage": "/__admin/coverage",
    "admin API (every endpoint)": "/__admin",
}


def root(call: Call) -> Response:
    accepted = parse_accept_header(call.valid.headers.get("accept"), MIMEAccept)
    if accepted.best_match(["application/json", "text/html"]) == "text/html":
        page = resources.files("mockcatalog").joinpath("dashboard.html").read_bytes()
        return Response(page, mimetype="text/html")
    return json_response({"name": "mockcatalog", "links": LINKS})


class _Filter:
    """Which journal entries the overview shows (``verdict``, ``status``: ``404``, ``4xx`` or ``0``
    for a dropped connection, ``operation``: as the journal labels it, or ``none``), counting the
    verdicts and statuses of every entry on the way, for the dashboard's filter menus."""

    def __init__(self, control: MockControl, query: Mapping[str, Any]) -> None:
        self.verdict: str | None = query.get("verdict")
        status: str | None = query.get("status")
        self.status_class = status[0] if status and status.endswith("xx") else None
        self.status = int(status) if status and not self.status_class else None
        self.any_operation, self.operation = True, None
        if "operation" in query:
            self.any_operation, self.operation = _operation_label(control, query["operation"])
        self.verdicts: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()

    def __call__(self, entry: RawExchange) -> bool:
        what = verdict(entry)
        self.verdicts[what] += 1
        self.statuses[entry.status] += 1
        return (
            (self.verdict is None or what == self.verdict)
            and (self.status is None or entry.status == self.status)
            and (self.status_class is None or str(entry.status)[0] == self.status_class)
            and (self.any_operation or entry.operation == self.operation)
        )


def _operation_label(control: MockControl, name: str) -> tuple[bool, str | None]:
    """(any operation?, the label the journal gives it): a name of the mock's operations (its label,
    its path with the base path, its id), ``*`` for any, ``none`` for requests none matched."""
    if name == NO_OPERATION:
        return False, None
    op_id = named(control.operations.operation_id, name)
    if op_id is None:
        return True, None
    return False, load_spec(control.settings.spec).operations[op_id].label


def overview(call: Call) -> Response:
    control = call.control
    keep = _Filter(control, call.valid.query)
    entries, matched = control.journal.newest(NEWEST_REQUESTS, keep)
    coverage = control.coverage.report()
    policy = control.policy.current
    return json_response(
        {
            "clock": {"nowMs": control.clock.now_ms(), "frozen": control.clock.frozen},
            "processing": {"delayMs": policy.delay_ms, "polls": policy.polls},
            "tenants": control.tenants.overview(),
            "requests": [
                {
                    "seq": entry.seq,
                    "verdict": verdict(entry),
                    "method": entry.method,
                    "path": entry.path,
                    "query": urllib.parse.urlencode(entry.query, doseq=True),
                    "operation": entry.operation,
                    "status": entry.status,
                    "time": entry.time_ms,
                    "violation": entry.violation,
                    "suspect": "; ".join(
                        f"{name}: {messages[0]}" for name, messages in entry.suspects.items()
                    )
                    or None,
                    "unsupported": entry.unsupported,
                    "cannot": entry.cannot,
                    "mockError": entry.mock_error.strip().splitlines()[-1] if entry.mock_error else None,
                }
                for entry in entries
            ],
            "matched": matched,
            "journaled": sum(keep.verdicts.values()),
            "verdicts": dict(keep.verdicts),
            "statuses": {str(status): count for status, count in sorted(keep.statuses.items())},
            "kept": {"bodyBytes": MAX_BODY_BYTES, "answerBytes": MAX_ANSWER_BYTES},  # of each request
            "operations": sorted(
                operation.label for operation in load_spec(control.settings.spec).operations.values()
            ),
            "faults": [fault.to_dict() for fault in control.faults.active()],
            "coverage": {"exercised": coverage["exercised"], "total": coverage["total"]},
            "links": LINKS,
        }
    )


def request_detail(call: Call) -> Response:
    """One journal entry whole (as the journal keeps it), with its verdict."""
    seq = call.valid.path["seq"]
    entry: RecordedRequest | None = call.control.journal.entry(seq)
    if entry is None:
        raise NotFound(
            f"The journal keeps no request numbered {seq}: it was cleared, or is older than the newest "
            f"{call.control.settings.journal_size} requests the journal keeps."
        )
    return json_response({**entry.to_dict(), "verdict": verdict(entry)})


def tenant_objects(call: Call) -> Response:
    """A tenant's newest datasets and batches, with their status (bounded by ``limit``)."""
    query = call.valid.query
    tenant = (query["org"], query.get("sandbox") or DEFAULT_SANDBOX)
    newest = call.control.tenants.newest_objects(tenant, query.get("limit", 50))
    return json_response({"org": tenant[0], "sandbox": tenant[1], **newest})


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mockcatalog API docs</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="docs"></div><script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({
  urls: [{url: "/openapi.json", name: "Catalog, Batch Ingestion and Data Access (openapi.yaml)"},
         {url: "/__admin/openapi.yaml", name: "mockcatalog admin API (admin-openapi.yaml)"}],
  dom_id: "#docs", presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout"});</script></body></html>
"""
_ASSET_TYPES = {".js": "application/javascript", ".css": "text/css"}


def docs(call: Call) -> Response:
    """Swagger UI over the served contract; its assets come from the swagger-ui-bundle package."""
    return Response(DOCS_PAGE, mimetype="text/html")


def docs_asset(call: Call) -> Response:
    import swagger_ui_bundle  # type: ignore[import-untyped]  # no type information; a path is all it gives

    name = call.valid.path["asset"]  # one of the spec's enum: no path of the client's making
    content = (Path(swagger_ui_bundle.swagger_ui_path) / name).read_bytes()
    return Response(content, mimetype=_ASSET_TYPES[Path(name).suffix])


def favicon(call: Call) -> Response:
    return Response(status=204)


VIEWS: Mapping[str, Callable[[Call], Response]] = {
    "getRoot": root,
    "getOverview": overview,
    "getRequest": request_detail,
    "listTenantObjects": tenant_objects,
    "getFavicon": favicon,
    "getDocs": docs,
    "getDocsAsset": docs_asset,
}
