"""KeyService: one region's KMS keys as the domain uses them.

Finding keys by any of their names, the AWS managed key, key material (created, rotated,
unwrapped), and the cryptography every caller of KMS shares: sealing and opening
ciphertext blobs (`kinko.domain.kms.blob`) and data keys.

Key material is wrapped by the root key, bound to the key ARN and material version, and
never stored in clear; unwrapped material is cached in memory only, keyed by (key id,
material version). That is safe: key ids are never reused, so an entry cached inside a
transaction that then rolls back (a new key used at once) can never be looked up again;
and rotation, which adds versions to existing keys, runs in transactions that use no
material. A key record carries its current material, so encrypting needs no extra read.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from kinko.domain.crypto import IntegrityError, RootKey, new_key, unseal
from kinko.domain.kms import blob, errors
from kinko.domain.kms.policies import default_key_policy, managed_key_policy
from kinko.domain.kms.refs import KeyRef, parse_ref
from kinko.storage.interface import RegionTx
from kinko.storage.records import KmsAliasRecord, KmsKeyRecord, KmsMaterialRecord

SECRETS_MANAGER_ALIAS = "alias/aws/secretsmanager"
MANAGED_DESCRIPTION = (
    "Default key that protects my Secrets Manager data when no other key is defined"
)
MANAGED_ROTATION_DAYS = 365
DAY = 86400.0
Context = Mapping[str, str]


@dataclass(frozen=True)
class Material:
    version: int
    key: bytes  # unwrapped
    material_id: str


@dataclass(frozen=True)
class DataKey:
    key_id: str
    plaintext: bytes
    wrapped: bytes  # a ciphertext blob


def require_enabled(key: KmsKeyRecord) -> None:
    """DisabledException / KMSInvalidStateException unless the key may be used."""
    if key.key_state == "Disabled":
        raise errors.disabled(key.arn)
    if key.key_state == "PendingDeletion":
        raise errors.pending_deletion(key.arn)


class KeyService:
    def __init__(self, root: RootKey, region: str, partition: str) -> None:
        self._root = root
        self.region = region
        self.partition = partition
        self._materials: dict[tuple[str, int], Material] = {}

    # --- names ---------------------------------------------------------------------

    def key_arn(self, account_id: str, key_id: str) -> str:
        return f"arn:{self.partition}:kms:{self.region}:{account_id}:key/{key_id}"

    def alias_arn(self, account_id: str, alias: str) -> str:
        return f"arn:{self.partition}:kms:{self.region}:{account_id}:{alias}"

    def parse(self, account_id: str, ref: str) -> KeyRef:
        return parse_ref(ref, account_id, self.region, self.partition)

    def resolve(
        self, tx: RegionTx, account_id: str, ref: str, *, cross_account: bool = True
    ) -> KmsKeyRecord:
        """The key `ref` names for a caller of `account_id`, or AWS's NotFoundException.

        `cross_account=False` is for operations AWS allows only on the caller's own keys.
        """
        named = self.parse(account_id, ref)
        foreign = named.account_id != account_id and not cross_account
        if named.alias_name is not None:
            key_id = None if foreign else tx.kms_alias(named.account_id, named.alias_name)
            if key_id is None:
                raise errors.alias_not_found(self.alias_arn(named.account_id, named.alias_name))
        else:
            assert named.key_id is not None
            key_id = named.key_id
        key = None if foreign else tx.kms_key(key_id)
        if key is None or key.account_id != named.account_id:
            raise errors.key_not_found(self.key_arn(named.account_id, key_id))
        return key

    def find(self, tx: RegionTx, account_id: str, ref: str) -> KmsKeyRecord | None:
        """Like resolve, None instead of an error."""
        try:
            return self.resolve(tx, account_id, ref)
        except errors.KmsError:
            return None

    def names_managed_key(self, account_id: str, ref: str) -> bool:
        return ref in (SECRETS_MANAGER_ALIAS, self.alias_arn(account_id, SECRETS_MANAGER_ALIAS))

    def policy_of(self, key: KmsKeyRecord) -> str:
        if key.policy is not None:
            return key.policy
        if key.key_manager == "AWS":
            return managed_key_policy(self.partition, self.region, key.account_id)
        return default_key_policy(self.partition, key.account_id)

    # --- creation and rotation -----------------------------------------------------

    def create(
        self,
        tx: RegionTx,
        account_id: str,
        *,
        key_manager: str = "CUSTOMER",
        description: str = "",
        policy: str | None = None,
        tags: list[dict[str, str]] | None = None,
        now: float | None = None,
    ) -> KmsKeyRecord:
        """A new enabled key with its first material (inside a write)."""
        now = time.time() if now is None else now
        key_id = str(uuid.uuid4())
        arn = self.key_arn(account_id, key_id)
        first = self._new_material(key_id, arn, 1, now, None)
        key = KmsKeyRecord(
            key_id=key_id,
            account_id=account_id,
            arn=arn,
            key_manager=key_manager,
            key_state="Enabled",
            material=first.material,
            material_id=first.material_id,
            created_date=now,
            description=description,
            policy=policy,
            tags=list(tags or []),
        )
        if key_manager == "AWS":
            key.rotation_enabled = True
            key.rotation_period_days = MANAGED_ROTATION_DAYS
            key.next_rotation_date = now + MANAGED_ROTATION_DAYS * DAY
        tx.insert_kms_key(key)
        return key

    def rotate(self, tx: RegionTx, key: KmsKeyRecord, rotation_type: str, now: float) -> None:
        """New material encrypts from now on; every older version keeps decrypting."""
        record = self._new_material(
            key.key_id, key.arn, key.material_version + 1, now, rotation_type
        )
        tx.insert_kms_material(record)
        key.material_version = record.version
        key.material = record.material
        key.material_id = record.material_id
        key.material_legacy = False
        tx.update_kms_key(key)

    def _new_material(
        self, key_id: str, arn: str, version: int, now: float, rotation_type: str | None
    ) -> KmsMaterialRecord:
        return KmsMaterialRecord(
            key_id=key_id,
            version=version,
            material=self._root.wrap(new_key(), _wrap_context(arn, version, legacy=False)),
            material_id=os.urandom(32).hex(),
            created_date=now,
            rotation_type=rotation_type,
        )

    def material(self, key: KmsKeyRecord, version: int, tx: RegionTx | None = None) -> Material:
        """Unwrapped material of `key`: the current version from the key record itself,
        an older one from storage (`tx`)."""
        found = self._materials.get((key.key_id, version))
        if found is not None:
            return found
        if version == key.material_version:
            wrapped, material_id, legacy = key.material, key.material_id, key.material_legacy
        else:
            record = tx.kms_material(key.key_id, version) if tx is not None else None
            if record is None:
                raise errors.invalid_ciphertext()
            wrapped, material_id, legacy = record.material, record.material_id, record.legacy_wrap
        plaintext = self._root.unwrap(wrapped, _wrap_context(key.arn, version, legacy=legacy))
        found = self._materials[(key.key_id, version)] = Material(version, plaintext, material_id)
        return found

    def forget(self, key_id: str) -> None:
        """Drop a destroyed key's material from the cache."""
        for cached in [k for k in self._materials if k[0] == key_id]:
            del self._materials[cached]

    # --- the AWS managed key -------------------------------------------------------

    def managed_key(self, tx: RegionTx, account_id: str) -> KmsKeyRecord | None:
        key_id = tx.kms_alias(account_id, SECRETS_MANAGER_ALIAS)
        return tx.kms_key(key_id) if key_id is not None else None

    def ensure_managed_key(self, tx: RegionTx, account_id: str) -> KmsKeyRecord:
        """aws/secretsmanager, created in this region on first use (inside a write)."""
        existing = self.managed_key(tx, account_id)
        if existing is not None:
            return existing
        now = time.time()
        key = self.create(
            tx, account_id, key_manager="AWS", description=MANAGED_DESCRIPTION, now=now
        )
        tx.insert_kms_alias(KmsAliasRecord(account_id, SECRETS_MANAGER_ALIAS, key.key_id, now, now))
        return key

    # --- cryptography --------------------------------------------------------------

    def encrypt(
        self, key: KmsKeyRecord, plaintext: bytes, context: Context | None
    ) -> tuple[bytes, Material]:
        require_enabled(key)
        material = self.material(key, key.material_version)
        sealed = blob.seal_blob(material.key, key.key_id, material.version, plaintext, context)
        return sealed, material

    @staticmethod
    def parse_blob(data: bytes) -> blob.Blob:
        parsed = blob.parse(data)
        if parsed is None:
            raise errors.invalid_ciphertext()
        return parsed

    def decrypt(
        self, tx: RegionTx, key: KmsKeyRecord, parsed: blob.Blob, context: Context | None
    ) -> tuple[bytes, Material]:
        """Open a blob sealed by `key` (the caller matched blob and key and authorized)."""
        require_enabled(key)
        if parsed.material_version > key.material_version:
            raise errors.invalid_ciphertext()
        material = self.material(key, parsed.material_version, tx)
        try:
            return blob.open_blob(material.key, parsed, context), material
        except IntegrityError:
            raise errors.invalid_ciphertext() from None

    def generate_data_key(self, key: KmsKeyRecord, context: Context) -> DataKey:
        plaintext = new_key()
        wrapped, _ = self.encrypt(key, plaintext, context)
        return DataKey(key.key_id, plaintext, wrapped)

    def decrypt_data_key(
        self,
        tx: RegionTx,
        key: KmsKeyRecord,
        wrapped: bytes,
        context: Context,
        legacy_context: bytes,
    ) -> bytes:
        """A data key from `generate_data_key`, or one wrapped before blobs existed
        (material 1, associated data "kinko-dek:" + `legacy_context`)."""
        parsed = blob.parse(wrapped)
        if parsed is not None and parsed.key_id == key.key_id:
            return self.decrypt(tx, key, parsed, context)[0]
        require_enabled(key)
        material = self.material(key, 1, tx)
        try:
            return unseal(material.key, wrapped, b"kinko-dek:" + legacy_context)
        except IntegrityError:
            raise errors.invalid_ciphertext() from None


def _wrap_context(key_arn: str, version: int, *, legacy: bool) -> str:
    """What a material's root-key wrapping is bound to."""
    return key_arn if legacy else f"{key_arn}|material:{version}"
