"""Marshmallow schemas generated from openapi.yaml: the spec, not this code, decides what is valid."""

from __future__ import annotations

import copy

import pytest
from marshmallow import RAISE, ValidationError

from mockcatalog.contract.schemas import SchemaBuilder, builder_for
from mockcatalog.contract.spec import Spec, load_spec


def ingest_batch(builder: SchemaBuilder | None = None) -> object:
    builder = builder or builder_for()
    return builder.field({"$ref": "#/components/schemas/IngestBatch"}, required=True)


def test_one_class_per_component_is_shared() -> None:
    builder = builder_for()
    assert builder.component("IngestBatch") is builder.component("IngestBatch")
    assert builder.component("IngestBatch").__name__ == "IngestBatch"


def test_required_unknown_and_pattern_come_from_the_spec() -> None:
    field = ingest_batch()
    assert field.deserialize({"datasetId": "abc", "inputFormat": {"format": "PARQUET"}})["inputFormat"] == {
        "format": "PARQUET"
    }
    with pytest.raises(ValidationError) as raised:
        field.deserialize({"inputFormat": {"format": "xml"}, "dataSetId": "abc"})
    messages = raised.value.messages
    assert isinstance(messages, dict)
    assert set(messages) == {"datasetId", "inputFormat", "dataSetId"}
    assert "IngestBatch accepts: datasetId" in messages["dataSetId"][0]
    assert "json, parquet or csv" in messages["inputFormat"]["format"][0]


def test_json_flavour_is_strict_about_types() -> None:
    field = ingest_batch()
    with pytest.raises(ValidationError) as raised:
        field.deserialize(
            {"datasetId": 5, "inputFormat": {"isMultiLineJson": "true"}, "partialIngestionPercentage": "5"}
        )
    assert set(raised.value.messages) == {"datasetId", "inputFormat", "partialIngestionPercentage"}  # type: ignore[arg-type]


def test_open_objects_keep_unknown_fields() -> None:
    loaded = ingest_batch().deserialize(
        {"datasetId": "abc", "inputFormat": {"format": "csv", "delimiter": ";"}}
    )
    assert loaded["inputFormat"]["delimiter"] == ";"


def test_ranges_and_int64_bounds() -> None:
    builder = builder_for()
    limit = builder.field({"$ref": "#/components/parameters/limit/schema"}, flavour="text")
    assert limit.deserialize("100") == 100
    for bad in ("0", "101", "1.5", "ten"):
        with pytest.raises(ValidationError):
            limit.deserialize(bad)
    int64 = builder.field({"$ref": "#/components/schemas/Int64"}, flavour="text")
    assert int64.deserialize(str(2**63 - 1)) == 2**63 - 1
    with pytest.raises(ValidationError):
        int64.deserialize(str(2**63))


def test_changing_the_spec_changes_validation() -> None:
    document = copy.deepcopy(load_spec().document)
    document["components"]["schemas"]["IngestBatch"]["required"] = ["datasetId", "externalId"]
    document["components"]["schemas"]["IngestBatch"]["additionalProperties"] = True
    builder = SchemaBuilder(Spec(document=document, operations={}))
    field = builder.field({"$ref": "#/components/schemas/IngestBatch"})
    with pytest.raises(ValidationError) as raised:
        field.deserialize({"datasetId": "abc"})
    assert set(raised.value.messages) == {"externalId"}  # type: ignore[arg-type]
    assert field.deserialize({"datasetId": "abc", "externalId": "x", "extra": 1})["extra"] == 1


def test_pattern_dollar_does_not_accept_a_trailing_newline() -> None:
    field = builder_for().field({"$ref": "#/components/schemas/ObjectId"})
    assert field.deserialize("abc") == "abc"
    with pytest.raises(ValidationError):
        field.deserialize("abc\n")


def test_unknown_policy_follows_additional_properties() -> None:
    builder = builder_for()
    assert builder.unknown_policy({"$ref": "#/components/schemas/IngestBatch"}) == RAISE
    assert builder.unknown_policy({"$ref": "#/components/schemas/Batch"}) != RAISE


def test_the_batch_statuses_of_the_model_are_the_specs() -> None:
    from mockcatalog.catalog.model import BatchStatus
    from mockcatalog.contract.spec import load_spec

    declared = load_spec().document["components"]["schemas"]["Batch"]["properties"]["status"]["enum"]
    assert sorted(declared) == sorted(status.value for status in BatchStatus)
