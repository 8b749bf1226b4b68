"""The Platform operations the mock knows of but does not serve, so it can say so honestly.

A consumer's code may call an operation of Adobe's published APIs that is outside what the mock
fakes (accounts, connections, transforms, dataset views, tags, credentials, the batched requests at a
base path's root, streaming) or not built yet. Answering such a call 404 "no such operation" or 405
"not allowed" would tell the consumer the real service rejects it, which is false. The mock answers
501 with the real operation's name instead, and strict mode reports the call as one the mock does
not serve (unsupported, of the kind "not served") rather than as a violation.

The table lists, per API, the operations of Adobe's published specifications (Catalog 2020-04 and
2021-04, Data Ingestion 2021-08, Data Access) that ``openapi.yaml`` does not serve, with Adobe's
operation ids (names, not text), and a few Catalog operations that only Adobe's newer API reference
and guides document and that aepp, Adobe's Python SDK, calls (the last batches of each dataset, a
dataset's row-expiration bounds and its ``v2`` PATCH). An operation moves from here to
``openapi.yaml`` when the mock learns to serve it; ``tests/unit/contract/test_scope.py`` checks
that no entry shadows a served operation. Matching is only tried for requests no route serves, so it
costs nothing on the served paths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mockcatalog.contract.spec import GATEWAY_PREFIXES
from mockcatalog.core.errors import NotServedByTheMock


@dataclass(frozen=True, slots=True)
class PlatformOperation:
    """One operation of Adobe's published APIs, as a consumer calls it on the real platform."""

    api: str  # "Catalog Service"
    method: str
    path: str  # with the API's base path, e.g. "/data/foundation/catalog/accounts/{id}"
    operation_id: str  # Adobe's operationId, or a name in its style where the spec gives none

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def token_only(self) -> bool:
        """Whether the gateway asks its caller for the bearer token alone: the streaming operations,
        whose spec declares only ``Authorization`` (every other operation needs the API key and
        the org too)."""
        return self.operation_id in STREAMING

    def describe(self) -> dict[str, str]:
        """What a 501 body says of the operation."""
        return {"api": self.api, "method": self.method, "path": self.path, "operationId": self.operation_id}

    def not_served(self) -> NotServedByTheMock:
        """The 501 a call of this operation answers."""
        return NotServedByTheMock(self.label, self.describe())


#: The streaming operations (Adobe's ingestion spec), which take a bearer token and no other
#: credential header.
STREAMING = frozenset({"postStreamingMessage", "postBatchOfStreamingMessages"})

CATALOG, INGESTION, DATA_ACCESS = "Catalog Service", "Data Ingestion", "Data Access"
SCHEMA_REGISTRY = "Schema Registry"
_BASE_PATHS = {
    CATALOG: GATEWAY_PREFIXES["catalog"],
    INGESTION: GATEWAY_PREFIXES["import"],
    DATA_ACCESS: GATEWAY_PREFIXES["export"],
    SCHEMA_REGISTRY: GATEWAY_PREFIXES["schemaregistry"],
}

#: Per API: one operation a line, ``METHOD path-under-the-base-path operationId`` (``/`` is the base
#: path itself; a backslash continues a long line).
_NOT_SERVED: dict[str, str] = {
    CATALOG: """
        GET /accounts get_accounts
        POST /accounts post_account
        GET /accounts/{id} get_account_by_id
        POST /accounts/{id} post_account_by_id
        PUT /accounts/{id} update_account_by_id
        PATCH /accounts/{id} patch_account_by_id
        DELETE /accounts/{id} delete_account_by_id
        POST /batches/{id} post_batch_by_id
        GET /largedocuments/{id} get_largeDocument_by_id
        GET /connections get_connections
        POST /connections post_connection
        GET /connections/{id} get_connection_by_id
        POST /connections/{id} post_connection_by_id
        PUT /connections/{id} update_connection_by_id
        PATCH /connections/{id} patch_connection_by_id
        DELETE /connections/{id} delete_connection_by_id
        GET /connections/{id}/dataSets get_data_sets_by_connection_id
        GET /connectors get_connectors
        GET /connectors/{id} get_connector_by_id
        GET /connectors/{id}/stats get_stats_by_connector_id
        GET /dataSets/{id}/credentials get_credentials_by_data_set_id
        GET /dataSets/{id}/views get_data_set_views_by_data_set_id
        POST /dataSets/{id}/views post_data_set_view_by_data_set_id
        GET /dataSets/{id}/views/{viewId} get_data_set_view_by_data_set_id_by_id
        GET /dataSets/{id}/views/{viewId}/files get_data_set_files_by_data_set_id_and_data_set_view_id
        POST /dataSets/{id}/views/{viewId}/files post_data_set_file_by_data_set_id_and_data_set_view_id
        GET /dataSets/{id}/views/{viewId}/files/{fileId} \
            get_data_set_file_by_data_set_id_and_data_set_view_id_by_id
        DELETE /dataSets/{id}/views/{viewId}/files/{fileId} \
            delete_data_set_file_by_data_set_id_and_data_set_view_id_by_id
        GET /dataSetViews get_data_set_views
        POST /dataSetViews post_data_set_view
        GET /dataSetViews/{id} get_data_set_view_by_id
        PUT /dataSetViews/{id} update_data_set_view_by_id
        PATCH /dataSetViews/{id} patch_data_set_view_by_id
        DELETE /dataSetViews/{id} delete_data_set_view_by_id
        POST /dataSetFiles post_data_set_file
        DELETE /dataSetFiles delete_data_set_file_by_search
        PUT /dataSetFiles/{id} update_data_set_file_by_id
        PATCH /dataSetFiles/{id} patch_data_set_file_by_id
        DELETE /dataSetFiles/{id} delete_data_set_file_by_id
        GET / get_service_resources
        POST / post_service_resources
        GET /transforms get_transforms
        POST /transforms post_transform
        GET /transforms/{id} get_transform_by_id
        PUT /transforms/{id} update_transform_by_id
        PATCH /transforms/{id} patch_transform_by_id
        DELETE /transforms/{id} delete_transform_by_id
        GET /transforms/{id}/inputs get_inputs_by_transform_id
        PATCH /transforms/{id}/inputs patch_inputs_by_transform_id
        GET /transforms/{id}/outputs get_outputs_by_transform_id
        PATCH /transforms/{id}/outputs patch_outputs_by_transform_id
        GET /transforms/{id}/inputs/{dataSetId} get_inputs_by_transform_id_and_data_set_id
        DELETE /transforms/{id}/inputs/{dataSetId} delete_inputs_by_transform_id_and_data_set_id
        GET /transforms/{id}/outputs/{dataSetId} get_outputs_by_transform_id_and_data_set_id
        DELETE /transforms/{id}/outputs/{dataSetId} delete_outputs_by_transform_id_and_data_set_id
        GET /tags/{tagNamespace} get_tags
        GET /lastBatches listLastBatches
        GET /ttl/{id} getDataSetTtl
        PATCH /v2/dataSets/{id} patchDataSetV2
        PATCH /v2/datasets/{id} patchDataSetV2
    """,
    INGESTION: """
        POST /collection/{connectionId} postStreamingMessage
        POST /collection/batch/{connectionId} postBatchOfStreamingMessages
    """,
    DATA_ACCESS: """
        GET /batches/{batchId}/meta getBatchMeta
    """,
    # Adobe's spec names 30 of its 44 operations; the others are named here in its style
    SCHEMA_REGISTRY: """
        GET /stats imsOrgStats
        GET /{container}/fieldgroups listAllFieldGroups
        GET /{container}/fieldgroups/{id} lookupFieldGroup
        POST /tenant/fieldgroups createFieldGroup
        PUT /tenant/fieldgroups/{id} replaceFieldGroup
        PATCH /tenant/fieldgroups/{id} updateFieldGroup
        DELETE /tenant/fieldgroups/{id} removeFieldGroup
        POST /tenant/schemas createSchema
        PUT /tenant/schemas/{id} replaceSchema
        PATCH /tenant/schemas/{id} updateSchema
        DELETE /tenant/schemas/{id} removeSchema
        GET /global/behaviors listAllBehaviors
        GET /global/behaviors/{id} lookupBehavior
        GET /{container}/mixins listAllMixins
        GET /{container}/mixins/{id} lookupMixin
        POST /tenant/mixins createMixin
        PUT /tenant/mixins/{id} replaceMixin
        PATCH /tenant/mixins/{id} updateMixin
        DELETE /tenant/mixins/{id} removeMixin
        GET /{container}/classes listAllClasses
        GET /{container}/classes/{id} lookupClass
        POST /tenant/classes createClass
        PUT /tenant/classes/{id} replaceClass
        PATCH /tenant/classes/{id} updateClass
        DELETE /tenant/classes/{id} removeClass
        GET /{container}/datatypes listAllDatatypes
        GET /{container}/datatypes/{id} lookupDatatype
        POST /tenant/datatypes createDatatype
        PUT /tenant/datatypes/{id} replaceDatatype
        PATCH /tenant/datatypes/{id} updateDatatype
        DELETE /tenant/datatypes/{id} removeDatatype
        GET /{container}/descriptors listAllDescriptors
        GET /{container}/descriptors/{id} lookupDescriptor
        POST /tenant/descriptors createDescriptor
        PUT /tenant/descriptors/{id} updateDescriptor
        DELETE /tenant/descriptors/{id} removeDescriptor
        GET /tenant/unions listAllUnions
        GET /tenant/unions/{id} lookupUnion
        GET /rpc/export/{id} exportResource
        POST /rpc/import importResource
        GET /rpc/auditlog/{id} getAuditLog
    """,
}

NOT_SERVED: tuple[PlatformOperation, ...] = tuple(
    PlatformOperation(api, method, _BASE_PATHS[api] + path.rstrip("/"), operation_id)
    for api, table in _NOT_SERVED.items()
    for method, path, operation_id in (line.split() for line in table.strip().splitlines())
)


def _pattern(template: str) -> re.Pattern[str]:
    """A template's path as a regular expression: a parameter is one segment; the base path itself
    matches with or without its trailing slash."""
    parts = re.split(r"\{\w+\}", template)
    return re.compile("[^/]+".join(re.escape(part) for part in parts) + "/?")


_PATTERNS = tuple((operation, _pattern(operation.path)) for operation in NOT_SERVED)


def not_served(method: str, path: str) -> PlatformOperation | None:
    """The Platform operation a request names, if the mock knows it and does not serve it (a HEAD
    names the GET of its path when the table has no HEAD there: it asks what GET would answer)."""
    found = _match(method, path)
    return found if found is not None or method != "HEAD" else _match("GET", path)


def _match(method: str, path: str) -> PlatformOperation | None:
    return next(
        (
            operation
            for operation, pattern in _PATTERNS
            if operation.method == method and pattern.fullmatch(path)
        ),
        None,
    )
