"""The mock's control plane: the state a test or the admin API steers, without Flask.

One :class:`MockControl` per app, in ``app.extensions["mockcatalog"]``: the store, the request
journal (with contract violations), the active faults and the contract coverage. The pytest plugin
calls it directly; ``/__admin`` exposes it over HTTP.
"""

from __future__ import annotations

from mockcatalog.contract_coverage import ContractCoverage
from mockcatalog.faults import Faults
from mockcatalog.ims import TokenIssuer
from mockcatalog.journal import Journal
from mockcatalog.spec import Spec
from mockcatalog.store import CatalogStore


class MockControl:
    def __init__(self, store: CatalogStore, spec: Spec, *, journal_size: int = 1000) -> None:
        self.store = store
        self.journal = Journal(journal_size)
        self.faults = Faults()
        self.coverage = ContractCoverage(spec)
        self.tokens = TokenIssuer()

    def reset(self) -> None:
        """Pristine fixtures and clock, an empty journal, no faults (coverage and issued tokens stay)."""
        self.store.reset()
        self.journal.clear()
        self.faults.clear()
