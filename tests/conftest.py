"""Shared fixtures: an app on the default fixtures, its test client, and caller credentials."""

from __future__ import annotations

import importlib
import os
import re
import socket
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockcatalog import create_app
from mockcatalog.contract.scope import PlatformOperation
from mockcatalog.server import LiveServer

pytest_plugins = ["pytester"]

ACME = "ACE0A1B2C3D4E5F60718293A@AdobeOrg"
GLOBEX = "B10BE5A1B2C3D4E5F6071829@AdobeOrg"

Credentials = Callable[..., dict[str, str]]


def make_credentials(
    org: str = ACME, sandbox: str | None = None, api_key: str = "test-client"
) -> dict[str, str]:
    headers = {"Authorization": "Bearer test-token", "x-api-key": api_key, "x-gw-ims-org-id": org}
    if sandbox is not None:
        headers["x-sandbox-name"] = sandbox
    return headers


def concrete(operation: PlatformOperation) -> str:
    """A path a consumer would call for a Platform ``operation``: each parameter given a value."""
    return re.sub(r"\{\w+\}", "abc123", operation.path)


def free_port() -> int:
    """A port nothing listens on at 127.0.0.1 right now (for a server a test starts later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def needs(module: str, extra: str) -> None:
    """Skip the calling test when ``module``, from the optional ``extra`` (``pip install -e
    '.[extra]'``), is not installed; under CI, which installs every extra the README's test command
    names, fail instead: a missing one is a broken install, not a test to skip."""
    try:
        importlib.import_module(module)
    except ImportError:
        why = f"{module} is not installed (the [{extra}] extra)"
        if os.environ.get("CI"):
            pytest.fail(f"{why}; CI installs it", pytrace=False)
        pytest.skip(why)


@pytest.fixture
def credentials() -> Credentials:
    """``credentials(org=ACME, sandbox=None, api_key=...)``: the headers a caller sends."""
    return make_credentials


@pytest.fixture
def app() -> Flask:
    return create_app({"seed": 1})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The app on 127.0.0.1 and a free port, stopped when the test ends."""
    with LiveServer(app) as server:
        yield server
