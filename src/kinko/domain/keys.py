"""KMS keys of one region: the AWS managed key, data keys, key states.

Key material is wrapped by the root key in storage and cached unwrapped in memory
only. Customer keys and the KMS API come with the KMS issue; resolution already
accepts every form a key can be named by (id, ARN, alias name, alias ARN).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from kinko.domain.crypto import RootKey, new_key, seal, unseal
from kinko.storage.interface import RegionTx
from kinko.storage.records import KmsKeyRecord

SECRETS_MANAGER_ALIAS = "alias/aws/secretsmanager"


class KeyUnavailable(Exception):
    """The key cannot be used: missing, disabled or pending deletion. Says which."""


@dataclass(frozen=True)
class DataKey:
    key_id: str
    plaintext: bytes
    wrapped: bytes


class KeyService:
    def __init__(self, root: RootKey, region: str, partition: str) -> None:
        self._root = root
        self.region = region
        self.partition = partition
        self._material: dict[str, bytes] = {}

    def key_arn(self, account_id: str, key_id: str) -> str:
        return f"arn:{self.partition}:kms:{self.region}:{account_id}:key/{key_id}"

    def alias_arn(self, account_id: str, alias: str) -> str:
        return f"arn:{self.partition}:kms:{self.region}:{account_id}:{alias}"

    def find(self, tx: RegionTx, account_id: str, ref: str) -> KmsKeyRecord | None:
        """The key named by id, key ARN, alias name or alias ARN, in this region."""
        prefix = f"arn:{self.partition}:kms:{self.region}:"
        if ref.startswith("arn:"):
            if not ref.startswith(prefix):
                return None
            owner, _, resource = ref[len(prefix) :].partition(":")
            account_id, ref = owner, resource
            if ref.startswith("key/"):
                ref = ref[4:]
        if ref.startswith("alias/"):
            key_id = tx.kms_alias(account_id, ref)
            if key_id is None:
                return None
            ref = key_id
        key = tx.kms_key(ref)
        return key if key is not None and key.account_id == account_id else None

    def managed_key(self, tx: RegionTx, account_id: str) -> KmsKeyRecord | None:
        return self.find(tx, account_id, SECRETS_MANAGER_ALIAS)

    def ensure_managed_key(self, tx: RegionTx, account_id: str) -> KmsKeyRecord:
        """aws/secretsmanager, created in this region on first use (inside a write)."""
        existing = self.managed_key(tx, account_id)
        if existing is not None:
            return existing
        key_id = str(uuid.uuid4())
        arn = self.key_arn(account_id, key_id)
        key = KmsKeyRecord(
            key_id=key_id,
            account_id=account_id,
            arn=arn,
            key_manager="AWS",
            key_state="Enabled",
            material=self._root.wrap(new_key(), arn),
            created_date=time.time(),
            description="Default key that protects my Secrets Manager data when no other "
            "key is defined",
        )
        tx.insert_kms_key(key)
        tx.set_kms_alias(account_id, SECRETS_MANAGER_ALIAS, key_id)
        return key

    def _usable_material(self, key: KmsKeyRecord) -> bytes:
        if key.key_state == "Disabled":
            raise KeyUnavailable(f"{key.arn} is disabled.")
        if key.key_state != "Enabled":
            raise KeyUnavailable(f"{key.arn} is pending deletion.")
        material = self._material.get(key.key_id)
        if material is None:
            material = self._material[key.key_id] = self._root.unwrap(key.material, key.arn)
        return material

    def generate_data_key(self, key: KmsKeyRecord, context: bytes) -> DataKey:
        plaintext = new_key()
        wrapped = seal(self._usable_material(key), plaintext, b"kinko-dek:" + context)
        return DataKey(key.key_id, plaintext, wrapped)

    def decrypt_data_key(self, tx: RegionTx, key_id: str, wrapped: bytes, context: bytes) -> bytes:
        key = tx.kms_key(key_id)
        if key is None:
            raise KeyUnavailable(f"The KMS key {key_id} does not exist.")
        return unseal(self._usable_material(key), wrapped, b"kinko-dek:" + context)
