"""The identity-based policies in force for a principal, for the access rules.

A user's inline policies; an assumed role's inline role policies (the role is found by
its unique id, so a role deleted and created again under the same name gives old sessions
nothing); none for the account root, which needs none in its own account.
"""

from __future__ import annotations

from kinko.domain.identity import Principal
from kinko.storage.interface import GlobalTx


def policy_owner_id(principal: Principal) -> str | None:
    if principal.user_id is None:
        return None
    if principal.kind == "user":
        return principal.user_id
    if principal.kind == "assumed-role":
        return principal.user_id.split(":", 1)[0]
    return None


def identity_policies(reader: GlobalTx, principal: Principal) -> list[str]:
    """The policy documents (JSON text, as stored) attached to `principal`."""
    owner_id = policy_owner_id(principal)
    if owner_id is None:
        return []
    return [policy.document for policy in reader.inline_policies(owner_id)]
