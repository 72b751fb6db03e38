"""IAM users: one namespace per account and partition, names unique ignoring case."""

from __future__ import annotations

from kinko.domain.iam.arns import Scope
from kinko.domain.iam.errors import already_exists, delete_conflict, no_such_user
from kinko.domain.iam.ids import new_user_id
from kinko.storage.interface import GlobalStore, GlobalTx
from kinko.storage.records import IamUserRecord


class Users:
    def __init__(self, store: GlobalStore) -> None:
        self._store = store

    def find(self, scope: Scope, name: str) -> IamUserRecord | None:
        return self._store.reader().iam_user(scope.account_id, scope.partition, name)

    def get(self, scope: Scope, name: str) -> IamUserRecord:
        user = self.find(scope, name)
        if user is None:
            raise no_such_user(name)
        return user

    def matching(self, scope: Scope, path_prefix: str = "/") -> list[IamUserRecord]:
        users = self._store.reader().iam_users(scope.account_id, scope.partition)
        return [user for user in users if user.path.startswith(path_prefix)]

    async def create(
        self, scope: Scope, name: str, path: str, tags: list[dict[str, str]], now: float
    ) -> IamUserRecord:
        user = IamUserRecord(
            user_id=new_user_id(),
            account_id=scope.account_id,
            partition=scope.partition,
            user_name=name,
            path=path,
            arn=scope.user_arn(path, name),
            created_date=now,
            tags=tags,
        )

        def create(tx: GlobalTx) -> IamUserRecord:
            if tx.iam_user(scope.account_id, scope.partition, name) is not None:
                raise already_exists("User", name)
            tx.insert_iam_user(user)
            return user

        return await self._store.write(create)

    async def delete(self, scope: Scope, name: str) -> None:
        def delete(tx: GlobalTx) -> None:
            user = tx.iam_user(scope.account_id, scope.partition, name)
            if user is None:
                raise no_such_user(name)
            if tx.access_keys(scope.account_id, user.user_id):
                raise delete_conflict("access keys")
            if tx.inline_policies(user.user_id):
                raise delete_conflict("policies")
            tx.delete_iam_user(user.user_id)

        await self._store.write(delete)
