"""``mockcatalog contract --url URL``: openapi.yaml's contract checks against any running
implementation (this mock, another fake, a real sandbox), with schemathesis.

The checks and their documented relaxations live in ``contract.toml``, which mockcatalog's own
contract tests read too, so the mock is held to exactly what it holds others to. Credentials come
from the environment (``MOCKCATALOG_CONTRACT_TOKEN``, ``_API_KEY``, ``_ORG``, ``_SANDBOX``) so that
secrets for a real sandbox stay out of command lines and CI logs.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import urllib.parse
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from mockcatalog.spec import GATEWAY_PREFIXES, default_spec_path, load_spec

DEFAULT_CREDENTIALS = {
    "MOCKCATALOG_CONTRACT_TOKEN": "mockcatalog-contract-check",
    "MOCKCATALOG_CONTRACT_API_KEY": "mockcatalog-contract-check",
    "MOCKCATALOG_CONTRACT_ORG": "ACME000000000000000000AA@AdobeOrg",
    "MOCKCATALOG_CONTRACT_SANDBOX": "prod",
}


def unreachable(url: str, timeout_seconds: float = 3.0) -> str | None:
    """Why nothing answers at ``url``'s host and port, or None: checked before schemathesis, which
    would take half a minute of retries to say the same."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an http:// or https:// URL"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=timeout_seconds).close()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return f"nothing answers at {parts.hostname}:{port} ({reason}); is the implementation running?"
    return None


def contract_config_path() -> Path:
    return Path(str(resources.files("mockcatalog") / "contract.toml"))


def credential_headers(environ: Mapping[str, str] = os.environ) -> list[str]:
    """``-H`` values for schemathesis, from the environment (or harmless defaults for a mock)."""
    value = {name: environ.get(name) or default for name, default in DEFAULT_CREDENTIALS.items()}
    return [
        f"Authorization: Bearer {value['MOCKCATALOG_CONTRACT_TOKEN']}",
        f"x-api-key: {value['MOCKCATALOG_CONTRACT_API_KEY']}",
        f"x-gw-ims-org-id: {value['MOCKCATALOG_CONTRACT_ORG']}",
        f"x-sandbox-name: {value['MOCKCATALOG_CONTRACT_SANDBOX']}",
    ]


def gateway_document(spec_path: str | None = None) -> dict[str, Any]:
    """openapi.yaml with every operation moved under its real gateway base path, for implementations
    (the real platform) that answer only there: ``GET /batches`` becomes
    ``GET /data/foundation/catalog/batches``, ``POST /batches`` ``POST /data/foundation/import/batches``."""
    spec = load_spec(spec_path)
    document = dict(spec.document)
    paths: dict[str, Any] = {}
    for path, item in spec.document["paths"].items():
        shared = {
            key: value for key, value in item.items() if key not in ("get", "put", "post", "delete", "patch")
        }
        for method, operation in item.items():
            if method not in ("get", "put", "post", "delete", "patch"):
                continue
            gateway = operation.get("x-mockcatalog-gateway")
            target = GATEWAY_PREFIXES[gateway] + path if gateway else path
            paths.setdefault(target, dict(shared))[method] = operation
    document["paths"] = paths
    return document


def schemathesis_command(
    url: str,
    *,
    max_examples: int,
    strict_auth: bool,
    gateway_paths: bool,
    workers: int = 1,
    phases: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> list[str]:
    """The ``schemathesis run`` command line that checks the implementation at ``url``."""
    spec = str(default_spec_path())
    if gateway_paths:
        handle, spec = tempfile.mkstemp(prefix="mockcatalog-gateway-", suffix=".yaml")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            yaml.safe_dump(gateway_document(), stream, sort_keys=False)
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(contract_config_path()),
        "run",
        spec,
    ]
    command += ["--url", url, "--max-examples", str(max_examples)]
    command += ["--workers", str(workers), "--generation-deterministic"]  # same command, same requests
    for header in credential_headers(environ):
        command += ["-H", header]
    if phases:
        command += ["--phases", phases]
    if strict_auth:
        command += ["--checks", "all"]
    return command
