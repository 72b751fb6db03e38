"""IAM roles: a trust policy (who may assume the role) and a maximum session duration."""

from __future__ import annotations

from dataclasses import dataclass

from kinko.domain.iam.arns import Scope
from kinko.domain.iam.documents import check_trust_policy
from kinko.domain.iam.errors import already_exists, delete_conflict, no_such_role
from kinko.domain.iam.ids import new_role_id
from kinko.storage.interface import GlobalStore, GlobalTx
from kinko.storage.records import IamRoleRecord

DEFAULT_MAX_SESSION_DURATION = 3600


@dataclass(frozen=True)
class NewRole:
    name: str
    trust_policy: str
    path: str = "/"
    description: str | None = None
    max_session_duration: int = DEFAULT_MAX_SESSION_DURATION
    tags: tuple[tuple[str, str], ...] = ()


class Roles:
    def __init__(self, store: GlobalStore) -> None:
        self._store = store

    def find(self, scope: Scope, name: str) -> IamRoleRecord | None:
        return self._store.reader().iam_role(scope.account_id, scope.partition, name)

    def get(self, scope: Scope, name: str) -> IamRoleRecord:
        role = self.find(scope, name)
        if role is None:
            raise no_such_role(name)
        return role

    def matching(self, scope: Scope, path_prefix: str = "/") -> list[IamRoleRecord]:
        roles = self._store.reader().iam_roles(scope.account_id, scope.partition)
        return [role for role in roles if role.path.startswith(path_prefix)]

    async def create(self, scope: Scope, new: NewRole, now: float) -> IamRoleRecord:
        check_trust_policy(new.trust_policy)
        role = IamRoleRecord(
            role_id=new_role_id(),
            account_id=scope.account_id,
            partition=scope.partition,
            role_name=new.name,
            path=new.path,
            arn=scope.role_arn(new.path, new.name),
            trust_policy=new.trust_policy,
            max_session_duration=new.max_session_duration,
            created_date=now,
            description=new.description,
            tags=[{"Key": key, "Value": value} for key, value in new.tags],
        )

        def create(tx: GlobalTx) -> IamRoleRecord:
            if tx.iam_role(scope.account_id, scope.partition, new.name) is not None:
                raise already_exists("Role", new.name)
            tx.insert_iam_role(role)
            return role

        return await self._store.write(create)

    async def delete(self, scope: Scope, name: str) -> None:
        def delete(tx: GlobalTx) -> None:
            role = tx.iam_role(scope.account_id, scope.partition, name)
            if role is None:
                raise no_such_role(name)
            if tx.inline_policies(role.role_id):
                raise delete_conflict("policies")
            tx.delete_iam_role(role.role_id)

        await self._store.write(delete)
