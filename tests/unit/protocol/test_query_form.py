"""Form-encoded AWS Query parameters into input shapes: the reverse of botocore's
QuerySerializer, checked by round trips through botocore's own serializer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.model import ShapeResolver
from botocore.serialize import QuerySerializer

from kinko.errors import AwsError
from kinko.protocol.form import decode_input, parse_form
from kinko.protocol.model import operation
from kinko.protocol.validation import validate_input


def serialized_form(service: str, name: str, params: dict[str, Any]) -> dict[str, str]:
    """What botocore puts on the wire for `params`, parsed back as a server reads it."""
    model = operation(service, name)
    assert model is not None
    body = QuerySerializer().serialize_to_request(params, model)["body"]
    return parse_form(urlencode(body).encode())


def decoded(service: str, name: str, params: dict[str, Any]) -> dict[str, Any]:
    model = operation(service, name)
    assert model is not None
    form = serialized_form(service, name, params)
    assert form["Action"] == name
    return validate_input(model.input_shape, decode_input(model.input_shape, form))


def test_scalars_and_a_list_of_structures() -> None:
    params = {
        "UserName": "alice",
        "Path": "/team/",
        "Tags": [{"Key": "env", "Value": "prod"}, {"Key": "owner", "Value": "a b+c@d"}],
    }
    assert decoded("iam", "CreateUser", params) == params


def test_integers_lists_of_strings_and_nested_structures() -> None:
    params = {
        "RoleArn": "arn:aws:iam::111122223333:role/reader",
        "RoleSessionName": "s@1",
        "DurationSeconds": 900,
        "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
        "TransitiveTagKeys": ["a", "b"],
    }
    assert decoded("sts", "AssumeRole", params) == params


def test_empty_list_is_sent_and_read_as_empty() -> None:
    assert (
        decoded(
            "sts",
            "AssumeRole",
            {"RoleArn": "x" * 20, "RoleSessionName": "ab"} | {"TransitiveTagKeys": []},
        )["TransitiveTagKeys"]
        == []
    )


def test_maps() -> None:
    params = {"Name": "topic", "Attributes": {"DisplayName": "Mine", "Policy": "{}"}}
    assert decoded("sns", "CreateTopic", params) == params


def test_booleans_and_timestamps() -> None:
    start = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    params = {
        "Namespace": "ns",
        "MetricName": "m",
        "StartTime": start,
        "EndTime": start,
        "Period": 60,
        "Statistics": ["Average"],
        "Dimensions": [{"Name": "d", "Value": "v"}],
    }
    out = decoded("cloudwatch", "GetMetricStatistics", params)
    assert out["StartTime"] == start.timestamp() and out["Dimensions"] == params["Dimensions"]
    alarm = decoded(
        "cloudwatch",
        "PutMetricAlarm",
        {
            "AlarmName": "a",
            "EvaluationPeriods": 1,
            "ComparisonOperator": "LessThanThreshold",
            "ActionsEnabled": False,
        },
    )
    assert alarm["ActionsEnabled"] is False


def _shape(members: dict[str, Any], extra: dict[str, Any]) -> Any:
    shapes = {"Input": {"type": "structure", "members": members}, **extra}
    return ShapeResolver(shapes).get_shape_by_name("Input")


def test_flattened_lists_maps_and_location_names() -> None:
    shape = _shape(
        {
            "Flat": {"shape": "FlatList", "locationName": "Item"},
            "Pairs": {"shape": "FlatMap"},
            "Inner": {"shape": "Inner"},
        },
        {
            "FlatList": {"type": "list", "member": {"shape": "Str"}, "flattened": True},
            "FlatMap": {
                "type": "map",
                "key": {"shape": "Str", "locationName": "Name"},
                "value": {"shape": "Int", "locationName": "Count"},
                "flattened": True,
            },
            "Inner": {"type": "structure", "members": {"On": {"shape": "Bool"}}},
            "Str": {"type": "string"},
            "Int": {"type": "integer"},
            "Bool": {"type": "boolean"},
        },
    )
    form = {
        "Item.1": "a",
        "Item.2": "b",
        "Pairs.1.Name": "x",
        "Pairs.1.Count": "3",
        "Inner.On": "TRUE",
    }
    assert decode_input(shape, form) == {
        "Flat": ["a", "b"],
        "Pairs": {"x": 3},
        "Inner": {"On": True},
    }


def test_list_items_in_index_order_whatever_the_form_order() -> None:
    model = operation("sts", "AssumeRole")
    assert model is not None
    form = {
        "TransitiveTagKeys.member.10": "j",
        "TransitiveTagKeys.member.2": "b",
        "TransitiveTagKeys.member.1": "a",
    }
    assert decode_input(model.input_shape, form)["TransitiveTagKeys"] == ["a", "b", "j"]


def test_absent_members_stay_absent_and_unknown_keys_are_ignored() -> None:
    model = operation("iam", "CreateUser")
    assert model is not None
    form = {"Action": "CreateUser", "Version": "2010-05-08", "UserName": "u", "Bogus.1": "x"}
    assert decode_input(model.input_shape, form) == {"UserName": "u"}


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("DurationSeconds", "soon", "an integer"),
        ("DurationSeconds", "1.5", "an integer"),
    ],
)
def test_type_mismatches_are_validation_errors(key: str, raw: str, expected: str) -> None:
    model = operation("sts", "AssumeRole")
    assert model is not None
    with pytest.raises(AwsError) as excinfo:
        decode_input(model.input_shape, {key: raw})
    assert excinfo.value.code == "ValidationError"
    assert excinfo.value.message == (
        f"1 validation error detected: Value '{raw}' at '{key}' failed to satisfy "
        f"constraint: Member must be {expected}"
    )


def test_booleans_and_timestamps_refuse_other_text() -> None:
    shape = _shape(
        {"On": {"shape": "Bool"}, "At": {"shape": "Time"}},
        {"Bool": {"type": "boolean"}, "Time": {"type": "timestamp"}},
    )
    for form in ({"On": "yes"}, {"At": "yesterday"}):
        with pytest.raises(AwsError) as excinfo:
            decode_input(shape, form)
        assert excinfo.value.code == "ValidationError"
    assert (
        decode_input(shape, {"At": "2026-01-02T03:04:05Z"})["At"]
        == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC).timestamp()
    )
    assert decode_input(shape, {"At": "1700000000"})["At"] == 1700000000.0


def test_parse_form_reads_query_string_then_body() -> None:
    form = parse_form(b"Action=GetUser&UserName=a%2Bb+c", b"Action=ListUsers&Version=v")
    assert form == {"Action": "GetUser", "Version": "v", "UserName": "a+b c"}
    for body in (b"UserName=%FF", b"UserName=\xff"):
        with pytest.raises(AwsError) as excinfo:
            parse_form(body)
        assert excinfo.value.code == "MalformedQueryString"
