"""SQLite implementation of the global store: accounts, credentials, settings."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from kinko.storage.records import AccessKeyRecord, RegionState
from kinko.storage.sqlite.cache import ReadCache, memoized
from kinko.storage.sqlite.database import Database
from kinko.storage.sqlite.iam import ACCESS_KEY_COLUMNS, IamQueries, access_key_from_row

T = TypeVar("T")


class SqliteGlobalTx(IamQueries):
    def __init__(self, conn: sqlite3.Connection, cache: ReadCache | None = None) -> None:
        self._conn = conn
        self._cache = cache  # readers only: a writer must always see its own changes

    def account_ids(self) -> list[str]:
        return [row[0] for row in self._conn.execute("SELECT account_id FROM accounts")]

    def account_created_date(self, account_id: str) -> float | None:
        row = self._conn.execute(
            "SELECT created_date FROM accounts WHERE account_id = ?", (account_id,)
        ).fetchone()
        return float(row[0]) if row else None

    def insert_account(self, account_id: str, created_date: float) -> None:
        self._conn.execute(
            "INSERT INTO accounts (account_id, created_date) VALUES (?, ?)",
            (account_id, created_date),
        )

    @memoized
    def access_key(self, access_key_id: str) -> AccessKeyRecord | None:
        row = self._conn.execute(
            f"SELECT {ACCESS_KEY_COLUMNS} FROM access_keys WHERE access_key_id = ?",
            (access_key_id,),
        ).fetchone()
        return access_key_from_row(row) if row else None

    def insert_access_key(self, key: AccessKeyRecord) -> None:
        self._conn.execute(
            f"INSERT INTO access_keys ({ACCESS_KEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key.access_key_id,
                key.account_id,
                key.principal_arn,
                key.secret_wrapped,
                key.status,
                key.created_date,
                key.user_name,
                key.partition,
                key.user_id,
            ),
        )

    def setting(self, name: str) -> str | None:
        row = self._conn.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_setting(self, name: str, value: str) -> None:
        self._conn.execute(
            "INSERT INTO settings (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    def region_state(self, account_id: str, region: str) -> RegionState | None:
        row = self._conn.execute(
            "SELECT status, since FROM region_states WHERE account_id = ? AND region = ?",
            (account_id, region),
        ).fetchone()
        return RegionState(row[0], row[1]) if row else None

    def set_region_state(self, account_id: str, region: str, state: RegionState) -> None:
        self._conn.execute(
            "INSERT INTO region_states (account_id, region, status, since) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (account_id, region) DO UPDATE SET status = excluded.status, "
            "since = excluded.since",
            (account_id, region, state.status, state.since),
        )


class SqliteGlobalStore:
    def __init__(self, data_dir: Path) -> None:
        self._db = Database(data_dir / "global.db", "global")

    def reader(self) -> SqliteGlobalTx:
        return SqliteGlobalTx(self._db.reader(), self._db.read_cache())

    async def write(self, fn: Callable[[SqliteGlobalTx], T]) -> T:
        return await self._db.write(lambda conn: fn(SqliteGlobalTx(conn)))

    def write_now(self, fn: Callable[[SqliteGlobalTx], T]) -> T:
        return self._db.write_now(lambda conn: fn(SqliteGlobalTx(conn)))

    def close(self) -> None:
        self._db.close()
