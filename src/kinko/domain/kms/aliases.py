"""Aliases: friendly names for keys, unique per account and region.

Names start with "alias/"; "alias/aws/" is AWS's (the managed key's alias lives there),
so callers can neither create, repoint nor delete one. Creating or moving an alias needs
permission on the alias (IAM) and on the keys involved (their key policies).
"""

from __future__ import annotations

import time

from kinko.domain.identity import Caller
from kinko.domain.kms import errors
from kinko.domain.kms.access import authorize_account, authorize_key
from kinko.domain.kms.keys import KeyService
from kinko.domain.kms.refs import ALIAS_PREFIX
from kinko.storage.interface import RegionStore, RegionTx
from kinko.storage.records import KmsAliasRecord, KmsKeyRecord

RESERVED_PREFIX = "alias/aws/"


def check_alias_name(name: str) -> None:
    """Alias names callers may manage (the model has checked length and characters)."""
    if not name.startswith(ALIAS_PREFIX):
        raise errors.alias_prefix()
    if name.startswith(RESERVED_PREFIX):
        raise errors.reserved_alias()
    if ":" in name:
        raise errors.alias_characters(name)
    if name in (ALIAS_PREFIX, "alias/aws") or name.endswith("/"):
        raise errors.invalid_alias_name(name)


class Aliases:
    def __init__(self, store: RegionStore, keys: KeyService) -> None:
        self.store = store
        self.keys = keys

    def _authorize_alias(self, caller: Caller, action: str, name: str) -> None:
        account = caller.principal.account_id
        caller.authorize(
            action,
            self.keys.alias_arn(account, name),
            resource_account=account,
            context={"kms:CallerAccount": account},
        )

    def _target(self, tx: RegionTx, caller: Caller, ref: str, action: str) -> KmsKeyRecord:
        key = self.keys.resolve(tx, caller.principal.account_id, ref, cross_account=False)
        authorize_key(caller, self.keys, action, key)
        if key.key_state == "PendingDeletion":
            raise errors.pending_deletion(key.arn)
        return key

    async def create(self, caller: Caller, name: str, target: str) -> None:
        check_alias_name(name)
        account = caller.principal.account_id

        def create(tx: RegionTx) -> None:
            self._authorize_alias(caller, "kms:CreateAlias", name)
            key = self._target(tx, caller, target, "kms:CreateAlias")
            if tx.kms_alias(account, name) is not None:
                raise errors.alias_exists(self.keys.alias_arn(account, name))
            now = time.time()
            tx.insert_kms_alias(KmsAliasRecord(account, name, key.key_id, now, now))

        await self.store.write(create)

    async def update(self, caller: Caller, name: str, target: str) -> None:
        check_alias_name(name)
        account = caller.principal.account_id

        def update(tx: RegionTx) -> None:
            self._authorize_alias(caller, "kms:UpdateAlias", name)
            alias = self._existing(tx, account, name)
            current = tx.kms_key(alias.key_id)
            if current is not None:
                authorize_key(caller, self.keys, "kms:UpdateAlias", current)
            key = self._target(tx, caller, target, "kms:UpdateAlias")
            alias.key_id = key.key_id
            alias.last_updated_date = time.time()
            tx.update_kms_alias(alias)

        await self.store.write(update)

    async def delete(self, caller: Caller, name: str) -> None:
        check_alias_name(name)
        account = caller.principal.account_id

        def delete(tx: RegionTx) -> None:
            self._authorize_alias(caller, "kms:DeleteAlias", name)
            alias = self._existing(tx, account, name)
            key = tx.kms_key(alias.key_id)
            if key is not None:
                authorize_key(caller, self.keys, "kms:DeleteAlias", key)
            tx.delete_kms_alias(account, name)

        await self.store.write(delete)

    def _existing(self, tx: RegionTx, account: str, name: str) -> KmsAliasRecord:
        alias = tx.kms_alias_record(account, name)
        if alias is None:
            raise errors.alias_not_found(self.keys.alias_arn(account, name))
        return alias

    def list(self, caller: Caller, key_ref: str | None) -> list[KmsAliasRecord]:
        tx = self.store.reader()
        account = caller.principal.account_id
        key_id = None
        if key_ref is not None:
            key_id = self.keys.resolve(tx, account, key_ref, cross_account=False).key_id
        authorize_account(caller, "kms:ListAliases")
        aliases = tx.kms_aliases(account)
        return [a for a in aliases if key_id is None or a.key_id == key_id]
