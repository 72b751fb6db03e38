"""Access rules through real requests, with AWS's semantics: another account let in by a
secret's resource policy (and by the key policy of the secret's KMS key), condition keys
filled from the request itself, the extra actions AWS asks for on some requests,
BlockPublicPolicy, and KMS key policies that do not delegate to IAM.

Every refusal is checked for its code, the start of AWS's message, and that nothing
changed.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import ACCOUNT_ID, KINKO, Server, client_for
from tests.integration.iam_helpers import (
    Credentials,
    allow,
    aws_as,
    error_of,
    new_user,
    policy,
)
from tests.integration.replication.helpers import wait_status

Unique = Callable[[str], str]

ROOT_A = f"arn:aws:iam::{ACCOUNT_ID}:root"
NOT_FOUND = "Secrets Manager can't find the specified secret."
DEFAULT_KEY_CROSS_ACCOUNT = (
    "You can't access a secret from a different AWS account if you encrypt the secret with "
    "the default KMS service key."
)
NO_KMS = "Access to KMS is not allowed"


@dataclass(frozen=True)
class Account:
    """A second account of the same deployment, reached through its root access key."""

    account_id: str
    root: Credentials

    @property
    def root_arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:root"


# --- helpers ---------------------------------------------------------------------------


def refused(call: Callable[..., Any], **params: Any) -> tuple[str, str, int]:
    """(code, message, HTTP status) of a call that must fail."""
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return error_of(excinfo)


def not_authorized(arn: str, action: str, resource: str) -> str:
    """The fixed start of AWS's AccessDenied message."""
    return f"User: {arn} is not authorized to perform: {action} on resource: {resource}"


def assert_denied(
    call: Callable[..., Any], arn: str, action: str, resource: str, **params: Any
) -> str:
    """The call is refused with AccessDeniedException in AWS's words; returns the message."""
    code, message, status = refused(call, **params)
    assert (code, status) == ("AccessDeniedException", 400), message
    assert message.startswith(not_authorized(arn, action, resource)), message
    return message


def no_identity_policy(action: str) -> str:
    return f" because no identity-based policy allows the {action} action"


def no_resource_policy(action: str) -> str:
    return f" because no resource-based policy allows the {action} action"


def secret_arn_prefix(name: str, region: str = "us-east-1", account: str = ACCOUNT_ID) -> str:
    """A secret's ARN up to its random six-character suffix."""
    return f"arn:aws:secretsmanager:{region}:{account}:secret:{name}-"


def statement(effect: str, principal: Any, action: str | list[str], **extra: Any) -> dict[str, Any]:
    """A resource-based policy statement (a secret's resource policy or a key policy)."""
    return {"Effect": effect, "Principal": principal, "Action": action, "Resource": "*", **extra}


def enable_iam_user_permissions(account: str = ACCOUNT_ID) -> dict[str, Any]:
    """AWS's default key policy statement: the account (so IAM policies) may use the key."""
    return {
        "Sid": "Enable IAM User Permissions",
        **statement("Allow", {"AWS": f"arn:aws:iam::{account}:root"}, "kms:*"),
    }


def is_missing(client: Any, secret_id: str) -> bool:
    """DescribeSecret answers ResourceNotFoundException."""
    try:
        client.describe_secret(SecretId=secret_id)
    except ClientError as exc:
        return bool(exc.response["Error"]["Code"] == "ResourceNotFoundException")
    return False


def stored_policy(sm: Any, secret_id: str) -> Any:
    """The secret's resource policy, parsed (None when it has none)."""
    document = sm.get_resource_policy(SecretId=secret_id).get("ResourcePolicy")
    return json.loads(document) if document else None


def stages(sm: Any, secret_id: str) -> dict[str, list[str]]:
    return dict(sm.describe_secret(SecretId=secret_id)["VersionIdsToStages"])


# --- fixtures --------------------------------------------------------------------------


@pytest.fixture
def iam(server: Server) -> Any:
    return server.client("us-east-1", service="iam")


@pytest.fixture
def kms(server: Server) -> Any:
    return server.client("us-east-1", service="kms")


@pytest.fixture(scope="module")
def other(server: Server) -> Account:
    """Account B, made with `kinko account create` on the running server's data."""
    made = subprocess.run(
        [KINKO, "account", "create", "--data-dir", str(server.data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    fields: dict[str, str] = {}
    for line in made.stdout.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            fields[key.strip()] = value.strip()
    key_id, secret = fields["aws_access_key_id"], fields["aws_secret_access_key"]
    sts = client_for(server.endpoint, "us-east-1", "sts", access_key=key_id, secret_key=secret)
    me = sts.get_caller_identity()
    account_id = me["Account"]
    assert account_id != ACCOUNT_ID
    assert me["Arn"] == f"arn:aws:iam::{account_id}:root"
    assert made.stdout.startswith(f"[account-{account_id}]")
    return Account(account_id, Credentials(key_id, secret, arn=me["Arn"]))


@pytest.fixture
def shared_key(kms: Any, other: Account) -> dict[str, Any]:
    """A customer key of account A whose key policy also lets account B decrypt."""
    key_policy = policy(
        enable_iam_user_permissions(),
        {
            "Sid": "Allow account B to decrypt",
            **statement("Allow", {"AWS": other.root_arn}, ["kms:Decrypt", "kms:DescribeKey"]),
        },
    )
    metadata: dict[str, Any] = kms.create_key(Policy=key_policy)["KeyMetadata"]
    return metadata


def read_by_b(other: Account) -> str:
    """A secret resource policy letting B's account read."""
    return policy(statement("Allow", {"AWS": other.root_arn}, "secretsmanager:GetSecretValue"))


# --- 1. cross-account access through resource policies ---------------------------------


def test_another_account_reads_through_the_resource_policy(
    server: Server,
    sm: Any,
    other: Account,
    shared_key: dict[str, Any],
    unique: Unique,
    tmp_path: Path,
) -> None:
    arn = sm.create_secret(Name=unique("shared"), SecretString="for-b", KmsKeyId=shared_key["Arn"])[
        "ARN"
    ]
    sm.put_resource_policy(SecretId=arn, ResourcePolicy=read_by_b(other))
    b_sm = other.root.client(server, "secretsmanager")
    got = b_sm.get_secret_value(SecretId=arn)
    assert (got["ARN"], got["SecretString"]) == (arn, "for-b")
    # The AWS CLI as B's root, too.
    cli = aws_as(
        server, tmp_path, other.root, "secretsmanager", "get-secret-value", "--secret-id", arn
    )
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["SecretString"] == "for-b"
    # B uses A's key only as its key policy says: through Secrets Manager or directly.
    b_kms = other.root.client(server, "kms")
    assert b_kms.describe_key(KeyId=shared_key["Arn"])["KeyMetadata"]["AWSAccountId"] == ACCOUNT_ID
    message = assert_denied(
        b_kms.encrypt,
        other.root_arn,
        "kms:Encrypt",
        shared_key["Arn"],
        KeyId=shared_key["Arn"],
        Plaintext=b"x",
    )
    assert message.endswith(no_resource_policy("kms:Encrypt")), message
    # B was granted reading only.
    message = assert_denied(
        b_sm.describe_secret, other.root_arn, "secretsmanager:DescribeSecret", arn, SecretId=arn
    )
    assert message.endswith(no_resource_policy("secretsmanager:DescribeSecret")), message

    sm.delete_resource_policy(SecretId=arn)
    message = assert_denied(
        b_sm.get_secret_value, other.root_arn, "secretsmanager:GetSecretValue", arn, SecretId=arn
    )
    assert message.endswith(no_resource_policy("secretsmanager:GetSecretValue")), message
    assert stored_policy(sm, arn) is None
    assert sm.get_secret_value(SecretId=arn)["SecretString"] == "for-b"

    sm.put_resource_policy(SecretId=arn, ResourcePolicy=read_by_b(other))
    assert b_sm.get_secret_value(SecretId=arn)["SecretString"] == "for-b"


def test_the_default_key_cannot_serve_another_account(
    server: Server, sm: Any, other: Account, unique: Unique
) -> None:
    arn = sm.create_secret(Name=unique("default-key"), SecretString="mine")["ARN"]
    sm.put_resource_policy(SecretId=arn, ResourcePolicy=read_by_b(other))
    before = sm.describe_secret(SecretId=arn)
    assert "KmsKeyId" not in before  # aws/secretsmanager
    b_sm = other.root.client(server, "secretsmanager")
    assert refused(b_sm.get_secret_value, SecretId=arn) == (
        "InvalidRequestException",
        DEFAULT_KEY_CROSS_ACCOUNT,
        400,
    )
    assert stages(sm, arn) == before["VersionIdsToStages"]
    assert stored_policy(sm, arn) == json.loads(read_by_b(other))
    assert sm.get_secret_value(SecretId=arn)["SecretString"] == "mine"


def test_cross_account_needs_both_sides(
    server: Server,
    sm: Any,
    other: Account,
    shared_key: dict[str, Any],
    unique: Unique,
) -> None:
    arn = sm.create_secret(
        Name=unique("both-sides"), SecretString="needs-both", KmsKeyId=shared_key["Arn"]
    )["ARN"]
    sm.put_resource_policy(SecretId=arn, ResourcePolicy=read_by_b(other))
    b_iam = other.root.client(server, "iam")
    name = unique("bob")
    bob = new_user(b_iam, name)
    assert bob.arn == f"arn:aws:iam::{other.account_id}:user/{name}"
    bob_sm = bob.client(server, "secretsmanager")
    # The resource policy names B's account: B's own policies must allow too.
    message = assert_denied(
        bob_sm.get_secret_value, bob.arn, "secretsmanager:GetSecretValue", arn, SecretId=arn
    )
    assert message.endswith(no_identity_policy("secretsmanager:GetSecretValue")), message

    # Allowed by both sides for Secrets Manager; KMS still needs bob's kms:Decrypt.
    b_iam.put_user_policy(
        UserName=name,
        PolicyName="read",
        PolicyDocument=policy(allow("secretsmanager:GetSecretValue", arn)),
    )
    assert refused(bob_sm.get_secret_value, SecretId=arn) == ("AccessDeniedException", NO_KMS, 400)

    b_iam.put_user_policy(
        UserName=name,
        PolicyName="decrypt",
        PolicyDocument=policy(allow("kms:Decrypt", shared_key["Arn"])),
    )
    assert bob_sm.get_secret_value(SecretId=arn)["SecretString"] == "needs-both"

    # Taking the resource policy away closes the door again, whatever bob's policies say.
    sm.delete_resource_policy(SecretId=arn)
    message = assert_denied(
        bob_sm.get_secret_value, bob.arn, "secretsmanager:GetSecretValue", arn, SecretId=arn
    )
    assert message.endswith(no_resource_policy("secretsmanager:GetSecretValue")), message


def test_names_resolve_in_the_callers_account(
    server: Server, sm: Any, other: Account, shared_key: dict[str, Any], unique: Unique
) -> None:
    name = unique("by-name")
    arn = sm.create_secret(Name=name, SecretString="a's", KmsKeyId=shared_key["Arn"])["ARN"]
    sm.put_resource_policy(SecretId=arn, ResourcePolicy=read_by_b(other))
    b_sm = other.root.client(server, "secretsmanager")
    assert refused(b_sm.get_secret_value, SecretId=name) == (
        "ResourceNotFoundException",
        NOT_FOUND,
        400,
    )
    assert refused(b_sm.describe_secret, SecretId=name)[0] == "ResourceNotFoundException"
    assert b_sm.get_secret_value(SecretId=arn)["SecretString"] == "a's"  # the ARN works
    # The name is free in B's account: B's own secret, not A's.
    b_arn = b_sm.create_secret(Name=name, SecretString="b's")["ARN"]
    assert b_arn.startswith(secret_arn_prefix(name, account=other.account_id))
    assert b_sm.get_secret_value(SecretId=name)["SecretString"] == "b's"
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "a's"
    listed_b = [s["ARN"] for s in b_sm.list_secrets()["SecretList"] if s["Name"] == name]
    assert listed_b == [b_arn]


# --- 2. conditions, from real requests -------------------------------------------------


def test_source_ip_condition(iam: Any, server: Server, sm: Any, unique: Unique) -> None:
    arn = sm.create_secret(Name=unique("ip"), SecretString="local")["ARN"]

    def reader(cidr: str) -> Credentials:
        return new_user(
            iam,
            unique("ip-user"),
            {
                **allow("secretsmanager:GetSecretValue"),
                "Condition": {"IpAddress": {"aws:SourceIp": cidr}},
            },
        )

    loopback = reader("127.0.0.0/8")
    assert (
        loopback.client(server, "secretsmanager").get_secret_value(SecretId=arn)["SecretString"]
        == "local"
    )
    elsewhere = reader("10.0.0.0/8")
    message = assert_denied(
        elsewhere.client(server, "secretsmanager").get_secret_value,
        elsewhere.arn,
        "secretsmanager:GetSecretValue",
        arn,
        SecretId=arn,
    )
    assert message.endswith(no_identity_policy("secretsmanager:GetSecretValue")), message


@pytest.mark.parametrize("prefix", ["secretsmanager", "aws"])
def test_resource_tag_condition(
    iam: Any, server: Server, sm: Any, unique: Unique, prefix: str
) -> None:
    core = sm.create_secret(
        Name=unique("core"), SecretString="core", Tags=[{"Key": "team", "Value": "core"}]
    )["ARN"]
    elsewhere = sm.create_secret(
        Name=unique("other"), SecretString="other", Tags=[{"Key": "team", "Value": "other"}]
    )["ARN"]
    user = new_user(
        iam,
        unique("tagged"),
        {
            **allow("secretsmanager:GetSecretValue"),
            "Condition": {"StringEquals": {f"{prefix}:ResourceTag/team": "core"}},
        },
    )
    client = user.client(server, "secretsmanager")
    action = "secretsmanager:GetSecretValue"
    assert client.get_secret_value(SecretId=core)["SecretString"] == "core"
    assert_denied(client.get_secret_value, user.arn, action, elsewhere, SecretId=elsewhere)
    assert sm.describe_secret(SecretId=elsewhere)["Tags"] == [{"Key": "team", "Value": "other"}]

    # Retagging flips it, at once.
    sm.tag_resource(SecretId=core, Tags=[{"Key": "team", "Value": "other"}])
    sm.tag_resource(SecretId=elsewhere, Tags=[{"Key": "team", "Value": "core"}])
    assert client.get_secret_value(SecretId=elsewhere)["SecretString"] == "other"
    assert_denied(client.get_secret_value, user.arn, action, core, SecretId=core)
    sm.untag_resource(SecretId=elsewhere, TagKeys=["team"])
    assert_denied(client.get_secret_value, user.arn, action, elsewhere, SecretId=elsewhere)


def test_version_stage_condition(iam: Any, server: Server, sm: Any, unique: Unique) -> None:
    arn = sm.create_secret(Name=unique("stage"), SecretString="old")["ARN"]
    sm.put_secret_value(SecretId=arn, SecretString="new")
    before = stages(sm, arn)
    user = new_user(
        iam,
        unique("current-only"),
        {
            **allow("secretsmanager:GetSecretValue"),
            "Condition": {"StringEquals": {"secretsmanager:VersionStage": "AWSCURRENT"}},
        },
    )
    client = user.client(server, "secretsmanager")
    got = client.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")
    assert (got["SecretString"], got["VersionStages"]) == ("new", ["AWSCURRENT"])
    message = assert_denied(
        client.get_secret_value,
        user.arn,
        "secretsmanager:GetSecretValue",
        arn,
        SecretId=arn,
        VersionStage="AWSPREVIOUS",
    )
    assert message.endswith(no_identity_policy("secretsmanager:GetSecretValue")), message
    assert stages(sm, arn) == before
    assert sm.get_secret_value(SecretId=arn, VersionStage="AWSPREVIOUS")["SecretString"] == "old"


def test_requested_region_condition(iam: Any, server: Server, unique: Unique) -> None:
    name = unique("regional")
    paris = server.client("eu-west-3").create_secret(Name=name, SecretString="paris")["ARN"]
    virginia = server.client("us-east-1").create_secret(Name=name, SecretString="virginia")["ARN"]
    user = new_user(
        iam,
        unique("paris-only"),
        {
            **allow("secretsmanager:GetSecretValue"),
            "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-3"}},
        },
    )
    got = user.client(server, "secretsmanager", "eu-west-3").get_secret_value(SecretId=name)
    assert (got["ARN"], got["SecretString"]) == (paris, "paris")
    message = assert_denied(
        user.client(server, "secretsmanager", "us-east-1").get_secret_value,
        user.arn,
        "secretsmanager:GetSecretValue",
        virginia,
        SecretId=name,
    )
    assert message.endswith(no_identity_policy("secretsmanager:GetSecretValue")), message


def test_an_explicit_deny_on_the_secret_id_beats_allow_all(
    iam: Any, server: Server, sm: Any, unique: Unique
) -> None:
    dev = sm.create_secret(Name=unique("app-dev"), SecretString="dev")["ARN"]
    prod_name = unique("app-prod")
    prod = sm.create_secret(Name=prod_name, SecretString="prod")["ARN"]
    user = new_user(
        iam,
        unique("no-prod"),
        allow("secretsmanager:*"),
        {
            "Effect": "Deny",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": "*",
            "Condition": {"StringLike": {"secretsmanager:SecretId": "*prod*"}},
        },
    )
    client = user.client(server, "secretsmanager")
    assert client.get_secret_value(SecretId=dev)["SecretString"] == "dev"
    action = "secretsmanager:GetSecretValue"
    for secret_id in (prod, prod_name):
        message = assert_denied(client.get_secret_value, user.arn, action, prod, SecretId=secret_id)
        assert message == (
            not_authorized(user.arn, action, prod)
            + " with an explicit deny in an identity-based policy"
        )
    assert client.describe_secret(SecretId=prod)["Name"] == prod_name  # only reading is denied
    assert sm.get_secret_value(SecretId=prod)["SecretString"] == "prod"


# --- 3. the extra actions AWS asks for ---------------------------------------------------


def test_create_secret_with_tags_needs_tag_resource(
    iam: Any, server: Server, sm: Any, unique: Unique
) -> None:
    user = new_user(iam, unique("creator"), allow("secretsmanager:CreateSecret"))
    client = user.client(server, "secretsmanager")
    name = unique("tagged-create")
    assert_denied(
        client.create_secret,
        user.arn,
        "secretsmanager:TagResource",
        secret_arn_prefix(name),
        Name=name,
        SecretString="v",
        Tags=[{"Key": "team", "Value": "core"}],
    )
    assert is_missing(sm, name)
    # Without tags, CreateSecret alone is enough.
    created = client.create_secret(Name=name, SecretString="v")
    assert created["ARN"].startswith(secret_arn_prefix(name))
    assert sm.describe_secret(SecretId=name).get("Tags", []) == []


def test_create_secret_with_replicas_needs_replicate_secret_to_regions(
    iam: Any, server: Server, sm: Any, unique: Unique
) -> None:
    user = new_user(iam, unique("no-replicas"), allow("secretsmanager:CreateSecret"))
    name = unique("replicated-create")
    code, message, status = refused(
        user.client(server, "secretsmanager").create_secret,
        Name=name,
        SecretString="v",
        AddReplicaRegions=[{"Region": "us-west-2"}],
    )
    assert (code, status) == ("AccessDeniedException", 400), message
    assert message.startswith(
        f"User: {user.arn} is not authorized to perform: "
        "secretsmanager:ReplicateSecretToRegions on resource: "
    ), message
    assert is_missing(sm, name)
    assert is_missing(server.client("us-west-2"), name)


def test_replicate_secret_to_regions_is_asked_on_the_new_secret(
    iam: Any, server: Server, sm: Any, unique: Unique
) -> None:
    # The Service Authorization Reference gives ReplicateSecretToRegions the resource type
    # Secret* (required): CreateSecret's AddReplicaRegions is authorized on the new
    # secret's ARN, as its TagResource is, so a policy may scope replication to names.
    prefix = unique("team")
    user = new_user(
        iam,
        unique("scoped-replicator"),
        allow("secretsmanager:CreateSecret"),
        allow(
            "secretsmanager:ReplicateSecretToRegions",
            f"arn:aws:secretsmanager:*:{ACCOUNT_ID}:secret:{prefix}/*",
        ),
    )
    client = user.client(server, "secretsmanager")
    inside = f"{prefix}/db"
    created = client.create_secret(
        Name=inside, SecretString="v", AddReplicaRegions=[{"Region": "us-west-2"}]
    )
    assert [s["Region"] for s in created["ReplicationStatus"]] == ["us-west-2"]
    wait_status(sm, inside, "us-west-2", "InSync")
    sm.remove_regions_from_replication(SecretId=inside, RemoveReplicaRegions=["us-west-2"])
    sm.delete_secret(SecretId=inside, ForceDeleteWithoutRecovery=True)

    outside = unique("elsewhere")
    message = assert_denied(
        client.create_secret,
        user.arn,
        "secretsmanager:ReplicateSecretToRegions",
        secret_arn_prefix(outside),
        Name=outside,
        SecretString="v",
        AddReplicaRegions=[{"Region": "us-west-2"}],
    )
    assert message.endswith(no_identity_policy("secretsmanager:ReplicateSecretToRegions"))
    assert is_missing(sm, outside)
    assert is_missing(server.client("us-west-2"), outside)


def test_request_tag_condition_on_create(iam: Any, server: Server, sm: Any, unique: Unique) -> None:
    user = new_user(
        iam,
        unique("dev-tagger"),
        {
            **allow(["secretsmanager:CreateSecret", "secretsmanager:TagResource"]),
            "Condition": {"StringEquals": {"aws:RequestTag/env": "dev"}},
        },
    )
    client = user.client(server, "secretsmanager")
    name = unique("env-dev")
    client.create_secret(Name=name, SecretString="v", Tags=[{"Key": "env", "Value": "dev"}])
    assert sm.describe_secret(SecretId=name)["Tags"] == [{"Key": "env", "Value": "dev"}]

    prod = unique("env-prod")
    code, message, status = refused(
        client.create_secret, Name=prod, SecretString="v", Tags=[{"Key": "env", "Value": "prod"}]
    )
    assert (code, status) == ("AccessDeniedException", 400), message
    assert message.startswith(
        (
            not_authorized(user.arn, "secretsmanager:CreateSecret", secret_arn_prefix(prod)),
            not_authorized(user.arn, "secretsmanager:TagResource", secret_arn_prefix(prod)),
        )
    ), message
    assert is_missing(sm, prod)

    untagged = unique("env-none")  # no aws:RequestTag/env at all: StringEquals fails
    assert_denied(
        client.create_secret,
        user.arn,
        "secretsmanager:CreateSecret",
        secret_arn_prefix(untagged),
        Name=untagged,
        SecretString="v",
    )
    assert is_missing(sm, untagged)


def test_add_replica_regions_condition_limits_the_regions(
    iam: Any, server: Server, sm: Any, unique: Unique
) -> None:
    # The policy of AWS's "Allow replication permission only to specific Regions" example.
    user = new_user(
        iam,
        unique("us-ca-only"),
        {
            **allow(["secretsmanager:CreateSecret", "secretsmanager:ReplicateSecretToRegions"]),
            "Condition": {
                "ForAllValues:StringLike": {"secretsmanager:AddReplicaRegions": ["us-*", "ca-*"]}
            },
        },
    )
    client = user.client(server, "secretsmanager")
    allowed = unique("to-oregon")
    created = client.create_secret(
        Name=allowed, SecretString="v", AddReplicaRegions=[{"Region": "us-west-2"}]
    )
    assert [s["Region"] for s in created["ReplicationStatus"]] == ["us-west-2"]
    wait_status(sm, allowed, "us-west-2", "InSync")
    assert server.client("us-west-2").get_secret_value(SecretId=allowed)["SecretString"] == "v"

    denied = unique("to-ireland")
    code, message, status = refused(
        client.create_secret,
        Name=denied,
        SecretString="v",
        AddReplicaRegions=[{"Region": "us-west-2"}, {"Region": "eu-west-1"}],
    )
    assert (code, status) == ("AccessDeniedException", 400), message
    assert message.startswith(
        f"User: {user.arn} is not authorized to perform: "
        "secretsmanager:ReplicateSecretToRegions on resource: "
    ), message
    for region in ("us-east-1", "us-west-2", "eu-west-1"):
        assert is_missing(server.client(region), denied), region

    plain = unique("no-replicas")  # no AddReplicaRegions: ForAllValues holds
    plain_arn = client.create_secret(Name=plain, SecretString="v")["ARN"]
    assert "ReplicationStatus" not in sm.describe_secret(SecretId=plain)

    # ReplicateSecretToRegions of an existing secret: the same condition.
    message = assert_denied(
        client.replicate_secret_to_regions,
        user.arn,
        "secretsmanager:ReplicateSecretToRegions",
        plain_arn,
        SecretId=plain,
        AddReplicaRegions=[{"Region": "eu-west-1"}],
    )
    assert message.endswith(no_identity_policy("secretsmanager:ReplicateSecretToRegions"))
    assert "ReplicationStatus" not in sm.describe_secret(SecretId=plain)
    assert is_missing(server.client("eu-west-1"), plain)
    replicated = client.replicate_secret_to_regions(
        SecretId=plain, AddReplicaRegions=[{"Region": "ca-central-1"}]
    )
    assert [s["Region"] for s in replicated["ReplicationStatus"]] == ["ca-central-1"]
    wait_status(sm, plain, "ca-central-1", "InSync")

    sm.remove_regions_from_replication(SecretId=allowed, RemoveReplicaRegions=["us-west-2"])
    sm.remove_regions_from_replication(SecretId=plain, RemoveReplicaRegions=["ca-central-1"])
    for name in (allowed, plain):
        sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)


# --- 4. BlockPublicPolicy and ValidateResourcePolicy ------------------------------------


def test_block_public_policy_accepts_a_policy_narrowed_to_the_account(
    aws: Callable[..., subprocess.CompletedProcess[str]],
    iam: Any,
    server: Server,
    sm: Any,
    other: Account,
    unique: Unique,
) -> None:
    name = unique("narrowed")
    arn = sm.create_secret(Name=name, SecretString="ours")["ARN"]
    narrowed = json.loads(
        policy(
            statement(
                "Allow",
                "*",
                "secretsmanager:GetSecretValue",
                Condition={"StringEquals": {"aws:PrincipalAccount": ACCOUNT_ID}},
            )
        )
    )
    put = aws(
        "secretsmanager",
        "put-resource-policy",
        "--secret-id",
        name,
        "--resource-policy",
        json.dumps(narrowed),
        "--block-public-policy",
    )
    assert json.loads(put.stdout)["ARN"] == arn
    assert stored_policy(sm, arn) == narrowed

    # In force: anyone of account A (even with no identity policy), no one else.
    nobody = new_user(iam, unique("nobody"))
    assert (
        nobody.client(server, "secretsmanager").get_secret_value(SecretId=arn)["SecretString"]
        == "ours"
    )
    message = assert_denied(
        other.root.client(server, "secretsmanager").get_secret_value,
        other.root_arn,
        "secretsmanager:GetSecretValue",
        arn,
        SecretId=arn,
    )
    assert message.endswith(no_resource_policy("secretsmanager:GetSecretValue")), message

    public = policy(statement("Allow", "*", "secretsmanager:GetSecretValue"))
    code, message, status = refused(
        sm.put_resource_policy, SecretId=arn, ResourcePolicy=public, BlockPublicPolicy=True
    )
    assert (code, status) == ("PublicPolicyException", 400), message
    assert stored_policy(sm, arn) == narrowed

    bare = unique("bare")
    sm.create_secret(Name=bare, SecretString="v")
    assert (
        refused(
            sm.put_resource_policy, SecretId=bare, ResourcePolicy=public, BlockPublicPolicy=True
        )[0]
        == "PublicPolicyException"
    )
    assert stored_policy(sm, bare) is None


def test_validate_resource_policy_reports_an_unknown_action(sm: Any) -> None:
    misspelt = policy(statement("Allow", {"AWS": ROOT_A}, "secretsmanager:GetSecretValu"))
    got = sm.validate_resource_policy(ResourcePolicy=misspelt)
    assert got["PolicyValidationPassed"] is False
    findings = got["ValidationErrors"]
    assert any("secretsmanager:GetSecretValu" in f["ErrorMessage"] for f in findings), findings
    assert all(f["CheckName"] and f["ErrorMessage"] for f in findings)
    spelt = policy(statement("Allow", {"AWS": ROOT_A}, "secretsmanager:GetSecretValue"))
    assert sm.validate_resource_policy(ResourcePolicy=spelt)["PolicyValidationPassed"] is True


# --- 5. KMS key policies ---------------------------------------------------------------


def test_a_key_policy_without_iam_delegation(
    iam: Any, server: Server, kms: Any, unique: Unique
) -> None:
    carol = new_user(iam, unique("carol"))  # no identity policy at all
    dave = new_user(iam, unique("dave"), allow("kms:*"))  # everything, by IAM
    use = ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:GetKeyPolicy"]
    key_policy = policy({"Sid": "CarolOnly", **statement("Allow", {"AWS": carol.arn}, use)})
    key = kms.create_key(Policy=key_policy, BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]
    key_id, arn = key["KeyId"], key["Arn"]

    carol_kms = carol.client(server, "kms")
    sealed = carol_kms.encrypt(KeyId=key_id, Plaintext=b"carol's")["CiphertextBlob"]
    assert carol_kms.decrypt(CiphertextBlob=sealed)["Plaintext"] == b"carol's"

    # An IAM policy is not enough: the key policy does not name the account.
    dave_kms = dave.client(server, "kms")
    for action, call, params in (
        ("kms:Encrypt", dave_kms.encrypt, {"KeyId": key_id, "Plaintext": b"x"}),
        ("kms:Decrypt", dave_kms.decrypt, {"CiphertextBlob": sealed}),
    ):
        message = assert_denied(call, dave.arn, action, arn, **params)
        assert message.endswith(no_resource_policy(action)), message

    # Nor does the account's root get a pass: it is not named either, so it cannot use,
    # read or even repair the key (AWS: the key becomes unmanageable).
    for action, call, params in (
        ("kms:Encrypt", kms.encrypt, {"KeyId": key_id, "Plaintext": b"x"}),
        ("kms:Decrypt", kms.decrypt, {"CiphertextBlob": sealed}),
        ("kms:DescribeKey", kms.describe_key, {"KeyId": key_id}),
        (
            "kms:PutKeyPolicy",
            kms.put_key_policy,
            {"KeyId": key_id, "Policy": policy(enable_iam_user_permissions())},
        ),
    ):
        message = assert_denied(call, ROOT_A, action, arn, **params)
        assert message == not_authorized(ROOT_A, action, arn) + no_resource_policy(action)
    assert json.loads(carol_kms.get_key_policy(KeyId=key_id)["Policy"]) == json.loads(key_policy)


def test_a_key_policy_naming_the_account_lets_iam_decide(
    iam: Any, server: Server, kms: Any, unique: Unique
) -> None:
    dave = new_user(iam, unique("dave"), allow("kms:*"))
    erin = new_user(iam, unique("erin"))  # no identity policy
    key_policy = policy(
        {"Sid": "AccountUse", **statement("Allow", {"AWS": ROOT_A}, ["kms:Encrypt", "kms:Decrypt"])}
    )
    key = kms.create_key(Policy=key_policy, BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]
    key_id, arn = key["KeyId"], key["Arn"]

    # Named, the root may use the key; and IAM policies decide for the account's users.
    sealed = kms.encrypt(KeyId=key_id, Plaintext=b"root's")["CiphertextBlob"]
    dave_kms = dave.client(server, "kms")
    assert dave_kms.decrypt(CiphertextBlob=sealed)["Plaintext"] == b"root's"
    again = dave_kms.encrypt(KeyId=key_id, Plaintext=b"dave's")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=again)["Plaintext"] == b"dave's"
    message = assert_denied(
        erin.client(server, "kms").encrypt,
        erin.arn,
        "kms:Encrypt",
        arn,
        KeyId=key_id,
        Plaintext=b"x",
    )
    assert message.endswith(no_identity_policy("kms:Encrypt")), message
    # Only what the key policy allows: not DescribeKey, even for dave's kms:*.
    message = assert_denied(dave_kms.describe_key, dave.arn, "kms:DescribeKey", arn, KeyId=key_id)
    assert message.endswith(no_resource_policy("kms:DescribeKey")), message


def test_secrets_manager_needs_kms_decrypt_on_a_customer_key(
    iam: Any, server: Server, sm: Any, kms: Any, unique: Unique
) -> None:
    key = kms.create_key()["KeyMetadata"]  # AWS's default key policy: IAM decides
    arn = sm.create_secret(Name=unique("cmk"), SecretString="sealed", KmsKeyId=key["Arn"])["ARN"]
    before = stages(sm, arn)
    name = unique("no-decrypt")
    user = new_user(iam, name, allow("secretsmanager:GetSecretValue", arn))
    client = user.client(server, "secretsmanager")
    assert refused(client.get_secret_value, SecretId=arn) == ("AccessDeniedException", NO_KMS, 400)
    assert stages(sm, arn) == before

    # kms:Decrypt only through Secrets Manager, as AWS's examples grant it.
    iam.put_user_policy(
        UserName=name,
        PolicyName="decrypt",
        PolicyDocument=policy(
            {
                **allow("kms:Decrypt", key["Arn"]),
                "Condition": {
                    "StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}
                },
            }
        ),
    )
    assert client.get_secret_value(SecretId=arn)["SecretString"] == "sealed"
    sealed = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"direct")["CiphertextBlob"]
    message = assert_denied(
        user.client(server, "kms").decrypt,
        user.arn,
        "kms:Decrypt",
        key["Arn"],
        CiphertextBlob=sealed,
    )
    assert message.endswith(no_identity_policy("kms:Decrypt")), message
