"""The admin API's views (``/__admin``, documented in ``admin-openapi.yaml``): thin calls into
:class:`~mockcatalog.control.MockControl`. Bodies arrive validated by the admin spec's schemas."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Response, current_app
from flask.typing import ResponseReturnValue

from mockcatalog.control import MockControl
from mockcatalog.errors import BadRequest
from mockcatalog.faults import Fault
from mockcatalog.fixture_files import FIXTURE_FILES, FixtureError, Fixtures, check_objects
from mockcatalog.journal import violation_report
from mockcatalog.lifecycle import ProcessingPolicy
from mockcatalog.resources.common import current_call, json_response
from mockcatalog.schemas import fixture_schemas


def _control() -> MockControl:
    control: MockControl = current_app.extensions["mockcatalog"]
    return control


def _fixtures(body: Mapping[str, Any]) -> Fixtures:
    """The body's collections as checked fixtures; a bad object is a 400 naming it."""
    schemas = fixture_schemas(current_app.config["MOCKCATALOG_SPEC"])
    fixtures = Fixtures()
    for collection in FIXTURE_FILES:
        objects = body.get(collection) or {}
        try:
            check_objects(objects, schemas[collection], where=collection)
        except FixtureError as exc:
            raise BadRequest(str(exc), errors={collection: [str(exc)]}) from exc
        fixtures.collections[collection] = objects
    return fixtures


def reset_mock() -> Response:
    _control().reset()
    return json_response({"status": "reset"})


def load_fixtures() -> Response:
    body = current_call().valid.body
    added = _control().store.load(_fixtures(body), baseline=body.get("baseline", False))
    return json_response({name: added.get(name, []) for name in FIXTURE_FILES}, 201)


def list_requests() -> Response:
    operation = current_call().valid.query.get("operation")
    entries = _control().journal.entries()
    return json_response(
        {"requests": [e.to_dict() for e in entries if operation is None or e.operation == operation]}
    )


def clear_requests() -> Response:
    _control().journal.clear()
    return Response(status=204)


def list_violations() -> Response:
    violations = _control().journal.violations()
    return json_response(
        {"violations": [v.to_dict() for v in violations], "report": violation_report(violations)}
    )


def list_faults() -> Response:
    return json_response({"faults": [fault.to_dict() for fault in _control().faults.active()]})


def add_fault() -> Response:
    try:
        fault = Fault(**current_call().valid.body)
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    return json_response(_control().faults.add(fault).to_dict(), 201)


def clear_faults() -> Response:
    _control().faults.clear()
    return Response(status=204)


def export_state() -> Response:
    return json_response(_control().store.export().collections)


def import_state() -> Response:
    fixtures = _fixtures(current_call().valid.body)
    _control().store.replace_all(fixtures)
    return json_response({name: list(objects) for name, objects in fixtures.collections.items()})


def _clock_state() -> Response:
    clock = _control().store.clock
    return json_response({"now": clock.now_ms(), "frozen": clock.frozen})


def get_clock() -> Response:
    return _clock_state()


def change_clock() -> Response:
    """In order: ``freeze: false`` lets time run; ``at`` (or ``freeze: true``) stops it there (or
    now); ``advance`` moves it forward."""
    body = current_call().valid.body
    clock = _control().store.clock
    if body.get("freeze") is False:
        clock.unfreeze()
    if "at" in body or body.get("freeze") is True:
        clock.freeze(body.get("at"))
    if body.get("advance"):
        clock.advance(body["advance"])
    return _clock_state()


def _processing() -> Response:
    policy = _control().store.policy
    return json_response({"delay": policy.delay_ms, "polls": policy.polls})


def get_processing() -> Response:
    return _processing()


def set_processing() -> Response:
    body = current_call().valid.body
    _control().store.policy = ProcessingPolicy(delay_ms=body.get("delay", 0), polls=body.get("polls", 0))
    return _processing()


def get_coverage() -> Response:
    return json_response(_control().coverage.report())


VIEWS: Mapping[str, Callable[..., ResponseReturnValue]] = {
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
}
