"""Contract: schemathesis fuzzes every operation of openapi.yaml against the app, in-process.

Every response must conform to the spec (documented status code, content type, body schema and
headers), schema-violating requests must be rejected, schema-valid ones accepted, and nothing may
answer 5xx. Generated org, sandbox and id values that are *valid* are swapped for ones that exist
in the default fixtures, so that the fuzzing reaches real data instead of empty tenants; invalid
ones are left alone, so the negative phase still tests them.
"""

from __future__ import annotations

import os
import re
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from mockcatalog import create_app
from mockcatalog.contract.command import BATCH_FIELDS, contract_config_path
from mockcatalog.contract.spec import default_spec_path, load_spec
from mockcatalog.http.extension import control_of

from ..conftest import ACME

ORG = ACME  # the packaged fixtures' organization
APP = create_app({"seed": 1})
CONFIG = SchemathesisConfig.from_path(contract_config_path())  # every relaxation says why there
schema = schemathesis.openapi.from_path(default_spec_path(), config=CONFIG)
schema.app = APP

_HEADERS = {"Authorization": "Bearer contract-test-token"}
_ID = re.compile(load_spec().document["components"]["schemas"]["ObjectId"]["pattern"])


def _fixture_ids(path: str) -> list[str]:
    client = APP.test_client()
    return list(client.get(path, headers={**_HEADERS, "x-api-key": "k", "x-gw-ims-org-id": ORG}).get_json())


DATASETS = _fixture_ids("/dataSets?limit=100")
BATCHES = _fixture_ids("/batches?limit=100")
_FIELD_SCHEMA = load_spec().operations["getUniqueBatchValues"].params_in("path")[0].schema
_FIELD = re.compile(_FIELD_SCHEMA["pattern"])


def _realistic(case: schemathesis.Case, *, path_ids: bool = True) -> None:
    """Point valid generated values at the ACME fixtures; leave invalid ones for negative tests.

    ``path_ids=False`` keeps path ids as they are (in stateful runs, links fill them in).
    """
    headers: Any = case.headers if case.headers is not None else {}
    if isinstance(headers.get("x-gw-ims-org-id"), str) and headers["x-gw-ims-org-id"].strip():
        headers["x-gw-ims-org-id"] = ORG
    if isinstance(headers.get("If-Match"), str) and headers["If-Match"]:
        del headers["If-Match"]  # an arbitrary version is stale (412): drop it to reach the write
    sandbox = headers.get("x-sandbox-name")
    if isinstance(sandbox, str) and re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", sandbox):
        headers["x-sandbox-name"] = "prod"
    path: Any = case.path_parameters if case.path_parameters is not None and path_ids else {}
    pool = BATCHES if case.path.startswith("/batches") else DATASETS
    for name in ("id", "ids"):
        if isinstance(path.get(name), str) and _ID.fullmatch(path[name]):
            path[name] = pool[len(path[name]) % len(pool)]
    field = path.get("field")
    if isinstance(field, str) and _FIELD.fullmatch(field) and len(field) <= _FIELD_SCHEMA["maxLength"]:
        path["field"] = BATCH_FIELDS[len(field) % len(BATCH_FIELDS)]
    body = case.body
    if isinstance(body, dict):
        if isinstance(body.get("datasetId"), str) and _ID.fullmatch(body["datasetId"]):
            body["datasetId"] = DATASETS[0]
        replay = body.get("replay")
        if isinstance(replay, dict) and isinstance(replay.get("predecessors"), list):
            replay["predecessors"] = [
                BATCHES[0] if isinstance(p, str) and _ID.fullmatch(p) else p for p in replay["predecessors"]
            ]


#: Examples per operation: bounded in CI; `MOCKCATALOG_CONTRACT_EXAMPLES=2000 pytest tests/contract` is
#: the long run.
EXAMPLES = int(os.environ.get("MOCKCATALOG_CONTRACT_EXAMPLES", "60"))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_operation_conforms_to_openapi(case: schemathesis.Case) -> None:
    control_of(APP).reset()  # every example starts from the fixtures (writes delete and patch them)
    _realistic(case)
    case.call_and_validate(headers=_HEADERS)


class CatalogWorkflow(schema.as_state_machine()):  # type: ignore[misc]
    """Sequences that follow openapi.yaml's links: create a batch, read it, upload, complete, read."""

    def setup(self) -> None:
        control_of(APP).reset()

    def before_call(self, case: schemathesis.Case) -> None:
        _realistic(case, path_ids=False)

    def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
        return {"headers": _HEADERS}


TestCatalogWorkflow = CatalogWorkflow.TestCase
TestCatalogWorkflow.settings = settings(
    max_examples=max(30, EXAMPLES // 2),
    stateful_step_count=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
