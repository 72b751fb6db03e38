"""Access decisions: identity policies, resource policies and key policies together.

Until the policy engine lands, the rule is the one the bootstrap admin needs: a
principal may act on its own account's resources and on no one else's.
"""

from __future__ import annotations

from collections.abc import Mapping

from kinko.domain.identity import Principal
from kinko.errors import AwsError


def access_denied(principal: Principal, action: str, resource: str, reason: str) -> AwsError:
    return AwsError(
        "AccessDeniedException",
        f"User: {principal.arn} is not authorized to perform: {action} on resource: "
        f"{resource} {reason}",
    )


class AccessControl:
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
        owner = resource_account or principal.account_id
        if owner != principal.account_id:
            raise access_denied(
                principal,
                action,
                resource,
                f"because no resource-based policy allows the {action} action",
            )
