"""Replication failures that name their cause and clear when the user acts."""

from __future__ import annotations

from typing import Any

from tests.conftest import Server
from tests.integration.iam_helpers import allow, new_user
from tests.integration.replication.helpers import wait_status, wait_until


def _key(server: Server, region: str) -> dict[str, Any]:
    key = server.client(region, service="kms").create_key(Description="replication test")
    metadata: dict[str, Any] = key["KeyMetadata"]
    return metadata


def test_missing_replica_key_fails_then_a_real_key_works(
    server: Server, sm: Any, unique: Any
) -> None:
    name = unique("replica-key")
    sm.create_secret(Name=name, SecretString="v1")
    missing = "arn:aws:kms:eu-west-2:111122223333:key/00000000-0000-0000-0000-000000000000"
    sm.replicate_secret_to_regions(
        SecretId=name, AddReplicaRegions=[{"Region": "eu-west-2", "KmsKeyId": missing}]
    )
    failed = wait_status(sm, name, "eu-west-2", "Failed")
    assert failed["KmsKeyId"] == missing
    assert "Replication failed" in failed["StatusMessage"]
    replica = server.client("eu-west-2")
    wait_until(lambda: name not in [s["Name"] for s in replica.list_secrets()["SecretList"]])

    key = _key(server, "eu-west-2")
    sm.replicate_secret_to_regions(
        SecretId=name, AddReplicaRegions=[{"Region": "eu-west-2", "KmsKeyId": key["Arn"]}]
    )
    synced = wait_status(sm, name, "eu-west-2", "InSync")
    assert synced["KmsKeyId"] == key["Arn"]
    assert replica.describe_secret(SecretId=name)["KmsKeyId"] == key["Arn"]
    versions = replica.list_secret_version_ids(SecretId=name)["Versions"]
    assert versions[0]["KmsKeyIds"] == [key["Arn"]]
    assert replica.get_secret_value(SecretId=name)["SecretString"] == "v1"


def test_disabled_primary_key_fails_until_enabled(server: Server, sm: Any, unique: Any) -> None:
    kms = server.client("us-east-1", service="kms")
    key = _key(server, "us-east-1")
    name = unique("primary-key")
    sm.create_secret(Name=name, SecretString="v1", KmsKeyId=key["KeyId"])
    kms.disable_key(KeyId=key["KeyId"])
    sm.replicate_secret_to_regions(SecretId=name, AddReplicaRegions=[{"Region": "eu-west-3"}])
    failed = wait_status(sm, name, "eu-west-3", "Failed")
    assert "disabled" in failed["StatusMessage"]
    kms.enable_key(KeyId=key["KeyId"])
    sm.replicate_secret_to_regions(SecretId=name, AddReplicaRegions=[{"Region": "eu-west-3"}])
    wait_status(sm, name, "eu-west-3", "InSync")
    assert server.client("eu-west-3").get_secret_value(SecretId=name)["SecretString"] == "v1"


def test_custom_label_left_on_an_old_disabled_key(server: Server, sm: Any, unique: Any) -> None:
    kms = server.client("us-east-1", service="kms")
    old, new = _key(server, "us-east-1"), _key(server, "us-east-1")
    name = unique("old-key")
    sm.create_secret(Name=name, SecretString="current", KmsKeyId=old["KeyId"])
    sm.put_secret_value(SecretId=name, SecretString="custom", VersionStages=["MyCustomLabel"])
    sm.update_secret(SecretId=name, KmsKeyId=new["KeyId"])  # custom-only versions keep `old`
    kms.disable_key(KeyId=old["KeyId"])
    sm.replicate_secret_to_regions(SecretId=name, AddReplicaRegions=[{"Region": "ap-south-1"}])
    failed = wait_status(sm, name, "ap-south-1", "Failed")
    assert "disabled" in failed["StatusMessage"]
    replica = server.client("ap-south-1")
    # What could be replicated is there; the version on the disabled key is not.
    assert replica.get_secret_value(SecretId=name)["SecretString"] == "current"
    # Re-create that version under the current key: the change itself retries.
    sm.put_secret_value(SecretId=name, SecretString="custom", VersionStages=["MyCustomLabel"])
    wait_status(sm, name, "ap-south-1", "InSync")
    got = replica.get_secret_value(SecretId=name, VersionStage="MyCustomLabel")
    assert got["SecretString"] == "custom"


def test_initiator_without_kms_decrypt_fails(server: Server, sm: Any, unique: Any) -> None:
    iam = server.client("us-east-1", service="iam")
    key = _key(server, "us-east-1")
    name = unique("no-decrypt")
    sm.create_secret(Name=name, SecretString="v1", KmsKeyId=key["KeyId"])
    operator = new_user(iam, unique("operator"), allow("secretsmanager:*"))
    client = operator.client(server, "secretsmanager")
    client.replicate_secret_to_regions(SecretId=name, AddReplicaRegions=[{"Region": "us-west-1"}])
    failed = wait_status(sm, name, "us-west-1", "Failed")
    assert "Access to KMS is not allowed" in failed["StatusMessage"]

    granted = new_user(
        iam, unique("operator2"), allow("secretsmanager:*"), allow("kms:Decrypt", key["Arn"])
    )
    granted.client(server, "secretsmanager").replicate_secret_to_regions(
        SecretId=name, AddReplicaRegions=[{"Region": "us-west-1"}]
    )
    wait_status(sm, name, "us-west-1", "InSync")


def test_initiator_without_kms_on_the_replica_key_fails(
    server: Server, sm: Any, unique: Any
) -> None:
    iam = server.client("us-east-1", service="iam")
    server.client("us-east-1", service="account").enable_region(RegionName="eu-south-2")
    account = server.client("us-east-1", service="account")
    wait_until(
        lambda: (
            account.get_region_opt_status(RegionName="eu-south-2")["RegionOptStatus"] == "ENABLED"
        )
    )
    replica_key = _key(server, "eu-south-2")
    name = unique("no-encrypt")
    sm.create_secret(Name=name, SecretString="v1")
    operator = new_user(iam, unique("op"), allow("secretsmanager:*"))
    operator.client(server, "secretsmanager").replicate_secret_to_regions(
        SecretId=name,
        AddReplicaRegions=[{"Region": "eu-south-2", "KmsKeyId": replica_key["Arn"]}],
    )
    failed = wait_status(sm, name, "eu-south-2", "Failed")
    assert "Access to KMS is not allowed" in failed["StatusMessage"]
