"""Secret resource policies: what PutResourcePolicy refuses, what ValidateResourcePolicy finds.

The grammar and the public-access test are the policy engine's; this module adds the
Secrets Manager view: unknown `secretsmanager:` actions, AWS's error wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kinko.domain.policy import Policy, PolicySyntaxError, is_public, parse_policy
from kinko.errors import AwsError
from kinko.protocol.model import service_model

# Actions IAM knows for Secrets Manager that are not API operations of their own.
_EXTRA_ACTIONS = frozenset({"ListSecretVersionIds", "GetRandomPassword"})


def malformed(detail: str = "") -> AwsError:
    message = "This resource policy contains a syntax error."
    return AwsError("MalformedPolicyDocumentException", message + (f" {detail}" if detail else ""))


@dataclass(frozen=True)
class Finding:
    check: str
    message: str


@cache
def _known_actions() -> frozenset[str]:
    names = set(service_model("secretsmanager").operation_names) | _EXTRA_ACTIONS
    return frozenset(name.lower() for name in names)


def _unknown_actions(policy: Policy) -> list[str]:
    unknown = []
    for statement in policy.statements:
        for action in statement.actions:
            service, _, name = action.partition(":")
            if service.lower() != "secretsmanager" or any(c in name for c in "*?"):
                continue
            if name.lower() not in _known_actions():
                unknown.append(action)
    return unknown


def findings(document: str) -> list[Finding]:
    """ValidateResourcePolicy's findings: syntax, unknown actions, public access."""
    try:
        policy = parse_policy(document, kind="resource")
    except PolicySyntaxError as exc:
        return [Finding("SYNTAX_CHECK", exc.message)]
    result = [
        Finding("SYNTAX_CHECK", f"The action {action} does not exist.")
        for action in _unknown_actions(policy)
    ]
    if is_public(policy):
        result.append(
            Finding(
                "PUBLIC_ACCESS_CHECK",
                "The resource policy grants broad access to the secret: it allows every "
                "principal without a condition that limits them.",
            )
        )
    return result


def check_policy(document: str, block_public: bool) -> None:
    """PutResourcePolicy's checks: refuse bad grammar, and public access when blocked."""
    try:
        policy = parse_policy(document, kind="resource")
    except PolicySyntaxError as exc:
        raise malformed(exc.message) from None
    if block_public and is_public(policy):
        raise AwsError(
            "PublicPolicyException",
            "You can't attach a resource-based policy that grants broad access to the secret.",
        )
