"""A key's tags, key policy and rotation.

Rotation adds a new version of the key material: it encrypts from then on, and every
older version keeps decrypting what it sealed (the blob names its version). Automatic
rotation runs in the background job when a key's NextRotationDate has passed (not while
the key is disabled or pending deletion); RotateKeyOnDemand rotates at once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from kinko.domain.identity import Caller
from kinko.domain.kms import errors
from kinko.domain.kms import tags as tagging
from kinko.domain.kms.access import authorize_key, tag_facts
from kinko.domain.kms.keys import DAY, KeyService
from kinko.domain.kms.policies import POLICY_NAME, check_key_policy
from kinko.storage.interface import RegionStore, RegionTx
from kinko.storage.records import KmsKeyRecord, KmsMaterialRecord

DEFAULT_ROTATION_DAYS = 365
MAX_ON_DEMAND_ROTATIONS = 25


@dataclass(frozen=True)
class RotationStatus:
    key: KmsKeyRecord
    enabled: bool


def _require_usable_for_rotation(key: KmsKeyRecord) -> None:
    if key.key_state == "Disabled":
        raise errors.disabled(key.arn)
    if key.key_state == "PendingDeletion":
        raise errors.pending_deletion(key.arn)


class KeySettings:
    def __init__(self, store: RegionStore, keys: KeyService) -> None:
        self.store = store
        self.keys = keys

    def _own_key(self, tx: RegionTx, caller: Caller, ref: str) -> KmsKeyRecord:
        return self.keys.resolve(tx, caller.principal.account_id, ref, cross_account=False)

    # --- tags ----------------------------------------------------------------------

    async def tag(self, caller: Caller, ref: str, added: list[dict[str, str]]) -> None:
        tagging.check_tags(added)

        def tag(tx: RegionTx) -> None:
            key = self._own_key(tx, caller, ref)
            authorize_key(caller, self.keys, "kms:TagResource", key, tag_facts(added))
            if key.key_state == "PendingDeletion":
                raise errors.pending_deletion(key.arn)
            key.tags = tagging.merged(key.tags, added)
            tx.update_kms_key(key)

        await self.store.write(tag)

    async def untag(self, caller: Caller, ref: str, keys: list[str]) -> None:
        def untag(tx: RegionTx) -> None:
            key = self._own_key(tx, caller, ref)
            authorize_key(caller, self.keys, "kms:UntagResource", key, {"aws:TagKeys": keys})
            if key.key_state == "PendingDeletion":
                raise errors.pending_deletion(key.arn)
            key.tags = tagging.without(key.tags, keys)
            tx.update_kms_key(key)

        await self.store.write(untag)

    def tags(self, caller: Caller, ref: str) -> list[dict[str, str]]:
        key = self._own_key(self.store.reader(), caller, ref)
        authorize_key(caller, self.keys, "kms:ListResourceTags", key)
        return key.tags

    # --- key policy ----------------------------------------------------------------

    def policy(self, caller: Caller, ref: str, name: str) -> str:
        key = self._own_key(self.store.reader(), caller, ref)
        authorize_key(caller, self.keys, "kms:GetKeyPolicy", key)
        if name != POLICY_NAME:
            raise errors.KmsError("NotFoundException", "No such policy exists")
        return self.keys.policy_of(key)

    def policy_names(self, caller: Caller, ref: str) -> list[str]:
        key = self._own_key(self.store.reader(), caller, ref)
        authorize_key(caller, self.keys, "kms:ListKeyPolicies", key)
        return [POLICY_NAME]

    async def put_policy(self, caller: Caller, ref: str, name: str, document: str) -> None:
        if name != POLICY_NAME:
            raise errors.unsupported("Only default policy is supported")
        check_key_policy(document)

        def put(tx: RegionTx) -> None:
            key = self._own_key(tx, caller, ref)
            authorize_key(caller, self.keys, "kms:PutKeyPolicy", key)
            key.policy = document
            tx.update_kms_key(key)

        await self.store.write(put)

    # --- rotation ------------------------------------------------------------------

    async def enable_rotation(self, caller: Caller, ref: str, period_days: int | None) -> None:
        days = DEFAULT_ROTATION_DAYS if period_days is None else period_days

        def enable(tx: RegionTx) -> None:
            key = self._own_key(tx, caller, ref)
            authorize_key(
                caller,
                self.keys,
                "kms:EnableKeyRotation",
                key,
                {"kms:RotationPeriodInDays": str(days)},
            )
            _require_usable_for_rotation(key)
            key.rotation_enabled = True
            key.rotation_period_days = days
            key.next_rotation_date = time.time() + days * DAY
            tx.update_kms_key(key)

        await self.store.write(enable)

    async def disable_rotation(self, caller: Caller, ref: str) -> None:
        def disable(tx: RegionTx) -> None:
            key = self._own_key(tx, caller, ref)
            authorize_key(caller, self.keys, "kms:DisableKeyRotation", key)
            _require_usable_for_rotation(key)
            key.rotation_enabled = False
            key.next_rotation_date = None
            tx.update_kms_key(key)

        await self.store.write(disable)

    def rotation_status(self, caller: Caller, ref: str) -> RotationStatus:
        key = self.keys.resolve(self.store.reader(), caller.principal.account_id, ref)
        authorize_key(caller, self.keys, "kms:GetKeyRotationStatus", key)
        # A key pending deletion reports rotation off, as AWS does.
        return RotationStatus(key, key.rotation_enabled and key.key_state != "PendingDeletion")

    async def rotate_now(self, caller: Caller, ref: str) -> KmsKeyRecord:
        def rotate(tx: RegionTx) -> KmsKeyRecord:
            key = self._own_key(tx, caller, ref)
            authorize_key(caller, self.keys, "kms:RotateKeyOnDemand", key)
            _require_usable_for_rotation(key)
            on_demand = [m for m in tx.kms_materials(key.key_id) if m.rotation_type == "ON_DEMAND"]
            if len(on_demand) >= MAX_ON_DEMAND_ROTATIONS:
                raise errors.limit_exceeded(
                    f"The on-demand rotations limit has been reached for {key.arn}. "
                    f"A key can be rotated on demand at most {MAX_ON_DEMAND_ROTATIONS} times."
                )
            self.keys.rotate(tx, key, "ON_DEMAND", time.time())
            return key

        return await self.store.write(rotate)

    def materials(self, caller: Caller, ref: str) -> tuple[KmsKeyRecord, list[KmsMaterialRecord]]:
        tx = self.store.reader()
        key = self._own_key(tx, caller, ref)
        authorize_key(caller, self.keys, "kms:ListKeyRotations", key)
        return key, tx.kms_materials(key.key_id)

    async def rotate_due(self, now: float) -> int:
        """Automatic rotation of every enabled key whose NextRotationDate has passed."""

        def rotate(tx: RegionTx) -> int:
            due = tx.kms_keys_to_rotate(now)
            for key in due:
                period = (key.rotation_period_days or DEFAULT_ROTATION_DAYS) * DAY
                key.next_rotation_date = now + period
                self.keys.rotate(tx, key, "AUTOMATIC", now)
            return len(due)

        return await self.store.write(rotate)
