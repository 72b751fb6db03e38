"""Parsing policy documents: the typed result and every way a document is refused."""

from __future__ import annotations

from typing import Any

import pytest

from kinko.domain.policy import Effect, PolicySyntaxError, parse_policy

from .builders import ALICE, GET


def test_single_values_and_lists_parse_alike() -> None:
    single = parse_policy(
        {
            "Version": "2012-10-17",
            "Id": "p1",
            "Statement": {"Sid": "one", "Effect": "Allow", "Action": GET, "Resource": "*"},
        }
    )
    listed = parse_policy(
        {"Statement": [{"Effect": "Deny", "NotAction": [GET], "NotResource": ["*"]}]}
    )
    first = single.statements[0]
    assert (single.id, first.sid, first.effect, first.actions, first.resources) == (
        "p1",
        "one",
        Effect.ALLOW,
        (GET,),
        ("*",),
    )
    assert first.variables and not listed.statements[0].variables
    second = listed.statements[0]
    assert (second.effect, second.not_action, second.not_resource) == (Effect.DENY, True, True)


def test_principal_and_conditions_parse() -> None:
    parsed = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Principal": {"AWS": [ALICE], "Service": "secretsmanager.amazonaws.com"},
                "Action": "*",
                "Condition": {"NumericLessThan": {"k": 5}, "Bool": {"b": True}},
            },
        },
        kind="resource",
    )
    statement = parsed.statements[0]
    assert statement.principals is not None
    assert statement.principals.aws == (ALICE,)
    assert statement.resources is None
    assert [(c.operator.name, c.key, c.values) for c in statement.conditions] == [
        ("NumericLessThan", "k", ("5",)),
        ("Bool", "b", ("true",)),
    ]


GOOD = {"Effect": "Allow", "Action": "*", "Resource": "*"}


@pytest.mark.parametrize(
    ("document", "kind", "message"),
    [
        pytest.param("{not json", None, "not valid JSON", id="not-json"),
        pytest.param("[1, 2]", None, "JSON object", id="not-object"),
        pytest.param({"Version": "2012-10-17"}, None, "Statement", id="no-statement"),
        pytest.param({"Statement": []}, None, "Statement", id="empty-statement"),
        pytest.param({"Statement": "x"}, None, "Statement", id="statement-string"),
        pytest.param(
            {"Statement": GOOD, "Foo": 1}, None, "unknown elements: Foo", id="unknown-top"
        ),
        pytest.param(
            {"Version": "2020-01-01", "Statement": GOOD}, None, "Version", id="bad-version"
        ),
        pytest.param({"Id": 5, "Statement": GOOD}, None, "Id", id="bad-id"),
        pytest.param(
            {"Statement": ["x"]},
            None,
            "Statement 1 must be a JSON object",
            id="statement-not-object",
        ),
        pytest.param(
            {"Statement": {**GOOD, "Effect": "allow"}}, None, "Effect", id="effect-lowercase"
        ),
        pytest.param({"Statement": {**GOOD, "Effect": "Maybe"}}, None, "Effect", id="bad-effect"),
        pytest.param(
            {"Statement": {"Action": "*", "Resource": "*"}}, None, "Effect", id="no-effect"
        ),
        pytest.param(
            {"Statement": {"Effect": "Allow", "Resource": "*"}},
            None,
            "Action or NotAction",
            id="no-action",
        ),
        pytest.param(
            {"Statement": {**GOOD, "NotAction": "kms:*"}},
            None,
            "both Action and NotAction",
            id="both-actions",
        ),
        pytest.param(
            {"Statement": {**GOOD, "NotResource": "*"}}, None, "both Resource", id="both-resources"
        ),
        pytest.param(
            {"Statement": {**GOOD, "Action": "GetSecretValue"}},
            None,
            "invalid action",
            id="action-no-service",
        ),
        pytest.param(
            {"Statement": {**GOOD, "Action": []}}, None, "Action must be", id="action-empty-list"
        ),
        pytest.param(
            {"Statement": {**GOOD, "Action": [1]}}, None, "Action must be", id="action-not-string"
        ),
        pytest.param(
            {"Statement": {**GOOD, "Resource": ""}}, None, "Resource must be", id="resource-empty"
        ),
        pytest.param({"Statement": {**GOOD, "Sid": 3}}, None, "Sid", id="sid-not-string"),
        pytest.param(
            {"Statement": {**GOOD, "Extra": 1}},
            None,
            "unknown elements: Extra",
            id="unknown-element",
        ),
        pytest.param(
            {"Statement": {**GOOD, "Principal": "*", "NotPrincipal": "*"}},
            None,
            "both Principal",
            id="both-principals",
        ),
        pytest.param(
            {"Statement": {**GOOD, "Principal": "someone"}},
            None,
            "Principal",
            id="principal-string",
        ),
        pytest.param(
            {"Statement": {**GOOD, "Principal": {"Group": "x"}}},
            None,
            "unsupported principal type",
            id="principal-type",
        ),
        pytest.param(
            {"Statement": {**GOOD, "Principal": {"AWS": []}}},
            None,
            "AWS must be",
            id="principal-empty",
        ),
        pytest.param(
            {"Statement": {**GOOD, "Principal": "*"}},
            "identity",
            "cannot specify a principal",
            id="identity-with-principal",
        ),
        pytest.param(
            {"Statement": {"Effect": "Allow", "Action": "*"}},
            "identity",
            "Resource",
            id="identity-without-resource",
        ),
        pytest.param(
            {"Statement": GOOD},
            "resource",
            "Principal or NotPrincipal",
            id="resource-without-principal",
        ),
        pytest.param(
            {"Statement": {**GOOD, "Condition": {"Bogus": {"k": "v"}}}},
            None,
            "Unknown condition operator",
            id="bad-condition",
        ),
    ],
)
def test_malformed(document: Any, kind: Any, message: str) -> None:
    with pytest.raises(PolicySyntaxError) as raised:
        parse_policy(document, kind)
    assert message in raised.value.message
