"""aepp, Adobe's Python SDK from PyPI, configured against a live mock: its clients, and a record
of every request it sends.

aepp reads two module-level settings that ``aepp.configure`` fills in: the platform base URL
(``aepp.config.endpoints["global"]``) and the IMS token URL
(``aepp.config.config_object["oauthTokenEndpointV2"]``). Pointing both at the mock is all it takes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from mockcatalog import create_app
from mockcatalog.server import LiveServer

from ..conftest import ACME, needs
from ..doc_blocks import doc_block, pointed_at

ORG = ACME  # the packaged fixtures' organization


@pytest.fixture
def sdk() -> Iterator[tuple[Any, Any, LiveServer]]:
    """aepp's Catalog and DataIngestion clients, configured against a mock with strict auth."""
    needs("aepp", "sdk")
    import aepp
    from aepp import catalog, ingestion

    app = create_app({"strict_auth": True})  # only tokens the fake IMS issued pass
    with LiveServer(app) as server:
        aepp.configure(
            org_id=ORG, client_id="sdk-client", secret="sdk-secret", scopes="openid", sandbox="prod"
        )
        exec(pointed_at(doc_block("aepp-setup").text, server.url))  # the documented two settings
        yield catalog.Catalog(), ingestion.DataIngestion(), server


@dataclass(frozen=True)
class Exchange:
    """One request aepp sent, and what the mock answered."""

    method: str
    path: str  # without the query
    query: str
    status: int
    body: bytes


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> list[Exchange]:
    """Every request aepp sends while the test runs, in order (its session's and its bare
    ``requests.patch`` alike: both go through ``requests.Session.send``)."""
    seen: list[Exchange] = []
    send = requests.Session.send

    def recorded(session: requests.Session, prepared: requests.PreparedRequest, **kwargs: Any) -> Any:
        answer = send(session, prepared, **kwargs)
        url = urlsplit(prepared.url or "")
        seen.append(Exchange(prepared.method or "", url.path, url.query, answer.status_code, answer.content))
        return answer

    monkeypatch.setattr(requests.Session, "send", recorded)
    return seen
