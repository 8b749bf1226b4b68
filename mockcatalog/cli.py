"""The ``mockcatalog`` command."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from mockcatalog.app import create_app
from mockcatalog.catalog.factories import DEFAULT_ORG, generate_fixtures, write_fixtures
from mockcatalog.catalog.fixture_files import FixtureError
from mockcatalog.contract.command import schemathesis_command, unreachable, wait_until_answering
from mockcatalog.control.journal import RawExchange, RecordedRequest, verdict
from mockcatalog.control.load_report import counted, load_report
from mockcatalog.control.state_file import StateFileError, StateKeeper, restore_state
from mockcatalog.core.settings import ServeOptions, Setting, Settings
from mockcatalog.http.extension import control_of
from mockcatalog.server import CannotListen, serve_forever
from mockcatalog.snapshot import DEFAULT_MAX_BATCHES, SnapshotError, Upstream, take_snapshot


def _from_table(row: Setting) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A click option for one row of the settings table (its flag, environment variable, default
    and help, checked by the row's own parser)."""

    def convert(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is None or isinstance(value, bool) or row.kind == "path":
            return value
        try:
            return row.parse(str(value))
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None

    assert row.flag is not None
    flag = row.flag
    names = [f"{flag}/--no-{flag.removeprefix('--')}" if row.kind == "optional-bool" else flag, row.name]
    unit = " (e.g. 2s, 500ms, 1.5)" if row.kind == "duration" else ""
    return click.option(
        *names,
        is_flag=row.kind in ("bool", "optional-bool"),
        default=_shown_default(row),
        show_default=row.kind not in ("optional-bool", "path") and row.default is not None,
        envvar=row.env,
        show_envvar=True,
        callback=convert,
        type=click.Path(path_type=str)
        if row.kind == "path"
        else int
        if row.kind in ("int", "count", "bytes")
        else None,
        metavar={"duration": "DURATION", "bytes": "BYTES"}.get(row.kind),
        help=row.help[0].upper() + row.help[1:] + unit + ".",
    )


def _shown_default(row: Setting) -> Any:
    if row.kind == "duration":
        return f"{row.default / 1000:g}s"
    return row.default


def _serve_options(function: Callable[..., Any]) -> Callable[..., Any]:
    rows = [row for row in (*Settings.rows(), *ServeOptions.rows()) if row.flag is not None]
    for row in reversed(rows):
        function = _from_table(row)(function)
    return function


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mockcatalog")
def main() -> None:
    """In-memory mock of Adobe Experience Platform's Catalog Service, Batch Ingestion and Data
    Access APIs, for testing the code that calls them.

    Run `mockcatalog serve` and point your client at the URL it prints, in place of
    https://platform.adobe.io: the operations answer under their real base paths
    (/data/foundation/catalog, /data/foundation/import, /data/foundation/export).
    """


@main.command()
@_serve_options
def serve(**values: Any) -> None:
    """Serve the mock until interrupted (Ctrl-C); prints the base URL once it accepts connections.

    Open that URL in a browser for the dashboard, and /docs for the API docs. Every option can also
    be set by the environment variable shown.
    """
    options = ServeOptions.from_mapping({row.name: values.pop(row.name) for row in ServeOptions.rows()})
    if options.freeze_clock:
        values["frozen_at_ms"] = time.time_ns() // 1_000_000
    if values.get("fixtures") is not None and not Path(values["fixtures"]).is_dir():
        raise click.BadParameter(f"{values['fixtures']}: not a directory", param_hint="--fixtures")
    source = values.get("fixtures") or "the packaged fixtures"
    state_path = Path(options.state) if options.state is not None else None
    restoring = state_path is not None and state_path.exists()
    if restoring:
        _say(f"restoring the state saved in {state_path} (not loading {source}) ...")
    else:
        _say(f"loading {source} ...")
    started = time.perf_counter()
    try:
        app = create_app(Settings.from_mapping(values), load_fixtures=not restoring)
    except FixtureError as exc:
        raise click.BadParameter(str(exc), param_hint="--fixtures") from exc
    control = control_of(app)
    keeper = None
    if state_path is not None:
        try:
            restore_state(control, state_path)
        except StateFileError as exc:
            raise click.BadParameter(f"{exc} (it was left as it is)", param_hint="--state") from exc
    for line in load_report(control.tenants.counts_by_tenant(), time.perf_counter() - started):
        _say(line)
    if state_path is not None:
        if not restoring:
            _say(f"no state saved in {state_path} yet: it will be written there on exit")
        keeper = StateKeeper(
            control,
            state_path,
            options.state_interval_ms / 1000,
            on_error=lambda message: click.echo(message, err=True),
        )
        keeper.start()
    if options.log_requests:
        control.journal.listeners.append(_request_logger())

    def announce(url: str) -> None:
        click.echo(f"mockcatalog serving on {url}", nl=True)

    try:
        serve_forever(
            app,
            options.host,
            options.port,
            threads=options.threads,
            connection_limit=options.connection_limit,
            idle_timeout_seconds=max(1, options.idle_timeout_ms // 1000),
            on_ready=announce,
        )
    except CannotListen as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        pass  # Ctrl-C is how a server in a terminal is stopped: exit 0, no traceback
    finally:
        if keeper is not None and state_path is not None:
            keeper.stop()
            _say(f"saved the state to {state_path} ({counted(control.tenants.counts())})")


def _say(line: str) -> None:
    click.echo(f"mockcatalog: {line}", err=True)


#: Past this many tenants, the start-up report says how many more there are.
def _request_logger() -> Callable[[RawExchange], None]:
    """``serve --log-requests``: a line on stderr per request the journal records."""
    lock = threading.Lock()

    def log(entry: RawExchange) -> None:
        line = access_line(entry.recorded())
        with lock:
            try:
                click.echo(line, err=True)
            except OSError:  # stderr closed or full: the request was answered all the same
                pass

    return log


def access_line(entry: RecordedRequest) -> str:
    """``GET /batches?limit=2 -> 200 ok``; for anything but ok, why (cut to a line)."""
    query = urllib.parse.urlencode(entry.query, doseq=True)
    status = str(entry.status) if entry.status else "dropped"
    said = verdict(entry)
    suspects = "; ".join(f"{name}: {messages[0]}" for name, messages in entry.suspects.items() if messages)
    mock_error = (entry.mock_error or "").strip().splitlines()[-1:] or [""]
    why = {
        "violation": entry.violation,
        "unsupported": entry.unsupported,
        "suspect": suspects,
        "mock-error": mock_error[0],
    }.get(said)
    line = f"mockcatalog: {entry.method} {entry.path}{'?' + query if query else ''} -> {status} {said}"
    if why:
        line += f": {why}"
    return line if len(line) <= 300 else line[:299] + "…"


@main.group()
def fixtures() -> None:
    """Make fixture directories (the datasets and batches `serve --fixtures DIR` serves)."""


@fixtures.command()
@click.option(
    "--seed", type=int, default=0, show_default=True, help="The same seed gives byte-identical files."
)
@click.option(
    "--datasets", type=click.IntRange(1, 100_000), default=10, show_default=True, help="How many datasets."
)
@click.option(
    "--batches",
    type=click.IntRange(0, 10_000_000),
    default=100,
    show_default=True,
    help="How many batches, spread over the datasets.",
)
@click.option(
    "--org",
    "orgs",
    multiple=True,
    default=[DEFAULT_ORG],
    show_default=True,
    help="IMS org of the data; repeat for several (datasets are spread over them).",
)
@click.option("--sandbox", default="prod", show_default=True, help="Sandbox of the data.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write dataSets.json and batches.json into.",
)
def generate(seed: int, datasets: int, batches: int, orgs: tuple[str, ...], sandbox: str, out: Path) -> None:
    """Generate realistic fake datasets and batches with faker.

    Timestamps count back from 2027-01-01; serve the result with --rebase-time to make it recent.
    """
    with click.progressbar(length=batches, label="batches", file=sys.stderr) as bar:
        made = generate_fixtures(
            seed, datasets=datasets, batches=batches, orgs=orgs, sandbox=sandbox, progress=bar.update
        )
    for path in write_fixtures(made, out):
        click.echo(str(path))


@main.command()
@click.option(
    "--url", required=True, help="Base URL of the implementation to check, e.g. http://127.0.0.1:8080."
)
@click.option(
    "--max-examples",
    type=click.IntRange(1, 100_000),
    default=20,
    show_default=True,
    help="Examples per operation and phase; thousands for a long run.",
)
@click.option(
    "--phases", default=None, help="Comma-separated: examples, coverage, fuzzing, stateful (default all)."
)
@click.option(
    "--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Operations checked at once."
)
@click.option(
    "--strict-auth",
    is_flag=True,
    help="Also check that invalid credentials are refused (for a real service or --strict-auth mock).",
)
@click.option(
    "--gateway-paths",
    is_flag=True,
    help="Send every operation under its real gateway base path (/data/foundation/...), "
    "for implementations that answer only there.",
)
@click.option(
    "--wait",
    "wait_seconds",
    type=click.FloatRange(0, 3600),
    default=0,
    show_default=True,
    metavar="SECONDS",
    help="Wait up to this long for the URL to answer before checking (polls it), for an "
    "implementation just started in the background; 0 checks at once.",
)
def contract(
    url: str,
    max_examples: int,
    phases: str | None,
    workers: int,
    strict_auth: bool,
    gateway_paths: bool,
    wait_seconds: float,
) -> None:
    """Check an implementation of the Catalog, Batch Ingestion and Data Access APIs against
    openapi.yaml (schemathesis, every check): this mock, another fake, or a real sandbox.

    Deterministic: the same command sends the same requests. Exits non-zero on any finding, with a
    report. Credentials come from MOCKCATALOG_CONTRACT_TOKEN,
    MOCKCATALOG_CONTRACT_API_KEY, MOCKCATALOG_CONTRACT_ORG and MOCKCATALOG_CONTRACT_SANDBOX.
    """
    if importlib.util.find_spec("schemathesis") is None:
        raise click.ClickException("contract checks need schemathesis: install mockcatalog with [contract]")
    if wait_seconds > 0:
        problem, waited = wait_until_answering(url, wait_seconds)
        if problem is None and waited >= 0.5:
            click.echo(f"mockcatalog contract: {url} answered after {waited:.1f} s", err=True)
    else:
        problem = unreachable(url)
    if problem is not None:
        raise click.ClickException(problem)
    with tempfile.TemporaryDirectory(prefix="mockcatalog-contract-") as work_dir:
        command = schemathesis_command(
            url,
            max_examples=max_examples,
            strict_auth=strict_auth,
            gateway_paths=gateway_paths,
            workers=workers,
            phases=phases,
            work_dir=Path(work_dir),
        )
        returncode = subprocess.run(command, check=False).returncode
    sys.exit(returncode)


@main.command("snapshot")
@click.option(
    "--url", required=True, help="Base URL of the Platform gateway, e.g. https://platform.adobe.io."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write dataSets.json, batches.json and schemas.json into (made if missing).",
)
@click.option(
    "--token",
    envvar="ACCESS_TOKEN",
    show_envvar=True,
    required=True,
    help="IMS access token, sent as a Bearer token; prefer the environment variable. Written nowhere.",
)
@click.option(
    "--api-key",
    envvar="API_KEY",
    show_envvar=True,
    required=True,
    help="API key (client id). Written nowhere.",
)
@click.option("--org", envvar="IMS_ORG", show_envvar=True, required=True, help="IMS organization id.")
@click.option(
    "--sandbox",
    envvar="SANDBOX_NAME",
    show_envvar=True,
    default="prod",
    show_default=True,
    help="Sandbox to read.",
)
@click.option(
    "--max-batches",
    type=click.IntRange(0, 1_000_000),
    default=DEFAULT_MAX_BATCHES,
    show_default=True,
    help="Read at most this many batches, the newest.",
)
def snapshot_command(
    url: str, out: Path, token: str, api_key: str, org: str, sandbox: str, max_batches: int
) -> None:
    """Read a sandbox through Adobe's public APIs and write a fixture directory from it.

    Datasets, the newest batches and each dataset's schema in resolved form; serve the result with
    `mockcatalog serve --fixtures DIR`. Progress goes to stderr, the files written to stdout.
    """
    upstream = Upstream(url=url, org=org, sandbox=sandbox, token=token, api_key=api_key)
    try:
        made = take_snapshot(
            upstream, out, max_batches=max_batches, progress=lambda line: click.echo(line, err=True)
        )
    except SnapshotError as exc:
        raise click.ClickException(str(exc)) from None
    for path in made.written:
        click.echo(str(path))
