"""The admin API's views (``/__admin``, documented in ``admin-openapi.yaml``): thin calls into
:class:`~mockcatalog.control.plane.MockControl`. Bodies arrive validated by the admin spec's schemas,
in the view's :class:`~mockcatalog.http.gateway.Call`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from flask import Response

from mockcatalog.catalog.fixture_files import FIXTURE_FILES, FixtureError, Fixtures, check_collection
from mockcatalog.catalog.model import SCHEMAS, in_tenant
from mockcatalog.catalog.references import require_loaded_references
from mockcatalog.catalog.tenancy import tenant_of
from mockcatalog.contract.operation_names import UnknownOperation
from mockcatalog.contract.spec import admin_spec_path, default_spec_path, load_spec
from mockcatalog.control.faults import Fault
from mockcatalog.control.journal import contract_report
from mockcatalog.control.verify import Criteria, matching
from mockcatalog.core.errors import BadRequest, InvalidRequest
from mockcatalog.http.gateway import Call
from mockcatalog.http.responses import json_response
from mockcatalog.ingestion.processing import ProcessingPolicy


def _fixtures(call: Call, body: Mapping[str, Any], *, references: bool) -> Fixtures:
    """The body's collections, checked as writes are: each object's form (its tenant, its id; an
    XDM schema compiled), its shape as the store would keep it (openapi.yaml's, the check
    ``CatalogStore.save`` runs) and, with ``references``, that what its batches name exists. A bad
    object is a 400 naming it and its fields."""
    fixtures = Fixtures()
    store = call.control.store
    for collection in FIXTURE_FILES:
        objects = body.get(collection) or {}
        try:
            check_collection(collection, objects, {}, where=collection)
        except FixtureError as exc:
            raise BadRequest(str(exc), errors={collection: [str(exc)]}) from exc
        if collection != SCHEMAS:  # an XDM schema, compiled above, has no shape in openapi.yaml
            for object_id, obj in objects.items():
                try:
                    store.check(collection, in_tenant(dict(obj), tenant_of(obj)))
                except InvalidRequest as exc:
                    raise BadRequest(
                        f"{collection}: object {object_id!r}: {exc.detail}",
                        errors={
                            f"{collection}.{object_id}.{name}": found
                            for name, found in (exc.errors or {}).items()
                        },
                    ) from exc
        fixtures.collections[collection] = objects
    if references:
        require_loaded_references(call.control.tenants, fixtures)
    return fixtures


def reset_mock(call: Call) -> Response:
    call.control.reset()
    return json_response({"status": "reset"})


def load_fixtures(call: Call) -> Response:
    body = call.valid.body
    added = call.control.tenants.load(
        _fixtures(call, body, references=True), baseline=body.get("baseline", False)
    )
    return json_response({name: added.get(name, []) for name in FIXTURE_FILES}, 201)


T = TypeVar("T")


def named(lookup: Callable[[str], T], operation: str) -> T:
    """What ``lookup`` makes of an operation's name (its label, its id); a name of no operation is a
    400 naming the closest one, as the Python API's ``ValueError`` does."""
    try:
        return lookup(operation)
    except UnknownOperation as unknown:
        raise BadRequest(str(unknown), errors={"operation": [str(unknown)]}) from unknown


def list_requests(call: Call) -> Response:
    """The journal, or the requests of one ``operation`` named as the Python ``calls()`` takes it
    (``POST /batches``, with its base path, ``createBatch``, ``*``, or a concrete path); any other
    name is a 400 naming the closest operation, never an empty list."""
    operation = call.valid.query.get("operation")
    entries = call.control.journal.entries()
    if operation is not None:
        entries = matching(entries, Criteria(named(call.control.operations.label, operation)))
    return json_response({"requests": [entry.to_dict() for entry in entries]})


def clear_requests(call: Call) -> Response:
    call.control.journal.clear()
    return json_response({"status": "cleared"})


def list_violations(call: Call) -> Response:
    """Strict mode's evidence: the violations, the suspects and the calls the mock does not serve,
    apart, with one report of all three."""
    journal = call.control.journal
    violations, suspects, unsupported = journal.violations(), journal.suspects(), journal.unsupported()
    return json_response(
        {
            "violations": [v.to_dict() for v in violations],
            "suspects": [s.to_dict() for s in suspects],
            "unsupported": [u.to_dict() for u in unsupported],
            "report": contract_report(violations, suspects, unsupported),
        }
    )


def list_faults(call: Call) -> Response:
    return json_response({"faults": [fault.to_dict() for fault in call.control.faults.active()]})


def add_fault(call: Call) -> Response:
    try:
        added = call.control.add_fault(Fault.from_wire(call.valid.body))
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    return json_response(added.to_dict(), 201)


def clear_faults(call: Call) -> Response:
    call.control.faults.clear()
    return json_response({"status": "cleared"})


def export_state(call: Call) -> Response:
    return json_response(call.control.tenants.export().collections)


def import_state(call: Call) -> Response:
    fixtures = _fixtures(call, call.valid.body, references=False)  # an export of any state imports
    call.control.replace_all(fixtures)
    return json_response({name: list(objects) for name, objects in fixtures.collections.items()})


def _clock_state(call: Call) -> Response:
    clock = call.control.clock
    return json_response({"nowMs": clock.now_ms(), "frozen": clock.frozen})


def get_clock(call: Call) -> Response:
    return _clock_state(call)


def change_clock(call: Call) -> Response:
    """In order: ``freeze: false`` lets time run; ``atMs`` (or ``freeze: true``) stops it there (or
    now); ``advanceMs`` moves it forward."""
    body = call.valid.body
    clock = call.control.clock
    if body.get("freeze") is False:
        clock.unfreeze()
    if "atMs" in body or body.get("freeze") is True:
        clock.freeze(body.get("atMs"))
    if body.get("advanceMs"):
        clock.advance(body["advanceMs"])
    return _clock_state(call)


def _processing(call: Call) -> Response:
    policy = call.control.policy.current
    return json_response({"delayMs": policy.delay_ms, "polls": policy.polls})


def get_processing(call: Call) -> Response:
    return _processing(call)


def set_processing(call: Call) -> Response:
    body = call.valid.body
    call.control.set_processing(ProcessingPolicy(delay_ms=body.get("delayMs", 0), polls=body.get("polls", 0)))
    return _processing(call)


def get_coverage(call: Call) -> Response:
    return json_response(call.control.coverage.report())


def get_health(call: Call) -> Response:
    return json_response({"status": "ok", "version": _version()})


def get_spec_yaml(call: Call) -> Response:
    path = call.control.settings.spec or default_spec_path()
    return Response(Path(path).read_bytes(), mimetype="application/yaml")


def get_spec_json(call: Call) -> Response:
    return json_response(load_spec(call.control.settings.spec).document)


def get_admin_spec_yaml(call: Call) -> Response:
    return Response(admin_spec_path().read_bytes(), mimetype="application/yaml")


def get_admin_index(call: Call) -> Response:
    """Every endpoint of the admin API (``admin-openapi.yaml``), by path, with what it does."""
    operations = sorted(load_spec(admin_spec_path()).operations.values(), key=lambda op: (op.path, op.method))
    return json_response(
        {
            "name": "mockcatalog admin API",
            "spec": "/__admin/openapi.yaml",
            "docs": "/docs",
            "endpoints": [
                {
                    "method": operation.method,
                    "path": operation.path,
                    "operationId": operation.operation_id,
                    "summary": operation.raw.get("summary", ""),
                }
                for operation in operations
            ],
        }
    )


def _version() -> str:
    try:
        return metadata.version("mockcatalog")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


VIEWS: Mapping[str, Callable[[Call], Response]] = {
    "resetMock": reset_mock,
    "loadFixtures": load_fixtures,
    "listRequests": list_requests,
    "clearRequests": clear_requests,
    "listViolations": list_violations,
    "listFaults": list_faults,
    "addFault": add_fault,
    "clearFaults": clear_faults,
    "exportState": export_state,
    "importState": import_state,
    "getCoverage": get_coverage,
    "getClock": get_clock,
    "changeClock": change_clock,
    "getProcessing": get_processing,
    "setProcessing": set_processing,
    "getHealth": get_health,
    "getSpecYaml": get_spec_yaml,
    "getSpecJson": get_spec_json,
    "getAdminIndex": get_admin_index,
    "getAdminSpecYaml": get_admin_spec_yaml,
}
