"""Who is calling: access keys resolved to principals.

The bootstrap admin is its account's root principal. IAM users, roles and session
credentials come with the security issue and plug in here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from kinko.domain.crypto import RootKey
from kinko.storage.interface import GlobalStore


@dataclass(frozen=True)
class Principal:
    account_id: str
    arn: str  # arn:aws:iam::123456789012:root, …:user/name, arn:aws:sts::…:assumed-role/r/s
    kind: str = "root"  # "root", "user" or "assumed-role"
    name: str | None = None  # the user's name, or the assumed role's name
    partition: str = "aws"

    @property
    def is_root(self) -> bool:
        return self.kind == "root"


class Caller(Protocol):
    """Who asks, and the one question the domain puts to the access rules.

    `authorize` raises AccessDeniedException (in AWS's words) unless the policies in
    force allow `action` on `resource`. `resource_policy` is the resource's own policy
    (a secret's resource policy, a KMS key policy); `key_policy=True` applies KMS's rule
    that the key policy must allow the call, directly or by delegating to IAM.
    """

    @property
    def principal(self) -> Principal: ...

    def authorize(
        self,
        action: str,
        resource: str,
        *,
        resource_account: str | None = None,
        resource_policy: str | None = None,
        context: Mapping[str, str | list[str] | None] | None = None,
        key_policy: bool = False,
    ) -> None: ...


@dataclass(frozen=True)
class Credential:
    principal: Principal
    secret_access_key: str


def root_arn(partition: str, account_id: str) -> str:
    return f"arn:{partition}:iam::{account_id}:root"


class Authenticator:
    def __init__(self, store: GlobalStore, root: RootKey) -> None:
        self._store = store
        self._root = root
        self._secrets: dict[bytes, str] = {}

    def credential(self, access_key_id: str, partition: str) -> Credential | None:
        """The active credential for `access_key_id`, seen from `partition`."""
        record = self._store.reader().access_key(access_key_id)
        if record is None or record.status != "Active":
            return None
        secret = self._secrets.get(record.secret_wrapped)
        if secret is None:
            secret = self._root.unwrap(record.secret_wrapped, record.access_key_id).decode()
            self._secrets[record.secret_wrapped] = secret
        principal = Principal(record.account_id, root_arn(partition, record.account_id))
        return Credential(principal, secret)
