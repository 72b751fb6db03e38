"""AWS's policy evaluation logic for one request, over policies the caller fetched.

Pure: no storage, no clock, no network. The caller passes the parsed policies and every
context value (aws:CurrentTime, aws:SourceIp, tags, ...); only the keys that follow from
the principal itself (aws:PrincipalArn, aws:PrincipalAccount, aws:username) are filled
in here when the caller left them out.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kinko.domain.policy.conditions import all_hold
from kinko.domain.policy.document import Effect, Policy, Statement
from kinko.domain.policy.matching import (
    Context,
    action_matches,
    normalise_context,
    resource_matches,
)
from kinko.domain.policy.principals import Caller, PrincipalMatch, excluded, match, parse_caller


class Decision(enum.Enum):
    ALLOW = "Allow"
    EXPLICIT_DENY = "ExplicitDeny"
    IMPLICIT_DENY = "ImplicitDeny"


class PolicyType(enum.Enum):
    IDENTITY = "identity-based"
    RESOURCE = "resource-based"


@dataclass(frozen=True)
class Request:
    action: str  # "secretsmanager:GetSecretValue"
    resource: str  # the resource ARN ("*" for actions without a resource)
    principal_arn: str  # user ARN, root ARN, assumed-role ARN, or a service name
    principal_account: str
    context: Mapping[str, str | list[str] | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Authorization:
    """The decision, and which policy type it is owed to: for EXPLICIT_DENY the type that
    holds the Deny, for IMPLICIT_DENY the type that lacks an Allow."""

    decision: Decision
    policy_type: PolicyType | None = None

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOW


@dataclass(frozen=True)
class _Subject:
    request: Request
    caller: Caller
    context: Context


@dataclass(frozen=True)
class _Outcome:
    decision: Decision
    direct: bool = False  # an Allow named the caller itself, not only its account


def request_context(request: Request) -> dict[str, str | tuple[str, ...]]:
    """The request's condition keys, with the principal's own keys filled in."""
    caller = parse_caller(request.principal_arn, request.principal_account)
    derived: dict[str, str | tuple[str, ...]] = {}
    if request.principal_account:
        derived["aws:principalaccount"] = request.principal_account
    # For a session, aws:PrincipalArn is the role's ARN, not the session's (IAM User
    # Guide, "aws:PrincipalArn").
    principal_arn = caller.role_arn or (caller.arn if caller.kind in ("root", "user") else None)
    if principal_arn:
        derived["aws:principalarn"] = principal_arn
    if caller.kind == "user" and caller.name:
        derived["aws:username"] = caller.name  # present for IAM users only
    return {**derived, **normalise_context(request.context)}


def _subject(request: Request) -> _Subject:
    caller = parse_caller(request.principal_arn, request.principal_account)
    return _Subject(request, caller, request_context(request))


def _applies(statement: Statement, subject: _Subject) -> bool:
    request = subject.request
    acts = any(action_matches(pattern, request.action) for pattern in statement.actions)
    if acts == statement.not_action:
        return False
    variables = subject.context if statement.variables else None
    if statement.resources is not None:
        hits = any(resource_matches(p, request.resource, variables) for p in statement.resources)
        if hits == statement.not_resource:
            return False
    return all_hold(statement.conditions, subject.context, statement.variables)


def _principal(statement: Statement, caller: Caller) -> PrincipalMatch:
    if statement.principals is None:
        return PrincipalMatch.NONE  # a resource policy statement must name its principals
    if statement.not_principal:
        return (
            PrincipalMatch.NONE if excluded(statement.principals, caller) else PrincipalMatch.DIRECT
        )
    return match(statement.principals, caller)


def _evaluate(statements: Iterable[Statement], subject: _Subject, resource: bool) -> _Outcome:
    allowed = PrincipalMatch.NONE
    for statement in statements:
        # Identity-based policies apply to the identity they are attached to.
        level = _principal(statement, subject.caller) if resource else PrincipalMatch.DIRECT
        if level is PrincipalMatch.NONE or not _applies(statement, subject):
            continue
        if statement.effect is Effect.DENY:
            return _Outcome(Decision.EXPLICIT_DENY)
        allowed = max(allowed, level)
    if allowed is PrincipalMatch.NONE:
        return _Outcome(Decision.IMPLICIT_DENY)
    return _Outcome(Decision.ALLOW, direct=allowed is PrincipalMatch.DIRECT)


def _identity(policies: Sequence[Policy], subject: _Subject) -> Decision:
    statements = (statement for policy in policies for statement in policy.statements)
    return _evaluate(statements, subject, resource=False).decision


def _resource(policy: Policy | None, subject: _Subject) -> _Outcome:
    if policy is None:
        return _Outcome(Decision.IMPLICIT_DENY)
    return _evaluate(policy.statements, subject, resource=True)


def evaluate_identity(policies: Sequence[Policy], request: Request) -> Decision:
    """Identity-based policies (the caller's user/role/group policies) on their own."""
    return _identity(policies, _subject(request))


def evaluate_resource(policy: Policy | None, request: Request) -> Decision:
    """A resource-based policy on its own; ALLOW also when it names only the caller's
    account, which `authorize` treats as delegation."""
    return _resource(policy, _subject(request)).decision


def authorize(
    request: Request,
    identity_policies: Sequence[Policy],
    resource_policy: Policy | None,
    resource_account: str,
    is_account_root: bool,
    *,
    resource_policy_required: bool = False,
) -> Authorization:
    """AWS's decision for one request (IAM User Guide, "Policy evaluation logic").

    - Any explicit Deny, identity-based or resource-based, wins.
    - Same account: allowed when the identity-based policies allow, or the resource policy
      names the caller itself; the account root needs no identity-based policy.
    - Cross-account: allowed only when both sides allow; the caller's root counts as
      allowed on its own side.
    - `resource_policy_required` is the KMS key-policy rule: the resource policy must
      allow even within the account, directly or by naming the account so that identity
      policies (or the root) apply; the root gets no pass.
    """
    subject = _subject(request)
    identity = _identity(identity_policies, subject)
    resource = _resource(resource_policy, subject)
    if identity is Decision.EXPLICIT_DENY:
        return Authorization(Decision.EXPLICIT_DENY, PolicyType.IDENTITY)
    if resource.decision is Decision.EXPLICIT_DENY:
        return Authorization(Decision.EXPLICIT_DENY, PolicyType.RESOURCE)
    identity_allows = is_account_root or identity is Decision.ALLOW
    resource_allows = resource.decision is Decision.ALLOW
    if request.principal_account != resource_account:
        if not identity_allows:
            return Authorization(Decision.IMPLICIT_DENY, PolicyType.IDENTITY)
        if not resource_allows:
            return Authorization(Decision.IMPLICIT_DENY, PolicyType.RESOURCE)
    elif resource_policy_required:
        if not resource_allows:
            return Authorization(Decision.IMPLICIT_DENY, PolicyType.RESOURCE)
        if not (resource.direct or identity_allows):
            return Authorization(Decision.IMPLICIT_DENY, PolicyType.IDENTITY)
    elif not (identity_allows or resource.direct):
        return Authorization(Decision.IMPLICIT_DENY, PolicyType.IDENTITY)
    return Authorization(Decision.ALLOW)


def denial_reason(result: Authorization, request: Request) -> str:
    """The tail of AWS's AccessDenied message: "User: <arn> is not authorized to perform:
    <action> on resource: <arn> " + this."""
    if result.decision is Decision.ALLOW:
        raise ValueError("an allowed request has no denial reason")
    kind = (result.policy_type or PolicyType.IDENTITY).value
    if result.decision is Decision.EXPLICIT_DENY:
        article = "an" if kind.startswith("identity") else "a"
        return f"with an explicit deny in {article} {kind} policy"
    return f"because no {kind} policy allows the {request.action} action"
