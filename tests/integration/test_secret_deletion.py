"""DeleteSecret, the recovery window, RestoreSecret, force delete and the background purge,
as real AWS behaves (see the facts file)."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import ACCOUNT_ID, start_server

DAY = 86400
NOT_FOUND = "Secrets Manager can't find the specified secret."
MARKED = "You can't perform this operation on the secret because it was marked for deletion."
SCHEDULED = (
    "You can't create this secret because a secret with this name is already scheduled "
    "for deletion."
)


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    """(code, message) of an AWS error, which is always an HTTP 400."""
    response = excinfo.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Code"], response["Error"]["Message"]


def fields(response: dict[str, Any]) -> set[str]:
    return set(response) - {"ResponseMetadata"}


def state(sm: Any, secret_id: str) -> dict[str, Any]:
    """What DescribeSecret and ListSecretVersionIds show; both work while scheduled."""
    described = sm.describe_secret(SecretId=secret_id)
    versions = sm.list_secret_version_ids(SecretId=secret_id, IncludeDeprecated=True)
    return {
        "arn": described["ARN"],
        "description": described.get("Description"),
        "tags": described.get("Tags"),
        "deleted": "DeletedDate" in described,
        "stages": {k: sorted(v) for k, v in described.get("VersionIdsToStages", {}).items()},
        "versions": sorted(v["VersionId"] for v in versions["Versions"]),
    }


def listed_names(sm: Any, name: str, include_planned_deletion: bool) -> list[str]:
    page = sm.list_secrets(
        Filters=[{"Key": "name", "Values": [name]}],
        IncludePlannedDeletion=include_planned_deletion,
    )
    return [entry["Name"] for entry in page["SecretList"] if entry["Name"] == name]


def assert_gone(sm: Any, secret_id: str) -> None:
    for call in (sm.describe_secret, sm.get_secret_value):
        with pytest.raises(ClientError) as excinfo:
            call(SecretId=secret_id)
        assert error_of(excinfo) == ("ResourceNotFoundException", NOT_FOUND)


def eventually(attempt: Callable[[], Any], timeout: float = 10.0) -> Any:
    """`attempt()` once it stops raising ClientError (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return attempt()
        except ClientError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# --- scheduling -----------------------------------------------------------------------


def test_default_recovery_window_is_30_days(sm: Any, unique: Any) -> None:
    name = unique("del-default")
    arn = sm.create_secret(Name=name, SecretString="x")["ARN"]
    before = time.time()
    deleted = sm.delete_secret(SecretId=name)
    assert fields(deleted) == {"ARN", "Name", "DeletionDate"}
    assert (deleted["ARN"], deleted["Name"]) == (arn, name)
    assert abs(deleted["DeletionDate"].timestamp() - (before + 30 * DAY)) < 3600


@pytest.mark.parametrize("days", [7, 30])
def test_recovery_window_bounds_are_accepted(sm: Any, unique: Any, days: int) -> None:
    name = unique(f"del-{days}")
    sm.create_secret(Name=name, SecretString="x")
    before = time.time()
    deleted = sm.delete_secret(SecretId=name, RecoveryWindowInDays=days)
    assert abs(deleted["DeletionDate"].timestamp() - (before + days * DAY)) < 3600
    assert "DeletedDate" in sm.describe_secret(SecretId=name)


@pytest.mark.parametrize("days", [6, 31])
def test_recovery_window_out_of_range_is_refused(sm: Any, unique: Any, days: int) -> None:
    name = unique(f"del-bad-{days}")
    sm.create_secret(Name=name, SecretString="x")
    before = state(sm, name)
    with pytest.raises(ClientError) as excinfo:
        sm.delete_secret(SecretId=name, RecoveryWindowInDays=days)
    assert error_of(excinfo)[0] == "InvalidParameterException"
    assert state(sm, name) == before
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "x"


def test_window_and_force_together_are_refused(sm: Any, unique: Any) -> None:
    name = unique("del-both")
    sm.create_secret(Name=name, SecretString="x")
    before = state(sm, name)
    with pytest.raises(ClientError) as excinfo:
        sm.delete_secret(SecretId=name, RecoveryWindowInDays=7, ForceDeleteWithoutRecovery=True)
    assert error_of(excinfo)[0] == "InvalidParameterException"
    assert state(sm, name) == before
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "x"


def test_scheduled_secret_refuses_reads_and_writes(sm: Any, unique: Any) -> None:
    name = unique("del-refuse")
    sm.create_secret(Name=name, SecretString="keep", Description="d")
    sm.delete_secret(SecretId=name, RecoveryWindowInDays=7)
    before = state(sm, name)
    assert before["deleted"]
    refused: list[Callable[[], Any]] = [
        lambda: sm.get_secret_value(SecretId=name),
        lambda: sm.put_secret_value(SecretId=name, SecretString="new"),
        lambda: sm.update_secret(SecretId=name, SecretString="new"),
        lambda: sm.update_secret(SecretId=name, Description="changed"),
        lambda: sm.tag_resource(SecretId=name, Tags=[{"Key": "k", "Value": "v"}]),
        lambda: sm.untag_resource(SecretId=name, TagKeys=["k"]),
    ]
    for call in refused:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo) == ("InvalidRequestException", MARKED)
    assert state(sm, name) == before

    sm.restore_secret(SecretId=name)
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "keep"
    described = sm.describe_secret(SecretId=name)
    assert described["Description"] == "d"
    assert "Tags" not in described


def test_scheduled_secret_is_described_and_listed_only_on_request(sm: Any, unique: Any) -> None:
    name = unique("del-list")
    created = sm.create_secret(Name=name, SecretString="x")
    assert listed_names(sm, name, include_planned_deletion=False) == [name]
    sm.delete_secret(SecretId=name)
    described = sm.describe_secret(SecretId=name)
    assert described["ARN"] == created["ARN"]
    assert "DeletedDate" in described
    assert described["VersionIdsToStages"] == {created["VersionId"]: ["AWSCURRENT"]}
    assert listed_names(sm, name, include_planned_deletion=False) == []
    assert listed_names(sm, name, include_planned_deletion=True) == [name]
    [entry] = [
        e
        for e in sm.list_secrets(
            Filters=[{"Key": "name", "Values": [name]}], IncludePlannedDeletion=True
        )["SecretList"]
        if e["Name"] == name
    ]
    assert "DeletedDate" in entry


def test_create_with_the_name_of_a_scheduled_secret_is_refused(sm: Any, unique: Any) -> None:
    name = unique("del-recreate")
    sm.create_secret(Name=name, SecretString="old")
    sm.delete_secret(SecretId=name)
    before = state(sm, name)
    with pytest.raises(ClientError) as excinfo:
        sm.create_secret(Name=name, SecretString="new")
    assert error_of(excinfo) == ("InvalidRequestException", SCHEDULED)
    assert state(sm, name) == before


def test_restore_brings_the_secret_back(sm: Any, unique: Any) -> None:
    name = unique("del-restore")
    created = sm.create_secret(Name=name, SecretString="back")
    sm.delete_secret(SecretId=name, RecoveryWindowInDays=7)
    restored = sm.restore_secret(SecretId=created["ARN"])
    assert fields(restored) == {"ARN", "Name"}
    assert (restored["ARN"], restored["Name"]) == (created["ARN"], name)
    described = sm.describe_secret(SecretId=name)
    assert "DeletedDate" not in described
    assert described["VersionIdsToStages"] == {created["VersionId"]: ["AWSCURRENT"]}
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "back"
    assert listed_names(sm, name, include_planned_deletion=False) == [name]
    sm.put_secret_value(SecretId=name, SecretString="writable again")
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "writable again"


# --- force delete ---------------------------------------------------------------------


def test_force_delete_removes_at_once_and_frees_the_name(sm: Any, unique: Any) -> None:
    name = unique("force")
    first = sm.create_secret(Name=name, SecretString="gone")
    deleted = sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
    assert fields(deleted) == {"ARN", "Name", "DeletionDate"}
    assert (deleted["ARN"], deleted["Name"]) == (first["ARN"], name)
    assert_gone(sm, name)
    assert_gone(sm, first["ARN"])
    assert listed_names(sm, name, include_planned_deletion=True) == []

    # AWS purges asynchronously, so a real recreate may need a moment: bounded retry.
    second = eventually(lambda: sm.create_secret(Name=name, SecretString="new"))
    assert re.fullmatch(
        rf"arn:aws:secretsmanager:us-east-1:{ACCOUNT_ID}:secret:{re.escape(name)}-[A-Za-z0-9]{{6}}",
        second["ARN"],
    )
    assert second["ARN"] != first["ARN"]
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "new"
    with pytest.raises(ClientError) as excinfo:
        sm.describe_secret(SecretId=first["ARN"])
    assert error_of(excinfo) == ("ResourceNotFoundException", NOT_FOUND)


def test_force_delete_of_a_missing_secret_succeeds(sm: Any, unique: Any) -> None:
    name = unique("force-missing")
    deleted = sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
    assert fields(deleted) == {"ARN", "Name", "DeletionDate"}
    assert deleted["Name"] == name
    assert deleted["ARN"].startswith(f"arn:aws:secretsmanager:us-east-1:{ACCOUNT_ID}:secret:{name}")
    assert_gone(sm, name)


def test_force_delete_of_a_scheduled_secret_succeeds(sm: Any, unique: Any) -> None:
    name = unique("force-scheduled")
    arn = sm.create_secret(Name=name, SecretString="x")["ARN"]
    sm.delete_secret(SecretId=name, RecoveryWindowInDays=30)
    deleted = sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
    assert (deleted["ARN"], deleted["Name"]) == (arn, name)
    assert "DeletionDate" in deleted
    assert_gone(sm, name)
    assert listed_names(sm, name, include_planned_deletion=True) == []


# --- the background purge -------------------------------------------------------------


def test_purge_removes_a_secret_whose_window_ended(tmp_path: Path, unique: Any) -> None:
    data_dir = tmp_path / "data"
    server = start_server(data_dir, "--purge-interval", "0.5")
    try:
        sm = server.client("us-east-1")
        name, kept = unique("purged"), unique("kept")
        sm.create_secret(Name=name, SecretString="x")
        sm.create_secret(Name=kept, SecretString="y")
        sm.delete_secret(SecretId=name, RecoveryWindowInDays=7)
        sm.delete_secret(SecretId=kept, RecoveryWindowInDays=7)
        # A purge sweep must leave a secret whose window is still open.
        time.sleep(1.5)
        assert "DeletedDate" in sm.describe_secret(SecretId=name)

        # Simulate the end of the recovery window for one of the two.
        database = sqlite3.connect(data_dir / "regions" / "us-east-1.db", timeout=10)
        try:
            with database:
                changed = database.execute(
                    "UPDATE secrets SET deletion_date = 0 WHERE name = ?", (name,)
                ).rowcount
        finally:
            database.close()
        assert changed == 1

        deadline = time.monotonic() + 10
        while True:
            try:
                sm.describe_secret(SecretId=name)
            except ClientError as exc:
                assert exc.response["Error"]["Code"] == "ResourceNotFoundException"
                break
            assert time.monotonic() < deadline, "the purge never removed the secret"
            time.sleep(0.2)

        assert_gone(sm, name)
        assert "DeletedDate" in sm.describe_secret(SecretId=kept)
        recreated = sm.create_secret(Name=name, SecretString="again")
        assert sm.get_secret_value(SecretId=recreated["ARN"])["SecretString"] == "again"
    finally:
        server.stop()
    log = server.log()
    assert "Traceback" not in log, log


# --- the AWS CLI ----------------------------------------------------------------------


def test_cli_delete_and_restore(aws: Any, unique: Any) -> None:
    name = unique("cli/del")
    aws("secretsmanager", "create-secret", "--name", name, "--secret-string", "v")
    refused = aws(
        "secretsmanager",
        "delete-secret",
        "--secret-id",
        name,
        "--recovery-window-in-days",
        "6",
        check=False,
    )
    assert refused.returncode != 0
    assert "InvalidParameterException" in refused.stderr

    deleted = json.loads(
        aws(
            "secretsmanager", "delete-secret", "--secret-id", name, "--recovery-window-in-days", "7"
        ).stdout
    )
    assert deleted["Name"] == name and "DeletionDate" in deleted
    blocked = aws("secretsmanager", "get-secret-value", "--secret-id", name, check=False)
    assert blocked.returncode != 0
    assert "InvalidRequestException" in blocked.stderr
    assert MARKED in blocked.stderr

    aws("secretsmanager", "restore-secret", "--secret-id", name)
    got = json.loads(aws("secretsmanager", "get-secret-value", "--secret-id", name).stdout)
    assert got["SecretString"] == "v"
