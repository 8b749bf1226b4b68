"""What a consumer's test holds: :class:`MockCatalog`, the ``mock_catalog`` fixture's value.

It bundles one tenant's credentials with the running mock: the live server's URL, an in-process
client on the same store, one-line seeding helpers, journal assertions, and fault injection. It
works without pytest too (``MockCatalog.start()``), for other test runners.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask
from flask.testing import FlaskClient
from marshmallow import Schema
from werkzeug.test import TestResponse

from mockcatalog.app import create_app
from mockcatalog.catalog.factories import DEFAULT_ORG, dataset_object, generate_fixtures
from mockcatalog.catalog.fixture_files import FixtureError, Fixtures, check_collection, read_fixtures
from mockcatalog.catalog.model import BATCHES, DATASETS, SCHEMAS, made_by, new_batch
from mockcatalog.catalog.tenancy import DEFAULT_SANDBOX, Caller, tenant_of
from mockcatalog.contract.schemas import fixture_schemas
from mockcatalog.contract.spec import GATEWAY_PREFIXES
from mockcatalog.control.faults import Fault
from mockcatalog.control.journal import RecordedRequest, contract_report, mock_error_report, violation_report
from mockcatalog.control.plane import MockControl
from mockcatalog.control.verify import Criteria, assert_called, matching
from mockcatalog.core.errors import InvalidRequest
from mockcatalog.core.settings import Settings
from mockcatalog.http.extension import control_of
from mockcatalog.ingestion.processing import ProcessingPolicy
from mockcatalog.server import LiveServer

if TYPE_CHECKING:  # imported when used: interception needs the `intercept` extra
    from mockcatalog.interception import Interception

DEFAULT_API_KEY = "mockcatalog-test-client"
DEFAULT_TOKEN = "mockcatalog-test-token"


class TenantClient(FlaskClient):
    """Flask's test client, sending one tenant's credentials with every request: headers given add
    to them (or replace one of them); ``credentials=False`` sends none."""

    def __init__(self, app: Flask, credentials: dict[str, str]) -> None:
        super().__init__(app, app.response_class, use_cookies=True)
        self.credentials = credentials

    def open(self, *args: Any, credentials: bool = True, **kwargs: Any) -> TestResponse:
        if credentials:
            kwargs["headers"] = {**self.credentials, **dict(kwargs.get("headers") or {})}
        return super().open(*args, **kwargs)


class MockCatalog:
    """A running mock, seen as one (org, sandbox) tenant."""

    def __init__(
        self,
        app: Flask,
        server: LiveServer,
        *,
        org: str = DEFAULT_ORG,
        sandbox: str = DEFAULT_SANDBOX,
        api_key: str = DEFAULT_API_KEY,
        strict: bool = True,
        strict_suspects: bool = True,
    ) -> None:
        self.app = app
        self.server = server
        self.org = org
        self.sandbox = sandbox
        self.api_key = api_key
        #: Fail the test at teardown when a request the real service would reject arrived, or a call
        #: to a Platform operation the mock does not serve (it answered 501).
        self.strict = strict
        #: Fail it when a request named a query parameter Adobe does not document.
        self.strict_suspects = strict_suspects
        #: An in-process client for the same store (no socket): fast, for tests that need no HTTP.
        #: It sends this tenant's credentials with every request (``credentials=False``: none).
        self.client = TenantClient(app, self.headers)
        #: the interceptions :meth:`intercept` started, shared with :meth:`tenant`'s views of the mock
        self._interceptions: list[Interception] = []
        #: the journal numbers of violations sent on purpose (:meth:`expect_violation`), shared too
        self._expected: set[int] = set()

    @classmethod
    def start(cls, settings: Settings | dict[str, Any] | None = None, **tenant: Any) -> MockCatalog:
        """A new app (``settings`` as :func:`~mockcatalog.app.create_app` takes them) on a new
        live server (stop it with :meth:`stop`)."""
        app = create_app(settings)
        return cls(app, LiveServer(app).start(), **tenant)

    def stop(self) -> None:
        self.stop_intercepting()
        self.server.stop()

    def reset(self) -> None:
        """Back to the pristine fixtures, clock and processing, with an empty journal and no faults
        (what the pytest fixture does before each test)."""
        self.control.reset()

    def __enter__(self) -> MockCatalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- where and who --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL of the live server, e.g. ``http://127.0.0.1:43817``."""
        return self.server.url

    @property
    def catalog_url(self) -> str:
        """The Catalog base URL as a real client builds it (``.../data/foundation/catalog``)."""
        return self.url + GATEWAY_PREFIXES["catalog"]

    @property
    def import_url(self) -> str:
        """The Batch Ingestion base URL (``.../data/foundation/import``)."""
        return self.url + GATEWAY_PREFIXES["import"]

    @property
    def export_url(self) -> str:
        """The Data Access base URL (``.../data/foundation/export``)."""
        return self.url + GATEWAY_PREFIXES["export"]

    @property
    def token(self) -> str:
        """The bearer token this tenant sends (any token is accepted unless strict auth is on)."""
        return DEFAULT_TOKEN

    @property
    def headers(self) -> dict[str, str]:
        """The headers this tenant sends: token, client id, org and sandbox."""
        return {
            "Authorization": f"Bearer {self.token}",
            "x-api-key": self.api_key,
            "x-gw-ims-org-id": self.org,
            "x-sandbox-name": self.sandbox,
        }

    def tenant(self, org: str | None = None, sandbox: str | None = None) -> MockCatalog:
        """The same mock seen as another tenant (to test isolation, say); it shares this one's
        interceptions (stopping them through either stops them all)."""
        view = MockCatalog(
            self.app,
            self.server,
            org=org or self.org,
            sandbox=sandbox or self.sandbox,
            api_key=self.api_key,
            strict=self.strict,
            strict_suspects=self.strict_suspects,
        )
        view._interceptions, view._expected = self._interceptions, self._expected
        return view

    @property
    def control(self) -> MockControl:
        return control_of(self.app)

    # --- interception ---------------------------------------------------------------------------

    def intercept(self, *, hosts: Iterable[str] | None = None, pass_through: bool = False) -> Interception:
        """Answer the ``requests`` and ``httpx`` (sync and async) calls of any code in this process to
        Adobe's hosts (``https://platform.adobe.io``, the IMS hosts) with this mock, in process: no
        socket, no change to the client. Requests to other hosts raise
        :class:`~mockcatalog.interception.NetworkBlocked` naming the host, or reach the network with
        ``pass_through=True`` (the mock's own live server, :attr:`url`, is reached either way);
        ``hosts`` replaces the hosts answered. Started at once: use it as a context manager, or as a
        plain call that lasts until :meth:`stop_intercepting` (the ``mock_catalog`` fixture's
        teardown). Needs the ``intercept`` extra."""
        from mockcatalog.interception import DEFAULT_HOSTS, Interception

        interception = Interception(
            self.app,
            hosts=DEFAULT_HOSTS if hosts is None else hosts,
            pass_through=pass_through,
            allow=(self.url,),
        )
        self._interceptions[:] = [running for running in self._interceptions if running.active]
        self._interceptions.append(interception.start())
        return interception

    def stop_intercepting(self) -> None:
        """Undo every interception :meth:`intercept` started (newest first)."""
        while self._interceptions:
            self._interceptions.pop().stop()

    # --- seeding --------------------------------------------------------------------------------

    def add_dataset(self, name: str = "Test dataset", **fields: Any) -> str:
        """Add a dataset to this tenant; ``fields`` override the defaults. Returns its id (a new one
        unless ``id`` names one; a ValueError when this tenant already holds that id)."""
        now, named = self.control.clock.now_ms(), fields.pop("id", None)
        return self._add(
            DATASETS,
            lambda object_id: dataset_object(
                name=name, now_ms=now, object_id=object_id, **made_by(self._caller()), **fields
            ),
            named,
        )

    def add_batch(self, dataset_id: str, status: str = "success", **fields: Any) -> str:
        """Add a batch of ``dataset_id`` in ``status``; ``fields`` override the defaults. Returns its
        id (as :meth:`add_dataset` does)."""
        now, named = self.control.clock.now_ms(), fields.pop("id", None)
        related = [{"type": "dataSet", "id": dataset_id}]
        return self._add(
            BATCHES,
            lambda object_id: new_batch(
                **made_by(self._caller()),
                related=related,
                status=status,
                now_ms=now,
                object_id=object_id,
                **fields,
            ),
            named,
        )

    def dataset_files(self, batch_id: str) -> dict[str, bytes]:
        """The contents of each dataset file the batch produced (the rows it accepted), by the name of
        the file uploaded: what Data Access serves back. Empty for a batch that did not succeed."""
        kept = self.control.data_access.accepted_rows(self._caller().tenant, batch_id)
        return {file.name: file.data for file in kept}  # a NotFound saying why, once evicted

    def failed_rows(self, batch_id: str) -> list[dict[str, Any]]:
        """The rows processing refused in the batch, as Data Access's ``failed?path=...`` serves
        them: rows it could not read (``{"_corrupt_record", "_errors", "_filename"}``), then rows
        that did not fit the dataset's schema (the row's columns, ``_errors`` naming each column,
        code and message, and ``_filename``); [] when none was."""
        kept = self.control.data_access.failed_files(self._caller().tenant, batch_id)
        return [json.loads(line) for file in kept for line in file.data.splitlines()]

    def data_contract_report(self) -> str:
        """Which batches of this tenant failed since the reset because rows did not fit their
        dataset's schema, and why (each refused row's columns, codes and messages); "" when none
        did. The data contract being enforced, as the real service would: strict mode reports it
        apart from the HTTP contract's violations."""
        failures = self.control.data_access.schema_failures(self._caller().tenant)
        if not failures:
            return ""
        heading = "batch(es) failed because rows do not fit their dataset's schema (data contract):"
        lines = [f"{len(failures)} {heading}"]
        for number, (batch_id, rows) in enumerate(failures.items(), start=1):
            lines.append(f"  {number}. batch {batch_id} (its conversion_errors, first rows):")
            for row in rows:
                where = row.get("_filename", "")
                for error in row.get("_errors", []):
                    column, code, message = error.get("column"), error.get("code"), error.get("message")
                    lines.append(f"       - {where}: {column}: [{code}] {message}")
        return "\n".join(lines)

    def _caller(self) -> Caller:
        return Caller(org=self.org, sandbox=self.sandbox, api_key=self.api_key, token="")

    def add_schema(self, schema: Mapping[str, Any]) -> str:
        """Add an XDM schema in its resolved form (what the Schema Registry answers to ``Accept:
        application/vnd.adobe.xed-full+json; version=1``) to this tenant; returns its ``$id``.
        Rows ingested into a dataset whose ``schemaRef.id`` names it are converted and validated
        against it. A ValueError names the field and the reason when the mock cannot apply it."""
        placed = {**schema, "imsOrg": self.org}
        if self.sandbox != DEFAULT_SANDBOX:
            placed["sandboxName"] = self.sandbox
        schema_id = str(schema.get("$id", ""))
        try:
            check_collection(SCHEMAS, {schema_id: placed}, {}, where="add_schema")
        except FixtureError as exc:
            raise ValueError(str(exc)) from exc
        self.control.tenants.load(Fixtures(collections={SCHEMAS: {schema_id: placed}}), baseline=False)
        return schema_id

    def load_fixtures(self, directory: str | Path) -> dict[str, list[str]]:
        """Add a fixture directory's objects (for this test only). Returns the ids per collection."""
        return self.control.tenants.load(read_fixtures(directory, self._schemas()), baseline=False)

    def generate(self, *, datasets: int = 3, batches: int = 20, seed: int = 0) -> dict[str, list[str]]:
        """Add faker-made datasets and batches to this tenant (the same seed, the same data)."""
        made = generate_fixtures(
            seed, datasets=datasets, batches=batches, orgs=[self.org], sandbox=self.sandbox
        )
        return self.control.tenants.load(made, baseline=False)

    def _add(self, collection: str, build: Callable[[str], dict[str, Any]], named: Any) -> str:
        """Store what ``build`` makes, in this tenant, through the store's own checks (its shape,
        and an id no object has, or ``named`` if it is free)."""
        tenant = self._caller().tenant
        built_here = build("")
        if tenant_of(built_here) != tenant:
            raise ValueError(
                f"add_dataset and add_batch add to this test's tenant {tenant}; for another, use "
                "MockCatalog(org=..., sandbox=...) or load_fixtures."
            )
        try:
            return self.control.store.add(tenant, collection, build, str(named) if named else None)
        except InvalidRequest as exc:
            raise ValueError(f"{exc.detail} {exc.errors}") from exc

    def _schemas(self) -> dict[str, Schema]:
        return fixture_schemas(self.control.settings.spec)

    # --- what arrived ---------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request the mock received since the test began, oldest first."""
        return self.control.journal.entries()

    def calls(self, operation: str, **criteria: Any) -> list[RecordedRequest]:
        """Requests of ``operation`` matching ``json=``, ``query=``, ``headers=`` and ``status=`` (see
        :class:`~mockcatalog.control.verify.Criteria`). ``operation``: ``"POST /batches"`` (any base path),
        ``"createBatch"``, ``"*"``, or a concrete ``"GET /batches/01H..."``; any other name raises a
        ValueError naming the closest operation."""
        return matching(self.requests, self._criteria(operation, criteria))

    def _criteria(self, operation: str, criteria: dict[str, Any]) -> Criteria:
        return Criteria(self.control.operations.label(operation), **criteria)

    def assert_called(
        self, operation: str, *, times: int | None = None, **criteria: Any
    ) -> list[RecordedRequest]:
        """Assert ``operation`` was called (``times`` times) as described; the failure lists near misses."""
        __tracebackhide__ = True
        return assert_called(self.requests, self._criteria(operation, criteria), times)

    def assert_not_called(self, operation: str, **criteria: Any) -> None:
        __tracebackhide__ = True
        assert_called(self.requests, self._criteria(operation, criteria), times=0)

    @property
    def violations(self) -> list[RecordedRequest]:
        """Requests the real Catalog would have rejected (what strict mode fails the test for)."""
        return self.control.journal.violations()

    @property
    def unexpected_violations(self) -> list[RecordedRequest]:
        """The violations not sent inside :meth:`expect_violation` (what strict mode fails the test for)."""
        return [request for request in self.violations if request.seq not in self._expected]

    @contextmanager
    def expect_violation(self, operation: str = "*") -> Iterator[list[RecordedRequest]]:
        """A block that sends, on purpose, a request the real service would reject (to ``operation``,
        named as :meth:`calls` takes it): the block fails unless it sent one, and strict mode does
        not fail the test for those it sent. Yields the list of them, filled when the block ends::

            with mock_catalog.expect_violation("GET /batches") as refused:
                client.list_batches(limit=0)
            assert refused[0].status == 400
        """
        __tracebackhide__ = True
        label = self.control.operations.label(operation)  # a name no operation has fails at once
        before = max((request.seq for request in self.requests), default=0)
        sent: list[RecordedRequest] = []
        yield sent
        of_operation = {request.seq for request in matching(self.requests, Criteria(label))}
        sent += [v for v in self.violations if v.seq > before and v.seq in of_operation]
        if not sent:
            raise AssertionError(
                f"expected a request to {operation} that the real service would reject; none was sent"
            )
        self._expected.update(request.seq for request in sent)

    def violation_report(self) -> str:
        return violation_report(self.violations)

    @property
    def suspects(self) -> list[RecordedRequest]:
        """Requests the real Catalog answers but that name query parameters Adobe does not document
        (each entry's ``suspects`` says what the real service makes of them, and what was meant)."""
        return self.control.journal.suspects()

    @property
    def unsupported(self) -> list[RecordedRequest]:
        """Calls to Platform operations the mock knows but does not serve (answered 501; the real
        service serves them, so they are not violations)."""
        return self.control.journal.unsupported()

    def contract_report(
        self,
        violations: list[RecordedRequest] | None = None,
        suspects: list[RecordedRequest] | None = None,
        unsupported: list[RecordedRequest] | None = None,
    ) -> str:
        """The violations, suspects and unsupported calls given (default: all of them), each kind under
        its own heading."""
        return contract_report(
            self.violations if violations is None else violations,
            self.suspects if suspects is None else suspects,
            self.unsupported if unsupported is None else unsupported,
        )

    @property
    def mock_errors(self) -> list[RecordedRequest]:
        """Requests the mock itself failed on (a 500 from a bug in the mock), each with its traceback."""
        return self.control.journal.mock_errors()

    def mock_error_report(self) -> str:
        return mock_error_report(self.mock_errors)

    # --- time and processing --------------------------------------------------------------------

    def now_ms(self) -> int:
        return self.control.clock.now_ms()

    def freeze_clock(self, at_ms: int | None = None) -> int:
        """Stop the mock's time (at ``at_ms``, default now), so timestamps repeat; returns it."""
        return self.control.clock.freeze(at_ms)

    def advance_clock(self, seconds: float) -> int:
        """Move the mock's time forward (delayed batches finish, tokens expire); returns the new now."""
        return self.control.clock.advance(round(seconds * 1000))

    def processing(self, *, delay: float = 0, polls: int = 0) -> None:
        """Completed batches finish ``delay`` seconds (of the mock's clock) later, or on the
        ``polls``-th read by id; both 0: at once (the default). Lasts until the test ends."""
        self.control.set_processing(ProcessingPolicy(delay_ms=round(delay * 1000), polls=polls))

    # --- faults ---------------------------------------------------------------------------------

    # The fault helpers share one set of defaults, those of ``Fault`` and the admin API: any
    # operation (``"*"``), status 503; the ``*_next`` helpers fire once, the others until cleared.

    def fail_next(
        self, operation: str = "*", status: int = 503, *, times: int = 1, body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Fault:  # fmt: skip
        """The next ``times`` calls of ``operation`` answer ``status`` (then it answers normally)."""
        return self.add_fault(Fault(operation, status, body, headers or {}, times))

    def throttle_next(self, operation: str = "*", *, retry_after: int = 1, times: int = 1) -> Fault:
        """The next ``times`` calls answer 429 Too Many Requests with ``Retry-After`` (seconds)."""
        return self.fail_next(operation, 429, times=times, headers={"Retry-After": str(retry_after)})

    def drop_next(self, operation: str = "*", *, times: int = 1) -> Fault:
        """The next ``times`` calls get their connection closed without an answer."""
        return self.add_fault(Fault(operation, None, times=times, drop=True))

    def fail_fraction(
        self, operation: str = "*", probability: float = 0.5, status: int = 503, *, seed: int = 0
    ) -> Fault:
        """Until cleared, a reproducible ``probability`` of the calls of ``operation`` answer ``status``."""
        return self.add_fault(Fault(operation, status, times=None, probability=probability, seed=seed))

    def delay(self, operation: str = "*", seconds: float = 1.0, *, times: int | None = None) -> Fault:
        """Until cleared (or for ``times`` calls), ``operation`` answers normally, ``seconds`` late."""
        return self.add_fault(Fault(operation, None, times=times, delay=seconds))

    def add_fault(self, fault: Fault) -> Fault:
        """Activate ``fault``; a ValueError naming the closest operation if its name is none."""
        return self.control.add_fault(fault)
