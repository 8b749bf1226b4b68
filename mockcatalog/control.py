"""The mock's control plane: everything a test or the admin API steers, without Flask.

One :class:`MockControl` per app, reached with :func:`control_of`. It owns the clock, the id
generator, the processing policy, the store and batch ingestion over it, the contents of the files
processing produced (for Data Access), the request journal
(with contract violations and the mock's own errors), the active faults, the contract coverage and
the fake IMS's tokens, and :meth:`MockControl.reset` puts back everything a test may change. The
pytest plugin calls it directly; ``/__admin`` exposes it over HTTP; views reach it through their
:class:`~mockcatalog.gateway.Call`.
"""

from __future__ import annotations

from flask import Flask

from mockcatalog.clock import Clock
from mockcatalog.contract_coverage import ContractCoverage
from mockcatalog.faults import Fault, Faults
from mockcatalog.file_vault import FileVault
from mockcatalog.fixture_files import Fixtures
from mockcatalog.ids import IdFactory
from mockcatalog.ims import TokenIssuer
from mockcatalog.ingestion import BatchIngestion
from mockcatalog.json_provider import EncodedPages
from mockcatalog.operation_names import OperationNames
from mockcatalog.processing import PolicySetting, ProcessingPolicy
from mockcatalog.recording import Journal
from mockcatalog.settings import Settings
from mockcatalog.spec import Spec
from mockcatalog.store import CatalogStore, Validate

EXTENSION = "mockcatalog"  # the app.extensions key


class MockControl:
    def __init__(self, settings: Settings, spec: Spec, validate: Validate | None = None) -> None:
        self.settings = settings
        self.clock = Clock(settings.frozen_at_ms)
        self.ids = IdFactory(settings.seed)
        self.policy = PolicySetting(
            ProcessingPolicy(delay_ms=settings.processing_delay_ms, polls=settings.processing_polls)
        )
        self.store = CatalogStore(clock=self.clock, ids=self.ids, validate=validate)
        self.files = FileVault(settings.max_kept_file_bytes)
        self.ingestion = BatchIngestion(self.store, self.policy, self.files, settings.max_upload_bytes)
        self.store.settle = self.ingestion.settle
        self.journal = Journal(settings.journal_size)
        self.faults = Faults()
        self.coverage = ContractCoverage(spec)
        self.tokens = TokenIssuer()
        self.pages = EncodedPages()  # kept across resets: its keys say which contents they encode
        self.operations = OperationNames(spec.operations)

    def add_fault(self, fault: Fault) -> Fault:
        """Activate ``fault``, its operation name checked (an UnknownOperation, a ValueError, names
        the closest operation: a fault that could never fire is refused, not kept)."""
        fault.resolved_id = self.operations.operation_id(fault.operation)
        return self.faults.add(fault)

    def set_processing(self, policy: ProcessingPolicy) -> None:
        """Completed batches finish by ``policy`` until the next reset."""
        self.policy.current = policy

    def replace_all(self, fixtures: Fixtures) -> None:
        """Forget every object and make ``fixtures`` the baseline (a state import); the contents of
        processed files go too, since no object points at them any more."""
        self.store.replace_all(fixtures)
        self.files.clear()

    def reset(self) -> None:
        """Pristine fixtures (and no kept file contents), ids from the seed, the configured clock and
        processing, an empty journal, no faults (contract coverage and issued tokens stay, as a real
        token would)."""
        self.store.reset()
        self.files.clear()
        self.ids.reset()
        self.policy.reset()
        self.clock.reset()
        self.journal.clear()
        self.faults.clear()


def control_of(app: Flask) -> MockControl:
    """The control plane of an app made by :func:`~mockcatalog.app.create_app`."""
    control: MockControl = app.extensions[EXTENSION]
    return control
