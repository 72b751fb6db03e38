"""SQLite queries for replication: replica regions of a primary, and the outbox."""

from __future__ import annotations

import sqlite3
from typing import Any

from kinko.storage.records import OutboxRecord, ReplicaRecord

_REPLICA_COLUMNS = (
    "secret_pk, region, position, status, initiator, kms_key_id, status_message, "
    "last_accessed_date, force_overwrite"
)
_OUTBOX_COLUMNS = "seq, secret_arn, region, kind, committed_at, attempts, next_attempt"


def _replica(row: Any) -> ReplicaRecord:
    return ReplicaRecord(
        secret_pk=row[0], region=row[1], position=row[2], status=row[3], initiator=row[4],
        kms_key_id=row[5], status_message=row[6], last_accessed_date=row[7],
        force_overwrite=bool(row[8]),
    )  # fmt: skip


class SqliteReplicationQueries:
    _conn: sqlite3.Connection

    def replicas(self, secret_pk: int) -> list[ReplicaRecord]:
        rows = self._conn.execute(
            f"SELECT {_REPLICA_COLUMNS} FROM replicas WHERE secret_pk = ? ORDER BY position",
            (secret_pk,),
        )
        return [_replica(row) for row in rows]

    def save_replica(self, replica: ReplicaRecord) -> None:
        self._conn.execute(
            f"INSERT INTO replicas ({_REPLICA_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (secret_pk, region) DO UPDATE SET position = excluded.position, "
            "status = excluded.status, initiator = excluded.initiator, "
            "kms_key_id = excluded.kms_key_id, status_message = excluded.status_message, "
            "last_accessed_date = excluded.last_accessed_date, "
            "force_overwrite = excluded.force_overwrite",
            (
                replica.secret_pk, replica.region, replica.position, replica.status,
                replica.initiator, replica.kms_key_id, replica.status_message,
                replica.last_accessed_date, int(replica.force_overwrite),
            ),
        )  # fmt: skip

    def delete_replica(self, secret_pk: int, region: str) -> None:
        self._conn.execute(
            "DELETE FROM replicas WHERE secret_pk = ? AND region = ?", (secret_pk, region)
        )

    def enqueue(self, secret_arn: str, region: str, kind: str, committed_at: float) -> int:
        cursor = self._conn.execute(
            "INSERT INTO outbox (secret_arn, region, kind, committed_at) VALUES (?, ?, ?, ?)",
            (secret_arn, region, kind, committed_at),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def outbox_due(self, now: float, limit: int) -> list[OutboxRecord]:
        rows = self._conn.execute(
            f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE next_attempt <= ? ORDER BY seq LIMIT ?",
            (now, limit),
        )
        return [OutboxRecord(*row) for row in rows]

    def outbox_pending(self, secret_arn: str, region: str) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM outbox WHERE secret_arn = ? AND region = ? LIMIT 1",
            (secret_arn, region),
        ).fetchone()
        return row is not None

    def outbox_done(self, secret_arn: str, region: str, up_to_seq: int) -> None:
        self._conn.execute(
            "DELETE FROM outbox WHERE secret_arn = ? AND region = ? AND seq <= ?",
            (secret_arn, region, up_to_seq),
        )

    def outbox_retry(self, secret_arn: str, region: str, next_attempt: float) -> None:
        self._conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt = ? "
            "WHERE secret_arn = ? AND region = ?",
            (next_attempt, secret_arn, region),
        )
