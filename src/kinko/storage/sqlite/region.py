"""SQLite implementation of the region store."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from kinko.storage.records import SecretRecord, VersionRecord
from kinko.storage.sqlite.cache import ReadCache, memoized
from kinko.storage.sqlite.database import Database
from kinko.storage.sqlite.kms import SqliteKmsQueries
from kinko.storage.sqlite.replication import SqliteReplicationQueries

T = TypeVar("T")

_SECRET_COLUMNS = (
    "pk, account_id, name, arn, description, kms_key_id, tags, policy, created_date, "
    "last_changed_date, last_accessed_date, deleted_date, deletion_date, primary_region, "
    "owning_service, type, extra, replica_of, replica_seq"
)
_VERSION_COLUMNS = (
    "pk, secret_pk, version_id, created_date, kms_key_id, wrapped_key, ciphertext, "
    "is_binary, last_accessed_date"
)


def _secret(row: Any) -> SecretRecord:
    return SecretRecord(
        pk=row[0],
        account_id=row[1],
        name=row[2],
        arn=row[3],
        description=row[4],
        kms_key_id=row[5],
        tags=json.loads(row[6]),
        policy=row[7],
        created_date=row[8],
        last_changed_date=row[9],
        last_accessed_date=row[10],
        deleted_date=row[11],
        deletion_date=row[12],
        primary_region=row[13],
        owning_service=row[14],
        type=row[15],
        extra=json.loads(row[16]),
        replica_of=row[17],
        replica_seq=row[18],
    )


def _version(row: Any) -> VersionRecord:
    return VersionRecord(
        pk=row[0],
        secret_pk=row[1],
        version_id=row[2],
        created_date=row[3],
        kms_key_id=row[4],
        wrapped_key=row[5],
        ciphertext=row[6],
        is_binary=bool(row[7]),
        last_accessed_date=row[8],
    )


def _secret_values(s: SecretRecord) -> tuple[Any, ...]:
    return (
        s.account_id,
        s.name,
        s.arn,
        s.description,
        s.kms_key_id,
        json.dumps(s.tags),
        s.policy,
        s.created_date,
        s.last_changed_date,
        s.last_accessed_date,
        s.deleted_date,
        s.deletion_date,
        s.primary_region,
        s.owning_service,
        s.type,
        json.dumps(s.extra),
        s.replica_of,
        s.replica_seq,
    )


class SqliteRegionTx(SqliteReplicationQueries, SqliteKmsQueries):
    def __init__(self, conn: sqlite3.Connection, cache: ReadCache | None = None) -> None:
        self._conn = conn
        self._cache = cache  # readers only: a writer must always see its own changes

    # secrets
    @memoized
    def secret_by_name(self, account_id: str, name: str) -> SecretRecord | None:
        row = self._conn.execute(
            f"SELECT {_SECRET_COLUMNS} FROM secrets WHERE account_id = ? AND name = ?",
            (account_id, name),
        ).fetchone()
        return _secret(row) if row else None

    @memoized
    def secret_by_arn(self, arn: str) -> SecretRecord | None:
        row = self._conn.execute(
            f"SELECT {_SECRET_COLUMNS} FROM secrets WHERE arn = ?", (arn,)
        ).fetchone()
        return _secret(row) if row else None

    @memoized  # ListSecrets pages reuse one parsed list until something commits
    def secrets(self, account_id: str) -> list[SecretRecord]:
        rows = self._conn.execute(
            f"SELECT {_SECRET_COLUMNS} FROM secrets WHERE account_id = ? ORDER BY pk",
            (account_id,),
        )
        return [_secret(row) for row in rows]

    def secrets_to_purge(self, now: float) -> list[SecretRecord]:
        rows = self._conn.execute(
            f"SELECT {_SECRET_COLUMNS} FROM secrets WHERE deletion_date IS NOT NULL "
            "AND deletion_date <= ?",
            (now,),
        )
        return [_secret(row) for row in rows]

    def insert_secret(self, secret: SecretRecord) -> int:
        cursor = self._conn.execute(
            "INSERT INTO secrets (account_id, name, arn, description, kms_key_id, tags, policy, "
            "created_date, last_changed_date, last_accessed_date, deleted_date, deletion_date, "
            "primary_region, owning_service, type, extra, replica_of, replica_seq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _secret_values(secret),
        )
        secret.pk = cursor.lastrowid
        assert secret.pk is not None
        return secret.pk

    def update_secret(self, secret: SecretRecord) -> None:
        self._conn.execute(
            "UPDATE secrets SET account_id = ?, name = ?, arn = ?, description = ?, "
            "kms_key_id = ?, tags = ?, policy = ?, created_date = ?, last_changed_date = ?, "
            "last_accessed_date = ?, deleted_date = ?, deletion_date = ?, primary_region = ?, "
            "owning_service = ?, type = ?, extra = ?, replica_of = ?, replica_seq = ? "
            "WHERE pk = ?",
            (*_secret_values(secret), secret.pk),
        )

    def delete_secret(self, secret_pk: int) -> None:
        self._conn.execute("DELETE FROM secrets WHERE pk = ?", (secret_pk,))

    def touch_secret(self, secret_pk: int, day: float) -> None:
        self._conn.execute(
            "UPDATE secrets SET last_accessed_date = ? WHERE pk = ?", (day, secret_pk)
        )

    # versions and staging labels
    def version(self, secret_pk: int, version_id: str) -> VersionRecord | None:
        row = self._conn.execute(
            f"SELECT {_VERSION_COLUMNS} FROM versions WHERE secret_pk = ? AND version_id = ?",
            (secret_pk, version_id),
        ).fetchone()
        return _version(row) if row else None

    def versions(self, secret_pk: int) -> list[VersionRecord]:
        rows = self._conn.execute(
            f"SELECT {_VERSION_COLUMNS} FROM versions WHERE secret_pk = ? ORDER BY pk",
            (secret_pk,),
        )
        return [_version(row) for row in rows]

    def insert_version(self, version: VersionRecord) -> None:
        cursor = self._conn.execute(
            "INSERT INTO versions (secret_pk, version_id, created_date, kms_key_id, wrapped_key, "
            "ciphertext, is_binary, last_accessed_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                version.secret_pk,
                version.version_id,
                version.created_date,
                version.kms_key_id,
                version.wrapped_key,
                version.ciphertext,
                int(version.is_binary),
                version.last_accessed_date,
            ),
        )
        version.pk = cursor.lastrowid

    def update_version(self, version: VersionRecord) -> None:
        self._conn.execute(
            "UPDATE versions SET kms_key_id = ?, wrapped_key = ?, ciphertext = ?, is_binary = ?, "
            "last_accessed_date = ? WHERE secret_pk = ? AND version_id = ?",
            (
                version.kms_key_id,
                version.wrapped_key,
                version.ciphertext,
                int(version.is_binary),
                version.last_accessed_date,
                version.secret_pk,
                version.version_id,
            ),
        )

    def delete_version(self, secret_pk: int, version_id: str) -> None:
        self._conn.execute(
            "DELETE FROM versions WHERE secret_pk = ? AND version_id = ?", (secret_pk, version_id)
        )

    def touch_version(self, secret_pk: int, version_id: str, day: float) -> None:
        self._conn.execute(
            "UPDATE versions SET last_accessed_date = ? WHERE secret_pk = ? AND version_id = ?",
            (day, secret_pk, version_id),
        )

    def stages(self, secret_pk: int) -> dict[str, str]:
        rows = self._conn.execute(
            "SELECT stage, version_id FROM stages WHERE secret_pk = ? ORDER BY rowid",
            (secret_pk,),
        )
        return {stage: version_id for stage, version_id in rows}

    def stage_version(self, secret_pk: int, stage: str) -> str | None:
        row = self._conn.execute(
            "SELECT version_id FROM stages WHERE secret_pk = ? AND stage = ?", (secret_pk, stage)
        ).fetchone()
        return row[0] if row else None

    @memoized
    def version_at_stage(self, secret_pk: int, stage: str) -> VersionRecord | None:
        columns = ", ".join(f"v.{c}" for c in _VERSION_COLUMNS.split(", "))
        row = self._conn.execute(
            f"SELECT {columns} FROM stages s JOIN versions v "
            "ON v.secret_pk = s.secret_pk AND v.version_id = s.version_id "
            "WHERE s.secret_pk = ? AND s.stage = ?",
            (secret_pk, stage),
        ).fetchone()
        return _version(row) if row else None

    @memoized
    def labels(self, secret_pk: int, version_id: str) -> list[str]:
        rows = self._conn.execute(
            "SELECT stage FROM stages WHERE secret_pk = ? AND version_id = ? ORDER BY rowid",
            (secret_pk, version_id),
        )
        return [row[0] for row in rows]

    def set_stage(self, secret_pk: int, stage: str, version_id: str) -> None:
        self._conn.execute(
            "INSERT INTO stages (secret_pk, stage, version_id) VALUES (?, ?, ?) "
            "ON CONFLICT (secret_pk, stage) DO UPDATE SET version_id = excluded.version_id",
            (secret_pk, stage, version_id),
        )

    def remove_stage(self, secret_pk: int, stage: str) -> None:
        self._conn.execute(
            "DELETE FROM stages WHERE secret_pk = ? AND stage = ?", (secret_pk, stage)
        )


class SqliteRegionStore:
    """One region's database file."""

    def __init__(self, data_dir: Path, region: str) -> None:
        self.region = region
        self._db = Database(data_dir / "regions" / f"{region}.db", "region")

    def reader(self) -> SqliteRegionTx:
        return SqliteRegionTx(self._db.reader(), self._db.read_cache())

    async def write(self, fn: Callable[[SqliteRegionTx], T]) -> T:
        return await self._db.write(lambda conn: fn(SqliteRegionTx(conn)))

    def close(self) -> None:
        self._db.close()
