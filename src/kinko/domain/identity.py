"""Who is calling: access keys and session credentials resolved to principals.

Three kinds of caller: the account root (the bootstrap admin and any root access key; it
works in every partition), IAM users (their keys work only in the partition the user was
created in), and assumed-role sessions from STS AssumeRole (an `ASIA…` key that must come
with its session token, until it expires). Every lookup reads the store, so a key made
inactive or deleted stops working on the next request, in every worker.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from kinko.domain.crypto import RootKey
from kinko.errors import AwsError
from kinko.storage.interface import GlobalStore
from kinko.storage.records import AccessKeyRecord, SessionRecord

EXPIRED_TOKEN = "The security token included in the request is expired"
SESSION_KEY_PREFIX = "ASIA"


@dataclass(frozen=True)
class Principal:
    account_id: str
    arn: str  # arn:aws:iam::123456789012:root, …:user/name, arn:aws:sts::…:assumed-role/r/s
    kind: str = "root"  # "root", "user" or "assumed-role"
    name: str | None = None  # the user's name, or the assumed role's name
    partition: str = "aws"
    # GetCallerIdentity's UserId: AIDA… for a user, "AROA…:<session>" for a session; the
    # account id for the root (None here).
    user_id: str | None = None
    role_arn: str | None = None  # an assumed role's own ARN (with its path)

    @property
    def is_root(self) -> bool:
        return self.kind == "root"

    @property
    def unique_id(self) -> str:
        return self.user_id or self.account_id


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


def token_hash(session_token: str) -> bytes:
    return hashlib.sha256(session_token.encode()).digest()


def expired_token() -> AwsError:
    return AwsError("ExpiredTokenException", EXPIRED_TOKEN)


def key_principal(record: AccessKeyRecord, partition: str) -> Principal:
    if record.user_id is None:
        return Principal(record.account_id, root_arn(partition, record.account_id))
    return Principal(
        record.account_id,
        record.principal_arn,
        kind="user",
        name=record.user_name,
        partition=record.partition or partition,
        user_id=record.user_id,
    )


def session_principal(session: SessionRecord) -> Principal:
    return Principal(
        session.account_id,
        session.arn,
        kind="assumed-role",
        name=session.role_name,
        partition=session.partition,
        user_id=f"{session.role_id}:{session.session_name}",
        role_arn=session.role_arn,
    )


class Authenticator:
    def __init__(self, store: GlobalStore, root: RootKey) -> None:
        self._store = store
        self._root = root
        self._secrets: dict[bytes, str] = {}

    def credential(
        self, access_key_id: str, partition: str, session_token: str | None = None
    ) -> Credential | None:
        """The credential for `access_key_id` as seen from `partition`, or None when the key
        is unknown, inactive, of another partition, or its session token is wrong. Raises
        ExpiredTokenException for a session whose credentials have expired."""
        if access_key_id.startswith(SESSION_KEY_PREFIX):
            return self._session(access_key_id, partition, session_token)
        if session_token is not None:
            return None  # a long-term key never comes with a session token
        record = self._store.reader().access_key(access_key_id)
        if record is None or record.status != "Active":
            return None
        if record.partition is not None and record.partition != partition:
            return None
        principal = key_principal(record, partition)
        return Credential(principal, self._secret(record.secret_wrapped, access_key_id))

    def _session(
        self, access_key_id: str, partition: str, session_token: str | None
    ) -> Credential | None:
        session = self._store.reader().session(access_key_id)
        if session is None or session_token is None or session.partition != partition:
            return None
        if not hmac.compare_digest(session.token_hash, token_hash(session_token)):
            return None
        if session.expiration <= time.time():
            raise expired_token()
        secret = self._secret(session.secret_wrapped, access_key_id)
        return Credential(session_principal(session), secret)

    def _secret(self, wrapped: bytes, access_key_id: str) -> str:
        secret = self._secrets.get(wrapped)
        if secret is None:
            if len(self._secrets) > 4096:
                self._secrets.clear()
            secret = self._root.unwrap(wrapped, access_key_id).decode()
            self._secrets[wrapped] = secret
        return secret
