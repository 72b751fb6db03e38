"""Access keys of IAM users and of the account root: at most two each, Active or Inactive.

A key's secret is wrapped by the root key (associated data: the key id). A change of
status or a deletion is committed before the call returns, and the authenticator reads
the store on every request, so an inactive or deleted key is refused at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from kinko.domain.crypto import RootKey
from kinko.domain.iam.arns import Scope
from kinko.domain.iam.errors import limit_exceeded, no_such_access_key, no_such_user
from kinko.domain.iam.ids import new_access_key_id, new_secret_access_key
from kinko.domain.identity import root_arn
from kinko.storage.interface import GlobalStore, GlobalTx
from kinko.storage.records import AccessKeyRecord, IamUserRecord

MAX_KEYS = 2
QUOTA = f"Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS}"


@dataclass(frozen=True)
class KeyOwner:
    """An IAM user, or the account root (user None)."""

    scope: Scope
    user: IamUserRecord | None = None

    @property
    def user_id(self) -> str | None:
        return self.user.user_id if self.user else None

    @property
    def user_name(self) -> str | None:
        return self.user.user_name if self.user else None

    @property
    def arn(self) -> str:
        # The root's keys carry the aws-partition root ARN, as the bootstrap key does; the
        # authenticator gives the root the ARN of the partition each request is signed for.
        return self.user.arn if self.user else root_arn("aws", self.scope.account_id)

    def owns(self, key: AccessKeyRecord) -> bool:
        return key.account_id == self.scope.account_id and key.user_id == self.user_id

    def check_exists(self, tx: GlobalTx) -> None:
        if self.user is None:
            return
        scope = self.scope
        found = tx.iam_user(scope.account_id, scope.partition, self.user.user_name)
        if found is None or found.user_id != self.user.user_id:
            raise no_such_user(self.user.user_name)


class AccessKeys:
    def __init__(self, store: GlobalStore, root_key: RootKey) -> None:
        self._store = store
        self._root_key = root_key

    def list(self, owner: KeyOwner) -> list[AccessKeyRecord]:
        return self._store.reader().access_keys(owner.scope.account_id, owner.user_id)

    async def create(self, owner: KeyOwner, now: float) -> tuple[AccessKeyRecord, str]:
        """The new key and its secret access key (shown once)."""
        key_id = new_access_key_id()
        secret = new_secret_access_key()
        record = AccessKeyRecord(
            access_key_id=key_id,
            account_id=owner.scope.account_id,
            principal_arn=owner.arn,
            secret_wrapped=self._root_key.wrap(secret.encode(), key_id),
            status="Active",
            created_date=now,
            user_name=owner.user_name,
            partition=owner.scope.partition if owner.user else None,
            user_id=owner.user_id,
        )

        def create(tx: GlobalTx) -> None:
            owner.check_exists(tx)
            if len(tx.access_keys(owner.scope.account_id, owner.user_id)) >= MAX_KEYS:
                raise limit_exceeded(QUOTA)
            tx.insert_access_key(record)

        await self._store.write(create)
        return record, secret

    def _owned(self, tx: GlobalTx, owner: KeyOwner, access_key_id: str) -> AccessKeyRecord:
        owner.check_exists(tx)
        key = tx.access_key(access_key_id)
        if key is None or not owner.owns(key):
            raise no_such_access_key(access_key_id)
        return key

    async def set_status(self, owner: KeyOwner, access_key_id: str, status: str) -> None:
        def update(tx: GlobalTx) -> None:
            self._owned(tx, owner, access_key_id)
            tx.set_access_key_status(access_key_id, status)

        await self._store.write(update)

    async def delete(self, owner: KeyOwner, access_key_id: str) -> None:
        def delete(tx: GlobalTx) -> None:
            self._owned(tx, owner, access_key_id)
            tx.delete_access_key(access_key_id)

        await self._store.write(delete)
