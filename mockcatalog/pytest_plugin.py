"""The pytest plugin (registered through the ``pytest11`` entry point): the ``mock_catalog`` fixture.

One mock server per test session (per xdist worker: each has its own) on 127.0.0.1 and a free
port, in a thread. Before each test the store goes back to the pristine fixtures (a reset whose cost
does not grow with them), the journal is emptied and faults are cleared. After each test:

- any request the mock itself failed on (a bug in the mock, answered 500) fails the test with the
  mock's traceback, whatever strict mode says: a client that retries 500s must not hide it;
- in strict mode, any request the real Catalog would have rejected (a violation) fails the test,
  and so does any that named a query parameter Adobe does not document (a suspect) and any call
  the mock cannot answer as the real service does (unsupported: an operation it does not
  serve, a feature it has not built, or one of its own limits; the mock cannot say what the real
  service answers), with one report that says which is which. ``strict`` relaxes violations and
  unsupported calls, ``strict_suspects`` suspects.

With ``--mockcatalog-intercept`` (or ``@pytest.mark.mockcatalog(intercept=True)``) a test's calls
to Adobe's hosts are answered by the mock in process (:mod:`mockcatalog.interception`), whether or
not it asks for ``mock_catalog``; every interception a test started is undone at its teardown.

Options come from the settings table (:mod:`mockcatalog.core.settings`): each is an ini option
``mockcatalog_<name>`` and a flag ``--mockcatalog-<name>``. Flask and the rest are imported only
when the fixture is first used, so installing mockcatalog costs nothing to test sessions that do
not use it (the settings module imports nothing heavy).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mockcatalog.core.settings import PluginOptions, Setting, Settings

if TYPE_CHECKING:
    from mockcatalog.testing import MockCatalog

_SESSION_MOCKS = pytest.StashKey[list["MockCatalog"]]()
_WORKER_COVERAGE = pytest.StashKey[list[dict[str, Any]]]()  # under xdist: each worker's report


def plugin_settings() -> list[Setting]:
    """The rows of the settings table the plugin offers: the mock's own marked ``plugin``, and its own."""
    return [row for row in Settings.rows() if row.plugin] + list(PluginOptions.rows())


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockcatalog", "mockcatalog: in-memory Adobe Catalog mock")
    for row in plugin_settings():
        flag = "--mockcatalog-" + row.name.replace("_", "-")
        text = f"{row.help} (ini: {row.ini})"
        if row.kind in ("bool", "optional-bool"):
            group.addoption(flag, dest=row.ini, action="store_true", default=None, help=text)
            group.addoption(
                "--no-mockcatalog-" + row.name.replace("_", "-"), dest=row.ini, action="store_false"
            )
        else:
            group.addoption(flag, dest=row.ini, default=None, help=text)
        parser.addini(row.ini, row.help, type="string", default=None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "mockcatalog(strict=False, strict_suspects=False, org=..., sandbox=..., intercept=True, "
        "pass_through=True): per-test settings of the mock_catalog fixture",
    )
    config.stash[_SESSION_MOCKS] = []
    config.stash[_WORKER_COVERAGE] = []


def setting(config: pytest.Config, name: str) -> Any:
    """A command-line flag wins over the ini option, which wins over the table's default."""
    row = next(row for row in plugin_settings() if row.name == name)
    value = config.getoption(row.ini, default=None)
    if value is None:
        value = config.getini(row.ini) or None
    if value is None:
        return row.default
    return value if isinstance(value, bool) else row.parse(str(value))


def mockcatalog_settings(config: pytest.Config) -> Settings:
    """The mock's settings as the session's options give them (the ``seed`` default is 0, so a
    session's ids repeat from run to run)."""
    values = {row.name: setting(config, row.name) for row in Settings.rows() if row.plugin}
    if values.get("seed") is None:
        values["seed"] = 0
    return Settings.from_mapping(values)


class FixturesElsewhere(UserWarning):
    """The session's fixtures loaded nothing into the tenant its tests call as."""


@pytest.fixture(scope="session")
def mockcatalog_session(pytestconfig: pytest.Config) -> Iterator[MockCatalog]:
    """The session's mock server, with the settings above; tests use ``mock_catalog``. Override this
    fixture in a conftest.py to start the mock your own way (``MockCatalog.start(settings)``)."""
    from mockcatalog.catalog.factories import generate_fixtures
    from mockcatalog.control.load_report import unseen_warning
    from mockcatalog.testing import MockCatalog

    settings = mockcatalog_settings(pytestconfig)
    mock = MockCatalog.start(
        settings, org=setting(pytestconfig, "org"), sandbox=setting(pytestconfig, "sandbox")
    )
    extra_orgs = [org.strip() for org in str(setting(pytestconfig, "extra_orgs")).split(",") if org.strip()]
    if extra_orgs:
        made = generate_fixtures(
            settings.seed or 0, datasets=3 * len(extra_orgs), batches=20 * len(extra_orgs), orgs=extra_orgs
        )
        mock.control.tenants.load(made, baseline=True)
    unseen = unseen_warning(mock.control.tenants.counts_by_tenant(), (mock.org, mock.sandbox))
    if unseen is not None:  # the fixtures landed where these tests never look: every list is {}
        warnings.warn(FixturesElsewhere(unseen), stacklevel=1)
    pytestconfig.stash[_SESSION_MOCKS].append(mock)
    yield mock
    mock.stop()


@pytest.fixture
def mock_catalog(mockcatalog_session: MockCatalog, request: pytest.FixtureRequest) -> Iterator[MockCatalog]:
    """The mock, reset to its pristine fixtures, seen as the configured tenant.

    ``@pytest.mark.mockcatalog(strict=False, strict_suspects=False, strict_data=False, org=...,
    sandbox=..., intercept=True, pass_through=True)`` changes it for one test: ``strict`` is about
    violations and unsupported calls, ``strict_suspects`` about suspects, ``strict_data``
    (``strict`` unless given) about batches that failed because their rows do not fit their
    dataset's schema; ``intercept`` answers calls to Adobe's hosts with the mock in process
    (``--mockcatalog-intercept`` for every test), ``pass_through`` lets calls to other hosts reach
    the network. Interceptions the test started are undone when it ends.
    """
    options = _marker_options(request)
    mockcatalog_session.control.reset()
    mock = mockcatalog_session.tenant(org=options.get("org"), sandbox=options.get("sandbox"))
    mock.strict = options.get("strict", bool(setting(request.config, "strict")))
    mock.strict_suspects = options.get("strict_suspects", bool(setting(request.config, "strict_suspects")))
    strict_data = options.get("strict_data", mock.strict)
    if _intercepting(request):
        pass_through = options.get("pass_through", bool(setting(request.config, "pass_through")))
        mock.intercept(pass_through=pass_through)
    try:
        yield mock
    finally:
        mock.stop_intercepting()
    mock.control.faults.clear()
    if mock.mock_errors:
        pytest.fail(mock.mock_error_report(), pytrace=False)
    violations = mock.unexpected_violations if mock.strict else []
    unsupported = mock.unsupported if mock.strict else []
    suspects = mock.suspects if mock.strict_suspects else []
    if violations or suspects or unsupported:
        relax = {  # what each argument of the marker relaxes in this report
            **(
                {"strict=False": " and ".join(_strict_kinds(violations, unsupported))}
                if violations or unsupported
                else {}
            ),
            **({"strict_suspects=False": "suspects"} if suspects else {}),
        }
        pytest.fail(
            mock.contract_report(violations, suspects, unsupported)
            + "\nstrict contract mode: fix the request or, if it is on purpose, mark the test ("
            + "; ".join(f"{argument} for {kinds}" for argument, kinds in relax.items())
            + f"):\n@pytest.mark.mockcatalog({', '.join(relax)})",
            pytrace=False,
        )
    data_report = mock.data_contract_report() if strict_data else ""
    if data_report:
        pytest.fail(
            data_report + "\nstrict mode, the data contract: fix the rows or, if they fail on purpose, "
            "mark the test:\n@pytest.mark.mockcatalog(strict_data=False)",
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def _mockcatalog_intercept(request: pytest.FixtureRequest) -> None:
    """With ``--mockcatalog-intercept`` (or the marker's ``intercept=True``), every test has the
    mock and its interception, whether it asks for ``mock_catalog`` or only runs code that calls
    Adobe's hosts; otherwise nothing (no mock is started for a test that does not use it)."""
    if _intercepting(request) and "mock_catalog" not in request.fixturenames:
        request.getfixturevalue("mock_catalog")


def _marker_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker("mockcatalog")
    return dict(marker.kwargs) if marker else {}


def _intercepting(request: pytest.FixtureRequest) -> bool:
    """The marker's ``intercept=``, else the session's ``--[no-]mockcatalog-intercept``."""
    return bool(_marker_options(request).get("intercept", setting(request.config, "intercept")))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands its contract coverage to the controller, which merges them."""
    workeroutput = getattr(session.config, "workeroutput", None)
    mocks = session.config.stash.get(_SESSION_MOCKS, [])
    if workeroutput is not None and mocks:
        workeroutput["mockcatalog_coverage"] = json.dumps(mocks[0].control.coverage.report())


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: only called when xdist runs the session
def pytest_testnodedown(node: Any, error: Any) -> None:
    report = getattr(node, "workeroutput", {}).get("mockcatalog_coverage")
    if report:
        node.config.stash[_WORKER_COVERAGE].append(json.loads(report))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    from mockcatalog.contract.coverage import merge_reports, render_coverage

    if hasattr(config, "workerinput"):
        return  # an xdist worker: its controller reports for the whole session
    reports: list[dict[str, Any]] = [*config.stash.get(_WORKER_COVERAGE, [])]
    reports += [mock.control.coverage.report() for mock in config.stash.get(_SESSION_MOCKS, [])]
    if not reports:
        return
    report = merge_reports(reports)
    if setting(config, "coverage"):
        terminalreporter.write_sep("-", "mockcatalog contract coverage")
        terminalreporter.write_line(render_coverage(report))
    path = setting(config, "coverage_json")
    if path:
        Path(path).write_text(json.dumps(report, indent=2), encoding="utf-8")
        terminalreporter.write_line(f"mockcatalog contract coverage written to {path}")


def _strict_kinds(violations: list[Any], unsupported: list[Any]) -> list[str]:
    """What ``strict=False`` would relax in this report."""
    return [*(["violations"] if violations else []), *(["unsupported calls"] if unsupported else [])]
