"""Migration 0002 (KMS): a region database written before it keeps every secret readable.

The database is built the way Kinko wrote it before 0002 (schema 0001, the managed key's
material wrapped with the key ARN alone, data keys sealed directly with that material),
then opened by today's store, which migrates it.
"""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from kinko.domain.crypto import RootKey, new_key, seal
from kinko.domain.kms import SECRETS_MANAGER_ALIAS, KeyService
from kinko.domain.secrets.lookup import open_value, seal_value
from kinko.storage.records import SecretRecord, VersionRecord
from kinko.storage.sqlite.region import SqliteRegionStore

ACCOUNT = "111122223333"
REGION = "us-east-1"
SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:legacy-AbCdEf"
VERSION_ID = "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1"
CREATED = 1_700_000_000.0


def _old_database(path: Path, root: RootKey) -> str:
    """A region database as Kinko wrote it with migration 0001 only; returns the key id."""
    path.parent.mkdir(parents=True)
    script = (
        resources.files("kinko.storage.sqlite")
        .joinpath("migrations", "region", "0001_initial.sql")
        .read_text()
    )
    key_id = str(uuid.uuid4())
    key_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}"
    material = new_key()
    data_key = new_key()
    context = f"{SECRET_ARN}|{VERSION_ID}".encode()
    conn = sqlite3.connect(path)
    try:
        for statement in script.split(";\n"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
        conn.execute(
            "INSERT INTO kms_keys (key_id, account_id, arn, key_manager, key_state, description, "
            "material, created_date) VALUES (?, ?, ?, 'AWS', 'Enabled', 'Default key', ?, ?)",
            (key_id, ACCOUNT, key_arn, root.wrap(material, key_arn), CREATED),
        )
        conn.execute(
            "INSERT INTO kms_aliases (account_id, alias_name, key_id) VALUES (?, ?, ?)",
            (ACCOUNT, SECRETS_MANAGER_ALIAS, key_id),
        )
        conn.execute(
            "INSERT INTO secrets (pk, account_id, name, arn, created_date, last_changed_date) "
            "VALUES (1, ?, 'legacy', ?, ?, ?)",
            (ACCOUNT, SECRET_ARN, CREATED, CREATED),
        )
        conn.execute(
            "INSERT INTO versions (secret_pk, version_id, created_date, kms_key_id, wrapped_key, "
            "ciphertext, is_binary) VALUES (1, ?, ?, ?, ?, ?, 0)",
            (
                VERSION_ID,
                CREATED,
                key_id,
                seal(material, data_key, b"kinko-dek:" + context),
                seal(data_key, b"from before 0002", context),
            ),
        )
        conn.execute("INSERT INTO stages VALUES (1, 'AWSCURRENT', ?)", (VERSION_ID,))
        conn.commit()
    finally:
        conn.close()
    return key_id


def _write(store: SqliteRegionStore, fn: Any) -> Any:
    async def run() -> Any:
        return await store.write(fn)

    return asyncio.run(run())


@pytest.fixture
def migrated(tmp_path: Path) -> Iterator[tuple[SqliteRegionStore, RootKey, str]]:
    root = RootKey(new_key())
    key_id = _old_database(tmp_path / "regions" / f"{REGION}.db", root)
    store = SqliteRegionStore(tmp_path, REGION)
    yield store, root, key_id
    store.close()


def _secret_and_version(store: SqliteRegionStore) -> tuple[SecretRecord, VersionRecord]:
    reader = store.reader()
    secret = reader.secret_by_arn(SECRET_ARN)
    assert secret is not None
    version = reader.version(1, VERSION_ID)
    assert version is not None
    return secret, version


def test_existing_key_gains_material_version_rotation_and_alias_dates(
    migrated: tuple[SqliteRegionStore, RootKey, str],
) -> None:
    store, _, key_id = migrated
    key = store.reader().kms_key(key_id)
    assert key is not None
    assert (key.material_version, key.material_legacy, len(key.material_id)) == (1, True, 64)
    assert key.tags == [] and key.key_state == "Enabled"
    # AWS managed keys rotate every year
    assert (key.rotation_enabled, key.rotation_period_days) == (True, 365)
    assert key.next_rotation_date == CREATED + 365 * 86400
    alias = store.reader().kms_alias_record(ACCOUNT, SECRETS_MANAGER_ALIAS)
    assert alias is not None
    assert (alias.key_id, alias.created_date, alias.last_updated_date) == (key_id, CREATED, CREATED)


def test_a_secret_written_before_the_migration_still_reads(
    migrated: tuple[SqliteRegionStore, RootKey, str],
) -> None:
    store, root, _ = migrated
    keys = KeyService(root, REGION, "aws")
    secret, version = _secret_and_version(store)
    assert open_value(store.reader(), keys, secret, version) == "from before 0002"


def test_after_rotation_old_and_new_values_both_read(
    migrated: tuple[SqliteRegionStore, RootKey, str],
) -> None:
    store, root, key_id = migrated
    keys = KeyService(root, REGION, "aws")

    def rotate(tx: Any) -> None:
        key = tx.kms_key(key_id)
        keys.rotate(tx, key, "AUTOMATIC", CREATED + 1)

    _write(store, rotate)
    key = store.reader().kms_key(key_id)
    assert key is not None and (key.material_version, key.material_legacy) == (2, False)
    secret, old = _secret_and_version(store)
    assert open_value(store.reader(), keys, secret, old) == "from before 0002"
    fresh = VersionRecord(secret_pk=1, version_id="v2", created_date=CREATED)
    seal_value(keys, key, secret, fresh, "after rotation")
    assert fresh.kms_key_id == key_id and fresh.wrapped_key is not None
    assert fresh.wrapped_key[:3] == b"KNK"  # data keys are ciphertext blobs from now on
    assert open_value(store.reader(), KeyService(root, REGION, "aws"), secret, fresh) == (
        "after rotation"
    )
