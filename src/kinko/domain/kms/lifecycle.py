"""A key's life: creation, description, listing, enabling, deletion and destruction.

States follow AWS's key-state table: Enabled ⇄ Disabled; either → PendingDeletion
(ScheduleKeyDeletion, 7–30 days); CancelKeyDeletion → Disabled, as AWS does; when the
window ends the background job destroys the key with all its material and aliases,
and whatever it protected can no longer be decrypted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from kinko.domain.identity import Caller
from kinko.domain.kms import errors
from kinko.domain.kms.access import authorize_account, authorize_key, tag_facts
from kinko.domain.kms.keys import DAY, KeyService
from kinko.domain.kms.policies import check_key_policy, default_key_policy
from kinko.domain.kms.tags import check_tags
from kinko.storage.interface import RegionStore, RegionTx
from kinko.storage.records import KmsKeyRecord

MIN_WINDOW_DAYS = 7
MAX_WINDOW_DAYS = 30
DEFAULT_WINDOW_DAYS = 30


@dataclass(frozen=True)
class Scheduled:
    key: KmsKeyRecord
    window_days: int


def window_days(requested: int | None) -> int:
    days = DEFAULT_WINDOW_DAYS if requested is None else requested
    bound = None
    if days < MIN_WINDOW_DAYS:
        bound = f"greater than or equal to {MIN_WINDOW_DAYS}"
    elif days > MAX_WINDOW_DAYS:
        bound = f"less than or equal to {MAX_WINDOW_DAYS}"
    if bound is not None:
        raise errors.validation(
            f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to "
            f"satisfy constraint: Member must have value {bound}"
        )
    return days


class KeyAdmin:
    def __init__(self, store: RegionStore, keys: KeyService) -> None:
        self.store = store
        self.keys = keys

    async def create(
        self,
        caller: Caller,
        description: str,
        policy: str | None,
        tags: list[dict[str, str]],
        bypass_lockout_check: bool,
    ) -> KmsKeyRecord:
        check_tags(tags)
        if policy is not None:
            check_key_policy(policy)
        facts = {
            "kms:KeySpec": "SYMMETRIC_DEFAULT",
            "kms:KeyUsage": "ENCRYPT_DECRYPT",
            "kms:KeyOrigin": "AWS_KMS",
            "kms:MultiRegion": "false",
            "kms:BypassPolicyLockoutSafetyCheck": str(bypass_lockout_check).lower(),
            **(tag_facts(tags) if tags else {}),
        }
        authorize_account(caller, "kms:CreateKey", facts)
        if tags:
            authorize_account(caller, "kms:TagResource", facts)
        account = caller.principal.account_id

        def create(tx: RegionTx) -> KmsKeyRecord:
            key = self.keys.create(
                tx,
                account,
                description=description,
                policy=policy or default_key_policy(self.keys.partition, account),
                tags=tags,
            )
            return key

        return await self.store.write(create)

    async def describe(self, caller: Caller, ref: str) -> KmsKeyRecord:
        account = caller.principal.account_id
        tx = self.store.reader()
        key = self.keys.find(tx, account, ref)
        if key is None and self.keys.names_managed_key(account, ref):
            # DescribeKey of a predefined AWS alias creates the AWS managed key behind it.
            await self.store.write(lambda w: self.keys.ensure_managed_key(w, account))
            tx = self.store.reader()
        key = self.keys.resolve(tx, account, ref)
        authorize_key(caller, self.keys, "kms:DescribeKey", key)
        return key

    def list(self, caller: Caller) -> list[KmsKeyRecord]:
        authorize_account(caller, "kms:ListKeys")
        return self.store.reader().kms_keys(caller.principal.account_id)

    async def set_enabled(self, caller: Caller, ref: str, enabled: bool) -> None:
        action = "kms:EnableKey" if enabled else "kms:DisableKey"

        def change(tx: RegionTx) -> None:
            key = self.keys.resolve(tx, caller.principal.account_id, ref, cross_account=False)
            authorize_key(caller, self.keys, action, key)
            if key.key_state == "PendingDeletion":
                raise errors.pending_deletion(key.arn)
            key.key_state = "Enabled" if enabled else "Disabled"
            tx.update_kms_key(key)

        await self.store.write(change)

    async def schedule_deletion(self, caller: Caller, ref: str, days: int | None) -> Scheduled:
        window = window_days(days)

        def schedule(tx: RegionTx) -> Scheduled:
            key = self.keys.resolve(tx, caller.principal.account_id, ref, cross_account=False)
            authorize_key(
                caller,
                self.keys,
                "kms:ScheduleKeyDeletion",
                key,
                {"kms:ScheduleKeyDeletionPendingWindowInDays": str(window)},
            )
            if key.key_state == "PendingDeletion":
                raise errors.pending_deletion(key.arn)
            key.key_state = "PendingDeletion"
            key.deletion_date = time.time() + window * DAY
            tx.update_kms_key(key)
            return Scheduled(key, window)

        return await self.store.write(schedule)

    async def cancel_deletion(self, caller: Caller, ref: str) -> KmsKeyRecord:
        def cancel(tx: RegionTx) -> KmsKeyRecord:
            key = self.keys.resolve(tx, caller.principal.account_id, ref, cross_account=False)
            authorize_key(caller, self.keys, "kms:CancelKeyDeletion", key)
            if key.key_state != "PendingDeletion":
                raise errors.not_pending_deletion(key.arn)
            key.key_state = "Disabled"
            key.deletion_date = None
            tx.update_kms_key(key)
            return key

        return await self.store.write(cancel)

    async def update_description(self, caller: Caller, ref: str, description: str) -> None:
        def update(tx: RegionTx) -> None:
            key = self.keys.resolve(tx, caller.principal.account_id, ref, cross_account=False)
            authorize_key(caller, self.keys, "kms:UpdateKeyDescription", key)
            if key.key_state == "PendingDeletion":
                raise errors.pending_deletion(key.arn)
            key.description = description
            tx.update_kms_key(key)

        await self.store.write(update)

    async def destroy_due(self, now: float) -> int:
        """Destroy keys whose deletion window has ended; returns how many."""

        def destroy(tx: RegionTx) -> list[str]:
            due = [key.key_id for key in tx.kms_keys_to_delete(now)]
            for key_id in due:
                tx.delete_kms_key(key_id)
            return due

        destroyed = await self.store.write(destroy)
        for key_id in destroyed:
            self.keys.forget(key_id)
        return len(destroyed)
