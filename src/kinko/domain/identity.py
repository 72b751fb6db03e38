"""Who is calling: access keys resolved to principals.

The bootstrap admin is its account's root principal. IAM users, roles and session
credentials come with the security issue and plug in here.
"""

from __future__ import annotations

from dataclasses import dataclass

from kinko.domain.crypto import RootKey
from kinko.storage.interface import GlobalStore


@dataclass(frozen=True)
class Principal:
    account_id: str
    arn: str  # e.g. arn:aws:iam::123456789012:root


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
