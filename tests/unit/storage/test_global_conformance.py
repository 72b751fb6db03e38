"""The conformance suite every global-store implementation must pass: accounts, access
keys, IAM users and roles, inline policies and STS sessions."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kinko.storage.interface import GlobalStore, GlobalTx
from kinko.storage.records import (
    AccessKeyRecord,
    IamRoleRecord,
    IamUserRecord,
    InlinePolicyRecord,
    SessionRecord,
)
from kinko.storage.sqlite.accounts import SqliteGlobalStore

ACCOUNT = "111122223333"
# Each implementation, and the error its unique constraints raise (a safety net: the
# domain checks names before inserting).
IMPLEMENTATIONS: dict[str, tuple[Callable[[Path], GlobalStore], type[Exception]]] = {
    "sqlite": (SqliteGlobalStore, sqlite3.IntegrityError),
}


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
def implementation(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(implementation: str, tmp_path: Path) -> Iterator[GlobalStore]:
    instance = IMPLEMENTATIONS[implementation][0](tmp_path)
    instance.write_now(lambda tx: tx.insert_account(ACCOUNT, 1.0))
    yield instance
    instance.close()


@pytest.fixture
def conflict(implementation: str) -> type[Exception]:
    return IMPLEMENTATIONS[implementation][1]


def write(store: GlobalStore, fn: Callable[[GlobalTx], Any]) -> Any:
    async def run() -> Any:
        return await store.write(fn)

    return asyncio.run(run())


def user(name: str = "alice", partition: str = "aws", user_id: str = "AIDAALICE") -> IamUserRecord:
    return IamUserRecord(
        user_id=user_id,
        account_id=ACCOUNT,
        partition=partition,
        user_name=name,
        path="/team/",
        arn=f"arn:{partition}:iam::{ACCOUNT}:user/team/{name}",
        created_date=2.0,
        tags=[{"Key": "env", "Value": "prod"}],
    )


def role(name: str = "reader", role_id: str = "AROAREADER") -> IamRoleRecord:
    return IamRoleRecord(
        role_id=role_id,
        account_id=ACCOUNT,
        partition="aws",
        role_name=name,
        path="/",
        arn=f"arn:aws:iam::{ACCOUNT}:role/{name}",
        trust_policy='{"Statement": []}',
        max_session_duration=7200,
        created_date=3.0,
        description="reads",
    )


def key(key_id: str, user_id: str | None = "AIDAALICE", created: float = 4.0) -> AccessKeyRecord:
    return AccessKeyRecord(
        access_key_id=key_id,
        account_id=ACCOUNT,
        principal_arn=f"arn:aws:iam::{ACCOUNT}:user/team/alice",
        secret_wrapped=b"\x00wrapped",
        status="Active",
        created_date=created,
        user_name="alice" if user_id else None,
        partition="aws" if user_id else None,
        user_id=user_id,
    )


def test_account_created_date(store: GlobalStore) -> None:
    assert store.reader().account_created_date(ACCOUNT) == 1.0
    assert store.reader().account_created_date("999999999999") is None


def test_user_round_trip_and_names_ignore_case(
    store: GlobalStore, conflict: type[Exception]
) -> None:
    alice = user()
    write(store, lambda tx: tx.insert_iam_user(alice))
    reader = store.reader()
    assert reader.iam_user(ACCOUNT, "aws", "alice") == alice
    assert reader.iam_user(ACCOUNT, "aws", "ALICE") == alice
    assert reader.iam_user(ACCOUNT, "aws-cn", "alice") is None
    assert reader.iam_user("999999999999", "aws", "alice") is None
    with pytest.raises(conflict):
        write(store, lambda tx: tx.insert_iam_user(user("Alice", user_id="AIDAOTHER")))
    write(store, lambda tx: tx.insert_iam_user(user("alice", "aws-cn", "AIDACN")))
    assert reader.iam_user(ACCOUNT, "aws-cn", "alice") == user("alice", "aws-cn", "AIDACN")


def test_users_list_by_partition_in_name_order(store: GlobalStore) -> None:
    for name, user_id in (("carol", "AIDAC"), ("Bob", "AIDAB"), ("alice", "AIDAA")):
        write(store, lambda tx, n=name, i=user_id: tx.insert_iam_user(user(n, user_id=i)))
    write(store, lambda tx: tx.insert_iam_user(user("dave", "aws-us-gov", "AIDAD")))
    names = [u.user_name for u in store.reader().iam_users(ACCOUNT, "aws")]
    assert names == ["alice", "Bob", "carol"]
    write(store, lambda tx: tx.delete_iam_user("AIDAB"))
    assert [u.user_name for u in store.reader().iam_users(ACCOUNT, "aws")] == ["alice", "carol"]
    assert [u.user_name for u in store.reader().iam_users(ACCOUNT, "aws-us-gov")] == ["dave"]


def test_role_round_trip(store: GlobalStore, conflict: type[Exception]) -> None:
    reader_role = role()
    write(store, lambda tx: tx.insert_iam_role(reader_role))
    reader = store.reader()
    assert reader.iam_role(ACCOUNT, "aws", "READER") == reader_role
    assert reader.iam_role_by_id("AROAREADER") == reader_role
    write(store, lambda tx: tx.insert_iam_role(role("admin", "AROAADMIN")))
    assert [r.role_name for r in reader.iam_roles(ACCOUNT, "aws")] == ["admin", "reader"]
    with pytest.raises(conflict):
        write(store, lambda tx: tx.insert_iam_role(role("Reader", "AROAOTHER")))
    write(store, lambda tx: tx.delete_iam_role("AROAREADER"))
    assert reader.iam_role_by_id("AROAREADER") is None


def test_inline_policies_put_replace_delete(store: GlobalStore) -> None:
    write(store, lambda tx: tx.put_inline_policy(InlinePolicyRecord("AIDAA", "b", "{1}")))
    write(store, lambda tx: tx.put_inline_policy(InlinePolicyRecord("AIDAA", "a", "{2}")))
    write(store, lambda tx: tx.put_inline_policy(InlinePolicyRecord("AIDAA", "b", "{3}")))
    write(store, lambda tx: tx.put_inline_policy(InlinePolicyRecord("AROAR", "b", "{4}")))
    reader = store.reader()
    assert reader.inline_policies("AIDAA") == [
        InlinePolicyRecord("AIDAA", "a", "{2}"),
        InlinePolicyRecord("AIDAA", "b", "{3}"),
    ]
    assert reader.inline_policy("AIDAA", "b") == InlinePolicyRecord("AIDAA", "b", "{3}")
    assert reader.inline_policy("AIDAA", "B") is None  # policy names keep their case
    write(store, lambda tx: tx.delete_inline_policy("AIDAA", "b"))
    assert [p.policy_name for p in reader.inline_policies("AIDAA")] == ["a"]
    assert reader.inline_policies("AROAR") == [InlinePolicyRecord("AROAR", "b", "{4}")]


def test_access_keys_of_users_and_of_the_root(store: GlobalStore) -> None:
    write(store, lambda tx: tx.insert_access_key(key("AKIAROOT", None, 1.0)))
    write(store, lambda tx: tx.insert_access_key(key("AKIASECOND", "AIDAALICE", 6.0)))
    write(store, lambda tx: tx.insert_access_key(key("AKIAFIRST", "AIDAALICE", 5.0)))
    reader = store.reader()
    assert reader.access_key("AKIAFIRST") == key("AKIAFIRST", "AIDAALICE", 5.0)
    alice = [k.access_key_id for k in reader.access_keys(ACCOUNT, "AIDAALICE")]
    assert alice == ["AKIAFIRST", "AKIASECOND"]
    assert [k.access_key_id for k in reader.access_keys(ACCOUNT, None)] == ["AKIAROOT"]
    write(store, lambda tx: tx.set_access_key_status("AKIAFIRST", "Inactive"))
    found = reader.access_key("AKIAFIRST")
    assert found is not None and found.status == "Inactive"
    write(store, lambda tx: tx.delete_access_key("AKIAFIRST"))
    assert reader.access_key("AKIAFIRST") is None
    assert [k.access_key_id for k in reader.access_keys(ACCOUNT, "AIDAALICE")] == ["AKIASECOND"]


def session(key_id: str, expiration: float) -> SessionRecord:
    return SessionRecord(
        access_key_id=key_id,
        account_id=ACCOUNT,
        partition="aws",
        role_id="AROAREADER",
        role_name="reader",
        role_arn=f"arn:aws:iam::{ACCOUNT}:role/reader",
        session_name="s1",
        arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/reader/s1",
        secret_wrapped=b"\x01secret",
        token_hash=b"\x02" * 32,
        expiration=expiration,
        created_date=10.0,
        source_arn=f"arn:aws:iam::{ACCOUNT}:user/alice",
    )


def test_sessions_round_trip_and_expired_ones_go(store: GlobalStore) -> None:
    write(store, lambda tx: tx.insert_session(session("ASIAOLD", 100.0)))
    write(store, lambda tx: tx.insert_session(session("ASIANEW", 200.0)))
    reader = store.reader()
    assert reader.session("ASIAOLD") == session("ASIAOLD", 100.0)
    assert reader.session("ASIAMISSING") is None
    assert write(store, lambda tx: tx.delete_sessions_expired_before(150.0)) == 1
    assert reader.session("ASIAOLD") is None
    assert reader.session("ASIANEW") == session("ASIANEW", 200.0)


def test_a_failed_write_changes_nothing(store: GlobalStore) -> None:
    def half(tx: GlobalTx) -> None:
        tx.insert_iam_user(user())
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write(store, half)
    assert store.reader().iam_user(ACCOUNT, "aws", "alice") is None


def test_iam_data_survives_reopening(tmp_path: Path) -> None:
    first = SqliteGlobalStore(tmp_path)
    first.write_now(lambda tx: tx.insert_account(ACCOUNT, 1.0))
    first.write_now(lambda tx: tx.insert_iam_user(user()))
    first.write_now(lambda tx: tx.insert_access_key(key("AKIAFIRST")))
    first.close()
    again = SqliteGlobalStore(tmp_path)
    try:
        assert again.reader().iam_user(ACCOUNT, "aws", "alice") == user()
        assert again.reader().access_key("AKIAFIRST") == key("AKIAFIRST")
    finally:
        again.close()
