"""Contract: the admin API (admin-openapi.yaml) answers as its own document says.

Kept apart from the Catalog contract: its own app, its own spec, no credentials.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from mockcatalog import create_app
from mockcatalog.app import admin_spec_path

CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            # The admin API is unauthenticated by design (a local test fixture's control plane).
            "ignored_auth": {"enabled": False},
        },
        "operations": [
            {
                # Fixture and state objects must also match openapi.yaml's DataSet and Batch shapes
                # (a schemaRef is an object, say), which this document names in prose rather than
                # by a reference into the other document; the mock refuses others with a 400.
                "include-operation-id": ["loadFixtures", "importState"],
                "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", 400]}},
            },
            {
                # Fault header names must be HTTP tokens, which OpenAPI 3.0 cannot express (it has no
                # propertyNames); the mock refuses other names with a 400.
                "include-operation-id": "addFault",
                "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", 400]}},
            },
            {
                # The dashboard's operation filter takes only the names of the mock's operations (a
                # list no schema can hold: it is the served contract's); any other is a 400 naming
                # the closest.
                "include-operation-id": "getOverview",
                "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", 400]}},
            },
            {
                # The journal's operation filter too (names the Python calls() takes): any other
                # name is a 400 naming the closest, never an empty list.
                "include-operation-id": "listRequests",
                "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", 400]}},
            },
        ],
    }
)
schema = schemathesis.openapi.from_path(admin_spec_path(), config=CONFIG)
schema.app = create_app({"seed": 1})


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_admin_operation_conforms_to_its_openapi(case: schemathesis.Case) -> None:
    case.call_and_validate()
