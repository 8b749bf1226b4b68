"""`mockcatalog snapshot` against a live mockcatalog standing in for the platform: the directory it
writes, served again, answers the same lists and objects."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
import requests
from click.testing import CliRunner, Result

from mockcatalog import create_app
from mockcatalog.catalog.fixture_files import default_fixture_dir
from mockcatalog.cli import main
from mockcatalog.server import LiveServer
from mockcatalog.snapshot import RESOLVED_SCHEMA, SnapshotError, Upstream, take_snapshot
from mockcatalog.testing import MockCatalog

from ..conftest import ACME, GLOBEX
from ..doc_blocks import ROOT, Block, doc_block, doc_blocks, serving

pytestmark = pytest.mark.e2e

CATALOG = "/data/foundation/catalog"
REGISTRY = "/data/foundation/schemaregistry/tenant/schemas"
#: Long enough to be replaced wherever they occur (snapshot.SUBSTRING_SECRET_CHARS).
TOKEN = "tok-3f9a1c77e2b04d5f"
API_KEY = "key-8d2e6b41a09c4f3e"
ENVIRONMENT = {"ACCESS_TOKEN": TOKEN, "API_KEY": API_KEY, "IMS_ORG": ACME, "SANDBOX_NAME": "prod"}
NO_ENVIRONMENT = dict.fromkeys(ENVIRONMENT)  # CliRunner: unset these for the run


@pytest.fixture
def upstream() -> Iterator[LiveServer]:
    """The platform: a mock on the packaged fixtures (rebased to now, as `serve` does)."""
    with LiveServer(create_app({"seed": 1})) as server:
        yield server


def snapshot(*args: str, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner().invoke(main, ["snapshot", *args], env={**NO_ENVIRONMENT, **(env or {})})


def flags(url: str, out: Path, *, org: str = ACME, sandbox: str = "prod") -> list[str]:
    credentials = ["--token", TOKEN, "--api-key", API_KEY, "--org", org, "--sandbox", sandbox]
    return ["--url", url, "--out", str(out), *credentials]


def headers(org: str = ACME, sandbox: str = "prod", accept: str = "application/json") -> dict[str, str]:
    return {
        "Authorization": "Bearer t", "x-api-key": "reader", "x-gw-ims-org-id": org,
        "x-sandbox-name": sandbox, "Accept": accept,
    }  # fmt: skip


def get(url: str, path: str, **tenant: str) -> Any:
    response = requests.get(f"{url}{path}", headers=headers(**tenant), timeout=30)
    assert response.status_code == 200, (path, response.text[:300])
    return response.json()


def answers(url: str, schema_ids: Iterable[str] = (), **tenant: str) -> dict[str, Any]:
    """What a consumer reads: the lists, each dataset and batch by id, and the schemas named."""
    read = {
        "datasets": get(url, f"{CATALOG}/dataSets?limit=100", **tenant),
        "batches": get(url, f"{CATALOG}/batches?limit=100&orderBy=desc:created", **tenant),
    }
    for dataset_id in read["datasets"]:
        read[f"dataset {dataset_id}"] = get(url, f"{CATALOG}/dataSets/{dataset_id}", **tenant)
    for batch_id in read["batches"]:
        read[f"batch {batch_id}"] = get(url, f"{CATALOG}/batches/{batch_id}", **tenant)
    for schema_id in schema_ids:
        quoted = quote(schema_id, safe="")
        response = requests.get(
            f"{url}{REGISTRY}/{quoted}", headers=headers(**tenant, accept=RESOLVED_SCHEMA), timeout=30
        )
        read[f"schema {schema_id}"] = (response.status_code, response.json())
    return read


def written(out: Path, name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((out / name).read_text())
    return loaded


def schema_refs(datasets: dict[str, Any]) -> set[str]:
    return {dataset["schemaRef"]["id"] for dataset in datasets.values() if "schemaRef" in dataset}


def test_a_snapshot_served_again_answers_the_same(upstream: LiveServer, tmp_path: Path) -> None:
    out = tmp_path / "snap"
    result = snapshot(*flags(upstream.url, out))
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [
        str(out / name) for name in ("dataSets.json", "batches.json", "schemas.json")
    ]
    datasets, batches, schemas = (
        written(out, name) for name in ("dataSets.json", "batches.json", "schemas.json")
    )
    assert f"datasets: {len(datasets)}\n" in result.stderr
    assert f"batches: {len(batches)} (newest first, bound 1000)\n" in result.stderr
    assert f"schemas: {len(schemas)}" in result.stderr
    # Fixture form: the tenant named, no sandboxId, each schema under its $id; a schema the
    # upstream does not hold is skipped with a line saying so, never an error.
    for obj in (*datasets.values(), *batches.values(), *schemas.values()):
        assert obj["imsOrg"] == ACME and "sandboxId" not in obj and "sandboxName" not in obj
    assert set(schemas) <= schema_refs(datasets)
    for schema_id in schema_refs(datasets) - set(schemas):
        assert f"schema {schema_id}: not found (404), skipped" in result.stderr
    assert len(datasets) == 4 and len(batches) == 17  # the packaged fixtures' prod tenant of ACME
    # Nothing legitimately differs: the same tenant gets the same sandboxId, the timestamps are
    # written as read (`serve --fixtures` does not rebase a directory of one's own), and every
    # batch of the tenant is kept (under the bound, and each of a dataset the snapshot holds).
    with LiveServer(create_app({"fixtures": str(out)})) as again:
        assert answers(again.url, schemas) == answers(upstream.url, schemas)


def test_batches_of_a_dataset_not_in_the_snapshot_are_left_out(upstream: LiveServer, tmp_path: Path) -> None:
    """Deleting a dataset leaves its batches in Catalog; the fixture loader refuses such a batch."""
    gone = "6acd7480d23f0824128b2f33"
    assert requests.delete(f"{upstream.url}{CATALOG}/dataSets/{gone}", headers=headers(), timeout=30).ok
    orphans = [
        batch_id
        for batch_id, batch in get(upstream.url, f"{CATALOG}/batches?limit=100").items()
        if {"type": "dataSet", "id": gone} in batch["relatedObjects"]
    ]
    assert orphans
    out = tmp_path / "snap"
    result = snapshot(*flags(upstream.url, out))
    assert result.exit_code == 0, result.output
    assert f"{len(orphans)} left out: their dataset is not in the snapshot" in result.stderr
    assert not set(orphans) & set(written(out, "batches.json"))
    with LiveServer(create_app({"fixtures": str(out)})) as again:
        kept = get(again.url, f"{CATALOG}/batches?limit=100&orderBy=desc:created")
        read = get(upstream.url, f"{CATALOG}/batches?limit=100&orderBy=desc:created")
        assert kept == {batch_id: batch for batch_id, batch in read.items() if batch_id not in orphans}


def test_mock_catalog_load_fixtures_takes_the_snapshot_unchanged(
    upstream: LiveServer, tmp_path: Path
) -> None:
    out = tmp_path / "snap"
    assert snapshot(*flags(upstream.url, out)).exit_code == 0
    elsewhere = tmp_path / "globex-only"  # a mock holding nothing of ACME's before the load
    elsewhere.mkdir()
    (elsewhere / "dataSets.json").write_text(json.dumps({"g1": {"imsOrg": GLOBEX, "name": "other"}}))
    with MockCatalog.start({"fixtures": str(elsewhere)}, org=ACME) as mock:
        loaded = mock.load_fixtures(out)
        assert sorted(loaded["dataSets"]) == sorted(written(out, "dataSets.json"))
        assert sorted(loaded["batches"]) == sorted(written(out, "batches.json"))
        assert answers(mock.url) == answers(upstream.url)


def test_the_environment_variables_stand_for_the_flags(upstream: LiveServer, tmp_path: Path) -> None:
    out = tmp_path / "dev"
    env = {**ENVIRONMENT, "SANDBOX_NAME": "dev"}
    result = snapshot("--url", upstream.url, "--out", str(out), env=env)
    assert result.exit_code == 0, result.output
    datasets = written(out, "dataSets.json")
    assert datasets and all(obj["sandboxName"] == "dev" for obj in datasets.values())
    assert all(obj["sandboxName"] == "dev" for obj in written(out, "batches.json").values())
    with LiveServer(create_app({"fixtures": str(out)})) as again:
        assert answers(again.url, sandbox="dev") == answers(upstream.url, sandbox="dev")
    # a flag wins over its variable
    other = snapshot("--url", upstream.url, "--out", str(tmp_path / "prod"), "--sandbox", "prod", env=env)
    assert other.exit_code == 0 and "sandboxName" not in (tmp_path / "prod" / "dataSets.json").read_text()


def test_a_missing_credential_names_its_flag_and_variable(tmp_path: Path) -> None:
    result = snapshot("--url", "http://127.0.0.1:9", "--out", str(tmp_path / "x"), "--org", ACME)
    assert result.exit_code == 2 and "--token" in result.output
    assert "ACCESS_TOKEN" in CliRunner().invoke(main, ["snapshot", "--help"]).output


def test_no_secret_is_written_or_printed(upstream: LiveServer, tmp_path: Path) -> None:
    """Catalog names the integration that made an object (``createdClient``, and its technical
    account in ``createdUser``): objects made with the snapshot's own key hold it."""
    made_with_key = {"Authorization": f"Bearer {TOKEN}", "x-api-key": API_KEY, "x-gw-ims-org-id": ACME}
    created = requests.post(
        f"{upstream.url}{CATALOG}/dataSets",
        json={"name": f"made by {API_KEY}", "tags": {f"owner-{TOKEN}": [TOKEN]}},
        headers=made_with_key,
        timeout=30,
    )
    assert created.status_code == 201, created.text
    dataset_id = created.json()[0].removeprefix("@/dataSets/")
    out = tmp_path / "snap"
    result = snapshot(*flags(upstream.url, out))
    assert result.exit_code == 0, result.output
    for secret in (TOKEN, API_KEY):
        assert secret not in result.stdout + result.stderr
        for path in out.iterdir():  # temporary files included, had any been left
            assert secret not in path.read_text(), path
    mine = written(out, "dataSets.json")[dataset_id]
    assert mine["createdClient"] == "REDACTED-API-KEY"
    assert mine["createdUser"] == "REDACTED-API-KEY@techacct.adobe.com"
    assert mine["name"] == "made by REDACTED-API-KEY"
    # the query table tag Catalog makes from the name holds the key in its own form, redacted too
    assert mine["tags"] == {
        "owner-REDACTED-TOKEN": ["REDACTED-TOKEN"],
        "adobe/pqs/table": ["made_by_REDACTED-API-KEY"],
    }
    assert "key-8d2e" not in repr(Upstream(url=upstream.url, org=ACME, token=TOKEN, api_key=API_KEY))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_url_is_a_one_line_error(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    out = tmp_path / "never"
    result = snapshot(*flags(url, out))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot reach {url}{CATALOG}/dataSets?limit=100&start=0: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert not out.exists()  # nothing written


def test_an_error_answer_names_the_url_and_the_status(upstream: LiveServer, tmp_path: Path) -> None:
    result = snapshot(*flags(f"{upstream.url}/elsewhere", tmp_path / "never"))
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    url = f"{upstream.url}/elsewhere{CATALOG}/dataSets?limit=100&start=0"
    assert result.stderr.startswith(f"Error: GET {url} answered 404 NOT FOUND: No operation"), result.stderr
    assert not (tmp_path / "never").exists()
    not_http = snapshot(*flags("file:///etc", tmp_path / "never"))
    assert not_http.exit_code == 1 and "not an http:// or https:// URL" in not_http.stderr


def test_max_batches_keeps_the_newest(upstream: LiveServer, tmp_path: Path) -> None:
    out = tmp_path / "snap"
    result = snapshot(*flags(upstream.url, out), "--max-batches", "3")
    assert result.exit_code == 0, result.output
    newest = get(upstream.url, f"{CATALOG}/batches?limit=3&orderBy=desc:created")
    assert list(written(out, "batches.json")) == list(newest)
    assert "batches: 3 (newest first, bound 3)" in result.stderr
    with LiveServer(create_app({"fixtures": str(out)})) as again:
        assert get(again.url, f"{CATALOG}/batches?limit=100&orderBy=desc:created") == newest


def schema_upstream(
    app: Any, answers_by_id: dict[str, tuple[int, Any]]
) -> tuple[Callable[..., Iterable[bytes]], list[tuple[str, str]]]:
    """``app`` with the Schema Registry's look-ups answered from ``answers_by_id`` (404 for others);
    and the look-ups it answered, each with its Accept header."""
    seen: list[tuple[str, str]] = []

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("RAW_URI") or environ["PATH_INFO"]
        if not path.startswith(REGISTRY + "/"):
            return app(environ, start_response)  # type: ignore[no-any-return]
        schema_id = unquote(path.removeprefix(REGISTRY + "/"))
        seen.append((schema_id, environ.get("HTTP_ACCEPT", "")))
        status, body = answers_by_id.get(schema_id, (404, {"title": "Not Found"}))
        start_response(f"{status} X", [("Content-Type", "application/json")])
        return [json.dumps(body).encode()]

    return wsgi, seen


def test_schemas_in_resolved_form_and_lookups_skipped(tmp_path: Path) -> None:
    packaged = json.loads((default_fixture_dir() / "schemas.json").read_text())
    crm = "https://ns.adobe.com/acme/schemas/crm-profile"
    served = {**packaged[crm], "sandboxId": "0f0e0d0c-0000-4000-8000-000000000000"}
    served.pop("imsOrg", None)
    app, seen = schema_upstream(
        create_app({"seed": 1}),
        {
            crm: (200, served),
            "https://ns.adobe.com/acme/schemas/web-events": (501, {"title": "Not Implemented"}),
        },
    )
    with LiveServer(app) as server:
        result = snapshot(*flags(server.url, tmp_path / "snap"))
    assert result.exit_code == 0, result.output
    assert {accept for _, accept in seen} == {RESOLVED_SCHEMA}
    assert "schema https://ns.adobe.com/acme/schemas/web-events: not served (501), skipped" in result.stderr
    assert "schema https://ns.adobe.com/acme/schemas/product: not found (404), skipped" in result.stderr
    summary = next(line for line in result.stderr.splitlines() if line.startswith("schemas: "))
    assert sorted(summary.removeprefix("schemas: 1 (").removesuffix(")").split(", ")) == [
        "1 not served",
        "2 not found",
    ]
    schemas = written(tmp_path / "snap", "schemas.json")
    expected = {key: value for key, value in served.items() if key != "sandboxId"}
    assert schemas == {crm: {**expected, "imsOrg": ACME}}
    with MockCatalog.start({"fixtures": str(tmp_path / "snap")}, org=ACME) as mock:
        assert mock.control.tenants.counts()["dataSets"] == 4  # loaded, schemas.json included


def test_fields_the_fixture_loader_refuses_are_dropped_and_named(tmp_path: Path) -> None:
    """What openapi.yaml does not allow (a status it does not know, a count that is not a number)
    would make the whole directory fail to load: the field goes, the object stays."""
    app = create_app({"seed": 1})

    def odd_batches(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["PATH_INFO"] != f"{CATALOG}/batches":
            return app(environ, start_response)  # type: ignore[no-any-return]
        listed = json.loads(b"".join(app(environ, lambda *args: None)))
        first = next(iter(listed.values()))
        first.update({"status": "not-a-status", "recordCount": "many", "extra": {"kept": True}})
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(listed).encode()]

    out = tmp_path / "snap"
    with LiveServer(odd_batches) as server:
        result = snapshot(*flags(server.url, out))
    assert result.exit_code == 0, result.output
    assert "batches: dropped fields the fixture loader refuses: recordCount (1), status (1)" in result.stderr
    first = next(iter(written(out, "batches.json").values()))
    assert "status" not in first and "recordCount" not in first and first["extra"] == {"kept": True}
    with MockCatalog.start({"fixtures": str(out)}, org=ACME) as mock:
        assert mock.control.tenants.counts()["batches"] == 17


def test_a_response_over_the_bound_is_refused(upstream: LiveServer, tmp_path: Path) -> None:
    bounded = Upstream(url=upstream.url, org=ACME, token=TOKEN, api_key=API_KEY, max_response_bytes=1000)
    with pytest.raises(
        SnapshotError, match=r"dataSets\?limit=100&start=0: the answer is .* over the bound of 1,000"
    ):
        take_snapshot(bounded, tmp_path / "never")
    assert not (tmp_path / "never").exists()


def test_a_redirect_is_not_followed(tmp_path: Path) -> None:
    def redirecting(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("302 Found", [("Location", "http://elsewhere.invalid/steal")])
        return [b""]

    with LiveServer(redirecting) as server:
        result = snapshot(*flags(server.url, tmp_path / "never"))
    assert result.exit_code == 1
    assert (
        "answered 302 Found (to http://elsewhere.invalid/steal; redirects are not followed)" in result.stderr
    )


def run_documented(block: Block, upstream: LiveServer, tmp_path: Path) -> None:
    """A documented block, as written: its snapshot line against the platform (the live upstream
    standing in), with the four variables set, then its serve line; the served mock answers as
    the upstream did."""
    snap, serve = block.text.strip().splitlines()
    assert "https://platform.adobe.io" in snap and serve.startswith("mockcatalog serve --fixtures ")
    env = {
        **os.environ,
        **ENVIRONMENT,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    command = snap.replace("https://platform.adobe.io", upstream.url)
    ran = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", command],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert TOKEN not in ran.stdout + ran.stderr and "datasets: 4" in ran.stderr
    with serving(serve, cwd=tmp_path, env=env) as url:
        assert answers(url) == answers(upstream.url)


def test_the_documented_command_runs(upstream: LiveServer, tmp_path: Path) -> None:
    run_documented(doc_block("snapshot"), upstream, tmp_path)


def test_the_readme_recipe_runs(upstream: LiveServer, tmp_path: Path) -> None:
    if not any(block.name == "snapshot-recipe" for block in doc_blocks()):
        pytest.skip("the README holds no snapshot recipe yet")
    assert "snapshot-recipe" in (ROOT / "README.md").read_text()
    run_documented(doc_block("snapshot-recipe"), upstream, tmp_path)


def test_an_empty_or_wordless_secret_redacts_nothing_else() -> None:
    """A secret's query-table form is redacted too, but never the form of nothing (``dataset_``)."""
    assert Upstream(url="http://x", org=ACME, token="tok", api_key="").secrets() == [
        ("tok", "REDACTED-TOKEN")
    ]
    forms = dict(Upstream(url="http://x", org=ACME, token="---", api_key="key-8d2E").secrets())
    assert forms == {"key-8d2E": "REDACTED-API-KEY", "key_8d2e": "REDACTED-API-KEY", "---": "REDACTED-TOKEN"}
