"""Encrypt, Decrypt, GenerateDataKey(WithoutPlaintext), ReEncrypt, GenerateRandom.

The encryption context is bound to the ciphertext as associated data: Decrypt with any
other context fails with InvalidCiphertextException. Decrypt needs no KeyId for a
symmetric key, since the blob names its key; a KeyId that names another key is refused
with IncorrectKeyException.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from kinko.domain.identity import Caller
from kinko.domain.kms import errors
from kinko.domain.kms.access import SYMMETRIC, authorize_account, authorize_key, context_facts
from kinko.domain.kms.blob import Blob
from kinko.domain.kms.keys import KeyService
from kinko.domain.kms.refs import alias_of
from kinko.storage.interface import RegionStore, RegionTx
from kinko.storage.records import KmsKeyRecord

Context = Mapping[str, str]
KEY_SPEC_BYTES = {"AES_256": 32, "AES_128": 16}


@dataclass(frozen=True)
class Sealed:
    key: KmsKeyRecord
    ciphertext: bytes
    material_id: str
    plaintext: bytes | None = None  # GenerateDataKey's plaintext copy


@dataclass(frozen=True)
class Opened:
    key: KmsKeyRecord
    plaintext: bytes
    material_id: str


@dataclass(frozen=True)
class ReSealed:
    source: Opened
    destination: Sealed


def check_algorithm(algorithm: str | None) -> None:
    if algorithm not in (None, SYMMETRIC):
        raise errors.KmsError(
            "InvalidKeyUsageException",
            f"Algorithm {algorithm} is incompatible with key spec {SYMMETRIC}.",
        )


def data_key_size(key_spec: str | None, number_of_bytes: int | None) -> int:
    if (key_spec is None) == (number_of_bytes is None):
        raise errors.validation("Please specify either number of bytes or key spec.")
    return KEY_SPEC_BYTES[key_spec] if key_spec is not None else int(number_of_bytes or 0)


def _facts(
    ref: str | None, context: Context | None, action_facts: dict[str, str]
) -> dict[str, str | list[str] | None]:
    facts: dict[str, str | list[str] | None] = {**context_facts(context), **action_facts}
    alias = alias_of(ref) if ref else None
    if alias is not None:
        facts["kms:RequestAlias"] = alias
    return facts


class Cryptography:
    def __init__(self, store: RegionStore, keys: KeyService) -> None:
        self.store = store
        self.keys = keys

    def _usable_key(
        self, tx: RegionTx, caller: Caller, ref: str, action: str, context: Context | None
    ) -> KmsKeyRecord:
        key = self.keys.resolve(tx, caller.principal.account_id, ref)
        facts = _facts(ref, context, {"kms:EncryptionAlgorithm": SYMMETRIC})
        authorize_key(caller, self.keys, action, key, facts)
        return key

    def encrypt(
        self, caller: Caller, ref: str, plaintext: bytes, context: Context | None, dry_run: bool
    ) -> Sealed:
        tx = self.store.reader()
        key = self._usable_key(tx, caller, ref, "kms:Encrypt", context)
        if dry_run:
            raise errors.dry_run()
        ciphertext, material = self.keys.encrypt(key, plaintext, context)
        return Sealed(key, ciphertext, material.material_id)

    def generate_data_key(
        self,
        caller: Caller,
        ref: str,
        size: int,
        context: Context | None,
        with_plaintext: bool,
        dry_run: bool,
    ) -> Sealed:
        action = "kms:GenerateDataKey" if with_plaintext else "kms:GenerateDataKeyWithoutPlaintext"
        tx = self.store.reader()
        key = self._usable_key(tx, caller, ref, action, context)
        if dry_run:
            raise errors.dry_run()
        plaintext = os.urandom(size)
        ciphertext, material = self.keys.encrypt(key, plaintext, context)
        return Sealed(key, ciphertext, material.material_id, plaintext if with_plaintext else None)

    def _open(
        self,
        tx: RegionTx,
        caller: Caller,
        data: bytes,
        ref: str | None,
        context: Context | None,
        action: str,
        action_facts: dict[str, str],
    ) -> tuple[KmsKeyRecord, Blob]:
        """The key that sealed `data`, once the caller may `action` with it."""
        parsed = self.keys.parse_blob(data)
        if ref is not None:
            named = self.keys.resolve(tx, caller.principal.account_id, ref)
            if named.key_id != parsed.key_id:
                raise errors.incorrect_key()
        key = tx.kms_key(parsed.key_id)
        if key is None:
            raise errors.ciphertext_key_unavailable()
        authorize_key(caller, self.keys, action, key, _facts(ref, context, action_facts))
        return key, parsed

    def decrypt(
        self,
        caller: Caller,
        data: bytes,
        ref: str | None,
        context: Context | None,
        dry_run: bool,
    ) -> Opened:
        tx = self.store.reader()
        key, parsed = self._open(
            tx, caller, data, ref, context, "kms:Decrypt", {"kms:EncryptionAlgorithm": SYMMETRIC}
        )
        if dry_run:
            raise errors.dry_run()
        plaintext, material = self.keys.decrypt(tx, key, parsed, context)
        return Opened(key, plaintext, material.material_id)

    def re_encrypt(
        self,
        caller: Caller,
        data: bytes,
        source_ref: str | None,
        source_context: Context | None,
        destination_ref: str,
        destination_context: Context | None,
        dry_run: bool,
    ) -> ReSealed:
        tx = self.store.reader()
        account = caller.principal.account_id
        destination = self.keys.resolve(tx, account, destination_ref)
        parsed_key_id = self.keys.parse_blob(data).key_id
        same_key = str(parsed_key_id == destination.key_id).lower()
        source, parsed = self._open(
            tx,
            caller,
            data,
            source_ref,
            source_context,
            "kms:ReEncryptFrom",
            {"kms:ReEncryptOnSameKey": same_key, "kms:EncryptionAlgorithm": SYMMETRIC},
        )
        facts = _facts(
            destination_ref,
            destination_context,
            {"kms:ReEncryptOnSameKey": same_key, "kms:EncryptionAlgorithm": SYMMETRIC},
        )
        authorize_key(caller, self.keys, "kms:ReEncryptTo", destination, facts)
        if dry_run:
            raise errors.dry_run()
        plaintext, source_material = self.keys.decrypt(tx, source, parsed, source_context)
        ciphertext, material = self.keys.encrypt(destination, plaintext, destination_context)
        return ReSealed(
            Opened(source, plaintext, source_material.material_id),
            Sealed(destination, ciphertext, material.material_id),
        )

    @staticmethod
    def random(caller: Caller, size: int) -> bytes:
        authorize_account(caller, "kms:GenerateRandom")
        return os.urandom(size)
