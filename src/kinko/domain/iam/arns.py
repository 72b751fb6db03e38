"""IAM and STS ARNs: users, roles and assumed-role sessions."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ROLE_ARN = re.compile(r"arn:([a-z0-9-]+):iam::(\d{12}):role(/(?:[!-~]*/)?)([\w+=,.@-]+)", re.ASCII)


@dataclass(frozen=True)
class Scope:
    """Where IAM entities live: one account, one partition."""

    account_id: str
    partition: str

    def arn(self, kind: str, path: str, name: str) -> str:
        return f"arn:{self.partition}:iam::{self.account_id}:{kind}{path}{name}"

    def user_arn(self, path: str, name: str) -> str:
        return self.arn("user", path, name)

    def role_arn(self, path: str, name: str) -> str:
        return self.arn("role", path, name)

    def assumed_role_arn(self, role_name: str, session_name: str) -> str:
        return (
            f"arn:{self.partition}:sts::{self.account_id}:assumed-role/{role_name}/{session_name}"
        )


@dataclass(frozen=True)
class RoleArn:
    partition: str
    account_id: str
    path: str
    name: str


def parse_role_arn(arn: str) -> RoleArn | None:
    found = _ROLE_ARN.fullmatch(arn)
    if found is None:
        return None
    return RoleArn(found.group(1), found.group(2), found.group(3), found.group(4))
