"""The ``mockcatalog`` command."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

import click

from mockcatalog.app import control_of, create_app
from mockcatalog.contract import schemathesis_command
from mockcatalog.factories import DEFAULT_ORG, generate_fixtures, write_fixtures
from mockcatalog.fixture_files import FixtureError
from mockcatalog.server import serve_forever
from mockcatalog.state_file import StateFileError, StateKeeper, load_state


def _milliseconds(ctx: click.Context, param: click.Parameter, value: str) -> int:
    """``2s``, ``500ms``, ``1.5`` (seconds) -> milliseconds."""
    text = value.strip().lower()
    scale = 1 if text.endswith("ms") else 1000
    try:
        milliseconds = float(text.removesuffix("ms").removesuffix("s")) * scale
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a duration; write e.g. 2s, 500ms or 1.5") from None
    if milliseconds < 0:
        raise click.BadParameter("a duration cannot be negative")
    return round(milliseconds)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mockcatalog")
def main() -> None:
    """In-memory mock of Adobe Experience Platform's Catalog Service and Batch Ingestion API.

    Run `mockcatalog serve` and point your client at the URL it prints: the seed operations answer
    at their own paths and under /data/foundation/catalog and /data/foundation/import.
    """


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    envvar="MOCKCATALOG_HOST",
    show_envvar=True,
    help="Interface to listen on (use 0.0.0.0 to be reachable from other hosts).",
)
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=click.IntRange(0, 65535),
    envvar="MOCKCATALOG_PORT",
    show_envvar=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--fixtures",
    "fixtures",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    envvar="MOCKCATALOG_FIXTURES",
    show_envvar=True,
    help="Directory with dataSets.json and batches.json (default: the packaged fixtures).",
)
@click.option(
    "--rebase-time/--no-rebase-time",
    default=None,
    envvar="MOCKCATALOG_REBASE_TIME",
    show_envvar=True,
    help="Shift fixture timestamps so the newest is now "
    "[default: on for the packaged fixtures, off for --fixtures].",
)
@click.option("--seed", type=int, envvar="MOCKCATALOG_SEED", help="Seed for repeatable generated ids.")
@click.option(
    "--processing-delay",
    callback=_milliseconds,
    metavar="DURATION",
    default="0s",
    show_default=True,
    envvar="MOCKCATALOG_PROCESSING_DELAY",
    show_envvar=True,
    help="How long a completed batch takes to succeed or fail (e.g. 2s, 500ms).",
)
@click.option(
    "--processing-polls",
    type=click.IntRange(0, 1000),
    default=0,
    show_default=True,
    help="Finish a completed batch on its Nth read by id instead (exercises polling loops).",
)
@click.option(
    "--strict-auth",
    is_flag=True,
    envvar="MOCKCATALOG_STRICT_AUTH",
    show_envvar=True,
    help="Accept only bearer tokens issued by the mock's fake IMS (POST /ims/token/v3).",
)
@click.option(
    "--freeze-clock",
    is_flag=True,
    help="Stop the mock's clock at start-up, so timestamps repeat (the admin API can move it).",
)
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="MOCKCATALOG_STATE",
    show_envvar=True,
    help="Keep the state in this file: loaded at start (instead of the fixtures) if it exists, "
    "written atomically on shutdown and every --state-interval.",
)
@click.option(
    "--state-interval",
    callback=_milliseconds,
    metavar="DURATION",
    default="30s",
    show_default=True,
    help="How often --state is written (0: only on shutdown).",
)
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Worker threads of the WSGI server.",
)
def serve(
    host: str,
    port: int,
    fixtures: Path | None,
    rebase_time: bool | None,
    seed: int | None,
    processing_delay: int,
    processing_polls: int,
    strict_auth: bool,
    freeze_clock: bool,
    state_path: Path | None,
    state_interval: int,
    threads: int,
) -> None:
    """Serve the mock until interrupted (Ctrl-C); prints the base URL once it accepts connections."""
    try:
        app = create_app(
            {
                "MOCKCATALOG_FIXTURES": str(fixtures) if fixtures else None,
                "MOCKCATALOG_REBASE_TIMESTAMPS": rebase_time,
                "MOCKCATALOG_SEED": seed,
                "MOCKCATALOG_PROCESSING_DELAY_MS": processing_delay,
                "MOCKCATALOG_PROCESSING_POLLS": processing_polls,
                "MOCKCATALOG_STRICT_AUTH": strict_auth,
                "MOCKCATALOG_NOW_MS": time.time_ns() // 1_000_000 if freeze_clock else None,
            }
        )
    except FixtureError as exc:
        raise click.BadParameter(str(exc), param_hint="--fixtures") from exc
    keeper = None
    if state_path is not None:
        store = control_of(app).store
        if state_path.exists():
            try:
                store.replace_all(load_state(state_path))
            except StateFileError as exc:
                raise click.BadParameter(f"{exc} (it was left as it is)", param_hint="--state") from exc
        keeper = StateKeeper(store, state_path, state_interval / 1000)
        keeper.start()

    def announce(url: str) -> None:
        click.echo(f"mockcatalog serving on {url}", nl=True)

    try:
        serve_forever(app, host, port, threads=threads, on_ready=announce)
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
        raise click.ClickException("contract checks need schemathesis: pip install 'mockcatalog[contract]'")
    command = schemathesis_command(
        url,
        max_examples=max_examples,
        strict_auth=strict_auth,
        gateway_paths=gateway_paths,
        workers=workers,
        phases=phases,
    )
    sys.exit(subprocess.run(command, check=False).returncode)
