"""Every JSON answer of the mock is made here, with :func:`mockcatalog.core.json.encode`; Flask's
own JSON (``jsonify``, ``app.json``) goes through it too."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response
from flask.json.provider import DefaultJSONProvider

from mockcatalog.core.json import encode

MIMETYPE = "application/json"


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """A response carrying ``body`` as JSON (``bytes``: already encoded, by
    :class:`~mockcatalog.core.json.EncodedPages`)."""
    response = Response(body if isinstance(body, bytes) else encode(body), status=status, mimetype=MIMETYPE)
    if headers:
        response.headers.update(headers)
    return response


class FastJSONProvider(DefaultJSONProvider):
    """Flask's own JSON through :func:`~mockcatalog.core.json.encode` (orjson; key order kept)."""

    sort_keys = False
    compact = True

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return encode(obj).decode()

    def response(self, *args: Any, **kwargs: Any) -> Response:
        return json_response(self._prepare_response_obj(args, kwargs))
