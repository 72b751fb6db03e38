"""The Principal and NotPrincipal elements: who a resource-based statement is about.

Matching answers not just yes/no but how: naming the caller itself (its user, role,
session, or everyone) is DIRECT; naming only its account is ACCOUNT. The difference
matters because an account principal "delegates authority to the account" (IAM User
Guide, "AWS account principals"): within the resource's own account it grants nothing
until an identity-based policy also allows.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any, Literal

from kinko.domain.policy.errors import PolicySyntaxError

_ACCOUNT_ID = re.compile(r"\d{12}")
_ROOT_ARN = re.compile(r"arn:([\w-]+):iam::(\d{12}):root")
_USER_ARN = re.compile(r"arn:([\w-]+):iam::(\d{12}):user/(?:.*/)?([^/]+)")
_ROLE_ARN = re.compile(r"arn:([\w-]+):iam::(\d{12}):role/(?:.*/)?([^/]+)")
_SESSION_ARN = re.compile(r"arn:([\w-]+):sts::(\d{12}):assumed-role/([^/]+)/[^/]+")
CallerKind = Literal["root", "user", "session", "service", "other"]
_CALLER_ARNS: tuple[tuple[CallerKind, re.Pattern[str]], ...] = (
    ("root", _ROOT_ARN),
    ("user", _USER_ARN),
    ("session", _SESSION_ARN),
)
_KINDS = {
    "AWS": "aws",
    "Service": "service",
    "Federated": "federated",
    "CanonicalUser": "canonical",
}


class PrincipalMatch(enum.IntEnum):
    NONE = 0
    ACCOUNT = 1  # only the caller's account is named
    DIRECT = 2  # the caller itself is named, or everyone is


@dataclass(frozen=True)
class Principals:
    """A parsed Principal or NotPrincipal element."""

    everyone: bool = False  # "Principal": "*"
    aws: tuple[str, ...] = ()
    service: tuple[str, ...] = ()
    federated: tuple[str, ...] = ()
    canonical: tuple[str, ...] = ()


@dataclass(frozen=True)
class Caller:
    """Who made the request, taken apart once per evaluation."""

    arn: str
    account: str
    partition: str | None = None
    kind: CallerKind = "other"
    name: str | None = None  # user name, or the role name of a session

    @property
    def role_arn(self) -> str | None:
        """A session's role ARN as aws:PrincipalArn reports it (the path is not in the
        session ARN, so a role with a path needs the caller to pass aws:PrincipalArn)."""
        if self.kind != "session":
            return None
        return f"arn:{self.partition}:iam::{self.account}:role/{self.name}"


def parse_caller(principal_arn: str, principal_account: str) -> Caller:
    for kind, pattern in _CALLER_ARNS:
        found = pattern.fullmatch(principal_arn)
        if found:
            name = found.group(3) if kind != "root" else None
            return Caller(principal_arn, principal_account, found.group(1), kind, name)
    if not principal_arn.startswith("arn:") and principal_arn.endswith(".amazonaws.com"):
        return Caller(principal_arn, principal_account, kind="service")
    return Caller(principal_arn, principal_account)


def parse_principals(value: Any, element: str) -> Principals:
    if value == "*":
        return Principals(everyone=True)
    if not isinstance(value, dict) or not value:
        raise PolicySyntaxError(f'{element} must be "*" or an object such as {{"AWS": ...}}.')
    fields: dict[str, tuple[str, ...]] = {}
    for key, entries in value.items():
        if key not in _KINDS:
            raise PolicySyntaxError(f"{element} has an unsupported principal type: {key}.")
        listed = entries if isinstance(entries, list) else [entries]
        if not listed or not all(isinstance(entry, str) and entry for entry in listed):
            raise PolicySyntaxError(f"{element} {key} must be a string or a list of strings.")
        fields[_KINDS[key]] = tuple(listed)
    return Principals(
        aws=fields.get("aws", ()),
        service=fields.get("service", ()),
        federated=fields.get("federated", ()),
        canonical=fields.get("canonical", ()),
    )


def _names_account(entry: str, caller: Caller) -> bool:
    if _ACCOUNT_ID.fullmatch(entry):
        return entry == caller.account
    found = _ROOT_ARN.fullmatch(entry)
    if found is None or found.group(2) != caller.account:
        return False
    return caller.partition is None or found.group(1) == caller.partition


def _names_caller(entry: str, caller: Caller) -> bool:
    """The entry names the caller itself. A role ARN names each of its sessions."""
    if entry == "*" or entry == caller.arn:
        return True
    if caller.kind == "root":
        return _names_account(entry, caller)
    if caller.kind == "session":
        found = _ROLE_ARN.fullmatch(entry)
        return found is not None and (found.group(1), found.group(2), found.group(3)) == (
            caller.partition,
            caller.account,
            caller.name,
        )
    return False


def match(principals: Principals, caller: Caller) -> PrincipalMatch:
    """How a Principal element matches the caller."""
    if principals.everyone:
        return PrincipalMatch.DIRECT
    if caller.kind == "service":
        named = any(entry.lower() == caller.arn.lower() for entry in principals.service)
        return PrincipalMatch.DIRECT if named else PrincipalMatch.NONE
    if any(_names_caller(entry, caller) for entry in principals.aws):
        return PrincipalMatch.DIRECT
    if caller.arn in principals.federated or caller.arn in principals.canonical:
        return PrincipalMatch.DIRECT
    if any(_names_account(entry, caller) for entry in principals.aws):
        return PrincipalMatch.ACCOUNT
    return PrincipalMatch.NONE


def excluded(principals: Principals, caller: Caller) -> bool:
    """Whether a NotPrincipal element exempts the caller.

    AWS checks the account and then the user (or the role and then the session), so the
    caller is exempt only when each of them is listed: "you must also specify the account
    ARN of the principal that you do not want to deny" (IAM User Guide, NotPrincipal).
    """
    if principals.everyone:
        return True
    if caller.kind == "service":
        return any(entry.lower() == caller.arn.lower() for entry in principals.service)
    account = any(entry == "*" or _names_account(entry, caller) for entry in principals.aws)
    itself = any(_names_caller(entry, caller) for entry in principals.aws)
    return account and itself
