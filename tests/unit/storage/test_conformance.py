"""The conformance suite every region-store implementation must pass."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kinko.storage.interface import RegionStore, RegionTx
from kinko.storage.records import KmsKeyRecord, SecretRecord, VersionRecord
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


def test_kms_keys_and_aliases(store: RegionStore) -> None:
    key = KmsKeyRecord("k1", "111122223333", "arn:k1", "AWS", "Enabled", b"m", 1.0)

    def add(tx: RegionTx) -> None:
        tx.insert_kms_key(key)
        tx.set_kms_alias("111122223333", "alias/aws/secretsmanager", "k1")

    write(store, add)
    assert store.reader().kms_key("k1") == key
    assert store.reader().kms_alias("111122223333", "alias/aws/secretsmanager") == "k1"
    assert store.reader().kms_alias("999999999999", "alias/aws/secretsmanager") is None
