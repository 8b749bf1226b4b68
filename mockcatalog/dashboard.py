"""What a person sees at the mock's root: a dashboard in the browser, an index for other clients.

``GET /`` answers the HTML page (``dashboard.html``, packaged: no asset comes from the network) when
the client asks for HTML, as a browser does, and a JSON index of the mock's endpoints otherwise.
The page reads ``GET /__admin/overview`` every two seconds: the tenants with their datasets and
batches, the newest requests with their answers (contract violations and the mock's own errors
marked, with the reason), the active faults, the clock and the contract coverage.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Mapping
from importlib import resources

from flask import Response, request

from mockcatalog.gateway import Call
from mockcatalog.json_provider import json_response

NEWEST_REQUESTS = 50
LINKS = {
    "dashboard": "/",
    "overview": "/__admin/overview",
    "health": "/__admin/health",
    "contract (YAML)": "/openapi.yaml",
    "contract (JSON)": "/openapi.json",
    "requests received": "/__admin/requests",
    "contract violations": "/__admin/violations",
    "contract coverage": "/__admin/coverage",
}


def root(call: Call) -> Response:
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html":
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
            "clock": {"now": control.clock.now_ms(), "frozen": control.clock.frozen},
            "processing": {"delay": policy.delay_ms, "polls": policy.polls},
            "tenants": control.store.overview(),
            "requests": [
                {
                    "method": entry.method,
                    "path": entry.path,
                    "query": urllib.parse.urlencode(entry.query, doseq=True),
                    "operation": entry.operation,
                    "status": entry.status,
                    "time": entry.time_ms,
                    "violation": entry.violation,
                    "mockError": entry.mock_error.strip().splitlines()[-1] if entry.mock_error else None,
                }
                for entry in reversed(entries)
            ],
            "faults": [fault.to_dict() for fault in control.faults.active()],
            "coverage": {"exercised": coverage["exercised"], "total": coverage["total"]},
            "links": LINKS,
        }
    )


def favicon(call: Call) -> Response:
    return Response(status=204)


VIEWS: Mapping[str, Callable[[Call], Response]] = {
    "getRoot": root,
    "getOverview": overview,
    "getFavicon": favicon,
}
