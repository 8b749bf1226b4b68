"""The pytest plugin (registered through the ``pytest11`` entry point): the ``mock_catalog`` fixture.

One mock server per test session (per xdist worker: each has its own) on 127.0.0.1 and a free
port, in a thread. Before each test the store goes back to the pristine fixtures (a reset whose cost
does not grow with them), the journal is emptied and faults are cleared. After each test, in strict
mode, any request the real Catalog would have rejected fails the test with a readable report.
Flask and the rest are imported only when the fixture is first used, so installing mockcatalog
costs nothing to test sessions that do not use it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pytest

if TYPE_CHECKING:
    from mockcatalog.testing import MockCatalog

_SESSION_MOCKS = pytest.StashKey[list["MockCatalog"]]()

_OPTIONS: dict[str, tuple[str, Literal["string", "bool"], Any]] = {
    # name: (help, ini type, default)
    "fixtures": ("fixture directory to serve (default: the packaged fixtures)", "string", None),
    "seed": ("seed of generated ids and of --mockcatalog-extra-orgs data", "string", "0"),
    "strict": ("fail a test that sent a request the real Catalog would reject", "bool", True),
    "org": ("the IMS org mock_catalog calls as", "string", "ACME000000000000000000AA@AdobeOrg"),
    "sandbox": ("the sandbox mock_catalog calls as", "string", "prod"),
    "extra_orgs": (
        "comma-separated orgs that get faker-made datasets and batches at session start",
        "string",
        "",
    ),
    "coverage": (
        "print which operations, parameters and statuses of openapi.yaml the session used",
        "bool",
        False,
    ),
    "coverage_json": ("also write that contract coverage report to this JSON file", "string", None),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockcatalog", "mockcatalog: in-memory Adobe Catalog mock")
    for name, (text, kind, default) in _OPTIONS.items():
        flag = "--mockcatalog-" + name.replace("_", "-")
        if kind == "bool":
            group.addoption(flag, action="store_true", default=None, help=f"{text} (ini: mockcatalog_{name})")
            group.addoption(
                "--no-mockcatalog-" + name.replace("_", "-"), dest=f"mockcatalog_{name}", action="store_false"
            )
        else:
            group.addoption(
                flag, dest=f"mockcatalog_{name}", default=None, help=f"{text} (ini: mockcatalog_{name})"
            )
        parser.addini(f"mockcatalog_{name}", text, type=kind, default=default)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "mockcatalog(strict=False, org=..., sandbox=...): per-test settings of the mock_catalog fixture",
    )
    config.stash[_SESSION_MOCKS] = []


def setting(config: pytest.Config, name: str) -> Any:
    """A command-line flag wins over the ini option, which wins over the default."""
    value = config.getoption(f"mockcatalog_{name}", default=None)
    return config.getini(f"mockcatalog_{name}") if value is None else value


@pytest.fixture(scope="session")
def mockcatalog_session(pytestconfig: pytest.Config) -> Iterator[MockCatalog]:
    """The session's mock server, with the settings above; tests use ``mock_catalog``."""
    from mockcatalog.factories import generate_fixtures
    from mockcatalog.testing import MockCatalog

    seed = int(setting(pytestconfig, "seed"))
    mock = MockCatalog.start(
        {"MOCKCATALOG_FIXTURES": setting(pytestconfig, "fixtures"), "MOCKCATALOG_SEED": seed},
        org=setting(pytestconfig, "org"),
        sandbox=setting(pytestconfig, "sandbox"),
    )
    extra_orgs = [org.strip() for org in str(setting(pytestconfig, "extra_orgs")).split(",") if org.strip()]
    if extra_orgs:
        made = generate_fixtures(
            seed, datasets=3 * len(extra_orgs), batches=20 * len(extra_orgs), orgs=extra_orgs
        )
        mock.control.store.load(made, baseline=True)
    pytestconfig.stash[_SESSION_MOCKS].append(mock)
    yield mock
    mock.stop()


@pytest.fixture
def mock_catalog(mockcatalog_session: MockCatalog, request: pytest.FixtureRequest) -> Iterator[MockCatalog]:
    """The mock, reset to its pristine fixtures, seen as the configured tenant.

    ``@pytest.mark.mockcatalog(strict=False, org=..., sandbox=...)`` changes it for one test.
    """
    marker = request.node.get_closest_marker("mockcatalog")
    options = dict(marker.kwargs) if marker else {}
    mockcatalog_session.control.reset()
    mock = mockcatalog_session.tenant(org=options.get("org"), sandbox=options.get("sandbox"))
    mock.strict = options.get("strict", bool(setting(request.config, "strict")))
    yield mock
    mock.control.faults.clear()
    if mock.strict and mock.violations:
        pytest.fail(
            mock.violation_report() + "\n(strict contract mode: fix the request, or mark the test "
            "@pytest.mark.mockcatalog(strict=False) if the bad request is on purpose)",
            pytrace=False,
        )


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    mocks = config.stash.get(_SESSION_MOCKS, [])
    if not mocks:
        return
    from mockcatalog.contract_coverage import render_coverage

    report = mocks[0].control.coverage.report()
    if setting(config, "coverage"):
        terminalreporter.write_sep("-", "mockcatalog contract coverage")
        terminalreporter.write_line(render_coverage(report))
    path = setting(config, "coverage_json")
    if path:
        Path(path).write_text(json.dumps(report, indent=2), encoding="utf-8")
        terminalreporter.write_line(f"mockcatalog contract coverage written to {path}")
