"""The ``mockcatalog`` command."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from mockcatalog.app import create_app
from mockcatalog.catalog.factories import DEFAULT_ORG, generate_fixtures, write_fixtures
from mockcatalog.catalog.fixture_files import FixtureError
from mockcatalog.contract.command import schemathesis_command, unreachable
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
    unit = {"duration": " (e.g. 2s, 500ms, 1.5)", "bytes": " (bytes)"}.get(row.kind, "")
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
        metavar="DURATION" if row.kind == "duration" else None,
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
    """In-memory mock of Adobe Experience Platform's Catalog Service and Batch Ingestion API.

    Run `mockcatalog serve` and point your client at the URL it prints: the seed operations answer
    at their own paths and under /data/foundation/catalog and /data/foundation/import.
    """


@main.command()
@_serve_options
def serve(**values: Any) -> None:
    """Serve the mock until interrupted (Ctrl-C); prints the base URL once it accepts connections.

    Every option can also be set by the environment variable shown.
    """
    options = ServeOptions.from_mapping({row.name: values.pop(row.name) for row in ServeOptions.rows()})
    if options.freeze_clock:
        values["frozen_at_ms"] = time.time_ns() // 1_000_000
    if values.get("fixtures") is not None and not Path(values["fixtures"]).is_dir():
        raise click.BadParameter(f"{values['fixtures']}: not a directory", param_hint="--fixtures")
    source = values.get("fixtures") or "the packaged fixtures"
    click.echo(f"mockcatalog: loading {source} ...", err=True)
    started = time.perf_counter()
    try:
        app = create_app(Settings.from_mapping(values))
    except FixtureError as exc:
        raise click.BadParameter(str(exc), param_hint="--fixtures") from exc
    counts = control_of(app).tenants.counts()
    click.echo(
        f"mockcatalog: loaded {counts['dataSets']:,} datasets and {counts['batches']:,} batches "
        f"in {time.perf_counter() - started:.1f} s",
        err=True,
    )
    keeper = None
    if options.state is not None:
        state_path = Path(options.state)
        control = control_of(app)
        try:
            restore_state(control, state_path)
        except StateFileError as exc:
            raise click.BadParameter(f"{exc} (it was left as it is)", param_hint="--state") from exc
        keeper = StateKeeper(
            control,
            state_path,
            options.state_interval_ms / 1000,
            on_error=lambda message: click.echo(message, err=True),
        )
        keeper.start()

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
        if keeper is not None:
            keeper.stop()


@main.group()
def fixtures() -> None:
    """Make fixture directories."""


@fixtures.command()
@click.option(
    "--seed", type=int, default=0, show_default=True, help="The same seed gives byte-identical files."
)
@click.option("--datasets", type=click.IntRange(1, 100_000), default=10, show_default=True)
@click.option("--batches", type=click.IntRange(0, 10_000_000), default=100, show_default=True)
@click.option(
    "--org",
    "orgs",
    multiple=True,
    default=[DEFAULT_ORG],
    show_default=True,
    help="IMS org of the data; repeat for several (datasets are spread over them).",
)
@click.option("--sandbox", default="prod", show_default=True)
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
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True)
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
def contract(
    url: str,
    max_examples: int,
    phases: str | None,
    workers: int,
    strict_auth: bool,
    gateway_paths: bool,
) -> None:
    """Check an implementation against openapi.yaml (schemathesis, every check).

    Deterministic: the same command sends the same requests. Exits non-zero on any finding, with a
    report. Credentials come from MOCKCATALOG_CONTRACT_TOKEN,
    MOCKCATALOG_CONTRACT_API_KEY, MOCKCATALOG_CONTRACT_ORG and MOCKCATALOG_CONTRACT_SANDBOX.
    """
    if importlib.util.find_spec("schemathesis") is None:
        raise click.ClickException("contract checks need schemathesis: install mockcatalog with [contract]")
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
