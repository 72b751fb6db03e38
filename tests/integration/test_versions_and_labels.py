"""PutSecretValue, GetSecretValue by version and label, UpdateSecretVersionStage and
ListSecretVersionIds, as real AWS behaves (see the facts file)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

DAY = 86400
TOKEN_A = "a" * 32 + "-0001"
TOKEN_B = "b" * 32 + "-0002"
MISSING_VERSION = "f" * 32 + "-0009"


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    """(code, message) of an AWS error, which is always an HTTP 400."""
    response = excinfo.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Code"], response["Error"]["Message"]


def fields(response: dict[str, Any]) -> set[str]:
    return set(response) - {"ResponseMetadata"}


def stages(sm: Any, secret_id: str) -> dict[str, list[str]]:
    """VersionIdsToStages with each label list sorted (AWS does not promise an order)."""
    described = sm.describe_secret(SecretId=secret_id)
    return {k: sorted(v) for k, v in described.get("VersionIdsToStages", {}).items()}


def listed(sm: Any, secret_id: str, include_deprecated: bool = False) -> dict[str, Any]:
    """ListSecretVersionIds entries by VersionId (all pages)."""
    entries: dict[str, Any] = {}
    kwargs: dict[str, Any] = {"SecretId": secret_id, "IncludeDeprecated": include_deprecated}
    while True:
        page = sm.list_secret_version_ids(**kwargs)
        for entry in page["Versions"]:
            assert entry["VersionId"] not in entries
            entries[entry["VersionId"]] = entry
        if "NextToken" not in page:
            return entries
        kwargs["NextToken"] = page["NextToken"]


def snapshot(sm: Any, secret_id: str) -> dict[str, Any]:
    """What a refused write must leave untouched: labels, versions and the current value."""
    return {
        "stages": stages(sm, secret_id),
        "versions": sorted(listed(sm, secret_id, include_deprecated=True)),
        "value": sm.get_secret_value(SecretId=secret_id)["SecretString"],
    }


def three_versions(sm: Any, name: str) -> tuple[str, str, str]:
    """A secret with v1 (unlabelled), v2 (AWSPREVIOUS) and v3 (AWSCURRENT)."""
    v1 = sm.create_secret(Name=name, SecretString="one")["VersionId"]
    v2 = sm.put_secret_value(SecretId=name, SecretString="two")["VersionId"]
    v3 = sm.put_secret_value(SecretId=name, SecretString="three")["VersionId"]
    return v1, v2, v3


def midnight(now: float) -> float:
    """Midnight UTC of the day `now` falls in."""
    return now - now % DAY


# --- PutSecretValue -------------------------------------------------------------------


def test_put_moves_current_and_previous_and_deprecates_the_oldest(sm: Any, unique: Any) -> None:
    name = unique("put")
    created = sm.create_secret(Name=name, SecretString="one")
    v1 = created["VersionId"]
    put = sm.put_secret_value(SecretId=name, SecretString="two")
    assert fields(put) == {"ARN", "Name", "VersionId", "VersionStages"}
    assert (put["ARN"], put["Name"]) == (created["ARN"], name)
    assert put["VersionStages"] == ["AWSCURRENT"]
    v2 = put["VersionId"]
    assert stages(sm, name) == {v1: ["AWSPREVIOUS"], v2: ["AWSCURRENT"]}

    v3 = sm.put_secret_value(SecretId=name, SecretString="three")["VersionId"]
    assert stages(sm, name) == {v2: ["AWSPREVIOUS"], v3: ["AWSCURRENT"]}
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "three"
    assert sm.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")["SecretString"] == "two"

    visible = listed(sm, name)
    assert set(visible) == {v2, v3}
    assert visible[v2]["VersionStages"] == ["AWSPREVIOUS"]
    assert visible[v3]["VersionStages"] == ["AWSCURRENT"]

    everything = listed(sm, name, include_deprecated=True)
    assert set(everything) == {v1, v2, v3}
    assert "VersionStages" not in everything[v1]
    # A deprecated version still holds its value and can be read by id.
    old = sm.get_secret_value(SecretId=name, VersionId=v1)
    assert old["SecretString"] == "one"
    assert old.get("VersionStages", []) == []


def test_put_first_value_into_an_empty_secret_gets_current(sm: Any, unique: Any) -> None:
    name = unique("put-empty")
    sm.create_secret(Name=name)
    put = sm.put_secret_value(SecretId=name, SecretString="first")
    assert put["VersionStages"] == ["AWSCURRENT"]
    assert stages(sm, name) == {put["VersionId"]: ["AWSCURRENT"]}


def test_put_with_custom_stage_leaves_current_alone(sm: Any, unique: Any) -> None:
    name = unique("put-custom")
    v1 = sm.create_secret(Name=name, SecretString="one")["VersionId"]
    put = sm.put_secret_value(SecretId=name, SecretString="mine", VersionStages=["MyLabel"])
    assert put["VersionStages"] == ["MyLabel"]
    v2 = put["VersionId"]
    assert stages(sm, name) == {v1: ["AWSCURRENT"], v2: ["MyLabel"]}
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "one"
    assert sm.get_secret_value(SecretId=name, VersionStage="MyLabel")["SecretString"] == "mine"


def test_put_moves_a_label_from_another_version(sm: Any, unique: Any) -> None:
    name = unique("put-move")
    v1 = sm.create_secret(Name=name, SecretString="one")["VersionId"]
    v2 = sm.put_secret_value(SecretId=name, SecretString="a", VersionStages=["MyLabel"])[
        "VersionId"
    ]
    v3 = sm.put_secret_value(SecretId=name, SecretString="b", VersionStages=["MyLabel"])[
        "VersionId"
    ]
    assert stages(sm, name) == {v1: ["AWSCURRENT"], v3: ["MyLabel"]}
    assert set(listed(sm, name)) == {v1, v3}
    assert set(listed(sm, name, include_deprecated=True)) == {v1, v2, v3}
    assert sm.get_secret_value(SecretId=name, VersionStage="MyLabel")["SecretString"] == "b"


def test_put_retry_with_same_token_and_value_is_idempotent(sm: Any, unique: Any) -> None:
    name = unique("put-idem")
    v1 = sm.create_secret(Name=name, SecretString="one")["VersionId"]
    first = sm.put_secret_value(SecretId=name, ClientRequestToken=TOKEN_A, SecretString="two")
    again = sm.put_secret_value(SecretId=name, ClientRequestToken=TOKEN_A, SecretString="two")
    assert first["VersionId"] == again["VersionId"] == TOKEN_A
    assert again["VersionStages"] == ["AWSCURRENT"]
    assert again["ARN"] == first["ARN"]
    assert stages(sm, name) == {v1: ["AWSPREVIOUS"], TOKEN_A: ["AWSCURRENT"]}
    assert set(listed(sm, name, include_deprecated=True)) == {v1, TOKEN_A}


def test_put_same_token_other_value_is_refused_and_changes_nothing(sm: Any, unique: Any) -> None:
    name = unique("put-clash")
    arn = sm.create_secret(Name=name, SecretString="one")["ARN"]
    sm.put_secret_value(SecretId=name, ClientRequestToken=TOKEN_A, SecretString="two")
    before = snapshot(sm, name)
    with pytest.raises(ClientError) as excinfo:
        sm.put_secret_value(SecretId=name, ClientRequestToken=TOKEN_A, SecretString="other")
    assert error_of(excinfo) == (
        "ResourceExistsException",
        f"You can't use ClientRequestToken {TOKEN_A} because that value is already in use "
        f"for a version of secret {arn}.",
    )
    assert snapshot(sm, name) == before
    assert before["value"] == "two"


def test_put_oversized_value_is_refused_and_changes_nothing(sm: Any, unique: Any) -> None:
    name = unique("put-big")
    sm.create_secret(Name=name, SecretString="one")
    before = snapshot(sm, name)
    with pytest.raises(ClientError) as excinfo:
        sm.put_secret_value(SecretId=name, SecretString="Q" * 65537)
    code, message = error_of(excinfo)
    assert code == "ValidationException"
    assert "QQQQ" not in message
    assert snapshot(sm, name) == before


def test_put_to_a_missing_secret_is_not_found(sm: Any, unique: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        sm.put_secret_value(SecretId=unique("nobody"), SecretString="x")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret.",
    )


# --- GetSecretValue -------------------------------------------------------------------


def test_get_by_version_id_and_by_previous_stage(sm: Any, unique: Any) -> None:
    name = unique("get")
    v1, v2, v3 = three_versions(sm, name)
    by_id = sm.get_secret_value(SecretId=name, VersionId=v2)
    assert (by_id["VersionId"], by_id["SecretString"]) == (v2, "two")
    assert by_id["VersionStages"] == ["AWSPREVIOUS"]
    by_stage = sm.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")
    assert (by_stage["VersionId"], by_stage["SecretString"]) == (v2, "two")
    both = sm.get_secret_value(SecretId=name, VersionId=v3, VersionStage="AWSCURRENT")
    assert both["SecretString"] == "three"
    assert sm.get_secret_value(SecretId=name, VersionId=v1)["SecretString"] == "one"


def test_get_missing_label_and_missing_version(sm: Any, unique: Any) -> None:
    name = unique("get-missing")
    sm.create_secret(Name=name, SecretString="only")
    with pytest.raises(ClientError) as excinfo:
        sm.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
    )
    with pytest.raises(ClientError) as excinfo:
        sm.get_secret_value(SecretId=name, VersionId=MISSING_VERSION)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret value for VersionId: " + MISSING_VERSION,
    )


def test_get_with_mismatched_version_and_stage(sm: Any, unique: Any) -> None:
    name = unique("get-mismatch")
    v1 = sm.create_secret(Name=name, SecretString="one")["VersionId"]
    sm.put_secret_value(SecretId=name, SecretString="two")
    with pytest.raises(ClientError) as excinfo:
        sm.get_secret_value(SecretId=name, VersionId=v1, VersionStage="AWSCURRENT")
    assert error_of(excinfo) == (
        "InvalidRequestException",
        "You provided a VersionStage that is not associated to the provided VersionId.",
    )


def test_get_on_a_secret_without_value(sm: Any, unique: Any) -> None:
    name = unique("get-empty")
    sm.create_secret(Name=name)
    with pytest.raises(ClientError) as excinfo:
        sm.get_secret_value(SecretId=name)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    )


def test_last_accessed_date_is_midnight_utc_after_a_read(sm: Any, unique: Any) -> None:
    name = unique("accessed")
    version = sm.create_secret(Name=name, SecretString="x")["VersionId"]
    assert "LastAccessedDate" not in sm.describe_secret(SecretId=name)
    assert "LastAccessedDate" not in listed(sm, name)[version]
    before = time.time()
    sm.get_secret_value(SecretId=name)
    described = sm.describe_secret(SecretId=name)
    entry = listed(sm, name)[version]
    # Two candidates only if the test straddles midnight UTC.
    allowed = {midnight(before), midnight(time.time())}
    assert described["LastAccessedDate"].timestamp() in allowed
    assert entry["LastAccessedDate"].timestamp() in allowed


# --- UpdateSecretVersionStage ---------------------------------------------------------


def test_moving_current_requires_remove_from_version_id(sm: Any, unique: Any) -> None:
    name = unique("stage-req")
    v1 = sm.create_secret(Name=name, SecretString="one")["VersionId"]
    v2 = sm.put_secret_value(SecretId=name, SecretString="two", VersionStages=["Staged"])[
        "VersionId"
    ]
    before = snapshot(sm, name)
    with pytest.raises(ClientError) as excinfo:
        sm.update_secret_version_stage(SecretId=name, VersionStage="AWSCURRENT", MoveToVersionId=v2)
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is "
        f"currently attached to version {v1}, so you must explicitly reference that version "
        "in RemoveFromVersionId.",
    )
    assert snapshot(sm, name) == before

    moved = sm.update_secret_version_stage(
        SecretId=name, VersionStage="AWSCURRENT", MoveToVersionId=v2, RemoveFromVersionId=v1
    )
    assert fields(moved) == {"ARN", "Name"}
    assert moved["Name"] == name
    assert stages(sm, name) == {v1: ["AWSPREVIOUS"], v2: ["AWSCURRENT", "Staged"]}
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "two"


def test_moving_current_onto_pending_keeps_both_labels(sm: Any, unique: Any) -> None:
    name = unique("stage-pending")
    v1 = sm.create_secret(Name=name, SecretString="one")["VersionId"]
    v2 = sm.put_secret_value(SecretId=name, SecretString="two", VersionStages=["AWSPENDING"])[
        "VersionId"
    ]
    assert stages(sm, name) == {v1: ["AWSCURRENT"], v2: ["AWSPENDING"]}
    sm.update_secret_version_stage(
        SecretId=name, VersionStage="AWSCURRENT", MoveToVersionId=v2, RemoveFromVersionId=v1
    )
    assert stages(sm, name) == {v1: ["AWSPREVIOUS"], v2: ["AWSCURRENT", "AWSPENDING"]}


def test_custom_label_add_and_remove(sm: Any, unique: Any) -> None:
    name = unique("stage-custom")
    v1 = sm.create_secret(Name=name, SecretString="one")["VersionId"]
    v2 = sm.put_secret_value(SecretId=name, SecretString="two")["VersionId"]

    added = sm.update_secret_version_stage(SecretId=name, VersionStage="Blue", MoveToVersionId=v1)
    assert fields(added) == {"ARN", "Name"}
    assert stages(sm, name) == {v1: ["AWSPREVIOUS", "Blue"], v2: ["AWSCURRENT"]}
    assert sm.get_secret_value(SecretId=name, VersionStage="Blue")["SecretString"] == "one"

    removed = sm.update_secret_version_stage(
        SecretId=name, VersionStage="Blue", RemoveFromVersionId=v1
    )
    assert fields(removed) == {"ARN", "Name"}
    assert stages(sm, name) == {v1: ["AWSPREVIOUS"], v2: ["AWSCURRENT"]}
    with pytest.raises(ClientError) as excinfo:
        sm.get_secret_value(SecretId=name, VersionStage="Blue")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret value for staging label: Blue",
    )


# --- ListSecretVersionIds -------------------------------------------------------------


def test_list_versions_shape_and_default_kms_key(sm: Any, unique: Any) -> None:
    name = unique("list")
    created = sm.create_secret(Name=name, SecretString="one")
    page = sm.list_secret_version_ids(SecretId=name)
    assert fields(page) == {"ARN", "Name", "Versions"}
    assert (page["ARN"], page["Name"]) == (created["ARN"], name)
    [entry] = page["Versions"]
    assert set(entry) == {"VersionId", "VersionStages", "CreatedDate", "KmsKeyIds"}
    assert entry["VersionId"] == created["VersionId"]
    assert entry["VersionStages"] == ["AWSCURRENT"]
    assert entry["KmsKeyIds"] == ["DefaultEncryptionKey"]


def test_list_versions_paginates_with_max_results(sm: Any, unique: Any) -> None:
    name = unique("list-pages")
    v1 = sm.create_secret(Name=name, SecretString="one")["VersionId"]
    v2 = sm.put_secret_value(SecretId=name, SecretString="two")["VersionId"]
    v3 = sm.put_secret_value(SecretId=name, SecretString="three", VersionStages=["Extra"])[
        "VersionId"
    ]
    seen: list[str] = []
    token: str | None = None
    for _ in range(10):
        kwargs: dict[str, Any] = {"SecretId": name, "MaxResults": 1}
        if token is not None:
            kwargs["NextToken"] = token
        page = sm.list_secret_version_ids(**kwargs)
        assert len(page["Versions"]) <= 1
        seen.extend(v["VersionId"] for v in page["Versions"])
        token = page.get("NextToken")
        if token is None:
            break
    assert sorted(seen) == sorted([v1, v2, v3])


def test_list_versions_with_a_garbage_next_token(sm: Any, unique: Any) -> None:
    name = unique("list-garbage")
    sm.create_secret(Name=name, SecretString="one")
    with pytest.raises(ClientError) as excinfo:
        sm.list_secret_version_ids(SecretId=name, NextToken="not-a-real-token")
    assert error_of(excinfo)[0] == "InvalidNextTokenException"


# --- the AWS CLI ----------------------------------------------------------------------


def test_cli_put_and_list_versions(aws: Any, unique: Any) -> None:
    name = unique("cli/versions")
    aws("secretsmanager", "create-secret", "--name", name, "--secret-string", "one")
    put = json.loads(
        aws(
            "secretsmanager", "put-secret-value", "--secret-id", name, "--secret-string", "two"
        ).stdout
    )
    assert put["VersionStages"] == ["AWSCURRENT"]
    versions = json.loads(
        aws("secretsmanager", "list-secret-version-ids", "--secret-id", name).stdout
    )["Versions"]
    by_id = {v["VersionId"]: sorted(v["VersionStages"]) for v in versions}
    assert by_id[put["VersionId"]] == ["AWSCURRENT"]
    assert sorted(by_id.values()) == [["AWSCURRENT"], ["AWSPREVIOUS"]]

    refused = aws(
        "secretsmanager",
        "get-secret-value",
        "--secret-id",
        name,
        "--version-stage",
        "NoSuchLabel",
        check=False,
    )
    assert refused.returncode != 0
    assert "ResourceNotFoundException" in refused.stderr
    assert "staging label: NoSuchLabel" in refused.stderr
