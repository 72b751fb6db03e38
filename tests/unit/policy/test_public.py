"""is_public: does a resource policy reach every principal without a narrowing condition?"""

from __future__ import annotations

from typing import Any

import pytest

from kinko.domain.policy import is_public

from .builders import ACCOUNT, ALICE, allow, deny, policy


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        pytest.param(allow(Principal="*"), True, id="star"),
        pytest.param(allow(Principal={"AWS": "*"}), True, id="aws-star"),
        pytest.param(allow(Principal={"AWS": ["*", ALICE]}), True, id="star-in-list"),
        pytest.param(allow(NotPrincipal={"AWS": ALICE}), True, id="not-principal"),
        pytest.param(allow(Principal={"AWS": ALICE}), False, id="named-user"),
        pytest.param(allow(Principal={"AWS": ACCOUNT}), False, id="named-account"),
        pytest.param(deny(Principal="*"), False, id="deny"),
        pytest.param(
            allow(Principal="*", Condition={"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}),
            False,
            id="principal-account",
        ),
        pytest.param(
            allow(
                Principal="*",
                Condition={"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:*"}},
            ),
            False,
            id="principal-arn",
        ),
        pytest.param(
            allow(Principal="*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}),
            False,
            id="org",
        ),
        pytest.param(
            allow(Principal="*", Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}}),
            False,
            id="source-account",
        ),
        pytest.param(
            allow(
                Principal="*",
                Condition={"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:1:t"}},
            ),
            False,
            id="source-arn",
        ),
        pytest.param(
            allow(Principal="*", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
            False,
            id="source-ip",
        ),
        pytest.param(
            allow(Principal="*", Condition={"StringEquals": {"aws:SourceVpce": "vpce-1"}}),
            False,
            id="source-vpce",
        ),
        pytest.param(
            allow(Principal="*", Condition={"StringEquals": {"AWS:SOURCEVPC": "vpc-1"}}),
            False,
            id="source-vpc-any-case",
        ),
        pytest.param(
            allow(Principal="*", Condition={"Bool": {"aws:SecureTransport": "true"}}),
            True,
            id="unrelated-condition",
        ),
        pytest.param(
            allow(Principal="*", Condition={"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}}),
            True,
            id="negated",
        ),
        pytest.param(
            allow(Principal="*", Condition={"StringLike": {"aws:PrincipalAccount": "*"}}),
            True,
            id="wildcard-value",
        ),
        pytest.param(
            allow(Principal="*", Condition={"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}),
            True,
            id="any-ip",
        ),
        pytest.param(
            allow(Principal="*", Condition={"StringEqualsIfExists": {"aws:SourceIp": "10.0.0.1"}}),
            True,
            id="ifexists",
        ),
        pytest.param(
            allow(Principal="*", Condition={"Null": {"aws:PrincipalAccount": "false"}}),
            True,
            id="null",
        ),
    ],
)
def test_is_public(statement: dict[str, Any], expected: bool) -> None:
    assert is_public(policy(statement)) is expected


def test_one_public_statement_is_enough() -> None:
    assert is_public(policy(allow(Principal={"AWS": ALICE}), allow(Principal="*")))
