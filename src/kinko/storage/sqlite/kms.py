"""SQLite queries for KMS: keys, their material versions (rotation) and aliases."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from kinko.storage.records import KmsAliasRecord, KmsKeyRecord, KmsMaterialRecord
from kinko.storage.sqlite.cache import ReadCache, memoized

_KEY_COLUMNS = (
    "key_id, account_id, arn, key_manager, key_state, created_date, description, "
    "deletion_date, policy, tags, material_version, rotation_enabled, rotation_period_days, "
    "next_rotation_date"
)
# A key with its current material, which is what using a key needs.
_KEY_SELECT = (
    "SELECT "
    + ", ".join(f"k.{column}" for column in _KEY_COLUMNS.split(", "))
    + ", m.material, m.material_id, m.legacy_wrap FROM kms_keys k "
    "JOIN kms_key_materials m ON m.key_id = k.key_id AND m.version = k.material_version"
)
_MATERIAL_COLUMNS = (
    "key_id, version, material, material_id, created_date, rotation_type, legacy_wrap"
)
_ALIAS_COLUMNS = "account_id, alias_name, key_id, created_date, last_updated_date"


def _key(row: Any) -> KmsKeyRecord:
    return KmsKeyRecord(
        key_id=row[0], account_id=row[1], arn=row[2], key_manager=row[3], key_state=row[4],
        created_date=row[5], description=row[6], deletion_date=row[7], policy=row[8],
        tags=json.loads(row[9]), material_version=row[10], rotation_enabled=bool(row[11]),
        rotation_period_days=row[12], next_rotation_date=row[13], material=row[14],
        material_id=row[15], material_legacy=bool(row[16]),
    )  # fmt: skip


def _key_values(key: KmsKeyRecord) -> tuple[Any, ...]:
    return (
        key.key_id, key.account_id, key.arn, key.key_manager, key.key_state, key.created_date,
        key.description, key.deletion_date, key.policy, json.dumps(key.tags),
        key.material_version, int(key.rotation_enabled), key.rotation_period_days,
        key.next_rotation_date,
    )  # fmt: skip


def _material(row: Any) -> KmsMaterialRecord:
    return KmsMaterialRecord(
        key_id=row[0], version=row[1], material=row[2], material_id=row[3],
        created_date=row[4], rotation_type=row[5], legacy_wrap=bool(row[6]),
    )  # fmt: skip


def _alias(row: Any) -> KmsAliasRecord:
    return KmsAliasRecord(*row)


class SqliteKmsQueries:
    _conn: sqlite3.Connection
    _cache: ReadCache | None

    @memoized
    def kms_key(self, key_id: str) -> KmsKeyRecord | None:
        row = self._conn.execute(f"{_KEY_SELECT} WHERE k.key_id = ?", (key_id,)).fetchone()
        return _key(row) if row else None

    def kms_keys(self, account_id: str) -> list[KmsKeyRecord]:
        rows = self._conn.execute(
            f"{_KEY_SELECT} WHERE k.account_id = ? ORDER BY k.created_date, k.key_id",
            (account_id,),
        )
        return [_key(row) for row in rows]

    def kms_keys_to_delete(self, now: float) -> list[KmsKeyRecord]:
        rows = self._conn.execute(
            f"{_KEY_SELECT} WHERE k.key_state = 'PendingDeletion' "
            "AND k.deletion_date IS NOT NULL AND k.deletion_date <= ?",
            (now,),
        )
        return [_key(row) for row in rows]

    def kms_keys_to_rotate(self, now: float) -> list[KmsKeyRecord]:
        rows = self._conn.execute(
            f"{_KEY_SELECT} WHERE k.rotation_enabled = 1 "
            "AND k.key_state = 'Enabled' AND k.next_rotation_date <= ?",
            (now,),
        )
        return [_key(row) for row in rows]

    def insert_kms_key(self, key: KmsKeyRecord) -> None:
        # kms_keys.material (0001) is superseded by kms_key_materials (0002), left empty.
        self._conn.execute(
            f"INSERT INTO kms_keys ({_KEY_COLUMNS}, material) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, X'')",
            _key_values(key),
        )
        self.insert_kms_material(
            KmsMaterialRecord(
                key_id=key.key_id,
                version=key.material_version,
                material=key.material,
                material_id=key.material_id,
                created_date=key.created_date,
                legacy_wrap=key.material_legacy,
            )
        )

    def update_kms_key(self, key: KmsKeyRecord) -> None:
        assignments = ", ".join(f"{column} = ?" for column in _KEY_COLUMNS.split(", ")[1:])
        self._conn.execute(
            f"UPDATE kms_keys SET {assignments} WHERE key_id = ?",
            (*_key_values(key)[1:], key.key_id),
        )

    def delete_kms_key(self, key_id: str) -> None:
        self._conn.execute("DELETE FROM kms_aliases WHERE key_id = ?", (key_id,))
        self._conn.execute("DELETE FROM kms_key_materials WHERE key_id = ?", (key_id,))
        self._conn.execute("DELETE FROM kms_keys WHERE key_id = ?", (key_id,))

    @memoized
    def kms_material(self, key_id: str, version: int) -> KmsMaterialRecord | None:
        row = self._conn.execute(
            f"SELECT {_MATERIAL_COLUMNS} FROM kms_key_materials WHERE key_id = ? AND version = ?",
            (key_id, version),
        ).fetchone()
        return _material(row) if row else None

    def kms_materials(self, key_id: str) -> list[KmsMaterialRecord]:
        rows = self._conn.execute(
            f"SELECT {_MATERIAL_COLUMNS} FROM kms_key_materials WHERE key_id = ? ORDER BY version",
            (key_id,),
        )
        return [_material(row) for row in rows]

    def insert_kms_material(self, material: KmsMaterialRecord) -> None:
        self._conn.execute(
            f"INSERT INTO kms_key_materials ({_MATERIAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                material.key_id,
                material.version,
                material.material,
                material.material_id,
                material.created_date,
                material.rotation_type,
                int(material.legacy_wrap),
            ),
        )

    def kms_alias(self, account_id: str, alias_name: str) -> str | None:
        row = self._conn.execute(
            "SELECT key_id FROM kms_aliases WHERE account_id = ? AND alias_name = ?",
            (account_id, alias_name),
        ).fetchone()
        return row[0] if row else None

    def kms_alias_record(self, account_id: str, alias_name: str) -> KmsAliasRecord | None:
        row = self._conn.execute(
            f"SELECT {_ALIAS_COLUMNS} FROM kms_aliases WHERE account_id = ? AND alias_name = ?",
            (account_id, alias_name),
        ).fetchone()
        return _alias(row) if row else None

    def kms_aliases(self, account_id: str) -> list[KmsAliasRecord]:
        rows = self._conn.execute(
            f"SELECT {_ALIAS_COLUMNS} FROM kms_aliases WHERE account_id = ? ORDER BY alias_name",
            (account_id,),
        )
        return [_alias(row) for row in rows]

    def insert_kms_alias(self, alias: KmsAliasRecord) -> None:
        self._conn.execute(
            f"INSERT INTO kms_aliases ({_ALIAS_COLUMNS}) VALUES (?, ?, ?, ?, ?)",
            (
                alias.account_id,
                alias.alias_name,
                alias.key_id,
                alias.created_date,
                alias.last_updated_date,
            ),
        )

    def update_kms_alias(self, alias: KmsAliasRecord) -> None:
        self._conn.execute(
            "UPDATE kms_aliases SET key_id = ?, created_date = ?, last_updated_date = ? "
            "WHERE account_id = ? AND alias_name = ?",
            (
                alias.key_id,
                alias.created_date,
                alias.last_updated_date,
                alias.account_id,
                alias.alias_name,
            ),
        )

    def delete_kms_alias(self, account_id: str, alias_name: str) -> None:
        self._conn.execute(
            "DELETE FROM kms_aliases WHERE account_id = ? AND alias_name = ?",
            (account_id, alias_name),
        )
