"""Condition operators, one row per semantic, evaluated on their own.

Sources for the missing-key rows: IAM User Guide, "Condition operators" (a negated
operator is true when the key is missing) and "Single-valued vs. multivalued context
keys" (ForAllValues is true when the key is missing, ForAnyValue is false).
"""

from __future__ import annotations

from typing import Any

import pytest

from kinko.domain.policy import PolicySyntaxError, Qualifier, parse_operator
from kinko.domain.policy.conditions import all_hold, parse_conditions
from kinko.domain.policy.matching import normalise_context

IP = "aws:SourceIp"
TIME = "aws:CurrentTime"
TAGS = "aws:TagKeys"
DAYS = "secretsmanager:RecoveryWindowInDays"
ENV = "aws:ResourceTag/Env"


def row(block: dict[str, Any], context: dict[str, Any], expected: bool, id: str) -> Any:
    return pytest.param(block, context, expected, id=id)


CASES = [
    # String
    row({"StringEquals": {ENV: "prod"}}, {ENV: "prod"}, True, "StringEquals"),
    row({"StringEquals": {ENV: "prod"}}, {ENV: "Prod"}, False, "StringEquals-case-sensitive"),
    row({"StringEquals": {ENV: ["dev", "prod"]}}, {ENV: "prod"}, True, "StringEquals-values-or"),
    row({"StringEquals": {ENV: "prod"}}, {}, False, "StringEquals-missing"),
    row({"StringEquals": {ENV: "p*"}}, {ENV: "prod"}, False, "StringEquals-no-wildcards"),
    row({"StringNotEquals": {ENV: "prod"}}, {ENV: "dev"}, True, "StringNotEquals"),
    row({"StringNotEquals": {ENV: ["dev", "prod"]}}, {ENV: "prod"}, False, "StringNotEquals-nor"),
    row({"StringNotEquals": {ENV: ["dev", "prod"]}}, {ENV: "qa"}, True, "StringNotEquals-none"),
    row({"StringNotEquals": {ENV: "prod"}}, {}, True, "StringNotEquals-missing-true"),
    row({"StringEqualsIgnoreCase": {ENV: "PROD"}}, {ENV: "prod"}, True, "IgnoreCase"),
    row({"StringNotEqualsIgnoreCase": {ENV: "PROD"}}, {ENV: "prod"}, False, "NotIgnoreCase"),
    row({"StringLike": {ENV: "pr?d*"}}, {ENV: "prod-eu"}, True, "StringLike"),
    row({"StringLike": {ENV: "Prod*"}}, {ENV: "prod"}, False, "StringLike-case-sensitive"),
    row({"StringNotLike": {ENV: "dev*"}}, {ENV: "prod"}, True, "StringNotLike"),
    row({"StringNotLike": {ENV: "dev*"}}, {}, True, "StringNotLike-missing-true"),
    row({"StringEqualsIfExists": {ENV: "prod"}}, {}, True, "IfExists-missing"),
    row({"StringEqualsIfExists": {ENV: "prod"}}, {ENV: "dev"}, False, "IfExists-present"),
    row(
        {"StringEquals": {"AWS:RESOURCETAG/ENV": "prod"}},
        {"aws:resourcetag/env": "prod"},
        True,
        "keys-any-case",
    ),
    # ARN
    row(
        {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:*:1:topic"}},
        {"aws:SourceArn": "arn:aws:sns:eu-west-1:1:topic"},
        True,
        "ArnEquals-wildcard",
    ),
    row(
        {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:1:t*"}},
        {"aws:SourceArn": "arn:aws:sns:eu-west-1:1:topic"},
        True,
        "ArnLike",
    ),
    row(
        {"ArnNotEquals": {"aws:SourceArn": "arn:aws:sns:*:1:topic"}},
        {"aws:SourceArn": "arn:aws:sns:eu-west-1:2:topic"},
        True,
        "ArnNotEquals",
    ),
    row(
        {"ArnNotLike": {"aws:SourceArn": "arn:aws:sns:*:*:*"}},
        {"aws:SourceArn": "arn:aws:sns:eu-west-1:2:topic"},
        False,
        "ArnNotLike",
    ),
    row({"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:1:topic"}}, {}, False, "ArnLike-missing"),
    row(
        {"ArnNotLike": {"aws:SourceArn": "arn:aws:sns:*:1:topic"}},
        {},
        True,
        "ArnNotLike-missing-true",
    ),
    # Numeric
    row({"NumericEquals": {DAYS: "7"}}, {DAYS: "7.0"}, True, "NumericEquals"),
    row({"NumericNotEquals": {DAYS: 7}}, {DAYS: "30"}, True, "NumericNotEquals"),
    row({"NumericNotEquals": {DAYS: 7}}, {}, True, "NumericNotEquals-missing-true"),
    row({"NumericLessThan": {DAYS: 7}}, {DAYS: "7"}, False, "NumericLessThan-boundary"),
    row({"NumericLessThanEquals": {DAYS: 7}}, {DAYS: "7"}, True, "NumericLessThanEquals"),
    row({"NumericGreaterThan": {DAYS: 7}}, {DAYS: "8"}, True, "NumericGreaterThan"),
    row({"NumericGreaterThanEquals": {DAYS: 7}}, {DAYS: "6"}, False, "NumericGreaterThanEquals"),
    row({"NumericEquals": {DAYS: 7}}, {DAYS: "seven"}, False, "Numeric-unparsable-request"),
    row({"NumericLessThanIfExists": {DAYS: 7}}, {}, True, "Numeric-IfExists-missing"),
    # Date
    row(
        {"DateEquals": {TIME: "2025-01-01T00:00:00Z"}},
        {TIME: "1735689600"},
        True,
        "DateEquals-epoch",
    ),
    row(
        {"DateNotEquals": {TIME: "2025-01-01T00:00:00Z"}},
        {TIME: "2025-01-02T00:00:00Z"},
        True,
        "DateNotEquals",
    ),
    row(
        {"DateLessThan": {TIME: "2030-01-01T00:00:00Z"}},
        {TIME: "2025-06-01T12:00:00Z"},
        True,
        "DateLessThan",
    ),
    row(
        {"DateLessThanEquals": {TIME: "2025-06-01T12:00:00+00:00"}},
        {TIME: "2025-06-01T14:00:00+02:00"},
        True,
        "DateLessThanEquals-offsets",
    ),
    row(
        {"DateGreaterThan": {TIME: "2030-01-01"}},
        {TIME: "2025-06-01T12:00:00Z"},
        False,
        "DateGreaterThan",
    ),
    row(
        {"DateGreaterThanEquals": {TIME: "1700000000"}},
        {TIME: "2025-06-01T12:00:00Z"},
        True,
        "DateGreaterThanEquals-epoch-policy",
    ),
    row({"DateLessThan": {TIME: "2030-01-01T00:00:00Z"}}, {}, False, "Date-missing"),
    row(
        {"DateLessThan": {TIME: "2030-01-01T00:00:00Z"}},
        {TIME: "tomorrow"},
        False,
        "Date-unparsable-request",
    ),
    # Bool
    row({"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": "true"}, True, "Bool"),
    row(
        {"Bool": {"aws:SecureTransport": True}},
        {"aws:SecureTransport": "TRUE"},
        True,
        "Bool-json-true",
    ),
    row(
        {"Bool": {"aws:SecureTransport": "false"}},
        {"aws:SecureTransport": "true"},
        False,
        "Bool-false",
    ),
    row({"Bool": {"aws:SecureTransport": "false"}}, {}, False, "Bool-missing"),
    row({"BoolIfExists": {"aws:SecureTransport": "false"}}, {}, True, "BoolIfExists-missing"),
    # IP
    row({"IpAddress": {IP: "203.0.113.0/24"}}, {IP: "203.0.113.7"}, True, "IpAddress"),
    row({"IpAddress": {IP: "203.0.113.0/24"}}, {IP: "198.51.100.7"}, False, "IpAddress-outside"),
    row(
        {"IpAddress": {IP: ["10.0.0.0/8", "203.0.113.7"]}},
        {IP: "203.0.113.7"},
        True,
        "IpAddress-single-host",
    ),
    row({"IpAddress": {IP: "2001:db8::/32"}}, {IP: "2001:db8::1"}, True, "IpAddress-v6"),
    row({"IpAddress": {IP: "2001:db8::/32"}}, {IP: "10.0.0.1"}, False, "IpAddress-v4-vs-v6"),
    row({"IpAddress": {IP: "10.0.0.0/8"}}, {IP: "not-an-ip"}, False, "IpAddress-unparsable"),
    row({"NotIpAddress": {IP: "10.0.0.0/8"}}, {IP: "203.0.113.7"}, True, "NotIpAddress"),
    row({"NotIpAddress": {IP: "10.0.0.0/8"}}, {IP: "10.1.2.3"}, False, "NotIpAddress-inside"),
    row({"NotIpAddress": {IP: "10.0.0.0/8"}}, {}, True, "NotIpAddress-missing-true"),
    # Null
    row({"Null": {ENV: "true"}}, {}, True, "Null-true-missing"),
    row({"Null": {ENV: "true"}}, {ENV: None}, True, "Null-true-none"),
    row({"Null": {ENV: "true"}}, {ENV: "prod"}, False, "Null-true-present"),
    row({"Null": {ENV: False}}, {ENV: "prod"}, True, "Null-false-present"),
    row({"Null": {TAGS: "true"}}, {TAGS: []}, True, "Null-empty-list"),
    # Set operators
    row(
        {"ForAllValues:StringEquals": {TAGS: ["Env", "Team"]}},
        {TAGS: ["Env"]},
        True,
        "ForAllValues-subset",
    ),
    row(
        {"ForAllValues:StringEquals": {TAGS: ["Env", "Team"]}},
        {TAGS: ["Env", "Owner"]},
        False,
        "ForAllValues-extra",
    ),
    row({"ForAllValues:StringEquals": {TAGS: ["Env"]}}, {}, True, "ForAllValues-missing-true"),
    row(
        {"ForAllValues:StringEquals": {TAGS: ["Env"]}}, {TAGS: []}, True, "ForAllValues-empty-true"
    ),
    row(
        {"ForAllValues:StringNotLike": {TAGS: "key1*"}},
        {TAGS: ["key1:legal"]},
        False,
        "ForAllValues-negated-match",
    ),
    row(
        {"ForAllValues:StringNotLike": {TAGS: "key1*"}},
        {TAGS: ["key2:audit"]},
        True,
        "ForAllValues-negated-nomatch",
    ),
    row({"ForAllValues:StringNotLike": {TAGS: "key1*"}}, {}, True, "ForAllValues-negated-missing"),
    row({"ForAnyValue:StringEquals": {TAGS: "Env"}}, {TAGS: ["Owner", "Env"]}, True, "ForAnyValue"),
    row({"ForAnyValue:StringEquals": {TAGS: "Env"}}, {TAGS: ["Owner"]}, False, "ForAnyValue-none"),
    row({"ForAnyValue:StringEquals": {TAGS: "Env"}}, {}, False, "ForAnyValue-missing-false"),
    row(
        {"ForAnyValue:StringNotEquals": {TAGS: "Env"}},
        {TAGS: ["Env", "x"]},
        True,
        "ForAnyValue-negated",
    ),
    row(
        {"ForAnyValue:StringNotEquals": {TAGS: "Env"}},
        {TAGS: ["Env"]},
        False,
        "ForAnyValue-negated-all-equal",
    ),
    row({"ForAnyValue:StringNotEquals": {TAGS: "Env"}}, {}, False, "ForAnyValue-negated-missing"),
    row(
        {"ForAnyValue:StringEqualsIfExists": {TAGS: "Env"}},
        {},
        True,
        "ForAnyValue-IfExists-missing",
    ),
    row(
        {"ForAnyValue:StringLike": {TAGS: "aws:*"}},
        {TAGS: ["Env", "aws:x"]},
        True,
        "ForAnyValue-like",
    ),
    row({"StringEquals": {TAGS: "Env"}}, {TAGS: ["Owner", "Env"]}, True, "plain-op-on-list-any"),
    row(
        {"StringNotEquals": {TAGS: "Env"}},
        {TAGS: ["Owner", "Env"]},
        False,
        "plain-negated-on-list-none",
    ),
    # Composition
    row(
        {"StringEquals": {ENV: "prod", "aws:RequestedRegion": "us-east-1"}},
        {ENV: "prod", "aws:RequestedRegion": "eu-west-1"},
        False,
        "keys-and",
    ),
    row(
        {"StringEquals": {ENV: "prod"}, "Bool": {"aws:SecureTransport": "true"}},
        {ENV: "prod", "aws:SecureTransport": "true"},
        True,
        "operators-and",
    ),
    row(
        {"StringEquals": {ENV: "prod"}, "Bool": {"aws:SecureTransport": "true"}},
        {ENV: "prod"},
        False,
        "operators-and-one-missing",
    ),
    # Policy variables in values
    row(
        {"StringEquals": {"secretsmanager:ResourceTag/Owner": "${aws:username}"}},
        {"secretsmanager:ResourceTag/Owner": "alice", "aws:username": "alice"},
        True,
        "variable",
    ),
    row(
        {"StringLike": {"secretsmanager:SecretId": "${aws:username}/*"}},
        {"secretsmanager:SecretId": "alice/db", "aws:username": "alice"},
        True,
        "variable-like",
    ),
    row(
        {"StringEquals": {"secretsmanager:ResourceTag/Owner": "${aws:username}"}},
        {"secretsmanager:ResourceTag/Owner": "alice"},
        False,
        "variable-missing",
    ),
]


@pytest.mark.parametrize(("block", "context", "expected"), CASES)
def test_condition(block: dict[str, Any], context: dict[str, Any], expected: bool) -> None:
    conditions = parse_conditions(block)
    assert all_hold(conditions, normalise_context(context), variables=True) is expected


def test_variables_off_compares_literally() -> None:
    conditions = parse_conditions({"StringEquals": {"aws:ResourceTag/Owner": "${aws:username}"}})
    context = normalise_context({"aws:ResourceTag/Owner": "alice", "aws:username": "alice"})
    assert not all_hold(conditions, context, variables=False)
    literal = normalise_context({"aws:ResourceTag/Owner": "${aws:username}"})
    assert all_hold(conditions, literal, variables=False)


def test_operator_parsing() -> None:
    op = parse_operator("forallvalues:stringnotlikeifexists")
    assert op.name == "ForAllValues:StringNotLikeIfExists"
    assert (op.negated, op.if_exists, op.qualifier) == (True, True, Qualifier.FOR_ALL_VALUES)
    assert parse_operator("ArnEquals").name == "ArnEquals"


@pytest.mark.parametrize(
    "block",
    [
        pytest.param({"StringEqualz": {"k": "v"}}, id="unknown-operator"),
        pytest.param({"ForSomeValues:StringEquals": {"k": "v"}}, id="unknown-set-operator"),
        pytest.param({"NullIfExists": {"k": "true"}}, id="null-ifexists"),
        pytest.param({"ForAnyValue:Null": {"k": "true"}}, id="null-set-operator"),
        pytest.param({"Null": {"k": "maybe"}}, id="null-not-boolean"),
        pytest.param({"Bool": {"k": "yes"}}, id="bool-not-boolean"),
        pytest.param({"NumericEquals": {"k": "ten"}}, id="numeric-not-number"),
        pytest.param({"DateEquals": {"k": "someday"}}, id="date-not-date"),
        pytest.param({"IpAddress": {"k": "300.1.1.1/8"}}, id="ip-not-cidr"),
        pytest.param({"StringEquals": {"k": []}}, id="empty-values"),
        pytest.param({"StringEquals": {"k": {"nested": 1}}}, id="object-value"),
        pytest.param({"StringEquals": {}}, id="empty-block"),
        pytest.param({"StringEquals": "k"}, id="block-not-object"),
        pytest.param(["StringEquals"], id="condition-not-object"),
    ],
)
def test_malformed_conditions(block: Any) -> None:
    with pytest.raises(PolicySyntaxError):
        parse_conditions(block)
