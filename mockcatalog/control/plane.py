"""The mock's control plane: everything a test or the admin API steers, without Flask.

One :class:`MockControl` per app, reached with :func:`mockcatalog.http.extension.control_of`. It
owns the clock, the id generator, the processing policy, the tenants, the Catalog store, batch
ingestion and Data Access over them, the contents of the files processing produced, the request journal
(with contract violations and the mock's own errors), the active faults, the contract coverage and
the fake IMS's tokens, and :meth:`MockControl.reset` puts back everything a test may change. The
pytest plugin calls it directly; ``/__admin`` exposes it over HTTP; views reach it through their
:class:`~mockcatalog.http.gateway.Call`.
"""

from __future__ import annotations

from mockcatalog.catalog.fixture_files import Fixtures
from mockcatalog.catalog.ids import IdFactory
from mockcatalog.catalog.schema_registry import SchemaRegistry
from mockcatalog.catalog.store import CatalogStore, Validate
from mockcatalog.catalog.tenants import TenantRegistry
from mockcatalog.contract.coverage import ContractCoverage
from mockcatalog.contract.operation_names import OperationNames
from mockcatalog.contract.spec import Spec
from mockcatalog.control.faults import Fault, Faults
from mockcatalog.control.journal import Journal
from mockcatalog.control.tokens import TokenIssuer
from mockcatalog.core.clock import Clock
from mockcatalog.core.json import EncodedPages
from mockcatalog.core.settings import Settings
from mockcatalog.ingestion.batch_ingestion import BatchIngestion, UploadLimits
from mockcatalog.ingestion.data_access import DataAccess
from mockcatalog.ingestion.file_vault import FileVault
from mockcatalog.ingestion.processing import PolicySetting, ProcessingPolicy


class MockControl:
    """Everything a mock holds, made once per app from its settings; the one owner of its state."""

    def __init__(self, settings: Settings, spec: Spec, validate: Validate | None = None) -> None:
        self.settings = settings
        self.clock = Clock(settings.frozen_at_ms)
        self.ids = IdFactory(settings.seed)
        self.policy = PolicySetting(
            ProcessingPolicy(delay_ms=settings.processing_delay_ms, polls=settings.processing_polls)
        )
        self.tenants = TenantRegistry()
        self.store = CatalogStore(self.tenants, clock=self.clock, ids=self.ids, validate=validate)
        self.files = FileVault(settings.max_kept_file_bytes)
        self.data_access = DataAccess(self.tenants, self.files)
        self.ingestion = BatchIngestion(
            self.store,
            self.policy,
            self.files,
            UploadLimits(settings.max_upload_bytes, settings.max_file_bytes),
            self.data_access,
        )
        self.tenants.settle = self.ingestion.settle
        self.schemas = SchemaRegistry(self.tenants)
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
        self.tenants.replace_all(fixtures)
        self.files.clear()

    def reset(self) -> None:
        """Pristine fixtures (and no kept file contents), ids from the seed, the configured clock and
        processing, an empty journal, no faults (contract coverage and issued tokens stay, as a real
        token would)."""
        self.tenants.reset()
        self.files.clear()
        self.ids.reset()
        self.policy.reset()
        self.clock.reset()
        self.journal.clear()
        self.faults.clear()
