"""Checking policy documents the way IAM does before storing them.

The grammar is the policy engine's (`kinko.domain.policy.parse_policy`); on top of it
IAM has a few refusals with their own words, checked first: an identity policy that
names a principal or lacks actions/resources, a trust policy that names a resource or no
principal, or allows anything but STS's AssumeRole family. Everything else the grammar
rejects is "Syntax errors in policy.", as IAM words it.

Sizes count characters other than white space (IAM quotas: "Role trust policy length:
2,048 characters"; inline policies: 2,048 characters per user, 10,240 per role, summed
over all of the entity's inline policies).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from kinko.domain.iam.errors import limit_exceeded, malformed_policy
from kinko.domain.policy import PolicySyntaxError, parse_policy

SYNTAX_ERRORS = "Syntax errors in policy."
NAMES_PRINCIPAL = "Policy document should not specify a principal."
NO_ACTIONS = "Policy statement must contain actions."
NO_RESOURCES = "Policy statement must contain resources."
TRUST_NAMES_RESOURCE = "Has prohibited field Resource"
TRUST_NO_PRINCIPAL = (
    "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: "
    "The passed in policy has a statement with no principals!"
)
TRUST_ACTIONS = "AssumeRole policy may only specify STS AssumeRole actions."
TRUST_POLICY_MAX = 2048
INLINE_MAX = {"user": 2048, "role": 10240}


def policy_size(document: str) -> int:
    return sum(1 for char in document if not char.isspace())


def _statements(document: str) -> list[Any]:
    try:
        decoded = json.loads(document)
    except ValueError:
        raise malformed_policy(SYNTAX_ERRORS) from None
    if not isinstance(decoded, dict):
        raise malformed_policy(SYNTAX_ERRORS)
    raw = decoded.get("Statement")
    listed = raw if isinstance(raw, list) else [raw]
    return [statement for statement in listed if isinstance(statement, dict)]


def _grammar(document: str, kind: str) -> None:
    try:
        parse_policy(document, "identity" if kind == "identity" else "resource")
    except PolicySyntaxError:
        raise malformed_policy(SYNTAX_ERRORS) from None


def check_identity_policy(document: str) -> None:
    """An inline user or role policy."""
    for statement in _statements(document):
        if "Principal" in statement or "NotPrincipal" in statement:
            raise malformed_policy(NAMES_PRINCIPAL)
        if "Action" not in statement and "NotAction" not in statement:
            raise malformed_policy(NO_ACTIONS)
        if "Resource" not in statement and "NotResource" not in statement:
            raise malformed_policy(NO_RESOURCES)
    _grammar(document, "identity")


def _sts_actions(value: Any) -> bool:
    listed = value if isinstance(value, list) else [value]
    return all(isinstance(a, str) and (a == "*" or a.lower().startswith("sts:")) for a in listed)


def check_trust_policy(document: str) -> None:
    """A role's AssumeRolePolicyDocument."""
    if policy_size(document) > TRUST_POLICY_MAX:
        raise limit_exceeded(f"Cannot exceed quota for ACLSizePerRole: {TRUST_POLICY_MAX}")
    for statement in _statements(document):
        if "Resource" in statement or "NotResource" in statement:
            raise malformed_policy(TRUST_NAMES_RESOURCE)
        if "Principal" not in statement and "NotPrincipal" not in statement:
            raise malformed_policy(TRUST_NO_PRINCIPAL)
        actions = statement.get("Action", statement.get("NotAction"))
        if actions is not None and not _sts_actions(actions):
            raise malformed_policy(TRUST_ACTIONS)
    _grammar(document, "trust")


def check_inline_total(owner_kind: str, owner_name: str, documents: Iterable[str]) -> None:
    """The sum of an entity's inline policies, the new one included."""
    limit = INLINE_MAX[owner_kind]
    if sum(policy_size(document) for document in documents) > limit:
        raise limit_exceeded(
            f"Maximum policy size of {limit} bytes exceeded for {owner_kind} {owner_name}"
        )
