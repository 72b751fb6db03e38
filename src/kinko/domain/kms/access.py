"""Asking the caller's authorizer about a KMS key, with the condition keys KMS defines.

The decision is the access rules' (key policy required, as KMS does); this module only
assembles what they need: the key's policy, its account, and the request's facts.
"""

from __future__ import annotations

from collections.abc import Mapping

from kinko.domain.identity import Caller
from kinko.domain.kms.keys import KeyService
from kinko.storage.records import KmsKeyRecord

Facts = dict[str, str | list[str] | None]

SYMMETRIC = "SYMMETRIC_DEFAULT"


def context_facts(context: Mapping[str, str] | None, prefix: str = "kms") -> Facts:
    """kms:EncryptionContext:<key> and kms:EncryptionContextKeys of a request."""
    facts: Facts = {f"{prefix}:EncryptionContext:{k}": v for k, v in (context or {}).items()}
    if context:
        facts[f"{prefix}:EncryptionContextKeys"] = sorted(context)
    return facts


def tag_facts(tags: list[dict[str, str]]) -> Facts:
    """aws:RequestTag/<key> and aws:TagKeys of a request that tags."""
    facts: Facts = {f"aws:RequestTag/{t['TagKey']}": t["TagValue"] for t in tags}
    facts["aws:TagKeys"] = [t["TagKey"] for t in tags]
    return facts


def authorize_key(
    caller: Caller,
    keys: KeyService,
    action: str,
    key: KmsKeyRecord,
    facts: Mapping[str, str | list[str] | None] | None = None,
) -> None:
    """AccessDeniedException unless the key policy (and IAM, where it defers) allows."""
    context: Facts = {
        "kms:CallerAccount": caller.principal.account_id,
        "kms:KeyOrigin": "AWS_KMS",
        "kms:KeySpec": SYMMETRIC,
        "kms:KeyUsage": "ENCRYPT_DECRYPT",
        "kms:MultiRegion": "false",
    }
    for tag in key.tags:
        context[f"aws:ResourceTag/{tag['TagKey']}"] = tag["TagValue"]
    context.update(facts or {})
    caller.authorize(
        action,
        key.arn,
        resource_account=key.account_id,
        resource_policy=keys.policy_of(key),
        key_policy=True,
        context=context,
    )


def authorize_account(
    caller: Caller, action: str, facts: Mapping[str, str | list[str] | None] | None = None
) -> None:
    """Actions on no particular key (CreateKey, ListKeys, ListAliases, GenerateRandom)."""
    context: Facts = {"kms:CallerAccount": caller.principal.account_id}
    context.update(facts or {})
    caller.authorize(action, "*", context=context)
