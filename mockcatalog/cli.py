"""The ``mockcatalog`` command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mockcatalog.app import create_app
from mockcatalog.factories import DEFAULT_ORG, generate_fixtures, write_fixtures
from mockcatalog.fixture_files import FixtureError
from mockcatalog.server import serve_forever


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
    help="Interface to listen on (use 0.0.0.0 to be reachable from other hosts).",
)
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=click.IntRange(0, 65535),
    envvar="MOCKCATALOG_PORT",
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--fixtures",
    "fixtures",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    envvar="MOCKCATALOG_FIXTURES",
    help="Directory with dataSets.json and batches.json (default: the packaged fixtures).",
)
@click.option(
    "--rebase-time/--no-rebase-time",
    default=None,
    envvar="MOCKCATALOG_REBASE_TIME",
    help="Shift fixture timestamps so the newest is now "
    "[default: on for the packaged fixtures, off for --fixtures].",
)
@click.option("--seed", type=int, envvar="MOCKCATALOG_SEED", help="Seed for repeatable generated ids.")
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Worker threads of the WSGI server.",
)
def serve(
    host: str, port: int, fixtures: Path | None, rebase_time: bool | None, seed: int | None, threads: int
) -> None:
    """Serve the mock until interrupted (Ctrl-C); prints the base URL once it accepts connections."""
    try:
        app = create_app(
            {
                "MOCKCATALOG_FIXTURES": str(fixtures) if fixtures else None,
                "MOCKCATALOG_REBASE_TIMESTAMPS": rebase_time,
                "MOCKCATALOG_SEED": seed,
            }
        )
    except FixtureError as exc:
        raise click.BadParameter(str(exc), param_hint="--fixtures") from exc

    def announce(url: str) -> None:
        click.echo(f"mockcatalog serving on {url}", nl=True)

    serve_forever(app, host, port, threads=threads, on_ready=announce)


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
