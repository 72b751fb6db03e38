"""CreateSecret, lookup by name and ARN, regions, UpdateSecret and DescribeSecret shapes.

Expected behaviour is real AWS's (see the facts file), not the implementation's.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import ACCOUNT_ID

INVALID_NAME = (
    "Invalid name. Must be a valid name containing alphanumeric characters, "
    "or any of the following: -/_+=.@!"
)
NOT_FOUND = "Secrets Manager can't find the specified secret."
MAX_VALUE = 65536
TOKEN_A = "a" * 32 + "-0001"
TOKEN_B = "b" * 32 + "-0002"


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    """(code, message) of an AWS error, which is always an HTTP 400."""
    response = excinfo.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Code"], response["Error"]["Message"]


def fields(response: dict[str, Any]) -> set[str]:
    return set(response) - {"ResponseMetadata"}


def arn_pattern(name: str, region: str = "us-east-1", partition: str = "aws") -> str:
    return (
        rf"arn:{partition}:secretsmanager:{region}:{ACCOUNT_ID}:secret:"
        rf"{re.escape(name)}-[A-Za-z0-9]{{6}}"
    )


def raw_bodies(client: Any) -> list[dict[str, Any]]:
    """Collects every JSON response body the client receives, as sent on the wire."""
    bodies: list[dict[str, Any]] = []

    def keep(http_response: Any, **_: Any) -> None:
        bodies.append(json.loads(http_response.content or b"{}"))

    client.meta.events.register("after-call", keep)
    return bodies


def assert_absent(sm: Any, secret_id: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        sm.describe_secret(SecretId=secret_id)
    assert error_of(excinfo) == ("ResourceNotFoundException", NOT_FOUND)


def snapshot(sm: Any, secret_id: str) -> dict[str, Any]:
    """What a refused write must leave untouched."""
    described = sm.describe_secret(SecretId=secret_id)
    versions = sm.list_secret_version_ids(SecretId=secret_id, IncludeDeprecated=True)
    current = sm.get_secret_value(SecretId=secret_id)
    return {
        "arn": described["ARN"],
        "description": described.get("Description"),
        "tags": described.get("Tags"),
        "stages": {k: sorted(v) for k, v in described.get("VersionIdsToStages", {}).items()},
        "versions": sorted(v["VersionId"] for v in versions["Versions"]),
        "value": current.get("SecretString", current.get("SecretBinary")),
    }


# --- CreateSecret ---------------------------------------------------------------------


def test_create_string_secret_with_description_and_tags(sm: Any, unique: Any) -> None:
    name = unique("app/db")
    tags = [{"Key": "team", "Value": "core"}, {"Key": "env", "Value": ""}]
    created = sm.create_secret(
        Name=name, SecretString="s3cr3t", Description="the db password", Tags=tags
    )
    assert fields(created) == {"ARN", "Name", "VersionId"}
    assert re.fullmatch(arn_pattern(name), created["ARN"])
    assert created["Name"] == name

    got = sm.get_secret_value(SecretId=name)
    assert got["SecretString"] == "s3cr3t"
    assert "SecretBinary" not in got
    assert got["VersionId"] == created["VersionId"]
    assert got["VersionStages"] == ["AWSCURRENT"]
    assert got["Name"] == name
    assert isinstance(got["CreatedDate"], datetime)

    described = sm.describe_secret(SecretId=name)
    assert described["Description"] == "the db password"
    assert sorted(described["Tags"], key=lambda t: t["Key"]) == sorted(tags, key=lambda t: t["Key"])
    assert described["VersionIdsToStages"] == {created["VersionId"]: ["AWSCURRENT"]}


def test_create_binary_secret_round_trips_as_base64_on_the_wire(sm: Any, unique: Any) -> None:
    name = unique("bin")
    payload = bytes(range(256)) + b"\x00\xff"
    bodies = raw_bodies(sm)
    sm.create_secret(Name=name, SecretBinary=payload)
    got = sm.get_secret_value(SecretId=name)
    assert got["SecretBinary"] == payload
    assert "SecretString" not in got
    wire = bodies[-1]
    assert wire["SecretBinary"] == base64.b64encode(payload).decode()
    assert "SecretString" not in wire


def test_create_without_value_returns_only_arn_and_name(sm: Any, unique: Any) -> None:
    name = unique("empty")
    created = sm.create_secret(Name=name)
    assert fields(created) == {"ARN", "Name"}
    described = sm.describe_secret(SecretId=name)
    assert "VersionIdsToStages" not in described
    assert sm.list_secret_version_ids(SecretId=name)["Versions"] == []


def test_duplicate_name_is_refused_and_changes_nothing(sm: Any, unique: Any) -> None:
    name = unique("dup")
    sm.create_secret(Name=name, SecretString="first", Description="one")
    before = snapshot(sm, name)
    with pytest.raises(ClientError) as excinfo:
        sm.create_secret(Name=name, SecretString="second", Description="two")
    assert error_of(excinfo) == (
        "ResourceExistsException",
        f"The operation failed because the secret {name} already exists.",
    )
    assert snapshot(sm, name) == before


def test_create_retry_with_same_token_and_value_is_idempotent(sm: Any, unique: Any) -> None:
    name = unique("idem")
    first = sm.create_secret(Name=name, ClientRequestToken=TOKEN_A, SecretString="v")
    again = sm.create_secret(Name=name, ClientRequestToken=TOKEN_A, SecretString="v")
    assert fields(again) == fields(first) == {"ARN", "Name", "VersionId"}
    assert again["ARN"] == first["ARN"]
    assert again["VersionId"] == first["VersionId"] == TOKEN_A
    versions = sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=True)["Versions"]
    assert [v["VersionId"] for v in versions] == [TOKEN_A]


def test_create_retry_with_same_token_other_value_is_refused(sm: Any, unique: Any) -> None:
    name = unique("idem-bad")
    sm.create_secret(Name=name, ClientRequestToken=TOKEN_A, SecretString="v")
    before = snapshot(sm, name)
    with pytest.raises(ClientError) as excinfo:
        sm.create_secret(Name=name, ClientRequestToken=TOKEN_A, SecretString="other")
    assert error_of(excinfo)[0] == "ResourceExistsException"
    assert snapshot(sm, name) == before
    assert before["value"] == "v"


def test_create_with_both_string_and_binary_is_refused(sm: Any, unique: Any) -> None:
    name = unique("both")
    with pytest.raises(ClientError) as excinfo:
        sm.create_secret(Name=name, SecretString="s", SecretBinary=b"b")
    assert error_of(excinfo)[0] == "InvalidParameterException"
    assert_absent(sm, name)


@pytest.mark.parametrize("bad", ["Inv Name", "Inv*Name", "Inv?Name", " Inv*Name? "])
def test_invalid_name_characters_are_a_validation_error(sm: Any, bad: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        sm.create_secret(Name=bad, SecretString="x")
    assert error_of(excinfo) == ("ValidationException", INVALID_NAME)
    for read in (sm.get_secret_value, sm.describe_secret):
        with pytest.raises(ClientError) as excinfo:
            read(SecretId=bad)
        assert error_of(excinfo) == ("ValidationException", INVALID_NAME)


def test_name_longer_than_512_is_a_validation_error(sm: Any, unique: Any) -> None:
    name = unique("long").ljust(513, "x")
    with pytest.raises(ClientError) as excinfo:
        sm.create_secret(Name=name, SecretString="x")
    code, message = error_of(excinfo)
    assert code == "ValidationException"
    assert message.startswith("1 validation error detected: Value")
    assert "512" in message


@pytest.mark.parametrize("kind", ["SecretString", "SecretBinary"])
def test_value_over_65536_bytes_is_refused_without_echoing_it(
    sm: Any, unique: Any, kind: str
) -> None:
    name = unique("big")
    value: str | bytes = "Q" * (MAX_VALUE + 1) if kind == "SecretString" else b"Q" * (MAX_VALUE + 1)
    with pytest.raises(ClientError) as excinfo:
        sm.create_secret(Name=name, **{kind: value})
    code, message = error_of(excinfo)
    assert code == "ValidationException"
    assert message.startswith("1 validation error detected:")
    assert "QQQQ" not in message
    assert "UVFRU" not in message  # nor its base64
    assert_absent(sm, name)


def test_values_of_exactly_65536_bytes_are_accepted(sm: Any, unique: Any) -> None:
    text = "z" * MAX_VALUE
    blob = bytes(i % 251 for i in range(MAX_VALUE))
    sm.create_secret(Name=(s := unique("max-s")), SecretString=text)
    sm.create_secret(Name=(b := unique("max-b")), SecretBinary=blob)
    assert sm.get_secret_value(SecretId=s)["SecretString"] == text
    assert sm.get_secret_value(SecretId=b)["SecretBinary"] == blob


# --- lookup ---------------------------------------------------------------------------


def test_lookup_by_name_full_arn_and_partial_arn(sm: Any, unique: Any) -> None:
    name = unique("lookup/x")
    arn = sm.create_secret(Name=name, SecretString="found")["ARN"]
    partial = arn[:-7]
    assert partial.endswith(f":secret:{name}")
    for secret_id in (name, arn, partial):
        got = sm.get_secret_value(SecretId=secret_id)
        assert (got["ARN"], got["Name"], got["SecretString"]) == (arn, name, "found")
        described = sm.describe_secret(SecretId=secret_id)
        assert (described["ARN"], described["Name"]) == (arn, name)


def test_arn_in_another_region_is_not_found(sm: Any, unique: Any) -> None:
    name = unique("elsewhere")
    arn = sm.create_secret(Name=name, SecretString="x")["ARN"]
    other = arn.replace(":us-east-1:", ":us-west-2:")
    for secret_id in (other, other[:-7]):
        with pytest.raises(ClientError) as excinfo:
            sm.get_secret_value(SecretId=secret_id)
        assert error_of(excinfo) == ("ResourceNotFoundException", NOT_FOUND)


def test_arn_in_another_account_is_access_denied(sm: Any, unique: Any) -> None:
    name = unique("foreign")
    arn = sm.create_secret(Name=name, SecretString="x")["ARN"]
    foreign = arn.replace(f":{ACCOUNT_ID}:", ":999999999999:")
    for call in (sm.get_secret_value, sm.describe_secret):
        with pytest.raises(ClientError) as excinfo:
            call(SecretId=foreign)
        assert error_of(excinfo)[0] == "AccessDeniedException"


# --- regions and partitions -----------------------------------------------------------


def test_regions_are_independent(server: Any, sm: Any, unique: Any) -> None:
    name = unique("regional")
    home = sm.create_secret(Name=name, SecretString="virginia")
    paris = server.client("eu-west-3")
    with pytest.raises(ClientError) as excinfo:
        paris.describe_secret(SecretId=name)
    assert error_of(excinfo) == ("ResourceNotFoundException", NOT_FOUND)

    for region, partition in (
        ("eu-west-3", "aws"),
        ("cn-north-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
    ):
        client = server.client(region)
        created = client.create_secret(Name=name, SecretString=f"value-{region}")
        assert re.fullmatch(arn_pattern(name, region, partition), created["ARN"])
        assert client.get_secret_value(SecretId=name)["SecretString"] == f"value-{region}"
        assert client.describe_secret(SecretId=created["ARN"])["ARN"] == created["ARN"]

    assert sm.get_secret_value(SecretId=name)["SecretString"] == "virginia"
    assert sm.describe_secret(SecretId=name)["ARN"] == home["ARN"]


# --- UpdateSecret ---------------------------------------------------------------------


def test_update_description_only_makes_no_version(sm: Any, unique: Any) -> None:
    name = unique("upd-desc")
    created = sm.create_secret(Name=name, SecretString="v1", Description="old")
    updated = sm.update_secret(SecretId=name, Description="new")
    assert fields(updated) == {"ARN", "Name"}
    assert updated["ARN"] == created["ARN"]
    described = sm.describe_secret(SecretId=name)
    assert described["Description"] == "new"
    assert described["VersionIdsToStages"] == {created["VersionId"]: ["AWSCURRENT"]}
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "v1"


def test_update_value_makes_new_current_and_previous(sm: Any, unique: Any) -> None:
    name = unique("upd-val")
    first = sm.create_secret(Name=name, SecretString="v1")
    updated = sm.update_secret(SecretId=name, SecretString="v2")
    assert fields(updated) == {"ARN", "Name", "VersionId"}
    assert updated["VersionId"] != first["VersionId"]
    assert sm.describe_secret(SecretId=name)["VersionIdsToStages"] == {
        first["VersionId"]: ["AWSPREVIOUS"],
        updated["VersionId"]: ["AWSCURRENT"],
    }
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "v2"
    previous = sm.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")
    assert previous["SecretString"] == "v1"


def test_update_retry_with_same_token_is_idempotent_other_value_refused(
    sm: Any, unique: Any
) -> None:
    name = unique("upd-idem")
    created = sm.create_secret(Name=name, SecretString="v1")
    first = sm.update_secret(SecretId=name, ClientRequestToken=TOKEN_B, SecretString="v2")
    again = sm.update_secret(SecretId=name, ClientRequestToken=TOKEN_B, SecretString="v2")
    assert first["VersionId"] == again["VersionId"] == TOKEN_B
    before = snapshot(sm, name)
    assert before["versions"] == sorted([created["VersionId"], TOKEN_B])
    assert before["stages"] == {created["VersionId"]: ["AWSPREVIOUS"], TOKEN_B: ["AWSCURRENT"]}
    with pytest.raises(ClientError) as excinfo:
        sm.update_secret(SecretId=name, ClientRequestToken=TOKEN_B, SecretString="v3")
    assert error_of(excinfo) == (
        "ResourceExistsException",
        f"You can't use ClientRequestToken {TOKEN_B} because that value is already in use "
        f"for a version of secret {created['ARN']}.",
    )
    assert snapshot(sm, name) == before
    assert before["value"] == "v2"


def test_update_with_the_default_kms_alias_keeps_kms_key_id_hidden(sm: Any, unique: Any) -> None:
    name = unique("upd-kms")
    sm.create_secret(Name=name, SecretString="v1")
    updated = sm.update_secret(SecretId=name, KmsKeyId="alias/aws/secretsmanager")
    assert fields(updated) == {"ARN", "Name"}
    assert "KmsKeyId" not in sm.describe_secret(SecretId=name)
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "v1"


# --- DescribeSecret -------------------------------------------------------------------


def test_describe_fresh_secret_has_exactly_the_aws_fields(sm: Any, unique: Any) -> None:
    name = unique("fields")
    bodies = raw_bodies(sm)
    created = sm.create_secret(Name=name, SecretString="x")
    described = sm.describe_secret(SecretId=name)
    assert fields(described) == {
        "ARN",
        "Name",
        "CreatedDate",
        "LastChangedDate",
        "VersionIdsToStages",
    }
    assert described["ARN"] == created["ARN"]
    assert isinstance(described["CreatedDate"], datetime)
    assert isinstance(described["LastChangedDate"], datetime)
    wire = bodies[-1]
    for key in ("CreatedDate", "LastChangedDate"):
        assert isinstance(wire[key], int | float) and not isinstance(wire[key], bool)
        assert abs(wire[key] - described[key].timestamp()) < 0.01

    tagged = unique("fields-tagged")
    sm.create_secret(
        Name=tagged, SecretString="x", Description="d", Tags=[{"Key": "k", "Value": "v"}]
    )
    assert fields(sm.describe_secret(SecretId=tagged)) == {
        "ARN",
        "Name",
        "Description",
        "Tags",
        "CreatedDate",
        "LastChangedDate",
        "VersionIdsToStages",
    }


# --- the AWS CLI ----------------------------------------------------------------------


def test_cli_binary_secret_round_trip(aws: Any, sm: Any, unique: Any, tmp_path: Path) -> None:
    name = unique("cli/bin")
    payload = b"\x00\x01binary\xfe\xff"
    path = tmp_path / "value.bin"
    path.write_bytes(payload)
    created = json.loads(
        aws(
            "secretsmanager", "create-secret", "--name", name, "--secret-binary", f"fileb://{path}"
        ).stdout
    )
    assert re.fullmatch(arn_pattern(name), created["ARN"])
    got = json.loads(aws("secretsmanager", "get-secret-value", "--secret-id", name).stdout)
    assert got["SecretBinary"] == base64.b64encode(payload).decode()
    assert sm.get_secret_value(SecretId=name)["SecretBinary"] == payload


def test_cli_describe_and_invalid_name(aws: Any, unique: Any) -> None:
    name = unique("cli/desc")
    aws(
        "secretsmanager",
        "create-secret",
        "--name",
        name,
        "--secret-string",
        "v",
        "--description",
        "from the cli",
        "--tags",
        "Key=owner,Value=ops",
    )
    described = json.loads(aws("secretsmanager", "describe-secret", "--secret-id", name).stdout)
    assert described["Description"] == "from the cli"
    assert described["Tags"] == [{"Key": "owner", "Value": "ops"}]
    assert "KmsKeyId" not in described and "RotationEnabled" not in described

    refused = aws("secretsmanager", "describe-secret", "--secret-id", "Inv Name", check=False)
    assert refused.returncode != 0
    assert "ValidationException" in refused.stderr
    assert INVALID_NAME in refused.stderr
