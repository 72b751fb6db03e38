"""Whether a resource-based policy grants public access (BlockPublicPolicy's test).

A statement is public when it allows every principal ("*", {"AWS": "*"} or NotPrincipal)
and no condition narrows it to known callers. The narrowing keys are the ones IAM Access
Analyzer documents as limiting access ("Determining whether access is public"): the
principal's account, ARN and organization, the calling service's account and ARN, and
the network origin. A negated operator or a pure wildcard value ("*", "0.0.0.0/0")
narrows nothing.
"""

from __future__ import annotations

from kinko.domain.policy.conditions import Condition, Family, Qualifier
from kinko.domain.policy.document import Effect, Policy, Statement

_NARROWING_KEYS = {
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "kms:calleraccount",
}
_EVERYTHING = {"*", "0.0.0.0/0", "::/0"}


def _narrows(condition: Condition) -> bool:
    op = condition.operator
    if condition.key.lower() not in _NARROWING_KEYS or op.negated:
        return False
    # Null only tests presence; IfExists and ForAllValues hold when the key is missing,
    # and a request through an AWS service may carry no aws:SourceIp, so they may let
    # anyone in. Counting them as public errs toward blocking.
    if op.family is Family.NULL or op.if_exists or op.qualifier is Qualifier.FOR_ALL_VALUES:
        return False
    wildcards = op.family in (Family.STRING_LIKE, Family.ARN, Family.IP)
    return not (wildcards and any(value in _EVERYTHING for value in condition.values))


def _everyone(statement: Statement) -> bool:
    principals = statement.principals
    if principals is None:
        return False
    if statement.not_principal:
        return True
    return principals.everyone or "*" in principals.aws


def is_public(policy: Policy) -> bool:
    """True when an Allow statement reaches every principal without a narrowing condition."""
    return any(
        statement.effect is Effect.ALLOW
        and _everyone(statement)
        and not any(_narrows(condition) for condition in statement.conditions)
        for statement in policy.statements
    )
