"""The KMS API through boto3 and the AWS CLI: keys, aliases, cryptography, states,
deletion, rotation, tags, key policies and the AWS managed key's refusals."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ACCOUNT_ID, Server, start_server
from tests.integration.kms_helpers import (
    UUID,
    alias_arn,
    edit_database,
    eventually,
    key_arn,
    new_key,
    not_authorized,
    refused,
    state,
    unvalidated,
)

DAY = 86400
MISSING = "0b9a47ce-2a3f-4f7e-9c51-2f4a4d1e8b10"
DEFAULT_POLICY = {
    "Version": "2012-10-17",
    "Id": "key-default-1",
    "Statement": [
        {
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    ],
}


@pytest.fixture
def kms(server: Server) -> Any:
    return server.client("us-east-1", service="kms")


@pytest.fixture
def alias(unique: Callable[[str], str]) -> Callable[[], str]:
    return lambda: f"alias/{unique('kms')}"


# --- keys ----------------------------------------------------------------------------


def test_create_key_defaults(kms: Any) -> None:
    before = time.time()
    key = new_key(kms, Description="orders")
    assert UUID.match(key["KeyId"])
    assert key == {
        "AWSAccountId": ACCOUNT_ID,
        "KeyId": key["KeyId"],
        "Arn": key_arn(key["KeyId"]),
        "CreationDate": key["CreationDate"],
        "Enabled": True,
        "Description": "orders",
        "KeyUsage": "ENCRYPT_DECRYPT",
        "KeyState": "Enabled",
        "Origin": "AWS_KMS",
        "KeyManager": "CUSTOMER",
        "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
        "MultiRegion": False,
        "CurrentKeyMaterialId": key["CurrentKeyMaterialId"],
    }
    assert before - 1 <= key["CreationDate"].timestamp() <= time.time() + 1
    assert len(key["CurrentKeyMaterialId"]) == 64
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"] == key
    listed = kms.list_keys(Limit=1000)["Keys"]
    assert {"KeyId": key["KeyId"], "KeyArn": key["Arn"]} in listed
    # Created without a policy: AWS's default key policy, which defers to IAM.
    policy = kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")
    assert json.loads(policy["Policy"]) == DEFAULT_POLICY
    assert policy["PolicyName"] == "default"
    assert kms.list_key_policies(KeyId=key["KeyId"])["PolicyNames"] == ["default"]
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is False


def test_create_key_with_policy_and_tags(kms: Any) -> None:
    policy = json.dumps({**DEFAULT_POLICY, "Id": "mine"})
    tags = [{"TagKey": "team", "TagValue": "payments"}, {"TagKey": "env", "TagValue": ""}]
    key = new_key(kms, Policy=policy, Tags=tags, KeySpec="SYMMETRIC_DEFAULT")
    assert kms.get_key_policy(KeyId=key["KeyId"])["Policy"] == policy
    assert kms.list_resource_tags(KeyId=key["KeyId"])["Tags"] == tags


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"KeySpec": "RSA_2048"}, "UnsupportedOperationException"),
        ({"KeyUsage": "SIGN_VERIFY"}, "UnsupportedOperationException"),
        ({"Origin": "EXTERNAL"}, "UnsupportedOperationException"),
        ({"MultiRegion": True}, "UnsupportedOperationException"),
        ({"Policy": "{not json"}, "MalformedPolicyDocumentException"),
        ({"Policy": json.dumps({"Statement": []})}, "MalformedPolicyDocumentException"),
        ({"Tags": [{"TagKey": "aws:x", "TagValue": "y"}]}, "TagException"),
        (
            {"Tags": [{"TagKey": f"k{i}", "TagValue": "v"} for i in range(51)]},
            "LimitExceededException",
        ),
        ({"KeySpec": "BOGUS"}, "ValidationException"),
    ],
)
def test_create_key_refusals_create_nothing(kms: Any, params: dict[str, Any], error: str) -> None:
    before = kms.list_keys(Limit=1000)["Keys"]
    code, _ = refused(kms.create_key, **params)
    assert code == error
    assert kms.list_keys(Limit=1000)["Keys"] == before


def test_malformed_policy_messages(kms: Any) -> None:
    assert refused(kms.create_key, Policy="{not json") == (
        "MalformedPolicyDocumentException",
        "The policy document is not valid JSON.",
    )


def test_every_name_of_a_key(kms: Any, alias: Callable[[], str]) -> None:
    key = new_key(kms)
    name = alias()
    kms.create_alias(AliasName=name, TargetKeyId=key["KeyId"])
    for ref in (key["KeyId"], key["Arn"], name, alias_arn(name)):
        assert kms.describe_key(KeyId=ref)["KeyMetadata"] == key
        sealed = kms.encrypt(KeyId=ref, Plaintext=b"by " + ref.encode())
        assert sealed["KeyId"] == key["Arn"]
        opened = kms.decrypt(CiphertextBlob=sealed["CiphertextBlob"])
        assert opened["Plaintext"] == b"by " + ref.encode()
        assert kms.list_aliases(KeyId=ref)["Aliases"][0]["AliasName"] == name


def test_names_that_do_not_resolve(kms: Any) -> None:
    describe = kms.describe_key
    assert refused(describe, KeyId="fake-key-id") == (
        "NotFoundException",
        "Invalid keyId 'fake-key-id'",
    )
    assert refused(describe, KeyId=MISSING) == (
        "NotFoundException",
        f"Key '{key_arn(MISSING)}' does not exist",
    )
    assert refused(describe, KeyId=key_arn(MISSING)) == (
        "NotFoundException",
        f"Key '{key_arn(MISSING)}' does not exist",
    )
    assert refused(describe, KeyId="alias/no-such-alias") == (
        "NotFoundException",
        f"Alias {alias_arn('alias/no-such-alias')} is not found.",
    )
    assert refused(describe, KeyId=key_arn(MISSING, region="eu-west-3")) == (
        "NotFoundException",
        "Invalid arn eu-west-3",
    )


def test_keys_belong_to_their_region(server: Server, kms: Any) -> None:
    key = new_key(kms)
    other = server.client("eu-west-1", service="kms")
    assert refused(other.describe_key, KeyId=key["KeyId"]) == (
        "NotFoundException",
        f"Key '{key_arn(key['KeyId'], region='eu-west-1')}' does not exist",
    )
    assert key["KeyId"] not in {k["KeyId"] for k in other.list_keys(Limit=1000)["Keys"]}
    sealed = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    code, _ = refused(other.decrypt, CiphertextBlob=sealed)
    assert code == "AccessDeniedException"


def test_list_keys_pages(kms: Any) -> None:
    for _ in range(3):
        new_key(kms)
    everything = kms.list_keys(Limit=1000)
    assert everything["Truncated"] is False and "NextMarker" not in everything
    seen, marker = [], None
    while True:
        page = kms.list_keys(Limit=2, **({"Marker": marker} if marker else {}))
        seen += page["Keys"]
        if not page["Truncated"]:
            break
        marker = page["NextMarker"]
    assert seen == everything["Keys"]
    assert refused(kms.list_keys, Marker="not-a-marker") == (
        "InvalidMarkerException",
        "The marker that specifies where pagination should next begin is not valid.",
    )


def test_update_key_description(kms: Any) -> None:
    key = new_key(kms, Description="old")
    kms.update_key_description(KeyId=key["KeyId"], Description="new")
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Description"] == "new"


# --- aliases -------------------------------------------------------------------------


def test_alias_lifecycle(kms: Any, alias: Callable[[], str]) -> None:
    first, second = new_key(kms), new_key(kms)
    name = alias()
    before = time.time()
    kms.create_alias(AliasName=name, TargetKeyId=first["Arn"])
    [entry] = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == name]
    assert entry == {
        "AliasName": name,
        "AliasArn": alias_arn(name),
        "TargetKeyId": first["KeyId"],
        "CreationDate": entry["CreationDate"],
        "LastUpdatedDate": entry["LastUpdatedDate"],
    }
    assert entry["CreationDate"].timestamp() >= before - 1

    assert refused(kms.create_alias, AliasName=name, TargetKeyId=second["KeyId"]) == (
        "AlreadyExistsException",
        f"An alias with the name {alias_arn(name)} already exists",
    )
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == first["KeyId"]

    kms.update_alias(AliasName=name, TargetKeyId=second["KeyId"])
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == second["KeyId"]
    assert kms.encrypt(KeyId=name, Plaintext=b"x")["KeyId"] == second["Arn"]
    assert kms.list_aliases(KeyId=first["KeyId"])["Aliases"] == []
    [moved] = kms.list_aliases(KeyId=second["KeyId"])["Aliases"]
    assert moved["LastUpdatedDate"] >= moved["CreationDate"]

    kms.delete_alias(AliasName=name)
    assert refused(kms.describe_key, KeyId=name) == (
        "NotFoundException",
        f"Alias {alias_arn(name)} is not found.",
    )
    for call, params in (
        (kms.delete_alias, {"AliasName": name}),
        (kms.update_alias, {"AliasName": name, "TargetKeyId": first["KeyId"]}),
    ):
        assert refused(call, **params) == (
            "NotFoundException",
            f"Alias {alias_arn(name)} is not found.",
        )
    assert name not in {a["AliasName"] for a in kms.list_aliases()["Aliases"]}


def test_alias_names_refused(kms: Any, unique: Callable[[str], str]) -> None:
    key = new_key(kms)
    before = kms.list_aliases()["Aliases"]
    plain = unique("no-prefix")
    cases = {
        plain: (
            "ValidationException",
            'Alias must start with the prefix "alias/". Please see '
            "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html",
        ),
        "alias/aws/mine": ("NotAuthorizedException", ""),
        "alias/a:b": ("ValidationException", "alias/a:b contains invalid characters for an alias"),
        "alias/bad!": (
            "ValidationException",
            "1 validation error detected: Value 'alias/bad!' at 'aliasName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
        ),
        "alias/": ("InvalidAliasNameException", "alias/ is not a valid alias name."),
    }
    for name, error in cases.items():
        assert refused(kms.create_alias, AliasName=name, TargetKeyId=key["KeyId"]) == error
    assert kms.list_aliases()["Aliases"] == before


def test_alias_targets_refused(kms: Any, alias: Callable[[], str]) -> None:
    doomed = new_key(kms)
    kms.schedule_key_deletion(KeyId=doomed["KeyId"], PendingWindowInDays=7)
    name = alias()
    assert refused(kms.create_alias, AliasName=name, TargetKeyId=doomed["KeyId"]) == (
        "KMSInvalidStateException",
        f"{doomed['Arn']} is pending deletion.",
    )
    assert refused(kms.create_alias, AliasName=name, TargetKeyId=MISSING) == (
        "NotFoundException",
        f"Key '{key_arn(MISSING)}' does not exist",
    )
    assert name not in {a["AliasName"] for a in kms.list_aliases()["Aliases"]}


# --- cryptography --------------------------------------------------------------------


def test_encryption_context_is_bound(kms: Any) -> None:
    key = new_key(kms)
    context = {"tenant": "acme", "purpose": "test"}
    sealed = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"bound", EncryptionContext=context)
    assert sealed["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    blob = sealed["CiphertextBlob"]
    opened = kms.decrypt(CiphertextBlob=blob, EncryptionContext=dict(reversed(context.items())))
    assert opened["Plaintext"] == b"bound" and opened["KeyId"] == key["Arn"]
    assert opened["KeyMaterialId"] == key["CurrentKeyMaterialId"]
    for wrong in ({}, {"tenant": "acme"}, {**context, "purpose": "other"}, {**context, "x": "y"}):
        assert refused(kms.decrypt, CiphertextBlob=blob, EncryptionContext=wrong) == (
            "InvalidCiphertextException",
            "",
        )


def test_decrypt_checks_the_blob_and_the_key(kms: Any, alias: Callable[[], str]) -> None:
    key, other = new_key(kms), new_key(kms)
    name = alias()
    kms.create_alias(AliasName=name, TargetKeyId=key["KeyId"])
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    for ref in (key["KeyId"], key["Arn"], name, alias_arn(name)):
        assert kms.decrypt(CiphertextBlob=blob, KeyId=ref)["Plaintext"] == b"x"
    assert refused(kms.decrypt, CiphertextBlob=blob, KeyId=other["KeyId"]) == (
        "IncorrectKeyException",
        "The key ID in the request does not identify a CMK that can perform this operation.",
    )
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    for bad in (b"garbage", tampered, blob[:40]):
        assert refused(kms.decrypt, CiphertextBlob=bad) == ("InvalidCiphertextException", "")
    assert refused(
        kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_1"
    ) == (
        "InvalidKeyUsageException",
        "Algorithm RSAES_OAEP_SHA_1 is incompatible with key spec SYMMETRIC_DEFAULT.",
    )


def test_plaintext_limits(kms: Any) -> None:
    key = new_key(kms)
    assert refused(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x" * 4097) == (
        "ValidationException",
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
        "Member must have length less than or equal to 4096",
    )
    big = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"y" * 4096)["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=big)["Plaintext"] == b"y" * 4096


def test_generate_data_key(kms: Any) -> None:
    key = new_key(kms)
    context = {"file": "a.txt"}
    for params, size in (
        ({"KeySpec": "AES_256"}, 32),
        ({"KeySpec": "AES_128"}, 16),
        ({"NumberOfBytes": 7}, 7),
    ):
        made = kms.generate_data_key(KeyId=key["KeyId"], EncryptionContext=context, **params)
        assert len(made["Plaintext"]) == size and made["KeyId"] == key["Arn"]
        assert made["KeyMaterialId"] == key["CurrentKeyMaterialId"]
        opened = kms.decrypt(CiphertextBlob=made["CiphertextBlob"], EncryptionContext=context)
        assert opened["Plaintext"] == made["Plaintext"]
    bare = kms.generate_data_key_without_plaintext(KeyId=key["KeyId"], KeySpec="AES_256")
    assert "Plaintext" not in bare and bare["KeyId"] == key["Arn"]
    assert len(kms.decrypt(CiphertextBlob=bare["CiphertextBlob"])["Plaintext"]) == 32
    for params in ({}, {"KeySpec": "AES_256", "NumberOfBytes": 32}):
        assert refused(kms.generate_data_key, KeyId=key["KeyId"], **params) == (
            "ValidationException",
            "Please specify either number of bytes or key spec.",
        )
    code, message = refused(kms.generate_data_key, KeyId=key["KeyId"], NumberOfBytes=1025)
    assert code == "ValidationException" and "numberOfBytes" in message


def test_re_encrypt(kms: Any) -> None:
    source, destination = new_key(kms), new_key(kms)
    blob = kms.encrypt(KeyId=source["KeyId"], Plaintext=b"moving", EncryptionContext={"a": "1"})[
        "CiphertextBlob"
    ]
    moved = kms.re_encrypt(
        CiphertextBlob=blob,
        SourceEncryptionContext={"a": "1"},
        DestinationKeyId=destination["KeyId"],
        DestinationEncryptionContext={"b": "2"},
    )
    assert moved["SourceKeyId"] == source["Arn"] and moved["KeyId"] == destination["Arn"]
    assert moved["SourceKeyMaterialId"] == source["CurrentKeyMaterialId"]
    assert moved["DestinationKeyMaterialId"] == destination["CurrentKeyMaterialId"]
    opened = kms.decrypt(CiphertextBlob=moved["CiphertextBlob"], EncryptionContext={"b": "2"})
    assert opened["Plaintext"] == b"moving" and opened["KeyId"] == destination["Arn"]
    assert refused(
        kms.re_encrypt,
        CiphertextBlob=blob,
        SourceEncryptionContext={"a": "wrong"},
        DestinationKeyId=destination["KeyId"],
    ) == ("InvalidCiphertextException", "")
    assert (
        refused(
            kms.re_encrypt,
            CiphertextBlob=blob,
            SourceKeyId=destination["KeyId"],
            SourceEncryptionContext={"a": "1"},
            DestinationKeyId=destination["KeyId"],
        )[0]
        == "IncorrectKeyException"
    )


def test_dry_run(kms: Any) -> None:
    key = new_key(kms)
    assert refused(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x", DryRun=True) == (
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    )


def test_generate_random(server: Server, kms: Any) -> None:
    assert len(kms.generate_random(NumberOfBytes=24)["Plaintext"]) == 24
    assert refused(kms.generate_random) == ("ValidationException", "NumberOfBytes is required.")
    assert refused(unvalidated(server).generate_random, NumberOfBytes=0) == (
        "ValidationException",
        "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy "
        "constraint: Member must have value greater than or equal to 1",
    )


# --- states and deletion -------------------------------------------------------------


def test_disabled_key_refuses_cryptography_until_enabled(kms: Any) -> None:
    key = new_key(kms)
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    kms.disable_key(KeyId=key["KeyId"])
    kms.disable_key(KeyId=key["KeyId"])  # again: no error, as on AWS
    metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (metadata["KeyState"], metadata["Enabled"]) == ("Disabled", False)
    disabled = ("DisabledException", f"{key['Arn']} is disabled.")
    assert refused(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == disabled
    assert refused(kms.decrypt, CiphertextBlob=blob) == disabled
    assert refused(kms.generate_data_key, KeyId=key["KeyId"], KeySpec="AES_256") == disabled
    assert refused(kms.enable_key_rotation, KeyId=key["KeyId"]) == disabled
    assert refused(kms.rotate_key_on_demand, KeyId=key["KeyId"]) == disabled
    assert kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"] == []
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Enabled"] is True


def test_schedule_and_cancel_deletion(kms: Any, alias: Callable[[], str]) -> None:
    key = new_key(kms)
    name = alias()
    kms.create_alias(AliasName=name, TargetKeyId=key["KeyId"])
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"keep me")["CiphertextBlob"]
    before = time.time()
    scheduled = kms.schedule_key_deletion(KeyId=name)
    assert scheduled["KeyId"] == key["Arn"]
    assert scheduled["KeyState"] == "PendingDeletion" and scheduled["PendingWindowInDays"] == 30
    deletion = scheduled["DeletionDate"].timestamp()
    assert before + 30 * DAY - 5 <= deletion <= time.time() + 30 * DAY + 5
    metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert metadata["KeyState"] == "PendingDeletion" and metadata["Enabled"] is False
    assert metadata["DeletionDate"] == scheduled["DeletionDate"]

    pending = ("KMSInvalidStateException", f"{key['Arn']} is pending deletion.")
    frozen = state(kms, key["KeyId"])
    assert refused(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == pending
    assert refused(kms.decrypt, CiphertextBlob=blob) == pending
    assert refused(kms.schedule_key_deletion, KeyId=key["KeyId"]) == pending
    assert refused(kms.enable_key, KeyId=key["KeyId"]) == pending
    assert refused(kms.disable_key, KeyId=key["KeyId"]) == pending
    assert (
        refused(kms.tag_resource, KeyId=key["KeyId"], Tags=[{"TagKey": "a", "TagValue": "b"}])
        == pending
    )
    assert refused(kms.update_key_description, KeyId=key["KeyId"], Description="x") == pending
    assert state(kms, key["KeyId"]) == frozen
    assert frozen["rotation"] is False

    cancelled = kms.cancel_key_deletion(KeyId=key["KeyId"])
    assert cancelled["KeyId"] == key["Arn"]
    metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert metadata["KeyState"] == "Disabled" and "DeletionDate" not in metadata
    assert refused(kms.cancel_key_deletion, KeyId=key["KeyId"]) == (
        "KMSInvalidStateException",
        f"{key['Arn']} is not pending deletion.",
    )
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"keep me"
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == key["KeyId"]


@pytest.mark.parametrize(
    ("days", "bound"), [(6, "greater than or equal to 7"), (31, "less than or equal to 30")]
)
def test_deletion_window_bounds(kms: Any, days: int, bound: str) -> None:
    key = new_key(kms)
    assert refused(kms.schedule_key_deletion, KeyId=key["KeyId"], PendingWindowInDays=days) == (
        "ValidationException",
        f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to "
        f"satisfy constraint: Member must have value {bound}",
    )
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"


def test_deletion_window_edges_accepted(kms: Any) -> None:
    for days in (7, 30):
        key = new_key(kms)
        scheduled = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=days)
        assert scheduled["PendingWindowInDays"] == days


@pytest.fixture(scope="module")
def sweeping(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A private server whose background sweep runs every half second."""
    srv = start_server(tmp_path_factory.mktemp("kms-sweep") / "data", "--purge-interval", "0.5")
    yield srv
    srv.stop()
    assert "Traceback" not in srv.log(), srv.log()


def test_background_job_destroys_a_key_whose_window_ended(sweeping: Server) -> None:
    kms = sweeping.client("us-east-1", service="kms")
    doomed, spared = new_key(kms), new_key(kms)
    kms.create_alias(AliasName="alias/doomed", TargetKeyId=doomed["KeyId"])
    blob = kms.encrypt(KeyId=doomed["KeyId"], Plaintext=b"lost")["CiphertextBlob"]
    for key in (doomed, spared):
        kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    changed = edit_database(
        sweeping.data_dir,
        "UPDATE kms_keys SET deletion_date = 0 WHERE key_id = ?",
        (doomed["KeyId"],),
    )
    assert changed == 1

    def gone() -> bool:
        return doomed["KeyId"] not in {k["KeyId"] for k in kms.list_keys()["Keys"]}

    eventually(gone)
    assert refused(kms.describe_key, KeyId=doomed["KeyId"]) == (
        "NotFoundException",
        f"Key '{doomed['Arn']}' does not exist",
    )
    assert "alias/doomed" not in {a["AliasName"] for a in kms.list_aliases()["Aliases"]}
    assert refused(kms.decrypt, CiphertextBlob=blob) == (
        "AccessDeniedException",
        "The ciphertext refers to a customer master key that does not exist, does not exist "
        "in this region, or you are not allowed to access.",
    )
    # the other key's window has not ended
    assert kms.describe_key(KeyId=spared["KeyId"])["KeyMetadata"]["KeyState"] == "PendingDeletion"


# --- rotation ------------------------------------------------------------------------


def test_rotation_on_demand_keeps_old_ciphertexts(kms: Any) -> None:
    key = new_key(kms)
    old = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"before", EncryptionContext={"v": "1"})
    assert kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"] == []
    before = time.time()
    assert kms.rotate_key_on_demand(KeyId=key["KeyId"])["KeyId"] == key["KeyId"]
    [rotation] = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    current = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"]
    assert current != key["CurrentKeyMaterialId"]
    assert rotation == {
        "KeyId": key["KeyId"],
        "KeyMaterialId": current,
        "KeyMaterialState": "CURRENT",
        "RotationDate": rotation["RotationDate"],
        "RotationType": "ON_DEMAND",
    }
    assert rotation["RotationDate"].timestamp() >= before - 1
    everything = kms.list_key_rotations(KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")
    assert [(r["KeyMaterialId"], r["KeyMaterialState"]) for r in everything["Rotations"]] == [
        (key["CurrentKeyMaterialId"], "NON_CURRENT"),
        (current, "CURRENT"),
    ]
    opened = kms.decrypt(CiphertextBlob=old["CiphertextBlob"], EncryptionContext={"v": "1"})
    assert opened["Plaintext"] == b"before"
    assert opened["KeyMaterialId"] == key["CurrentKeyMaterialId"]  # the old material opened it
    new = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"after")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=new)["KeyMaterialId"] == current
    assert new != old["CiphertextBlob"]


def test_rotation_settings(server: Server, kms: Any) -> None:
    key = new_key(kms)
    before = time.time()
    kms.enable_key_rotation(KeyId=key["KeyId"])
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert status["KeyRotationEnabled"] is True and status["KeyId"] == key["Arn"]
    assert status["RotationPeriodInDays"] == 365
    assert (
        before + 365 * DAY - 5
        <= status["NextRotationDate"].timestamp()
        <= time.time() + 365 * DAY + 5
    )
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["RotationPeriodInDays"] == 90
    raw = unvalidated(server)
    assert refused(raw.enable_key_rotation, KeyId=key["KeyId"], RotationPeriodInDays=89) == (
        "ValidationException",
        "1 validation error detected: Value '89' at 'rotationPeriodInDays' failed to satisfy "
        "constraint: Member must have value greater than or equal to 90",
    )
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["RotationPeriodInDays"] == 90
    kms.disable_key_rotation(KeyId=key["KeyId"])
    assert kms.get_key_rotation_status(KeyId=key["KeyId"]) | {"ResponseMetadata": None} == {
        "KeyRotationEnabled": False,
        "KeyId": key["Arn"],
        "ResponseMetadata": None,
    }


def test_automatic_rotation_runs_when_due(sweeping: Server) -> None:
    kms = sweeping.client("us-east-1", service="kms")
    key = new_key(kms)
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"old material")["CiphertextBlob"]
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
    assert (
        edit_database(
            sweeping.data_dir,
            "UPDATE kms_keys SET next_rotation_date = 0 WHERE key_id = ?",
            (key["KeyId"],),
        )
        == 1
    )

    def rotated() -> bool:
        return bool(kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"])

    eventually(rotated)
    [rotation] = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert rotation["RotationType"] == "AUTOMATIC"
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert status["NextRotationDate"].timestamp() >= time.time() + 89 * DAY
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"old material"
    assert kms.decrypt(CiphertextBlob=blob)["KeyMaterialId"] == key["CurrentKeyMaterialId"]


# --- tags and key policy -------------------------------------------------------------


def test_tags(kms: Any) -> None:
    key = new_key(kms, Tags=[{"TagKey": "a", "TagValue": "1"}])
    kms.tag_resource(
        KeyId=key["KeyId"],
        Tags=[{"TagKey": "b", "TagValue": "2"}, {"TagKey": "a", "TagValue": "3"}],
    )
    assert kms.list_resource_tags(KeyId=key["KeyId"])["Tags"] == [
        {"TagKey": "a", "TagValue": "3"},
        {"TagKey": "b", "TagValue": "2"},
    ]
    kms.untag_resource(KeyId=key["KeyId"], TagKeys=["a", "not-there"])
    assert kms.list_resource_tags(KeyId=key["KeyId"])["Tags"] == [{"TagKey": "b", "TagValue": "2"}]
    page = kms.list_resource_tags(KeyId=key["KeyId"], Limit=1)
    assert page["Truncated"] is False

    frozen = kms.list_resource_tags(KeyId=key["KeyId"])["Tags"]
    assert refused(
        kms.tag_resource, KeyId=key["KeyId"], Tags=[{"TagKey": "aws:x", "TagValue": "1"}]
    ) == (
        "TagException",
        "Tags beginning with aws: are reserved",
    )
    many = [{"TagKey": f"k{i}", "TagValue": "v"} for i in range(50)]
    assert refused(kms.tag_resource, KeyId=key["KeyId"], Tags=many) == (
        "LimitExceededException",
        "A KMS key can have at most 50 tags.",
    )
    assert kms.list_resource_tags(KeyId=key["KeyId"])["Tags"] == frozen


def test_key_policy(kms: Any) -> None:
    key = new_key(kms)
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
    )
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=policy)
    assert kms.get_key_policy(KeyId=key["KeyId"])["Policy"] == policy
    for bad, error in (
        ("{", ("MalformedPolicyDocumentException", "The policy document is not valid JSON.")),
        (
            json.dumps({"Version": "2012-10-17"}),
            ("MalformedPolicyDocumentException", "The policy must contain a Statement."),
        ),
    ):
        assert refused(kms.put_key_policy, KeyId=key["KeyId"], Policy=bad) == error
    assert refused(kms.put_key_policy, KeyId=key["KeyId"], PolicyName="other", Policy=policy) == (
        "UnsupportedOperationException",
        "Only default policy is supported",
    )
    assert refused(kms.get_key_policy, KeyId=key["KeyId"], PolicyName="other") == (
        "NotFoundException",
        "No such policy exists",
    )
    assert kms.get_key_policy(KeyId=key["KeyId"])["Policy"] == policy


def test_key_policy_denial_is_enforced(kms: Any) -> None:
    key = new_key(kms)
    denying = {
        **DEFAULT_POLICY,
        "Statement": [
            *DEFAULT_POLICY["Statement"],
            {
                "Sid": "NoEncrypt",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "kms:Encrypt",
                "Resource": "*",
            },
        ],
    }
    kms.put_key_policy(KeyId=key["KeyId"], Policy=json.dumps(denying))
    assert refused(kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x") == (
        "AccessDeniedException",
        f"User: arn:aws:iam::{ACCOUNT_ID}:root is not authorized to perform: kms:Encrypt on "
        f"resource: {key['Arn']} with an explicit deny in a resource-based policy",
    )
    made = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")  # not denied
    assert kms.decrypt(CiphertextBlob=made["CiphertextBlob"])["Plaintext"] == made["Plaintext"]


# --- the AWS managed key -------------------------------------------------------------


@pytest.fixture(scope="module")
def private(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own, so the managed key's first use can be watched."""
    srv = start_server(tmp_path_factory.mktemp("kms-managed") / "data")
    yield srv
    srv.stop()
    assert "Traceback" not in srv.log(), srv.log()


def test_managed_key_appears_on_first_use(private: Server) -> None:
    kms = private.client("eu-west-3", service="kms")
    sm = private.client("eu-west-3")
    managed = "alias/aws/secretsmanager"
    assert managed not in {a["AliasName"] for a in kms.list_aliases()["Aliases"]}
    assert kms.list_keys()["Keys"] == []
    sm.create_secret(Name="first", SecretString="v")
    [entry] = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == managed]
    assert entry["AliasArn"] == alias_arn(managed, region="eu-west-3")
    metadata = kms.describe_key(KeyId=managed)["KeyMetadata"]
    assert metadata["KeyId"] == entry["TargetKeyId"]
    assert metadata["KeyManager"] == "AWS" and metadata["KeyState"] == "Enabled"
    assert metadata["Description"] == (
        "Default key that protects my Secrets Manager data when no other key is defined"
    )
    assert kms.list_keys()["Keys"] == [{"KeyId": metadata["KeyId"], "KeyArn": metadata["Arn"]}]
    policy = json.loads(kms.get_key_policy(KeyId=managed)["Policy"])
    assert policy["Id"] == "auto-secretsmanager-2"
    conditions = policy["Statement"][0]["Condition"]["StringEquals"]
    assert conditions == {
        "kms:CallerAccount": ACCOUNT_ID,
        "kms:ViaService": "secretsmanager.eu-west-3.amazonaws.com",
    }
    status = kms.get_key_rotation_status(KeyId=managed)
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 365


def test_describing_the_managed_alias_creates_the_key(private: Server) -> None:
    kms = private.client("ap-northeast-1", service="kms")
    metadata = kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]
    assert metadata["KeyManager"] == "AWS"
    sm = private.client("ap-northeast-1")
    sm.create_secret(Name="uses-it", SecretString="v")
    assert kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"] == metadata
    assert len(kms.list_keys()["Keys"]) == 1


def test_managed_key_refuses_changes_and_direct_use(private: Server) -> None:
    kms = private.client("eu-west-3", service="kms")
    sm = private.client("eu-west-3")
    sm.create_secret(Name="guarded", SecretString="still readable")
    managed = kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]
    arn = managed["Arn"]
    frozen = state(kms, arn)
    other = new_key(kms)
    policy = json.dumps(DEFAULT_POLICY)
    attempts: list[tuple[str, Callable[..., Any], dict[str, Any]]] = [
        ("kms:DisableKey", kms.disable_key, {"KeyId": arn}),
        ("kms:ScheduleKeyDeletion", kms.schedule_key_deletion, {"KeyId": arn}),
        ("kms:PutKeyPolicy", kms.put_key_policy, {"KeyId": arn, "Policy": policy}),
        ("kms:Encrypt", kms.encrypt, {"KeyId": "alias/aws/secretsmanager", "Plaintext": b"x"}),
        ("kms:GenerateDataKey", kms.generate_data_key, {"KeyId": arn, "KeySpec": "AES_256"}),
        ("kms:EnableKeyRotation", kms.enable_key_rotation, {"KeyId": arn}),
        ("kms:DisableKeyRotation", kms.disable_key_rotation, {"KeyId": arn}),
        ("kms:RotateKeyOnDemand", kms.rotate_key_on_demand, {"KeyId": arn}),
        (
            "kms:TagResource",
            kms.tag_resource,
            {"KeyId": arn, "Tags": [{"TagKey": "a", "TagValue": "b"}]},
        ),
        (
            "kms:UpdateKeyDescription",
            kms.update_key_description,
            {"KeyId": arn, "Description": "x"},
        ),
        ("kms:CreateAlias", kms.create_alias, {"AliasName": "alias/mine", "TargetKeyId": arn}),
    ]
    for action, call, params in attempts:
        assert refused(call, **params) == not_authorized(action, arn), action
    sealed = kms.encrypt(KeyId=other["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    assert refused(
        kms.re_encrypt, CiphertextBlob=sealed, DestinationKeyId="alias/aws/secretsmanager"
    ) == not_authorized("kms:ReEncryptTo", arn)
    for call, params in (
        (kms.delete_alias, {"AliasName": "alias/aws/secretsmanager"}),
        (
            kms.update_alias,
            {"AliasName": "alias/aws/secretsmanager", "TargetKeyId": other["KeyId"]},
        ),
    ):
        assert refused(call, **params) == ("NotAuthorizedException", "")
    assert state(kms, arn) == frozen
    assert "alias/mine" not in {a["AliasName"] for a in kms.list_aliases()["Aliases"]}
    assert sm.get_secret_value(SecretId="guarded")["SecretString"] == "still readable"


# --- the AWS CLI ---------------------------------------------------------------------


def _cli_json(aws: Any, *args: str) -> Any:
    return json.loads(aws("kms", *args).stdout)


def test_cli_round_trip(aws: Any, tmp_path: Path, unique: Callable[[str], str]) -> None:
    name = f"alias/{unique('cli')}"
    key = _cli_json(
        aws, "create-key", "--description", "from the CLI", "--tags", "TagKey=via,TagValue=cli"
    )
    key_id = key["KeyMetadata"]["KeyId"]
    aws("kms", "create-alias", "--alias-name", name, "--target-key-id", key_id)
    plain = tmp_path / "plain.bin"
    plain.write_bytes(b"\x00binary\xffpayload")
    sealed = _cli_json(
        aws, "encrypt", "--key-id", name, "--plaintext", f"fileb://{plain}",
        "--encryption-context", "app=cli",
    )  # fmt: skip
    assert sealed["KeyId"] == key["KeyMetadata"]["Arn"]
    blob = tmp_path / "blob.bin"
    blob.write_bytes(base64.b64decode(sealed["CiphertextBlob"]))
    opened = _cli_json(
        aws, "decrypt", "--ciphertext-blob", f"fileb://{blob}", "--encryption-context", "app=cli"
    )
    assert base64.b64decode(opened["Plaintext"]) == plain.read_bytes()
    wrong = aws("kms", "decrypt", "--ciphertext-blob", f"fileb://{blob}", check=False)
    assert wrong.returncode != 0 and "InvalidCiphertextException" in wrong.stderr

    data_key = _cli_json(aws, "generate-data-key", "--key-id", key_id, "--key-spec", "AES_256")
    assert len(base64.b64decode(data_key["Plaintext"])) == 32
    aliases = _cli_json(aws, "list-aliases", "--key-id", key_id)["Aliases"]
    assert [a["AliasName"] for a in aliases] == [name]
    tags = _cli_json(aws, "list-resource-tags", "--key-id", key_id)["Tags"]
    assert tags == [{"TagKey": "via", "TagValue": "cli"}]

    aws("kms", "disable-key", "--key-id", key_id)
    refused_cli = aws(
        "kms", "encrypt", "--key-id", name, "--plaintext", f"fileb://{plain}", check=False
    )
    assert refused_cli.returncode != 0 and "DisabledException" in refused_cli.stderr
    aws("kms", "enable-key", "--key-id", key_id)
    scheduled = _cli_json(
        aws, "schedule-key-deletion", "--key-id", key_id, "--pending-window-in-days", "7"
    )
    assert scheduled["KeyState"] == "PendingDeletion" and scheduled["PendingWindowInDays"] == 7
    described = _cli_json(aws, "describe-key", "--key-id", name)["KeyMetadata"]
    assert described["KeyState"] == "PendingDeletion"
    assert _cli_json(aws, "cancel-key-deletion", "--key-id", key_id)["KeyId"] == described["Arn"]
    missing = aws("kms", "describe-key", "--key-id", "alias/not-here-at-all", check=False)
    assert missing.returncode != 0 and "NotFoundException" in missing.stderr


# --- nothing in clear ----------------------------------------------------------------


def test_plaintexts_never_reach_disk_log_or_errors(tmp_path: Path) -> None:
    """Encrypt's plaintext and GenerateDataKey's data key stay out of the databases, the
    WAL, the log and every error message, raw or encoded."""
    srv = start_server(tmp_path / "data")
    canary = f"kms-canary-{time.time_ns()}".encode()
    errors: list[str] = []
    try:
        kms = srv.client("us-east-1", service="kms")
        key = new_key(kms)
        blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=canary)["CiphertextBlob"]
        made = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
        data_key = made["Plaintext"]
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == canary
        moved = kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=key["KeyId"])
        assert kms.decrypt(CiphertextBlob=moved["CiphertextBlob"])["Plaintext"] == canary
        refusals: list[tuple[Callable[..., Any], dict[str, Any]]] = [
            (kms.encrypt, {"KeyId": key["KeyId"], "Plaintext": canary * 200}),
            (kms.encrypt, {"KeyId": MISSING, "Plaintext": canary}),
            (kms.decrypt, {"CiphertextBlob": blob, "EncryptionContext": {"a": "b"}}),
        ]
        kms.disable_key(KeyId=key["KeyId"])
        refusals.append((kms.encrypt, {"KeyId": key["KeyId"], "Plaintext": canary}))
        for call, params in refusals:
            errors.append(" ".join(refused(call, **params)))
        files_running = {p: p.read_bytes() for p in srv.data_dir.rglob("*") if p.is_file()}
    finally:
        srv.stop()
    files = {p: p.read_bytes() for p in srv.data_dir.rglob("*") if p.is_file()}
    files.update(files_running)
    files[srv.log_path] = srv.log().encode()
    needles = {
        "canary": canary,
        "canary-b64": base64.b64encode(canary)[4:-4],
        "canary-hex": canary.hex().encode(),
        "data-key": data_key,
        "data-key-b64": base64.b64encode(data_key)[4:-4],
        "data-key-hex": data_key.hex().encode(),
    }
    hits = [
        f"{p} holds {n}" for p, content in files.items() for n, x in needles.items() if x in content
    ]
    assert hits == []
    texts = [x.decode() for name, x in needles.items() if name != "data-key"]  # ASCII forms
    assert not [e for e in errors for text in texts if text in e]


def test_keys_and_material_versions_survive_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = start_server(data)
    try:
        kms = first.client("us-east-1", service="kms")
        key = new_key(kms)
        kms.create_alias(AliasName="alias/durable", TargetKeyId=key["KeyId"])
        old = kms.encrypt(KeyId="alias/durable", Plaintext=b"v1")["CiphertextBlob"]
        kms.rotate_key_on_demand(KeyId=key["KeyId"])
        new = kms.encrypt(KeyId="alias/durable", Plaintext=b"v2")["CiphertextBlob"]
        before = state(kms, key["KeyId"])
    finally:
        first.stop()
    second = start_server(data)
    try:
        kms = second.client("us-east-1", service="kms")
        assert state(kms, key["KeyId"]) == before
        assert kms.decrypt(CiphertextBlob=old)["Plaintext"] == b"v1"
        assert kms.decrypt(CiphertextBlob=new)["Plaintext"] == b"v2"
    finally:
        second.stop()
