"""Access decisions: identity policies, resource policies and key policies together.

One engine (`kinko.domain.policy`) decides; this module gathers its inputs — the
caller's identity policies, the resource's own policy, the condition keys — and turns
a refusal into AWS's AccessDeniedException.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

from kinko.domain.identity import Principal
from kinko.domain.policy import (
    Policy,
    PolicySyntaxError,
    Request,
    authorize,
    denial_reason,
    parse_policy,
)
from kinko.errors import AwsError

IdentityPolicies = Callable[[Principal], list[str]]


def access_denied(principal: Principal, action: str, resource: str, reason: str) -> AwsError:
    return AwsError(
        "AccessDeniedException",
        f"User: {principal.arn} is not authorized to perform: {action} on resource: "
        f"{resource} {reason}",
    )


@lru_cache(maxsize=4096)
def _parsed(document: str) -> Policy | None:
    """Documents are validated when stored; one that no longer parses grants nothing."""
    try:
        return parse_policy(document)
    except PolicySyntaxError:
        return None


def _no_identity_policies(principal: Principal) -> list[str]:
    return []


class AccessControl:
    def __init__(self, identity_policies: IdentityPolicies = _no_identity_policies) -> None:
        self._identity_policies = identity_policies

    def check(
        self,
        principal: Principal,
        action: str,
        resource: str,
        *,
        resource_account: str | None = None,
        resource_policy: str | None = None,
        context: Mapping[str, str | list[str] | None] | None = None,
        key_policy: bool = False,
    ) -> None:
        """Raise AccessDeniedException unless `principal` may perform `action`."""
        owner = resource_account or principal.account_id
        if (
            principal.is_root
            and owner == principal.account_id
            and not (resource_policy or key_policy)
        ):
            return  # an account's root, on its own resource, with no policy to deny it
        request = Request(action, resource, principal.arn, principal.account_id, context or {})
        documents = [] if principal.is_root else self._identity_policies(principal)
        identity = [p for p in map(_parsed, documents) if p is not None]
        result = authorize(
            request,
            identity,
            _parsed(resource_policy) if resource_policy else None,
            owner,
            principal.is_root,
            resource_policy_required=key_policy,
        )
        if not result.allowed:
            raise access_denied(principal, action, resource, denial_reason(result, request))


class ActingCaller:
    """A Caller checked by the access rules: a request's caller, or — for work done later
    on someone's behalf (replication) — the principal whose call started it, checked by
    the same rules as if it called now."""

    def __init__(
        self,
        principal: Principal,
        access: AccessControl,
        region: str,
        request_facts: Mapping[str, str | list[str] | None] | None = None,
    ) -> None:
        self._principal = principal
        self._access = access
        self._facts: dict[str, str | list[str] | None] = {
            # AWS names a role session's role here, not the session.
            "aws:PrincipalArn": principal.role_arn or principal.arn,
            "aws:PrincipalAccount": principal.account_id,
            "aws:RequestedRegion": region,
            **({"aws:username": principal.name} if principal.kind == "user" else {}),
            **(request_facts or {}),
        }

    @property
    def principal(self) -> Principal:
        return self._principal

    def authorize(
        self,
        action: str,
        resource: str,
        *,
        resource_account: str | None = None,
        resource_policy: str | None = None,
        context: Mapping[str, str | list[str] | None] | None = None,
        key_policy: bool = False,
    ) -> None:
        self._access.check(
            self._principal,
            action,
            resource,
            resource_account=resource_account,
            resource_policy=resource_policy,
            context={**self._facts, **(context or {})},
            key_policy=key_policy,
        )
