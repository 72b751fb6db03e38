"""Inline policies of users and roles: put (create or replace), get, list, delete."""

from __future__ import annotations

from dataclasses import dataclass

from kinko.domain.iam.arns import Scope
from kinko.domain.iam.documents import check_identity_policy, check_inline_total
from kinko.domain.iam.errors import no_such_policy, no_such_role, no_such_user
from kinko.storage.interface import GlobalStore, GlobalTx
from kinko.storage.records import InlinePolicyRecord


@dataclass(frozen=True)
class PolicyOwner:
    scope: Scope
    kind: str  # "user" or "role"
    owner_id: str
    name: str

    def check_exists(self, tx: GlobalTx) -> None:
        account, partition = self.scope.account_id, self.scope.partition
        if self.kind == "user":
            user = tx.iam_user(account, partition, self.name)
            if user is None or user.user_id != self.owner_id:
                raise no_such_user(self.name)
        else:
            role = tx.iam_role(account, partition, self.name)
            if role is None or role.role_id != self.owner_id:
                raise no_such_role(self.name)


class InlinePolicies:
    def __init__(self, store: GlobalStore) -> None:
        self._store = store

    def names(self, owner: PolicyOwner) -> list[str]:
        return [p.policy_name for p in self._store.reader().inline_policies(owner.owner_id)]

    def get(self, owner: PolicyOwner, name: str) -> InlinePolicyRecord:
        policy = self._store.reader().inline_policy(owner.owner_id, name)
        if policy is None:
            raise no_such_policy(owner.kind, name)
        return policy

    async def put(self, owner: PolicyOwner, name: str, document: str) -> None:
        check_identity_policy(document)
        policy = InlinePolicyRecord(owner.owner_id, name, document)

        def put(tx: GlobalTx) -> None:
            owner.check_exists(tx)
            existing = tx.inline_policies(owner.owner_id)
            others = [p.document for p in existing if p.policy_name != name]
            check_inline_total(owner.kind, owner.name, [*others, document])
            tx.put_inline_policy(policy)

        await self._store.write(put)

    async def delete(self, owner: PolicyOwner, name: str) -> None:
        def delete(tx: GlobalTx) -> None:
            owner.check_exists(tx)
            if tx.inline_policy(owner.owner_id, name) is None:
                raise no_such_policy(owner.kind, name)
            tx.delete_inline_policy(owner.owner_id, name)

        await self._store.write(delete)
