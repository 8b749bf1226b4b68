"""Per-operation request validation, fed plain mappings (no Flask, no server)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from mockcatalog.contract.validation import (
    OperationValidator,
    ValidRequest,
    build_validators,
    flatten,
    parse_json,
)
from mockcatalog.core.errors import BadRequest, InvalidContentType, UnsupportedMediaType

HEADERS = {"authorization": "Bearer t", "x-api-key": "k", "x-gw-ims-org-id": "ORG@AdobeOrg"}


def validator(operation_id: str) -> OperationValidator:
    return build_validators()[operation_id]


def validate(operation_id: str, query: list[tuple[str, str]] | None = None, **kwargs: Any) -> ValidRequest:
    kwargs["headers"] = {name.lower(): value for name, value in kwargs.get("headers", HEADERS).items()}
    kwargs.setdefault("path", {})
    return validator(operation_id).validate(args=MultiDict(query or []), **kwargs)


def errors_of(operation_id: str, query: list[tuple[str, str]] | None = None, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(BadRequest) as raised:
        validate(operation_id, query, **kwargs)
    assert raised.value.errors is not None
    return raised.value.errors


def test_defaults_and_conversions_come_from_the_spec() -> None:
    valid = validate("listBatches", [("start", "3"), ("createdAfter", "1700000000000")])
    assert valid.query == {"limit": 20, "start": 3, "createdAfter": 1700000000000}
    assert valid.headers["x-sandbox-name"] == "prod"


def test_limit_out_of_range_names_the_range() -> None:
    for value in ("0", "101", "-1", "2.5", "x"):
        errors = errors_of("listBatches", [("limit", value)])
        assert list(errors) == ["limit"]
    assert "less than or equal to 100" in errors_of("listBatches", [("limit", "101")])["limit"][0]


def test_every_bad_field_is_reported_at_once() -> None:
    errors = errors_of("listBatches", [("limit", "0"), ("start", "-1"), ("status", "")])
    assert set(errors) == {"limit", "start", "status"}


def test_repeated_scalar_parameter_is_rejected_but_property_may_repeat() -> None:
    assert "send it once" in errors_of("listBatches", [("limit", "1"), ("limit", "2")])["limit"][0]
    valid = validate("listBatches", [("property", "name"), ("property", "status==success")])
    assert valid.query["property"] == ["name", "status==success"]


def test_integer_filters_accept_lists_and_negation_only_of_integers() -> None:
    assert validate("listBatches", [("recordCount", "!1,2")]).query["recordCount"] == "!1,2"
    assert list(errors_of("listBatches", [("recordCount", "1,x")])) == ["recordCount"]


def test_sandbox_header_format_is_checked() -> None:
    assert list(errors_of("listBatches", headers={**HEADERS, "x-sandbox-name": "Prod Sandbox"})) == [
        "x-sandbox-name"
    ]


def test_body_errors_are_flattened_to_dotted_paths() -> None:
    body = json.dumps({"datasetId": "a b", "inputFormat": {"format": "xml"}}).encode()
    errors = errors_of("createBatch", body=body, content_type="application/json")
    assert set(errors) == {"datasetId", "inputFormat.format"}


def test_a_json_body_needs_a_json_content_type() -> None:
    for sent in ("text/plain", None):
        with pytest.raises(InvalidContentType) as refused:
            validate("createBatch", body=b'{"datasetId": "a"}', content_type=sent)
        assert refused.value.status == 400
        assert refused.value.to_dict()["detail"] == "A valid content-type must be specified"
        assert "Content-Type" in (refused.value.errors or {})
    with pytest.raises(UnsupportedMediaType):  # an upload keeps 415
        validate("uploadFile", body=b"{}", content_type="application/json")
    sent = b'{"datasetId": "a", "inputFormat": {"format": "json"}}'
    valid = validate("createBatch", body=sent, content_type="application/json; charset=utf-8")
    assert valid.body == {"datasetId": "a", "inputFormat": {"format": "json"}}


def test_an_ingestion_batch_needs_an_input_format_with_a_documented_format() -> None:
    for body, field in [
        (b'{"datasetId": "a"}', "inputFormat"),
        (b'{"datasetId": "a", "inputFormat": {}}', "inputFormat.format"),
        (b'{"datasetId": "a", "inputFormat": {"format": "xml"}}', "inputFormat.format"),
    ]:
        assert field in errors_of("createBatch", body=body, content_type="application/json")


def test_missing_body_is_a_400() -> None:
    assert list(errors_of("createBatch", body=b"", content_type="application/json")) == ["body"]


def test_body_that_is_not_an_object_is_a_400() -> None:
    assert list(errors_of("createBatch", body=b"[1, 2]", content_type="application/json")) == ["body"]


@pytest.mark.parametrize(
    "raw",
    [b"{", b"\xff\xfe{}", b'{"datasetId": NaN}', b"[" * 100 + b"]" * 100, b"[" * 5000 + b"]" * 5000],
)
def test_malformed_json_is_a_400_never_a_crash(raw: bytes) -> None:
    with pytest.raises(BadRequest) as raised:
        parse_json(raw)
    assert raised.value.errors is not None and list(raised.value.errors) == ["body"]


def test_flatten_nests_keys_and_keeps_schema_errors_at_their_level() -> None:
    assert flatten({"a": {"b": ["x"], "_schema": ["y"]}, "_schema": ["z"]}) == {
        "a.b": ["x"],
        "a": ["y"],
        "body": ["z"],
    }


def test_filters_may_come_as_headers_but_query_parameters_win() -> None:
    headers = {**HEADERS, "status": "failed", "dataSet": "d1", "property": "name"}
    assert validate("listBatches", headers=headers).query == {
        "limit": 20,
        "status": "failed",
        "dataSet": "d1",
        "property": ["name"],
    }
    assert validate("listBatches", [("status", "success")], headers=headers).query["status"] == "success"


def test_standard_headers_are_never_filters_but_limit_and_start_are_read() -> None:
    headers = {**HEADERS, "Connection": "keep-alive", "limit": "5", "start": "2"}
    query = validate("listBatches", headers=headers).query
    assert "connection" not in query
    assert (query["limit"], query["start"]) == (5, 2)  # Adobe's filtering guide: paging by header too
    assert validate("listBatches", [("limit", "7")], headers=headers).query["limit"] == 7  # the query wins


def test_undocumented_parameters_are_no_error_but_suspects_that_suggest_what_was_meant() -> None:
    sent = [("sort", "created"), ("offset", "2"), ("dataset", "d1"), ("zzz", "1"), ("zzz", "2")]
    valid = validate("listBatches", sent)
    assert valid.undocumented == {"sort": "created", "offset": "2", "dataset": "d1", "zzz": "1,2"}
    assert valid.query == {"limit": 20}
    suspects = {name: messages[0] for name, messages in valid.suspects.items()}
    assert suspects["sort"].endswith("Did you mean 'orderBy'?")
    assert suspects["offset"].endswith("Did you mean 'start'?")
    assert suspects["dataset"].endswith("Did you mean 'dataSet'?")
    assert "Did you mean" not in suspects["zzz"]
    assert "a filter on a property 'zzz'" in suspects["zzz"]  # a Catalog list filters by it


def test_an_operation_that_is_no_list_ignores_an_undocumented_parameter() -> None:
    valid = validate("getBatches", [("limt", "5")], path={"id": "b1"})
    assert valid.undocumented == {"limt": "5"}
    assert "the real service ignores it" in valid.suspects["limt"][0]
    assert validate("listBatches", [("limit", "5")]).suspects == {}


def test_the_suspects_of_one_request_are_bounded() -> None:
    sent = [(f"p{number}", "v" * 500) for number in range(300)] + [("x" * 500, "1")]
    valid = validate("listBatches", sent)
    assert len(valid.undocumented) == 301  # every one still filters
    assert len(valid.suspects) == 21 and valid.suspects["..."] == ["and 281 more undocumented parameters"]
    assert max(len(messages[0]) for messages in valid.suspects.values()) < 400
