"""The conformance suite every region-store implementation must pass."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kinko.storage.interface import RegionStore, RegionTx
from kinko.storage.records import (
    KmsAliasRecord,
    KmsKeyRecord,
    KmsMaterialRecord,
    SecretRecord,
    VersionRecord,
)
from kinko.storage.sqlite.region import SqliteRegionStore

IMPLEMENTATIONS: dict[str, Callable[[Path], RegionStore]] = {
    "sqlite": lambda path: SqliteRegionStore(path, "us-east-1"),
}


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RegionStore]:
    instance = IMPLEMENTATIONS[request.param](tmp_path)
    yield instance
    instance.close()


def write(store: RegionStore, fn: Callable[[RegionTx], Any]) -> Any:
    async def run() -> Any:
        return await store.write(fn)

    return asyncio.run(run())


def _secret(name: str = "app/db") -> SecretRecord:
    return SecretRecord(
        account_id="111122223333",
        name=name,
        arn=f"arn:aws:secretsmanager:us-east-1:111122223333:secret:{name}-AbCdEf",
        created_date=1.0,
        last_changed_date=2.0,
        tags=[{"Key": "env", "Value": "prod"}],
        extra={"note": 1},
    )


def test_secret_round_trip(store: RegionStore) -> None:
    secret = _secret()
    pk = write(store, lambda tx: tx.insert_secret(secret))
    found = store.reader().secret_by_name("111122223333", "app/db")
    assert found is not None and found.pk == pk
    assert found == store.reader().secret_by_arn(secret.arn)
    assert found.tags == [{"Key": "env", "Value": "prod"}] and found.extra == {"note": 1}
    found.description = "changed"
    found.deletion_date = 5.0
    write(store, lambda tx: tx.update_secret(found))
    assert store.reader().secret_by_name("111122223333", "app/db") == found
    assert [s.pk for s in store.reader().secrets_to_purge(5.0)] == [pk]
    assert store.reader().secrets_to_purge(4.0) == []
    assert store.reader().secrets("111122223333") == [found]
    assert store.reader().secrets("999999999999") == []


def test_versions_and_stages_cascade(store: RegionStore) -> None:
    secret = _secret()
    pk = write(store, lambda tx: tx.insert_secret(secret))
    version = VersionRecord(pk, "v1", 3.0, "key", b"wrapped", b"cipher", False)

    def add(tx: RegionTx) -> None:
        tx.insert_version(version)
        tx.set_stage(pk, "AWSCURRENT", "v1")
        tx.set_stage(pk, "AWSCURRENT", "v1")  # upsert, not a duplicate

    write(store, add)
    reader = store.reader()
    assert reader.stages(pk) == {"AWSCURRENT": "v1"}
    assert reader.stage_version(pk, "AWSCURRENT") == "v1"
    at_stage = reader.version_at_stage(pk, "AWSCURRENT")
    assert at_stage is not None and at_stage.version_id == "v1"
    assert reader.version_at_stage(pk, "AWSPREVIOUS") is None
    assert reader.labels(pk, "v1") == ["AWSCURRENT"]
    stored = reader.version(pk, "v1")
    assert stored is not None and stored.ciphertext == b"cipher"
    write(store, lambda tx: tx.touch_version(pk, "v1", 86400.0))
    assert [v.last_accessed_date for v in store.reader().versions(pk)] == [86400.0]
    write(store, lambda tx: tx.delete_secret(pk))
    assert store.reader().versions(pk) == [] and store.reader().stages(pk) == {}


def test_failed_write_changes_nothing(store: RegionStore) -> None:
    def half_done(tx: RegionTx) -> None:
        tx.insert_secret(_secret("half"))
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write(store, half_done)
    assert store.reader().secret_by_name("111122223333", "half") is None


def _kms_key(key_id: str = "k1", account: str = "111122223333", **kw: Any) -> KmsKeyRecord:
    fields: dict[str, Any] = {"key_state": "Enabled", "created_date": 1.0, **kw}
    return KmsKeyRecord(key_id, account, f"arn:{key_id}", "CUSTOMER", material=b"m1", **fields)


def test_kms_keys_and_aliases(store: RegionStore) -> None:
    key = KmsKeyRecord("k1", "111122223333", "arn:k1", "AWS", "Enabled", b"m", 1.0)
    alias = KmsAliasRecord("111122223333", "alias/aws/secretsmanager", "k1", 2.0, 3.0)

    def add(tx: RegionTx) -> None:
        tx.insert_kms_key(key)
        tx.insert_kms_alias(alias)

    write(store, add)
    assert store.reader().kms_key("k1") == key
    assert store.reader().kms_alias("111122223333", "alias/aws/secretsmanager") == "k1"
    assert store.reader().kms_alias("999999999999", "alias/aws/secretsmanager") is None
    assert store.reader().kms_alias_record("111122223333", alias.alias_name) == alias
    assert store.reader().kms_alias_record("999999999999", alias.alias_name) is None


def test_kms_key_round_trip_carries_its_current_material(store: RegionStore) -> None:
    key = _kms_key(
        description="d",
        policy='{"Statement": []}',
        tags=[{"TagKey": "team", "TagValue": "a"}],
        material_id="id1",
        rotation_enabled=True,
        rotation_period_days=90,
        next_rotation_date=50.0,
    )
    write(store, lambda tx: tx.insert_kms_key(key))
    assert store.reader().kms_key("k1") == key
    [first] = store.reader().kms_materials("k1")
    assert (first.version, first.material, first.material_id, first.rotation_type) == (
        1,
        b"m1",
        "id1",
        None,
    )
    assert store.reader().kms_key("missing") is None

    rotated = KmsMaterialRecord("k1", 2, b"m2", "id2", 9.0, "ON_DEMAND")

    def rotate(tx: RegionTx) -> None:
        tx.insert_kms_material(rotated)
        key.material_version, key.material, key.material_id = 2, b"m2", "id2"
        key.key_state = "Disabled"
        key.tags = []
        tx.update_kms_key(key)

    write(store, rotate)
    assert store.reader().kms_key("k1") == key  # the current material is version 2 now
    assert [m.version for m in store.reader().kms_materials("k1")] == [1, 2]
    assert store.reader().kms_material("k1", 2) == rotated
    old = store.reader().kms_material("k1", 1)
    assert old is not None and old.material == b"m1"
    assert store.reader().kms_material("k1", 3) is None


def test_kms_keys_by_account_due_for_deletion_and_rotation(store: RegionStore) -> None:
    keys = [
        _kms_key("a"),
        _kms_key("b", key_state="PendingDeletion", deletion_date=10.0),
        _kms_key("c", key_state="PendingDeletion", deletion_date=30.0),
        _kms_key("d", rotation_enabled=True, rotation_period_days=90, next_rotation_date=10.0),
        _kms_key("e", rotation_enabled=True, rotation_period_days=90, next_rotation_date=30.0),
        _kms_key("f", key_state="Disabled", rotation_enabled=True, next_rotation_date=10.0),
        _kms_key("g", account="999999999999"),
    ]

    def add(tx: RegionTx) -> None:
        for key in keys:
            tx.insert_kms_key(key)

    write(store, add)
    reader = store.reader()
    assert [k.key_id for k in reader.kms_keys("111122223333")] == list("abcdef")
    assert [k.key_id for k in reader.kms_keys("999999999999")] == ["g"]
    assert [k.key_id for k in reader.kms_keys_to_delete(20.0)] == ["b"]
    assert {k.key_id for k in reader.kms_keys_to_delete(30.0)} == {"b", "c"}
    # disabled keys do not rotate
    assert [k.key_id for k in reader.kms_keys_to_rotate(20.0)] == ["d"]


def test_kms_aliases_listed_updated_and_deleted(store: RegionStore) -> None:
    def add(tx: RegionTx) -> None:
        tx.insert_kms_key(_kms_key("k1"))
        tx.insert_kms_key(_kms_key("k2"))
        tx.insert_kms_alias(KmsAliasRecord("111122223333", "alias/b", "k1", 1.0, 1.0))
        tx.insert_kms_alias(KmsAliasRecord("111122223333", "alias/a", "k1", 2.0, 2.0))
        tx.insert_kms_alias(KmsAliasRecord("999999999999", "alias/a", "k2", 3.0, 3.0))

    write(store, add)
    listed = store.reader().kms_aliases("111122223333")
    assert [(a.alias_name, a.key_id) for a in listed] == [("alias/a", "k1"), ("alias/b", "k1")]
    moved = KmsAliasRecord("111122223333", "alias/a", "k2", 2.0, 5.0)
    write(store, lambda tx: tx.update_kms_alias(moved))
    assert store.reader().kms_alias_record("111122223333", "alias/a") == moved
    write(store, lambda tx: tx.delete_kms_alias("111122223333", "alias/b"))
    assert [a.alias_name for a in store.reader().kms_aliases("111122223333")] == ["alias/a"]
    assert store.reader().kms_alias("999999999999", "alias/a") == "k2"  # other account intact


def test_deleting_a_kms_key_removes_its_material_and_aliases(store: RegionStore) -> None:
    def add(tx: RegionTx) -> None:
        tx.insert_kms_key(_kms_key("k1"))
        tx.insert_kms_key(_kms_key("k2"))
        tx.insert_kms_material(KmsMaterialRecord("k1", 2, b"m2", "id2", 2.0, "AUTOMATIC"))
        tx.insert_kms_alias(KmsAliasRecord("111122223333", "alias/one", "k1", 1.0, 1.0))
        tx.insert_kms_alias(KmsAliasRecord("111122223333", "alias/two", "k2", 1.0, 1.0))

    write(store, add)
    write(store, lambda tx: tx.delete_kms_key("k1"))
    reader = store.reader()
    assert reader.kms_key("k1") is None and reader.kms_materials("k1") == []
    assert reader.kms_alias("111122223333", "alias/one") is None
    assert reader.kms_alias("111122223333", "alias/two") == "k2"
    assert reader.kms_key("k2") is not None and len(reader.kms_materials("k2")) == 1


def test_failed_kms_write_changes_nothing(store: RegionStore) -> None:
    def half_done(tx: RegionTx) -> None:
        tx.insert_kms_key(_kms_key("k1"))
        tx.insert_kms_alias(KmsAliasRecord("111122223333", "alias/one", "k1", 1.0, 1.0))
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write(store, half_done)
    assert store.reader().kms_key("k1") is None
    assert store.reader().kms_materials("k1") == []
    assert store.reader().kms_aliases("111122223333") == []


def test_replicas_and_outbox(store: RegionStore) -> None:
    from kinko.storage.records import ReplicaRecord

    secret = _secret("replicated")
    secret.replica_of, secret.replica_seq = "eu-west-3", 7
    pk = write(store, lambda tx: tx.insert_secret(secret))
    stored = store.reader().secret_by_arn(secret.arn)
    assert stored is not None and (stored.replica_of, stored.replica_seq) == ("eu-west-3", 7)
    second = ReplicaRecord(pk, "us-west-2", 2, "InProgress", "{}")
    first = ReplicaRecord(pk, "eu-west-1", 1, "InProgress", "{}", kms_key_id="alias/k")

    def add(tx: RegionTx) -> list[int]:
        tx.save_replica(second)
        tx.save_replica(first)
        return [
            tx.enqueue(secret.arn, region, "sync", 10.0) for region in ("eu-west-1", "us-west-2")
        ]

    seqs = write(store, add)
    assert seqs[0] < seqs[1]
    assert [r.region for r in store.reader().replicas(pk)] == ["eu-west-1", "us-west-2"]
    first.status, first.status_message = "InSync", "Replication succeeded"
    write(store, lambda tx: tx.save_replica(first))
    assert store.reader().replicas(pk)[0].status == "InSync"
    due = store.reader().outbox_due(100.0, 10)
    assert [(o.seq, o.region, o.kind) for o in due] == [
        (seqs[0], "eu-west-1", "sync"),
        (seqs[1], "us-west-2", "sync"),
    ]
    write(store, lambda tx: tx.outbox_retry(secret.arn, "us-west-2", 50.0))
    assert [o.region for o in store.reader().outbox_due(20.0, 10)] == ["eu-west-1"]
    assert store.reader().outbox_pending(secret.arn, "us-west-2")
    write(store, lambda tx: tx.outbox_done(secret.arn, "us-west-2", seqs[1]))
    assert not store.reader().outbox_pending(secret.arn, "us-west-2")
    write(store, lambda tx: tx.delete_replica(pk, "eu-west-1"))
    assert [r.region for r in store.reader().replicas(pk)] == ["us-west-2"]


def test_readers_never_see_stale_rows(store: RegionStore, tmp_path: Path) -> None:
    """Readers may cache point reads; a commit anywhere must show at once."""
    secret = _secret("fresh")
    write(store, lambda tx: tx.insert_secret(secret))
    reader = store.reader()
    first = reader.secret_by_arn(secret.arn)
    assert first is not None and first.description is None
    secret.description = "changed"
    write(store, lambda tx: tx.update_secret(secret))
    seen = reader.secret_by_arn(secret.arn)  # the same reader, after a write here
    assert seen is not None and seen.description == "changed"
    # A commit by another connection (another worker process, say) shows in a new reader.
    import sqlite3

    other = sqlite3.connect(tmp_path / "regions" / "us-east-1.db", isolation_level=None)
    other.execute("UPDATE secrets SET description = 'elsewhere' WHERE arn = ?", (secret.arn,))
    other.close()
    again = store.reader().secret_by_arn(secret.arn)
    assert again is not None and again.description == "elsewhere"
