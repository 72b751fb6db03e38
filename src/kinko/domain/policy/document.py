"""Policy documents: JSON (a string or an already-decoded dict) into typed statements.

The grammar follows the IAM User Guide's "IAM JSON policy element reference": each
element takes one value or a list; a statement has exactly one of Action/NotAction, at
most one of Resource/NotResource and of Principal/NotPrincipal. Whether Principal is
required or forbidden depends on the kind of policy, so the caller says which it parses.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from kinko.domain.policy.conditions import Condition, parse_conditions
from kinko.domain.policy.errors import PolicySyntaxError
from kinko.domain.policy.principals import Principals, parse_principals

CURRENT_VERSION = "2012-10-17"
_VERSIONS = {CURRENT_VERSION, "2008-10-17"}
_POLICY_KEYS = {"Version", "Id", "Statement"}
_STATEMENT_KEYS = {
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
}
PolicyKind = Literal["identity", "resource"]


class Effect(enum.Enum):
    ALLOW = "Allow"
    DENY = "Deny"


@dataclass(frozen=True)
class Statement:
    effect: Effect
    actions: tuple[str, ...]
    not_action: bool = False  # `actions` came from NotAction
    resources: tuple[str, ...] | None = None  # None: no Resource element at all
    not_resource: bool = False
    principals: Principals | None = None
    not_principal: bool = False
    conditions: tuple[Condition, ...] = ()
    sid: str | None = None
    # Policy variables only exist in Version 2012-10-17; before it `${...}` is literal.
    variables: bool = True


@dataclass(frozen=True)
class Policy:
    statements: tuple[Statement, ...]
    version: str | None = CURRENT_VERSION
    id: str | None = None


def parse_policy(document: str | Mapping[str, Any], kind: PolicyKind | None = None) -> Policy:
    """Parse and check a policy. `kind` adds the Principal rule of that policy type:
    identity-based policies may not name a principal, resource-based ones must."""
    if isinstance(document, str):
        try:
            decoded = json.loads(document)
        except ValueError:
            raise PolicySyntaxError("The policy document is not valid JSON.") from None
    else:
        decoded = document
    if not isinstance(decoded, Mapping):
        raise PolicySyntaxError("The policy document must be a JSON object.")
    unknown = set(decoded) - _POLICY_KEYS
    if unknown:
        raise PolicySyntaxError(f"The policy has unknown elements: {', '.join(sorted(unknown))}.")
    version = decoded.get("Version")
    if version is not None and version not in _VERSIONS:
        raise PolicySyntaxError("The policy Version must be 2012-10-17 or 2008-10-17.")
    policy_id = decoded.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise PolicySyntaxError("The policy Id must be a string.")
    raw = decoded.get("Statement")
    listed = [raw] if isinstance(raw, dict) else raw
    if not isinstance(listed, list) or not listed:
        raise PolicySyntaxError("The policy must contain a Statement.")
    statements = tuple(
        _statement(item, index, version == CURRENT_VERSION, kind)
        for index, item in enumerate(listed, start=1)
    )
    return Policy(statements, version, policy_id)


def _statement(raw: Any, index: int, variables: bool, kind: PolicyKind | None) -> Statement:
    where = f"Statement {index}"
    if not isinstance(raw, dict):
        raise PolicySyntaxError(f"{where} must be a JSON object.")
    unknown = set(raw) - _STATEMENT_KEYS
    if unknown:
        raise PolicySyntaxError(f"{where} has unknown elements: {', '.join(sorted(unknown))}.")
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise PolicySyntaxError(f"{where} has a Sid that is not a string.")
    effect = next((e for e in Effect if e.value == raw.get("Effect")), None)
    if effect is None:
        raise PolicySyntaxError(f"{where} must have Effect Allow or Deny.")
    actions, not_action = _one_of(raw, "Action", "NotAction", where)
    if actions is None:
        raise PolicySyntaxError(f"{where} must have exactly one of Action or NotAction.")
    for action in actions:
        if action != "*" and ":" not in action:
            raise PolicySyntaxError(f"{where} has an invalid action: {action}.")
    resources, not_resource = _one_of(raw, "Resource", "NotResource", where)
    if resources is None and kind == "identity":
        raise PolicySyntaxError(f"{where} must have exactly one of Resource or NotResource.")
    principals, not_principal = _principal(raw, where, kind)
    conditions = parse_conditions(raw["Condition"]) if "Condition" in raw else ()
    return Statement(
        effect,
        actions,
        not_action,
        resources,
        not_resource,
        principals,
        not_principal,
        conditions,
        sid,
        variables,
    )


def _one_of(
    raw: dict[str, Any], name: str, negated: str, where: str
) -> tuple[tuple[str, ...] | None, bool]:
    """The values of `name` or of its negated twin, and whether it was the twin."""
    if name in raw and negated in raw:
        raise PolicySyntaxError(f"{where} must not have both {name} and {negated}.")
    if name not in raw and negated not in raw:
        return None, False
    element = name if name in raw else negated
    value = raw[element]
    listed = value if isinstance(value, list) else [value]
    if not listed or not all(isinstance(item, str) and item for item in listed):
        raise PolicySyntaxError(f"{where} {element} must be a string or a list of strings.")
    return tuple(listed), element == negated


def _principal(
    raw: dict[str, Any], where: str, kind: PolicyKind | None
) -> tuple[Principals | None, bool]:
    if "Principal" in raw and "NotPrincipal" in raw:
        raise PolicySyntaxError(f"{where} must not have both Principal and NotPrincipal.")
    element = (
        "Principal" if "Principal" in raw else "NotPrincipal" if "NotPrincipal" in raw else None
    )
    if kind == "identity" and element:
        raise PolicySyntaxError(f"{where}: an identity-based policy cannot specify a principal.")
    if kind == "resource" and not element:
        raise PolicySyntaxError(f"{where} must have exactly one of Principal or NotPrincipal.")
    if element is None:
        return None, False
    return parse_principals(raw[element], f"{where} {element}"), element == "NotPrincipal"
