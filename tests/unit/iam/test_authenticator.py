"""Credentials to principals: the root everywhere, users in their partition, sessions with
their token until they expire; and the identity policies the access rules read."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from kinko.domain.crypto import RootKey
from kinko.domain.iam import IamService, Scope
from kinko.domain.iam.inline import PolicyOwner
from kinko.domain.iam.keys import KeyOwner
from kinko.domain.iam.roles import NewRole
from kinko.domain.iam.sessions import AssumeRequest, IssuedSession
from kinko.domain.identity import Authenticator, Principal, root_arn
from kinko.errors import AwsError
from kinko.storage.records import AccessKeyRecord
from kinko.storage.sqlite.accounts import SqliteGlobalStore

ACCOUNT = "111122223333"
AWS = Scope(ACCOUNT, "aws")
ALLOW_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


class Kit:
    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path
        self.store = SqliteGlobalStore(tmp_path)
        self.root_key = RootKey.load_or_create(tmp_path / "root.key")
        self.iam = IamService(self.store, self.root_key)
        self.auth = Authenticator(self.store, self.root_key)
        self.store.write_now(lambda tx: tx.insert_account(ACCOUNT, 1.0))

    def run(self, coroutine: Any) -> Any:
        return asyncio.run(coroutine)


class FakeCaller:
    """A Caller whose access rules allow everything (the trust policy still decides)."""

    def __init__(self, principal: Principal) -> None:
        self._principal = principal
        self.asked: list[tuple[str, str, str | None]] = []

    @property
    def principal(self) -> Principal:
        return self._principal

    def authorize(
        self,
        action: str,
        resource: str,
        *,
        resource_account: str | None = None,
        resource_policy: str | None = None,
        context: Mapping[str, str | list[str] | None] | None = None,
        key_policy: bool = False,
    ) -> None:
        self.asked.append((action, resource, resource_policy))


@pytest.fixture
def kit(tmp_path: Path) -> Iterator[Kit]:
    instance = Kit(tmp_path)
    yield instance
    instance.store.close()


def user_key(kit: Kit, name: str = "alice", scope: Scope = AWS) -> tuple[AccessKeyRecord, str]:
    user = kit.run(kit.iam.users.create(scope, name, "/", [], time.time()))
    record, secret = kit.run(kit.iam.keys.create(KeyOwner(scope, user), time.time()))
    return record, secret


def test_root_keys_work_in_every_partition(kit: Kit) -> None:
    record, secret = kit.run(kit.iam.keys.create(KeyOwner(AWS), time.time()))
    for partition in ("aws", "aws-cn", "aws-us-gov"):
        found = kit.auth.credential(record.access_key_id, partition)
        assert found is not None and found.secret_access_key == secret
        assert found.principal == Principal(ACCOUNT, root_arn(partition, ACCOUNT))
        assert found.principal.unique_id == ACCOUNT


def test_user_keys_work_only_in_their_partition(kit: Kit) -> None:
    record, secret = user_key(kit)
    found = kit.auth.credential(record.access_key_id, "aws")
    assert found is not None and found.secret_access_key == secret
    principal = found.principal
    assert (principal.kind, principal.name, principal.arn) == (
        "user",
        "alice",
        f"arn:aws:iam::{ACCOUNT}:user/alice",
    )
    assert principal.unique_id.startswith("AIDA") and len(principal.unique_id) == 21
    assert kit.auth.credential(record.access_key_id, "aws-cn") is None
    cn_record, _ = user_key(kit, "alice", Scope(ACCOUNT, "aws-cn"))
    assert kit.auth.credential(cn_record.access_key_id, "aws") is None
    assert kit.auth.credential(cn_record.access_key_id, "aws-cn") is not None


def test_inactive_and_deleted_keys_stop_at_once(kit: Kit) -> None:
    record, _ = user_key(kit)
    owner = KeyOwner(AWS, kit.iam.users.get(AWS, "alice"))
    kit.run(kit.iam.keys.set_status(owner, record.access_key_id, "Inactive"))
    assert kit.auth.credential(record.access_key_id, "aws") is None
    kit.run(kit.iam.keys.set_status(owner, record.access_key_id, "Active"))
    assert kit.auth.credential(record.access_key_id, "aws") is not None
    kit.run(kit.iam.keys.delete(owner, record.access_key_id))
    assert kit.auth.credential(record.access_key_id, "aws") is None


def test_a_long_term_key_with_a_session_token_is_refused(kit: Kit) -> None:
    record, _ = user_key(kit)
    assert kit.auth.credential(record.access_key_id, "aws", "some-token") is None


def trust(principal_arn: str) -> str:
    statement = {"Effect": "Allow", "Principal": {"AWS": principal_arn}, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def assumed(kit: Kit, role_name: str = "reader", duration: int | None = None) -> IssuedSession:
    alice = kit.iam.users.find(AWS, "alice") or kit.run(
        kit.iam.users.create(AWS, "alice", "/", [], time.time())
    )
    role = kit.iam.roles.find(AWS, role_name) or kit.run(
        kit.iam.roles.create(AWS, NewRole(role_name, trust(alice.arn)), time.time())
    )
    caller = FakeCaller(Principal(ACCOUNT, alice.arn, "user", "alice", user_id=alice.user_id))
    ask = AssumeRequest(role.arn, "s1", duration)
    issued: IssuedSession = kit.run(kit.iam.sessions.assume_role(caller, "aws", ask, time.time()))
    assert caller.asked == [("sts:AssumeRole", role.arn, role.trust_policy)]
    return issued


def test_session_credentials_need_their_token(kit: Kit) -> None:
    issued = assumed(kit)
    key_id = issued.session.access_key_id
    assert key_id.startswith("ASIA") and len(key_id) == 20
    found = kit.auth.credential(key_id, "aws", issued.session_token)
    assert found is not None and found.secret_access_key == issued.secret_access_key
    principal = found.principal
    assert principal.kind == "assumed-role" and principal.name == "reader"
    assert principal.arn == f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/s1"
    assert principal.role_arn == f"arn:aws:iam::{ACCOUNT}:role/reader"
    assert principal.unique_id == f"{issued.session.role_id}:s1"
    assert kit.auth.credential(key_id, "aws") is None
    assert kit.auth.credential(key_id, "aws", issued.session_token + "x") is None
    assert kit.auth.credential(key_id, "aws-cn", issued.session_token) is None


def test_expired_sessions_raise_expired_token(kit: Kit) -> None:
    issued = assumed(kit)
    key_id = issued.session.access_key_id
    database = sqlite3.connect(kit.path / "global.db", timeout=10)
    with database:
        database.execute(
            "UPDATE sts_sessions SET expiration = ? WHERE access_key_id = ?",
            (time.time() - 1, key_id),
        )
    database.close()
    with pytest.raises(AwsError) as excinfo:
        kit.auth.credential(key_id, "aws", issued.session_token)
    assert (excinfo.value.code, excinfo.value.message) == (
        "ExpiredTokenException",
        "The security token included in the request is expired",
    )
    # A wrong token is still just an unknown credential.
    assert kit.auth.credential(key_id, "aws", "wrong") is None


def test_durations(kit: Kit) -> None:
    issued = assumed(kit, duration=900)
    assert issued.session.expiration - issued.session.created_date == pytest.approx(900, abs=1)
    with pytest.raises(AwsError) as excinfo:
        assumed(kit, duration=3601)
    assert excinfo.value.message == (
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
    )


def test_identity_policies(kit: Kit) -> None:
    issued = assumed(kit)
    alice = kit.iam.users.get(AWS, "alice")
    role = kit.iam.roles.get(AWS, "reader")
    kit.run(kit.iam.policies.put(PolicyOwner(AWS, "user", alice.user_id, "alice"), "p", ALLOW_ALL))
    kit.run(kit.iam.policies.put(PolicyOwner(AWS, "role", role.role_id, "reader"), "r", ALLOW_ALL))
    user_principal = Principal(ACCOUNT, alice.arn, "user", "alice", user_id=alice.user_id)
    assert kit.iam.identity_policies(user_principal) == [ALLOW_ALL]
    session = kit.auth.credential(issued.session.access_key_id, "aws", issued.session_token)
    assert session is not None
    assert kit.iam.identity_policies(session.principal) == [ALLOW_ALL]
    assert kit.iam.identity_policies(Principal(ACCOUNT, root_arn("aws", ACCOUNT))) == []
