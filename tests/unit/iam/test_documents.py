"""Policy documents as IAM checks them before storing: AWS's words for each refusal."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kinko.domain.iam import documents
from kinko.errors import AwsError


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ALLOW = {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}
TRUST = {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}


def refusal(check: Any, document: str) -> tuple[str, str, int]:
    with pytest.raises(AwsError) as excinfo:
        check(document)
    return excinfo.value.code, excinfo.value.message, excinfo.value.status


def test_valid_documents_pass() -> None:
    documents.check_identity_policy(doc(ALLOW))
    documents.check_identity_policy(json.dumps({"Statement": ALLOW}))
    documents.check_trust_policy(doc(TRUST))
    documents.check_trust_policy(doc({**TRUST, "Action": ["sts:AssumeRole", "sts:TagSession"]}))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "Syntax errors in policy."),
        ("[]", "Syntax errors in policy."),
        (doc({**ALLOW, "Principal": "*"}), "Policy document should not specify a principal."),
        (doc({"Effect": "Allow", "Resource": "*"}), "Policy statement must contain actions."),
        (doc({"Effect": "Allow", "Action": "s3:*"}), "Policy statement must contain resources."),
        (doc({**ALLOW, "Effect": "Maybe"}), "Syntax errors in policy."),
        (json.dumps({"Version": "2001-01-01", "Statement": [ALLOW]}), "Syntax errors in policy."),
        (doc({**ALLOW, "Action": "nocolon"}), "Syntax errors in policy."),
        (json.dumps({"Version": "2012-10-17"}), "Syntax errors in policy."),
    ],
)
def test_identity_policy_refusals(document: str, message: str) -> None:
    assert refusal(documents.check_identity_policy, document) == (
        "MalformedPolicyDocument",
        message,
        400,
    )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "Syntax errors in policy."),
        (doc({**TRUST, "Resource": "*"}), "Has prohibited field Resource"),
        (
            doc({"Effect": "Allow", "Action": "sts:AssumeRole"}),
            "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: "
            "The passed in policy has a statement with no principals!",
        ),
        (
            doc({**TRUST, "Action": "s3:GetObject"}),
            "AssumeRole policy may only specify STS AssumeRole actions.",
        ),
        (doc({**TRUST, "Principal": {"Bogus": "x"}}), "Syntax errors in policy."),
    ],
)
def test_trust_policy_refusals(document: str, message: str) -> None:
    assert refusal(documents.check_trust_policy, document) == (
        "MalformedPolicyDocument",
        message,
        400,
    )


def test_sizes_ignore_white_space() -> None:
    assert documents.policy_size(' { "a" :\n\t1 } ') == 7


def test_trust_policy_size_quota() -> None:
    padded = doc({**TRUST, "Sid": "x" * 2048})
    assert refusal(documents.check_trust_policy, padded) == (
        "LimitExceeded",
        "Cannot exceed quota for ACLSizePerRole: 2048",
        409,
    )


def test_inline_policies_share_one_quota_per_user_or_role() -> None:
    documents.check_inline_total("user", "alice", ["x" * 1024, "y" * 1024])
    with pytest.raises(AwsError) as excinfo:
        documents.check_inline_total("user", "alice", ["x" * 1024, "y" * 1025])
    assert (excinfo.value.code, excinfo.value.message) == (
        "LimitExceeded",
        "Maximum policy size of 2048 bytes exceeded for user alice",
    )
    documents.check_inline_total("role", "reader", ["x" * 10240])
    with pytest.raises(AwsError) as excinfo:
        documents.check_inline_total("role", "reader", ["x" * 10241])
    assert excinfo.value.message == "Maximum policy size of 10240 bytes exceeded for role reader"
