"""What a person sees: the dashboard at the root (an index of links for other clients), and the API
docs at ``/docs`` (Swagger UI over the served contract, its assets from the swagger-ui-bundle
package: like the dashboard, it needs nothing from the network).

``GET /`` answers the HTML page (``dashboard.html``, packaged: no asset comes from the network) when
the client asks for HTML, as a browser does, and a JSON index of the mock's endpoints otherwise.
The page reads ``GET /__admin/overview`` every two seconds: the tenants with their datasets and
batches, the newest requests with their answers (contract violations, suspects and the mock's own errors
marked, with the reason), the active faults, the clock and the contract coverage.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path

from flask import Response
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from mockcatalog.http.gateway import Call
from mockcatalog.http.responses import json_response

NEWEST_REQUESTS = 50
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
}


def root(call: Call) -> Response:
    accepted = parse_accept_header(call.valid.headers.get("accept"), MIMEAccept)
    if accepted.best_match(["application/json", "text/html"]) == "text/html":
        page = resources.files("mockcatalog").joinpath("dashboard.html").read_bytes()
        return Response(page, mimetype="text/html")
    return json_response({"name": "mockcatalog", "links": LINKS})


def overview(call: Call) -> Response:
    control = call.control
    entries = control.journal.entries()[-NEWEST_REQUESTS:]
    coverage = control.coverage.report()
    policy = control.policy.current
    return json_response(
        {
            "clock": {"nowMs": control.clock.now_ms(), "frozen": control.clock.frozen},
            "processing": {"delayMs": policy.delay_ms, "polls": policy.polls},
            "tenants": control.tenants.overview(),
            "requests": [
                {
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
                for entry in reversed(entries)
            ],
            "faults": [fault.to_dict() for fault in control.faults.active()],
            "coverage": {"exercised": coverage["exercised"], "total": coverage["total"]},
            "links": LINKS,
        }
    )


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mockcatalog API docs</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="docs"></div><script src="/docs/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#docs"});</script></body></html>
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
    "getFavicon": favicon,
    "getDocs": docs,
    "getDocsAsset": docs_asset,
}
