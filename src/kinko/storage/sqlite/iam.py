"""SQLite queries for IAM: users, roles, inline policies, access keys and STS sessions.

A mixin of the global store's transaction (`SqliteGlobalTx`): every method runs on the
connection it was given, inside a reader or the writer's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from kinko.storage.records import (
    AccessKeyRecord,
    IamRoleRecord,
    IamUserRecord,
    InlinePolicyRecord,
    SessionRecord,
)

ACCESS_KEY_COLUMNS = (
    "access_key_id, account_id, principal_arn, secret_wrapped, status, created_date, "
    "user_name, partition, user_id"
)
_USER_COLUMNS = "user_id, account_id, partition, user_name, path, arn, created_date, tags"
_ROLE_COLUMNS = (
    "role_id, account_id, partition, role_name, path, arn, trust_policy, "
    "max_session_duration, created_date, description, tags"
)
_SESSION_COLUMNS = (
    "access_key_id, account_id, partition, role_id, role_name, role_arn, session_name, arn, "
    "secret_wrapped, token_hash, expiration, created_date, source_arn"
)


def access_key_from_row(row: Any) -> AccessKeyRecord:
    return AccessKeyRecord(
        access_key_id=row[0],
        account_id=row[1],
        principal_arn=row[2],
        secret_wrapped=row[3],
        status=row[4],
        created_date=row[5],
        user_name=row[6],
        partition=row[7],
        user_id=row[8],
    )


def _user(row: Any) -> IamUserRecord:
    return IamUserRecord(
        user_id=row[0],
        account_id=row[1],
        partition=row[2],
        user_name=row[3],
        path=row[4],
        arn=row[5],
        created_date=row[6],
        tags=json.loads(row[7]),
    )


def _role(row: Any) -> IamRoleRecord:
    return IamRoleRecord(
        role_id=row[0],
        account_id=row[1],
        partition=row[2],
        role_name=row[3],
        path=row[4],
        arn=row[5],
        trust_policy=row[6],
        max_session_duration=row[7],
        created_date=row[8],
        description=row[9],
        tags=json.loads(row[10]),
    )


def _session(row: Any) -> SessionRecord:
    return SessionRecord(*row)


class IamQueries:
    _conn: sqlite3.Connection

    # access keys

    def access_keys(self, account_id: str, user_id: str | None) -> list[AccessKeyRecord]:
        owner = "user_id = ?" if user_id is not None else "user_id IS NULL"
        args: tuple[str, ...] = (account_id, user_id) if user_id is not None else (account_id,)
        rows = self._conn.execute(
            f"SELECT {ACCESS_KEY_COLUMNS} FROM access_keys WHERE account_id = ? AND {owner} "
            "ORDER BY created_date, access_key_id",
            args,
        )
        return [access_key_from_row(row) for row in rows]

    def set_access_key_status(self, access_key_id: str, status: str) -> None:
        self._conn.execute(
            "UPDATE access_keys SET status = ? WHERE access_key_id = ?", (status, access_key_id)
        )

    def delete_access_key(self, access_key_id: str) -> None:
        self._conn.execute("DELETE FROM access_keys WHERE access_key_id = ?", (access_key_id,))

    # users

    def iam_user(self, account_id: str, partition: str, name: str) -> IamUserRecord | None:
        row = self._conn.execute(
            f"SELECT {_USER_COLUMNS} FROM iam_users "
            "WHERE account_id = ? AND partition = ? AND user_name = ?",
            (account_id, partition, name),
        ).fetchone()
        return _user(row) if row else None

    def iam_users(self, account_id: str, partition: str) -> list[IamUserRecord]:
        rows = self._conn.execute(
            f"SELECT {_USER_COLUMNS} FROM iam_users WHERE account_id = ? AND partition = ? "
            "ORDER BY user_name",
            (account_id, partition),
        )
        return [_user(row) for row in rows]

    def insert_iam_user(self, user: IamUserRecord) -> None:
        self._conn.execute(
            f"INSERT INTO iam_users ({_USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                user.user_id,
                user.account_id,
                user.partition,
                user.user_name,
                user.path,
                user.arn,
                user.created_date,
                json.dumps(user.tags),
            ),
        )

    def delete_iam_user(self, user_id: str) -> None:
        self._conn.execute("DELETE FROM iam_users WHERE user_id = ?", (user_id,))

    # roles

    def iam_role(self, account_id: str, partition: str, name: str) -> IamRoleRecord | None:
        row = self._conn.execute(
            f"SELECT {_ROLE_COLUMNS} FROM iam_roles "
            "WHERE account_id = ? AND partition = ? AND role_name = ?",
            (account_id, partition, name),
        ).fetchone()
        return _role(row) if row else None

    def iam_role_by_id(self, role_id: str) -> IamRoleRecord | None:
        row = self._conn.execute(
            f"SELECT {_ROLE_COLUMNS} FROM iam_roles WHERE role_id = ?", (role_id,)
        ).fetchone()
        return _role(row) if row else None

    def iam_roles(self, account_id: str, partition: str) -> list[IamRoleRecord]:
        rows = self._conn.execute(
            f"SELECT {_ROLE_COLUMNS} FROM iam_roles WHERE account_id = ? AND partition = ? "
            "ORDER BY role_name",
            (account_id, partition),
        )
        return [_role(row) for row in rows]

    def insert_iam_role(self, role: IamRoleRecord) -> None:
        self._conn.execute(
            f"INSERT INTO iam_roles ({_ROLE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                role.role_id,
                role.account_id,
                role.partition,
                role.role_name,
                role.path,
                role.arn,
                role.trust_policy,
                role.max_session_duration,
                role.created_date,
                role.description,
                json.dumps(role.tags),
            ),
        )

    def delete_iam_role(self, role_id: str) -> None:
        self._conn.execute("DELETE FROM iam_roles WHERE role_id = ?", (role_id,))

    # inline policies

    def inline_policy(self, owner_id: str, name: str) -> InlinePolicyRecord | None:
        row = self._conn.execute(
            "SELECT owner_id, policy_name, document FROM iam_inline_policies "
            "WHERE owner_id = ? AND policy_name = ?",
            (owner_id, name),
        ).fetchone()
        return InlinePolicyRecord(*row) if row else None

    def inline_policies(self, owner_id: str) -> list[InlinePolicyRecord]:
        rows = self._conn.execute(
            "SELECT owner_id, policy_name, document FROM iam_inline_policies "
            "WHERE owner_id = ? ORDER BY policy_name",
            (owner_id,),
        )
        return [InlinePolicyRecord(*row) for row in rows]

    def put_inline_policy(self, policy: InlinePolicyRecord) -> None:
        self._conn.execute(
            "INSERT INTO iam_inline_policies (owner_id, policy_name, document) VALUES (?, ?, ?) "
            "ON CONFLICT (owner_id, policy_name) DO UPDATE SET document = excluded.document",
            (policy.owner_id, policy.policy_name, policy.document),
        )

    def delete_inline_policy(self, owner_id: str, name: str) -> None:
        self._conn.execute(
            "DELETE FROM iam_inline_policies WHERE owner_id = ? AND policy_name = ?",
            (owner_id, name),
        )

    # STS sessions

    def session(self, access_key_id: str) -> SessionRecord | None:
        row = self._conn.execute(
            f"SELECT {_SESSION_COLUMNS} FROM sts_sessions WHERE access_key_id = ?",
            (access_key_id,),
        ).fetchone()
        return _session(row) if row else None

    def insert_session(self, session: SessionRecord) -> None:
        self._conn.execute(
            f"INSERT INTO sts_sessions ({_SESSION_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                session.access_key_id,
                session.account_id,
                session.partition,
                session.role_id,
                session.role_name,
                session.role_arn,
                session.session_name,
                session.arn,
                session.secret_wrapped,
                session.token_hash,
                session.expiration,
                session.created_date,
                session.source_arn,
            ),
        )

    def delete_sessions_expired_before(self, moment: float) -> int:
        return self._conn.execute(
            "DELETE FROM sts_sessions WHERE expiration < ?", (moment,)
        ).rowcount
