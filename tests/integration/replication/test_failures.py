"""Replication failures that name their cause and clear when the user acts."""

from __future__ import annotations

from typing import Any

from tests.integration.iam_helpers import allow, new_user, policy
from tests.integration.replication.deployments import Deployment
from tests.integration.replication.helpers import wait_status, wait_until


def _key(deployment: Deployment, region: str, key_policy: str | None = None) -> dict[str, Any]:
    kms = deployment.client(region, service="kms")
    extra = {"Policy": key_policy} if key_policy else {}
    key = kms.create_key(Description="replication test", **extra)
    metadata: dict[str, Any] = key["KeyMetadata"]
    return metadata


def test_missing_replica_key_fails_then_a_real_key_works(
    deployment: Deployment, unique: Any
) -> None:
    sm = deployment.client("us-east-1")
    name = unique("replica-key")
    sm.create_secret(Name=name, SecretString="v1")
    missing = "arn:aws:kms:eu-west-2:111122223333:key/00000000-0000-0000-0000-000000000000"
    sm.replicate_secret_to_regions(
        SecretId=name, AddReplicaRegions=[{"Region": "eu-west-2", "KmsKeyId": missing}]
    )
    failed = wait_status(sm, name, "eu-west-2", "Failed")
    assert failed["KmsKeyId"] == missing
    assert "Replication failed" in failed["StatusMessage"]
    replica = deployment.client("eu-west-2")
    wait_until(lambda: name not in [s["Name"] for s in replica.list_secrets()["SecretList"]])

    key = _key(deployment, "eu-west-2")
    sm.replicate_secret_to_regions(
        SecretId=name, AddReplicaRegions=[{"Region": "eu-west-2", "KmsKeyId": key["Arn"]}]
    )
    synced = wait_status(sm, name, "eu-west-2", "InSync")
    assert synced["KmsKeyId"] == key["Arn"]
    assert replica.describe_secret(SecretId=name)["KmsKeyId"] == key["Arn"]
    versions = replica.list_secret_version_ids(SecretId=name)["Versions"]
    assert versions[0]["KmsKeyIds"] == [key["Arn"]]
    assert replica.get_secret_value(SecretId=name)["SecretString"] == "v1"


def test_disabled_primary_key_fails_until_enabled(deployment: Deployment, unique: Any) -> None:
    sm = deployment.client("us-east-1")
    kms = deployment.client("us-east-1", service="kms")
    key = _key(deployment, "us-east-1")
    name = unique("primary-key")
    sm.create_secret(Name=name, SecretString="v1", KmsKeyId=key["KeyId"])
    kms.disable_key(KeyId=key["KeyId"])
    sm.replicate_secret_to_regions(SecretId=name, AddReplicaRegions=[{"Region": "eu-west-3"}])
    failed = wait_status(sm, name, "eu-west-3", "Failed")
    assert "disabled" in failed["StatusMessage"]
    kms.enable_key(KeyId=key["KeyId"])
    sm.replicate_secret_to_regions(SecretId=name, AddReplicaRegions=[{"Region": "eu-west-3"}])
    wait_status(sm, name, "eu-west-3", "InSync")
    assert deployment.client("eu-west-3").get_secret_value(SecretId=name)["SecretString"] == "v1"


def test_custom_label_left_on_an_old_disabled_key(deployment: Deployment, unique: Any) -> None:
    sm = deployment.client("us-east-1")
    kms = deployment.client("us-east-1", service="kms")
    old, new = _key(deployment, "us-east-1"), _key(deployment, "us-east-1")
    name = unique("old-key")
    sm.create_secret(Name=name, SecretString="current", KmsKeyId=old["KeyId"])
    sm.put_secret_value(SecretId=name, SecretString="custom", VersionStages=["MyCustomLabel"])
    sm.update_secret(SecretId=name, KmsKeyId=new["KeyId"])  # custom-only versions keep `old`
    kms.disable_key(KeyId=old["KeyId"])
    sm.replicate_secret_to_regions(SecretId=name, AddReplicaRegions=[{"Region": "ap-south-1"}])
    failed = wait_status(sm, name, "ap-south-1", "Failed")
    assert "disabled" in failed["StatusMessage"]
    replica = deployment.client("ap-south-1")
    # What could be replicated is there; the version on the disabled key is not.
    assert replica.get_secret_value(SecretId=name)["SecretString"] == "current"
    # Re-create that version under the current key: the change itself retries.
    sm.put_secret_value(SecretId=name, SecretString="custom", VersionStages=["MyCustomLabel"])
    wait_status(sm, name, "ap-south-1", "InSync")
    got = replica.get_secret_value(SecretId=name, VersionStage="MyCustomLabel")
    assert got["SecretString"] == "custom"


def test_initiator_without_kms_decrypt_fails(deployment: Deployment, unique: Any) -> None:
    # The users are node A's; the primary's key is too, so Decrypt is decided where they
    # are known. The replica is on the AWS managed key, which needs no IAM policy.
    sm = deployment.client("us-east-1")
    iam = deployment.client("us-east-1", service="iam")
    key = _key(deployment, "us-east-1")
    name = unique("no-decrypt")
    sm.create_secret(Name=name, SecretString="v1", KmsKeyId=key["KeyId"])
    operator = new_user(iam, unique("operator"), allow("secretsmanager:*"))
    client = operator.client(deployment.entry, "secretsmanager")
    client.replicate_secret_to_regions(SecretId=name, AddReplicaRegions=[{"Region": "us-west-1"}])
    failed = wait_status(sm, name, "us-west-1", "Failed")
    assert "Access to KMS is not allowed" in failed["StatusMessage"]

    granted = new_user(
        iam, unique("operator2"), allow("secretsmanager:*"), allow("kms:Decrypt", key["Arn"])
    )
    granted.client(deployment.entry, "secretsmanager").replicate_secret_to_regions(
        SecretId=name, AddReplicaRegions=[{"Region": "us-west-1"}]
    )
    wait_status(sm, name, "us-west-1", "InSync")
    assert deployment.client("us-west-1").get_secret_value(SecretId=name)["SecretString"] == "v1"


def test_initiator_without_kms_on_the_replica_key_fails(
    deployment: Deployment, unique: Any
) -> None:
    sm = deployment.client("us-east-1")
    iam = deployment.client("us-east-1", service="iam")
    deployment.enable_region("eu-south-2")
    replica_key = _key(deployment, "eu-south-2")
    name = unique("no-encrypt")
    sm.create_secret(Name=name, SecretString="v1")
    replicate = [{"Region": "eu-south-2", "KmsKeyId": replica_key["Arn"]}]
    operator = new_user(iam, unique("op"), allow("secretsmanager:*"))
    operator.client(deployment.entry, "secretsmanager").replicate_secret_to_regions(
        SecretId=name, AddReplicaRegions=replicate
    )
    failed = wait_status(sm, name, "eu-south-2", "Failed")
    assert "Access to KMS is not allowed" in failed["StatusMessage"]

    # Granted by an IAM policy: the replica's region checks it with its node's IAM data.
    granted = new_user(
        iam,
        unique("op2"),
        allow("secretsmanager:*"),
        allow("kms:GenerateDataKey", replica_key["Arn"]),
    )
    granted.client(deployment.entry, "secretsmanager").replicate_secret_to_regions(
        SecretId=name, AddReplicaRegions=replicate
    )
    if deployment.clustered:
        # IAM is each node's own: the user and its policy exist only on node A, while
        # eu-south-2's node evaluates GenerateDataKey with its own IAM data, where the
        # user has no identity policy. The key policy defers to IAM, so it stays refused.
        failed = wait_status(sm, name, "eu-south-2", "Failed")
        assert "Access to KMS is not allowed" in failed["StatusMessage"]
    else:
        wait_status(sm, name, "eu-south-2", "InSync")

    # Granted by the replica key's own policy, naming the principal: a key policy alone
    # suffices, and it lives with the key, so this clears in every deployment.
    trusting = _key(
        deployment,
        "eu-south-2",
        policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{operator.arn.split(':')[4]}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Effect": "Allow",
                "Principal": {"AWS": operator.arn},
                "Action": "kms:GenerateDataKey",
                "Resource": "*",
            },
        ),
    )
    operator.client(deployment.entry, "secretsmanager").replicate_secret_to_regions(
        SecretId=name, AddReplicaRegions=[{"Region": "eu-south-2", "KmsKeyId": trusting["Arn"]}]
    )
    synced = wait_status(sm, name, "eu-south-2", "InSync")
    assert synced["KmsKeyId"] == trusting["Arn"]
    replica = deployment.client("eu-south-2")
    assert replica.get_secret_value(SecretId=name)["SecretString"] == "v1"
    assert replica.describe_secret(SecretId=name)["KmsKeyId"] == trusting["Arn"]


def test_failed_overwrite_keeps_the_secret_it_would_replace(
    deployment: Deployment, unique: Any
) -> None:
    sm = deployment.client("us-east-1")
    replica = deployment.client("eu-west-2")
    name = unique("overwrite-fails")
    squatter = replica.create_secret(Name=name, SecretString="squatter")["ARN"]
    sm.create_secret(Name=name, SecretString="mine")
    missing = "arn:aws:kms:eu-west-2:111122223333:key/00000000-0000-0000-0000-000000000001"
    sm.replicate_secret_to_regions(
        SecretId=name,
        AddReplicaRegions=[{"Region": "eu-west-2", "KmsKeyId": missing}],
        ForceOverwriteReplicaSecret=True,
    )
    failed = wait_status(sm, name, "eu-west-2", "Failed")
    assert "Replication failed" in failed["StatusMessage"]
    # The overwrite could not happen, so the secret it would have replaced is untouched.
    assert replica.describe_secret(SecretId=name)["ARN"] == squatter
    assert replica.get_secret_value(SecretId=name)["SecretString"] == "squatter"
