"""IAM and STS for one Kinko: users, access keys, roles, inline policies, sessions."""

from __future__ import annotations

from kinko.domain.crypto import RootKey
from kinko.domain.iam.access import identity_policies
from kinko.domain.iam.inline import InlinePolicies
from kinko.domain.iam.keys import AccessKeys
from kinko.domain.iam.roles import Roles
from kinko.domain.iam.sessions import Sessions
from kinko.domain.iam.users import Users
from kinko.domain.identity import Principal
from kinko.storage.interface import GlobalStore


class IamService:
    def __init__(self, store: GlobalStore, root_key: RootKey) -> None:
        self._store = store
        self.users = Users(store)
        self.keys = AccessKeys(store, root_key)
        self.roles = Roles(store)
        self.policies = InlinePolicies(store)
        self.sessions = Sessions(store, root_key)

    def identity_policies(self, principal: Principal) -> list[str]:
        """The identity-based policy documents in force for `principal` ([] for the root)."""
        return identity_policies(self._store.reader(), principal)

    def account_created_date(self, account_id: str) -> float | None:
        return self._store.reader().account_created_date(account_id)
