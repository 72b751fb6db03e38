"""Small builders so each table row reads as the policy it tests."""

from __future__ import annotations

from typing import Any

from kinko.domain.policy import Policy, Request, parse_policy

ACCOUNT = "111122223333"
OTHER = "444455556666"
REGION = "us-east-1"
SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:prod/db-AbCdEf"
OTHER_SECRET = f"arn:aws:secretsmanager:{REGION}:{OTHER}:secret:shared/api-Zz9Yy8"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
CAROL = f"arn:aws:iam::{ACCOUNT}:user/team/carol"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
DEPLOYER = f"arn:aws:iam::{ACCOUNT}:role/deployer"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/ci-run"
BOB = f"arn:aws:iam::{OTHER}:user/bob"
OTHER_ROOT = f"arn:aws:iam::{OTHER}:root"
GET = "secretsmanager:GetSecretValue"


def statement(effect: str, elements: dict[str, Any]) -> dict[str, Any]:
    """A statement with Action and Resource defaulting to "*" unless negated twins are given."""
    built: dict[str, Any] = {"Effect": effect}
    if "NotAction" not in elements:
        built["Action"] = "*"
    if "NotResource" not in elements:
        built["Resource"] = "*"
    built.update(elements)
    return built


def allow(**elements: Any) -> dict[str, Any]:
    return statement("Allow", elements)


def deny(**elements: Any) -> dict[str, Any]:
    return statement("Deny", elements)


def policy(*statements: dict[str, Any], version: str | None = "2012-10-17") -> Policy:
    document: dict[str, Any] = {"Statement": list(statements)}
    if version:
        document["Version"] = version
    return parse_policy(document)


def account_of(principal_arn: str) -> str:
    return principal_arn.split(":")[4] if principal_arn.startswith("arn:") else ""


def request(
    action: str = GET,
    resource: str = SECRET,
    principal: str = ALICE,
    context: dict[str, str | list[str] | None] | None = None,
    account: str | None = None,
) -> Request:
    return Request(
        action,
        resource,
        principal,
        account_of(principal) if account is None else account,
        context or {},
    )
