"""A control plane with one tenant's dataset, and batches through it: what the ingestion unit tests
start from."""

from __future__ import annotations

from mockcatalog.catalog.fixture_files import Fixtures
from mockcatalog.catalog.tenancy import Caller
from mockcatalog.contract.spec import load_spec
from mockcatalog.control.plane import MockControl
from mockcatalog.core.settings import Settings

NOW = 1_800_000_000_000
ORG = "A@AdobeOrg"
ME = Caller(org=ORG, sandbox="prod", api_key="client-1", token="t")
GOOD_AND_BAD = b'{"a": 1}\n{"a": 2}\nnot json\n'


def new_control(**settings: int) -> MockControl:
    control = MockControl(Settings(frozen_at_ms=NOW, seed=1, **settings), load_spec())
    control.tenants.load(Fixtures(collections={"dataSets": {"ds": {"imsOrg": ORG, "name": "d"}}}))
    return control


def processed_batch(control: MockControl, content: bytes = GOOD_AND_BAD) -> str:
    """A batch of ``ds`` with one file, completed and (processing being immediate) processed."""
    ingestion = control.ingestion
    batch_id = str(ingestion.create_batch(ME, {"datasetId": "ds", "partialIngestionPercentage": 50})["id"])
    ingestion.upload_file(ME, batch_id, "ds", "rows.json", content)
    ingestion.batch_action(ME, batch_id, "COMPLETE")
    control.store.get_objects(ME.tenant, "batches", [batch_id])  # a read settles processing
    return batch_id
