"""Replication in both deployments: replicate, keep in sync, report, refuse, promote."""

from __future__ import annotations

import json
from typing import Any

import boto3
import botocore.config

from tests.conftest import ACCESS_KEY_ID, SECRET_ACCESS_KEY
from tests.integration.replication.deployments import Deployment
from tests.integration.replication.helpers import (
    REPLICA_REFUSAL,
    error_of,
    is_gone,
    replica_arn,
    statuses,
    wait_status,
    wait_until,
)

POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "*",
            }
        ],
    }
)


def test_cli_example_answers_in_progress_then_in_sync(deployment: Deployment, unique: Any) -> None:
    sm = deployment.client("us-east-1")
    name = unique("MyTestSecret")
    sm.create_secret(Name=name, SecretString="hunter2")
    out = json.loads(
        deployment.aws(
            "secretsmanager", "replicate-secret-to-regions",
            "--secret-id", name, "--add-replica-regions", "Region=eu-west-3",
        ).stdout
    )  # fmt: skip
    assert out["ARN"].startswith("arn:aws:secretsmanager:us-east-1:")
    assert out["ReplicationStatus"] == [
        {"Region": "eu-west-3", "KmsKeyId": "alias/aws/secretsmanager", "Status": "InProgress"}
    ]
    synced = wait_status(sm, name, "eu-west-3", "InSync")
    assert synced["StatusMessage"] == "Replication succeeded"


def test_replica_mirrors_the_primary(deployment: Deployment, unique: Any) -> None:
    sm = deployment.client("us-east-1")
    name = unique("mirror")
    arn = sm.create_secret(
        Name=name,
        SecretString="v1",
        Description="the db",
        Tags=[{"Key": "team", "Value": "core"}],
    )["ARN"]
    sm.put_secret_value(SecretId=name, SecretString="v2")
    sm.put_secret_value(SecretId=name, SecretString="custom", VersionStages=["MyLabel"])
    sm.put_resource_policy(
        SecretId=name,
        ResourcePolicy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                        "Action": "secretsmanager:GetSecretValue",
                        "Resource": "*",
                    }
                ],
            }
        ),
    )
    sm.replicate_secret_to_regions(SecretId=name, AddReplicaRegions=[{"Region": "eu-west-1"}])
    wait_status(sm, name, "eu-west-1", "InSync")
    replica = deployment.client("eu-west-1")
    described = replica.describe_secret(SecretId=name)
    primary = sm.describe_secret(SecretId=name)
    assert described["ARN"] == replica_arn(arn, "eu-west-1")
    assert described["ARN"][-7:] == arn[-7:]
    assert described["Name"] == name
    assert described["PrimaryRegion"] == "us-east-1"
    assert primary["PrimaryRegion"] == "us-east-1"
    assert described["Description"] == "the db"
    assert described["Tags"] == [{"Key": "team", "Value": "core"}]
    assert described["VersionIdsToStages"] == primary["VersionIdsToStages"]
    assert "ReplicationStatus" not in described
    assert replica.get_secret_value(SecretId=name)["SecretString"] == "v2"
    assert (
        replica.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")["SecretString"] == "v1"
    )
    assert (
        replica.get_secret_value(SecretId=name, VersionStage="MyLabel")["SecretString"] == "custom"
    )
    assert (
        replica.get_resource_policy(SecretId=name)["ResourcePolicy"]
        == (sm.get_resource_policy(SecretId=name)["ResourcePolicy"])
    )
    by_arn = replica.get_secret_value(SecretId=replica_arn(arn, "eu-west-1"))
    assert by_arn["ARN"] == replica_arn(arn, "eu-west-1")
    versions = replica.list_secret_version_ids(SecretId=name)["Versions"]
    assert {tuple(v["KmsKeyIds"]) for v in versions} == {("DefaultEncryptionKey",)}


def test_changes_keep_flowing(deployment: Deployment, unique: Any) -> None:
    sm = deployment.client("us-east-1")
    name = unique("flow")
    sm.create_secret(Name=name, SecretString="v1", AddReplicaRegions=[{"Region": "ap-southeast-2"}])
    replica = deployment.client("ap-southeast-2")
    wait_status(sm, name, "ap-southeast-2", "InSync")
    current = sm.put_secret_value(SecretId=name, SecretString="v2")["VersionId"]
    sm.update_secret(SecretId=name, Description="now described")
    sm.tag_resource(SecretId=name, Tags=[{"Key": "env", "Value": "prod"}])
    sm.put_secret_value(SecretId=name, SecretString="pending", VersionStages=["AWSPENDING"])
    wait_until(lambda: replica.get_secret_value(SecretId=name)["VersionId"] == current)
    wait_until(lambda: replica.describe_secret(SecretId=name).get("Description") == "now described")
    wait_until(
        lambda: (
            replica.describe_secret(SecretId=name).get("Tags") == [{"Key": "env", "Value": "prod"}]
        )
    )
    wait_until(
        lambda: (
            replica.get_secret_value(SecretId=name, VersionStage="AWSPENDING")["SecretString"]
            == "pending"
        )
    )
    sm.untag_resource(SecretId=name, TagKeys=["env"])
    first = sm.list_secret_version_ids(SecretId=name)["Versions"]
    previous = next(v["VersionId"] for v in first if "AWSPREVIOUS" in v.get("VersionStages", []))
    sm.update_secret_version_stage(
        SecretId=name,
        VersionStage="AWSCURRENT",
        MoveToVersionId=previous,
        RemoveFromVersionId=current,
    )
    wait_until(lambda: replica.get_secret_value(SecretId=name)["SecretString"] == "v1")
    wait_until(lambda: "Tags" not in replica.describe_secret(SecretId=name))
    wait_status(sm, name, "ap-southeast-2", "InSync")


def test_replicas_refuse_writes_and_serve_reads(deployment: Deployment, unique: Any) -> None:
    sm = deployment.client("us-east-1")
    name = unique("readonly")
    sm.create_secret(Name=name, SecretString="v1", AddReplicaRegions=[{"Region": "us-west-2"}])
    wait_status(sm, name, "us-west-2", "InSync")
    replica = deployment.client("us-west-2")
    token = "a" * 32
    refused = [
        (
            replica.put_secret_value,
            {"SecretId": name, "SecretString": "x", "ClientRequestToken": token},
        ),
        (replica.update_secret, {"SecretId": name, "Description": "x"}),
        (replica.delete_secret, {"SecretId": name}),
        (replica.delete_secret, {"SecretId": name, "ForceDeleteWithoutRecovery": True}),
        (replica.restore_secret, {"SecretId": name}),
        (replica.tag_resource, {"SecretId": name, "Tags": [{"Key": "k", "Value": "v"}]}),
        (replica.untag_resource, {"SecretId": name, "TagKeys": ["k"]}),
        (replica.put_resource_policy, {"SecretId": name, "ResourcePolicy": POLICY}),
        (replica.delete_resource_policy, {"SecretId": name}),
        (
            replica.update_secret_version_stage,
            {"SecretId": name, "VersionStage": "X", "MoveToVersionId": token},
        ),
        (
            replica.replicate_secret_to_regions,
            {"SecretId": name, "AddReplicaRegions": [{"Region": "eu-west-2"}]},
        ),
        (
            replica.remove_regions_from_replication,
            {"SecretId": name, "RemoveReplicaRegions": ["us-east-1"]},
        ),
    ]
    for call, kwargs in refused:
        assert error_of(call, **kwargs) == ("InvalidParameterException", REPLICA_REFUSAL), call
    assert replica.get_secret_value(SecretId=name)["SecretString"] == "v1"
    assert (
        replica.batch_get_secret_value(SecretIdList=[name])["SecretValues"][0]["SecretString"]
        == "v1"
    )
    assert replica.list_secret_version_ids(SecretId=name)["Versions"]
    listed = replica.list_secrets(Filters=[{"Key": "primary-region", "Values": ["us-east-1"]}])
    assert name in [s["Name"] for s in listed["SecretList"]]
    entry = next(s for s in listed["SecretList"] if s["Name"] == name)
    assert entry["PrimaryRegion"] == "us-east-1"
    # The primary's status shows the replica's LastAccessedDate, wherever the replica lives.
    accessed = wait_until(lambda: statuses(sm, name)["us-west-2"].get("LastAccessedDate"))
    assert accessed == replica.describe_secret(SecretId=name)["LastAccessedDate"]
    assert replica.describe_secret(SecretId=name).get("Description") is None


def test_synchronous_refusals(deployment: Deployment, unique: Any) -> None:
    sm = deployment.client("us-east-1")
    name = unique("refusals")
    sm.create_secret(Name=name, SecretString="v1")
    same = error_of(
        sm.replicate_secret_to_regions, SecretId=name, AddReplicaRegions=[{"Region": "us-east-1"}]
    )
    assert same == ("InvalidParameterException", "Invalid replica region.")
    code, message = error_of(
        sm.replicate_secret_to_regions, SecretId=name, AddReplicaRegions=[{"Region": "cn-north-1"}]
    )
    assert code == "InvalidParameterException" and "partition" in message
    code, _ = error_of(
        deployment.client("us-gov-west-1").create_secret,
        Name=unique("gov"),
        SecretString="x",
        AddReplicaRegions=[{"Region": "us-east-1"}],
    )
    assert code == "InvalidParameterException"
    assert error_of(
        sm.create_secret,
        Name=unique("self"),
        SecretString="x",
        AddReplicaRegions=[{"Region": "us-east-1"}],
    ) == ("InvalidParameterException", "Invalid replica region.")
    assert "ReplicationStatus" not in sm.describe_secret(SecretId=name)
    assert "PrimaryRegion" not in sm.describe_secret(SecretId=name)


def test_empty_replica_list_is_refused(deployment: Deployment, unique: Any) -> None:
    # boto3 refuses an empty list itself; switch its checks off to reach the server.
    client = boto3.client(
        "secretsmanager",
        endpoint_url=deployment.entry.endpoint,
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
        config=botocore.config.Config(parameter_validation=False, retries={"max_attempts": 1}),
    )
    name = unique("empty")
    code, _ = error_of(client.create_secret, Name=name, SecretString="x", AddReplicaRegions=[])
    assert code == "ValidationException"
    assert error_of(client.describe_secret, SecretId=name)[0] == "ResourceNotFoundException"


def test_delete_remove_and_promote(deployment: Deployment, unique: Any) -> None:
    sm = deployment.client("us-east-1")
    name = unique("lifecycle")
    arn = sm.create_secret(
        Name=name,
        SecretString="v1",
        AddReplicaRegions=[
            {"Region": "eu-west-2"},
            {"Region": "eu-north-1"},
            {"Region": "ca-central-1"},
        ],
    )["ARN"]
    for region in ("eu-west-2", "eu-north-1", "ca-central-1"):
        wait_status(sm, name, region, "InSync")
    assert error_of(sm.delete_secret, SecretId=name) == (
        "InvalidParameterException",
        f"You can't delete secret {arn} that still has replica regions "
        "[eu-west-2, eu-north-1, ca-central-1].",
    )
    removed = sm.remove_regions_from_replication(SecretId=name, RemoveReplicaRegions=["eu-north-1"])
    assert removed["ARN"] == arn
    assert [s["Region"] for s in removed["ReplicationStatus"]] == ["eu-west-2", "ca-central-1"]
    gone = deployment.client("eu-north-1")
    wait_until(lambda: is_gone(gone, name))
    assert (
        error_of(
            sm.remove_regions_from_replication, SecretId=name, RemoveReplicaRegions=["eu-north-1"]
        )[0]
        == "InvalidParameterException"
    )

    # Promote the Canadian replica: it becomes standalone and writable, same ARN.
    canada = deployment.client("ca-central-1")
    promoted = canada.stop_replication_to_replica(SecretId=name)
    assert promoted["ARN"] == replica_arn(arn, "ca-central-1")
    canada.put_secret_value(SecretId=name, SecretString="independent")
    assert canada.get_secret_value(SecretId=name)["SecretString"] == "independent"
    assert "PrimaryRegion" not in canada.describe_secret(SecretId=name)
    wait_until(lambda: "ca-central-1" not in statuses(sm, name))
    sm.put_secret_value(SecretId=name, SecretString="v2")
    wait_until(
        lambda: (
            deployment.client("eu-west-2").get_secret_value(SecretId=name)["SecretString"] == "v2"
        )
    )
    assert canada.get_secret_value(SecretId=name)["SecretString"] == "independent"
    code, _ = error_of(sm.stop_replication_to_replica, SecretId=name)
    assert code == "InvalidRequestException"

    sm.remove_regions_from_replication(SecretId=name, RemoveReplicaRegions=["eu-west-2"])
    assert sm.describe_secret(SecretId=name)["ReplicationStatus"] == []
    sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)


def test_name_taken_fails_until_overwritten(deployment: Deployment, unique: Any) -> None:
    sm = deployment.client("us-east-1")
    name = unique("clash")
    other = deployment.client("sa-east-1")
    squatter = other.create_secret(Name=name, SecretString="squatter")["ARN"]
    sm.create_secret(Name=name, SecretString="mine")
    sm.replicate_secret_to_regions(SecretId=name, AddReplicaRegions=[{"Region": "sa-east-1"}])
    failed = wait_status(sm, name, "sa-east-1", "Failed")
    assert "already exists" in failed["StatusMessage"]
    assert other.get_secret_value(SecretId=name)["SecretString"] == "squatter"
    sm.replicate_secret_to_regions(
        SecretId=name, AddReplicaRegions=[{"Region": "sa-east-1"}], ForceOverwriteReplicaSecret=True
    )
    wait_status(sm, name, "sa-east-1", "InSync")
    assert other.get_secret_value(SecretId=name)["SecretString"] == "mine"
    assert other.describe_secret(SecretId=name)["ARN"] != squatter
    assert error_of(other.describe_secret, SecretId=squatter)[0] == "ResourceNotFoundException"


def test_every_version_arrives(deployment: Deployment, unique: Any) -> None:
    sm = deployment.client("us-east-1")
    name = unique("versions")
    sm.create_secret(Name=name, SecretString="v0", AddReplicaRegions=[{"Region": "eu-central-1"}])
    ids = [
        sm.put_secret_value(SecretId=name, SecretString=f"v{i}")["VersionId"] for i in range(1, 8)
    ]
    wait_status(sm, name, "eu-central-1", "InSync")
    replica = deployment.client("eu-central-1")
    for i, version_id in enumerate(ids, start=1):
        assert (
            replica.get_secret_value(SecretId=name, VersionId=version_id)["SecretString"] == f"v{i}"
        )


def test_opt_in_region_fails_until_enabled(deployment: Deployment, unique: Any) -> None:
    sm = deployment.client("us-east-1")
    name = unique("optin")
    sm.create_secret(Name=name, SecretString="v1")
    sm.replicate_secret_to_regions(SecretId=name, AddReplicaRegions=[{"Region": "me-south-1"}])
    failed = wait_status(sm, name, "me-south-1", "Failed")
    assert "not enabled" in failed["StatusMessage"]
    deployment.enable_region("me-south-1")
    sm.replicate_secret_to_regions(SecretId=name, AddReplicaRegions=[{"Region": "me-south-1"}])
    wait_status(sm, name, "me-south-1", "InSync")
    assert deployment.client("me-south-1").get_secret_value(SecretId=name)["SecretString"] == "v1"
