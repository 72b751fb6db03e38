"""Secrets Manager on customer KMS keys: naming the key, what each version is encrypted
under, key changes, and what a disabled, pending-deletion or missing key does to reads
and writes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import ACCOUNT_ID, Server, start_server
from tests.integration.kms_helpers import (
    alias_arn,
    edit_database,
    eventually,
    key_arn,
    new_key,
    refused,
)

MISSING = "0b9a47ce-2a3f-4f7e-9c51-2f4a4d1e8b10"
KMS_TAIL = (
    r" \(Service: AWSKMS; Status Code: 400; Error Code: {code}; "
    r"Request ID: [0-9a-f-]{{36}}; Proxy: null\)"
)


@pytest.fixture
def kms(server: Server) -> Any:
    return server.client("us-east-1", service="kms")


@pytest.fixture
def key(kms: Any, unique: Callable[[str], str]) -> dict[str, Any]:
    """A customer key with an alias; `alias` is added to its metadata."""
    metadata = new_key(kms)
    name = f"alias/{unique('sm')}"
    kms.create_alias(AliasName=name, TargetKeyId=metadata["KeyId"])
    return {**metadata, "alias": name}


def kms_failure(code: str, verb: str, kms_message: str, kms_code: str) -> tuple[str, str]:
    """(code, regex) of Secrets Manager's report of a KMS refusal."""
    pattern = re.escape(f"Secrets Manager can't {verb} the secret value: {kms_message}")
    return code, pattern + KMS_TAIL.format(code=kms_code)


def assert_refused(call: Callable[..., Any], expected: tuple[str, str], **params: Any) -> None:
    code, message = refused(call, **params)
    assert code == expected[0], message
    assert re.fullmatch(expected[1], message), message


def key_ids(sm: Any, secret_id: str) -> dict[str, list[str]]:
    """KmsKeyIds of every version (deprecated ones too), by version id."""
    listed = sm.list_secret_version_ids(SecretId=secret_id, IncludeDeprecated=True)["Versions"]
    return {v["VersionId"]: v["KmsKeyIds"] for v in listed}


def seen(sm: Any, secret_id: str) -> dict[str, Any]:
    described = sm.describe_secret(SecretId=secret_id)
    return {
        "kms_key_id": described.get("KmsKeyId"),
        "stages": described.get("VersionIdsToStages"),
        "keys": key_ids(sm, secret_id),
    }


def test_every_name_of_the_key(sm: Any, key: dict[str, Any], unique: Callable[[str], str]) -> None:
    for ref in (key["KeyId"], key["Arn"], key["alias"], alias_arn(key["alias"])):
        name = unique("named")
        created = sm.create_secret(Name=name, SecretString=f"under {ref}", KmsKeyId=ref)
        assert sm.get_secret_value(SecretId=name)["SecretString"] == f"under {ref}"
        assert sm.describe_secret(SecretId=name)["KmsKeyId"] == ref
        [entry] = [
            s
            for s in sm.list_secrets(Filters=[{"Key": "name", "Values": [name]}])["SecretList"]
            if s["Name"] == name
        ]
        assert entry["KmsKeyId"] == ref
        assert key_ids(sm, name) == {created["VersionId"]: [key["Arn"]]}


def test_managed_key_is_reported_as_default(sm: Any, unique: Callable[[str], str]) -> None:
    for ref in (None, "alias/aws/secretsmanager", ""):
        name = unique("default")
        params = {} if ref is None else {"KmsKeyId": ref}
        created = sm.create_secret(Name=name, SecretString="v", **params)
        assert "KmsKeyId" not in sm.describe_secret(SecretId=name)
        assert key_ids(sm, name) == {created["VersionId"]: ["DefaultEncryptionKey"]}


def test_disabled_key_fails_reads_and_writes_until_enabled(
    sm: Any, kms: Any, key: dict[str, Any], unique: Callable[[str], str]
) -> None:
    name = unique("disabled")
    sm.create_secret(Name=name, SecretString="one", KmsKeyId=key["alias"])
    before = seen(sm, name)
    kms.disable_key(KeyId=key["KeyId"])
    message = f"{key['Arn']} is disabled."
    assert_refused(
        sm.get_secret_value,
        kms_failure("DecryptionFailure", "decrypt", message, "DisabledException"),
        SecretId=name,
    )
    assert_refused(
        sm.put_secret_value,
        kms_failure("EncryptionFailure", "encrypt", message, "DisabledException"),
        SecretId=name,
        SecretString="two",
    )
    batch = sm.batch_get_secret_value(SecretIdList=[name])
    assert batch["SecretValues"] == [] and batch["Errors"][0]["ErrorCode"] == "DecryptionFailure"
    assert seen(sm, name) == before  # nothing was written
    kms.enable_key(KeyId=key["KeyId"])
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "one"
    sm.put_secret_value(SecretId=name, SecretString="two")
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "two"


def test_pending_deletion_key_fails_until_cancelled_and_enabled(
    sm: Any, kms: Any, key: dict[str, Any], unique: Callable[[str], str]
) -> None:
    name = unique("pending")
    sm.create_secret(Name=name, SecretString="kept", KmsKeyId=key["Arn"])
    before = seen(sm, name)
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    message = f"{key['Arn']} is pending deletion."
    assert_refused(
        sm.get_secret_value,
        kms_failure("DecryptionFailure", "decrypt", message, "KMSInvalidStateException"),
        SecretId=name,
    )
    assert_refused(
        sm.update_secret,
        kms_failure("EncryptionFailure", "encrypt", message, "KMSInvalidStateException"),
        SecretId=name,
        SecretString="changed",
    )
    assert seen(sm, name) == before
    kms.cancel_key_deletion(KeyId=key["KeyId"])  # back to Disabled, as on AWS
    assert_refused(
        sm.get_secret_value,
        kms_failure(
            "DecryptionFailure", "decrypt", f"{key['Arn']} is disabled.", "DisabledException"
        ),
        SecretId=name,
    )
    kms.enable_key(KeyId=key["KeyId"])
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "kept"


def test_key_change_reencrypts_labelled_versions_only(
    sm: Any, kms: Any, key: dict[str, Any], unique: Callable[[str], str]
) -> None:
    old, new = key, new_key(kms)
    name = unique("rekeyed")
    first = sm.create_secret(Name=name, SecretString="previous", KmsKeyId=old["KeyId"])["VersionId"]
    current = sm.put_secret_value(SecretId=name, SecretString="current")["VersionId"]
    custom = sm.put_secret_value(SecretId=name, SecretString="custom", VersionStages=["MINE"])[
        "VersionId"
    ]
    pending = sm.put_secret_value(
        SecretId=name, SecretString="pending", VersionStages=["AWSPENDING"]
    )["VersionId"]
    sm.update_secret(SecretId=name, KmsKeyId=new["Arn"])
    assert sm.describe_secret(SecretId=name)["KmsKeyId"] == new["Arn"]
    assert key_ids(sm, name) == {
        first: [new["Arn"]],  # AWSPREVIOUS
        current: [new["Arn"]],  # AWSCURRENT
        custom: [old["Arn"]],  # only a custom label: keeps its key
        pending: [new["Arn"]],  # AWSPENDING
    }
    kms.disable_key(KeyId=old["KeyId"])
    for stage, value in (
        ("AWSCURRENT", "current"),
        ("AWSPREVIOUS", "previous"),
        ("AWSPENDING", "pending"),
    ):
        assert sm.get_secret_value(SecretId=name, VersionStage=stage)["SecretString"] == value
    assert_refused(
        sm.get_secret_value,
        kms_failure(
            "DecryptionFailure", "decrypt", f"{old['Arn']} is disabled.", "DisabledException"
        ),
        SecretId=name,
        VersionStage="MINE",
    )
    kms.enable_key(KeyId=old["KeyId"])
    assert sm.get_secret_value(SecretId=name, VersionStage="MINE")["SecretString"] == "custom"

    # Back to the AWS managed key: the labelled versions follow, KmsKeyId disappears.
    sm.update_secret(SecretId=name, KmsKeyId="")
    assert "KmsKeyId" not in sm.describe_secret(SecretId=name)
    ids = key_ids(sm, name)
    assert ids[current] == ids[first] == ids[pending] == ["DefaultEncryptionKey"]
    assert ids[custom] == [old["Arn"]]
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "current"


def test_key_change_with_a_new_value(
    sm: Any, kms: Any, key: dict[str, Any], unique: Callable[[str], str]
) -> None:
    name = unique("rekeyed-value")
    first = sm.create_secret(Name=name, SecretString="one")["VersionId"]
    second = sm.update_secret(SecretId=name, SecretString="two", KmsKeyId=key["alias"])["VersionId"]
    assert key_ids(sm, name) == {first: [key["Arn"]], second: [key["Arn"]]}
    assert sm.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")["SecretString"] == "one"


@pytest.mark.parametrize(
    "ref",
    [
        MISSING,
        key_arn(MISSING),
        "alias/no-such-alias",
        "not-a-key",
        key_arn(MISSING, region="eu-west-1"),
    ],
)
def test_unknown_key_is_an_invalid_parameter(
    sm: Any, unique: Callable[[str], str], ref: str
) -> None:
    kms_messages = {
        MISSING: f"Key '{key_arn(MISSING)}' does not exist",
        key_arn(MISSING): f"Key '{key_arn(MISSING)}' does not exist",
        "alias/no-such-alias": f"Alias {alias_arn('alias/no-such-alias')} is not found.",
        "not-a-key": "Invalid keyId 'not-a-key'",
        key_arn(MISSING, region="eu-west-1"): "Invalid arn eu-west-1",
    }
    expected = (
        "InvalidParameterException",
        f"The operation failed because of an invalid KMS key: {kms_messages[ref]}",
    )
    name = unique("badkey")
    assert refused(sm.create_secret, Name=name, SecretString="v", KmsKeyId=ref) == expected
    assert refused(sm.describe_secret, SecretId=name)[0] == "ResourceNotFoundException"
    sm.create_secret(Name=name, SecretString="v")
    before = seen(sm, name)
    assert refused(sm.update_secret, SecretId=name, KmsKeyId=ref) == expected
    assert seen(sm, name) == before


def test_key_in_another_region_by_its_arn(
    server: Server, sm: Any, unique: Callable[[str], str]
) -> None:
    elsewhere = new_key(server.client("eu-west-1", service="kms"))
    name = unique("elsewhere")
    assert refused(sm.create_secret, Name=name, SecretString="v", KmsKeyId=elsewhere["Arn"]) == (
        "InvalidParameterException",
        "The operation failed because of an invalid KMS key: Invalid arn eu-west-1",
    )
    assert refused(sm.describe_secret, SecretId=name)[0] == "ResourceNotFoundException"


def test_unusable_key_on_create_and_update(
    sm: Any, kms: Any, key: dict[str, Any], unique: Callable[[str], str]
) -> None:
    kms.disable_key(KeyId=key["KeyId"])
    expected = kms_failure(
        "EncryptionFailure", "encrypt", f"{key['Arn']} is disabled.", "DisabledException"
    )
    name = unique("unusable")
    for params in ({"SecretString": "v"}, {}):
        assert_refused(sm.create_secret, expected, Name=name, KmsKeyId=key["KeyId"], **params)
        assert refused(sm.describe_secret, SecretId=name)[0] == "ResourceNotFoundException"
    sm.create_secret(Name=name, SecretString="v")
    before = seen(sm, name)
    assert_refused(sm.update_secret, expected, SecretId=name, KmsKeyId=key["KeyId"])
    assert seen(sm, name) == before
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "v"


def test_key_policy_decides_use_through_secrets_manager(
    sm: Any, kms: Any, key: dict[str, Any], unique: Callable[[str], str]
) -> None:
    name = unique("policy")
    sm.create_secret(Name=name, SecretString="guarded", KmsKeyId=key["KeyId"])
    before = seen(sm, name)
    default = kms.get_key_policy(KeyId=key["KeyId"])["Policy"]
    denying = json.loads(default)
    denying["Statement"].append(
        {
            "Sid": "NotThroughSecretsManager",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}
            },
        }
    )
    kms.put_key_policy(KeyId=key["KeyId"], Policy=json.dumps(denying))
    denied = ("AccessDeniedException", "Access to KMS is not allowed")
    assert refused(sm.get_secret_value, SecretId=name) == denied
    assert refused(sm.put_secret_value, SecretId=name, SecretString="new") == denied
    other = unique("policy-new")
    assert refused(sm.create_secret, Name=other, SecretString="v", KmsKeyId=key["KeyId"]) == denied
    assert refused(sm.describe_secret, SecretId=other)[0] == "ResourceNotFoundException"
    assert seen(sm, name) == before
    # KMS itself, called directly, is not "via" Secrets Manager: still allowed.
    sealed = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"direct")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=sealed)["Plaintext"] == b"direct"
    kms.put_key_policy(KeyId=key["KeyId"], Policy=default)
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "guarded"


def test_cli_secret_on_a_customer_key(aws: Any, unique: Callable[[str], str]) -> None:
    key = json.loads(aws("kms", "create-key").stdout)["KeyMetadata"]
    alias = f"alias/{unique('cli-sm')}"
    aws("kms", "create-alias", "--alias-name", alias, "--target-key-id", key["KeyId"])
    name = unique("cli-secret")
    aws(
        "secretsmanager",
        "create-secret",
        "--name",
        name,
        "--secret-string",
        "s3cret",
        "--kms-key-id",
        alias,
    )
    described = json.loads(aws("secretsmanager", "describe-secret", "--secret-id", name).stdout)
    assert described["KmsKeyId"] == alias
    aws("kms", "disable-key", "--key-id", key["KeyId"])
    failed = aws("secretsmanager", "get-secret-value", "--secret-id", name, check=False)
    assert failed.returncode != 0
    assert "DecryptionFailure" in failed.stderr and f"{key['Arn']} is disabled." in failed.stderr
    aws("kms", "enable-key", "--key-id", key["KeyId"])
    value = json.loads(aws("secretsmanager", "get-secret-value", "--secret-id", name).stdout)
    assert value["SecretString"] == "s3cret"


@pytest.fixture(scope="module")
def sweeping(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("sm-kms-sweep") / "data", "--purge-interval", "0.5")
    yield srv
    srv.stop()
    assert "Traceback" not in srv.log(), srv.log()


def test_destroyed_key_leaves_the_secret_unreadable(sweeping: Server) -> None:
    sm, kms = sweeping.client("us-east-1"), sweeping.client("us-east-1", service="kms")
    key = new_key(kms)
    sm.create_secret(Name="orphan", SecretString="gone for good", KmsKeyId=key["KeyId"])
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert (
        edit_database(
            sweeping.data_dir,
            "UPDATE kms_keys SET deletion_date = 0 WHERE key_id = ?",
            (key["KeyId"],),
        )
        == 1
    )
    eventually(lambda: key["KeyId"] not in {k["KeyId"] for k in kms.list_keys()["Keys"]})
    assert_refused(
        sm.get_secret_value,
        kms_failure(
            "DecryptionFailure",
            "decrypt",
            "The ciphertext refers to a customer master key that does not exist, does not "
            "exist in this region, or you are not allowed to access.",
            "AccessDeniedException",
        ),
        SecretId="orphan",
    )
    assert_refused(
        sm.put_secret_value,
        kms_failure(
            "EncryptionFailure",
            "encrypt",
            f"Key '{key_arn(key['KeyId'])}' does not exist",
            "NotFoundException",
        ),
        SecretId="orphan",
        SecretString="new",
    )
    # The secret itself is untouched, and still names the key it was given.
    assert sm.describe_secret(SecretId="orphan")["KmsKeyId"] == key["KeyId"]
    [version] = sm.list_secret_version_ids(SecretId="orphan")["Versions"]
    assert version["KmsKeyIds"] == [key_arn(key["KeyId"], account=ACCOUNT_ID)]
