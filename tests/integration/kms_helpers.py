"""Helpers shared by the KMS integration tests."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

from tests.conftest import ACCESS_KEY_ID, ACCOUNT_ID, SECRET_ACCESS_KEY, Server

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    """(code, message) of an AWS error, which is always an HTTP 400."""
    response = excinfo.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Code"], response["Error"]["Message"]


def refused(call: Callable[..., Any], **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return error_of(excinfo)


def key_arn(key_id: str, region: str = "us-east-1", account: str = ACCOUNT_ID) -> str:
    return f"arn:aws:kms:{region}:{account}:key/{key_id}"


def alias_arn(alias: str, region: str = "us-east-1", account: str = ACCOUNT_ID) -> str:
    return f"arn:aws:kms:{region}:{account}:{alias}"


def not_authorized(action: str, resource: str) -> tuple[str, str]:
    return (
        "AccessDeniedException",
        f"User: arn:aws:iam::{ACCOUNT_ID}:root is not authorized to perform: {action} on "
        f"resource: {resource} because no resource-based policy allows the {action} action",
    )


def new_key(kms: Any, **params: Any) -> dict[str, Any]:
    metadata: dict[str, Any] = kms.create_key(**params)["KeyMetadata"]
    return metadata


def state(kms: Any, key_id: str) -> dict[str, Any]:
    """What can be seen of a key: metadata, aliases, tags, policy, rotation."""
    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    aliases = kms.list_aliases(KeyId=key_id)["Aliases"]
    return {
        "metadata": metadata,
        "aliases": sorted(a["AliasName"] for a in aliases),
        "tags": kms.list_resource_tags(KeyId=key_id)["Tags"],
        "policy": kms.get_key_policy(KeyId=key_id)["Policy"],
        "rotation": kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"],
    }


def edit_database(
    data_dir: Path, sql: str, params: tuple[Any, ...], region: str = "us-east-1"
) -> int:
    """Change a running server's region database directly (to move a date into the past)."""
    database = sqlite3.connect(data_dir / "regions" / f"{region}.db", timeout=10)
    try:
        with database:
            changed: int = database.execute(sql, params).rowcount
    finally:
        database.close()
    return changed


def eventually(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not hold in time")
        time.sleep(0.1)


def unvalidated(server: Server, region: str = "us-east-1", service: str = "kms") -> Any:
    """A client that sends what it is given, so the server's own checks answer."""
    return boto3.client(
        service,
        endpoint_url=server.endpoint,
        region_name=region,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
        config=botocore.config.Config(
            parameter_validation=False, retries={"max_attempts": 1, "mode": "standard"}
        ),
    )
