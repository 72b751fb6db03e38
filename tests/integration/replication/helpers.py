"""Shared helpers for replication tests: waiting for a status, reading errors."""

from __future__ import annotations

import time
from typing import Any

import botocore.exceptions
import pytest

REPLICA_REFUSAL = (
    "Operation not permitted on a replica secret. Call must be made in primary secret's region."
)


def error_of(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call(**kwargs)
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    return error["Error"]["Code"], error["Error"]["Message"]


def statuses(client: Any, secret_id: str) -> dict[str, dict[str, Any]]:
    described = client.describe_secret(SecretId=secret_id)
    return {s["Region"]: s for s in described.get("ReplicationStatus", [])}


def wait_status(
    client: Any, secret_id: str, region: str, status: str, timeout: float = 20.0
) -> dict[str, Any]:
    """Poll DescribeSecret until `region` reports `status` (bounded)."""
    deadline = time.monotonic() + timeout
    seen: dict[str, Any] = {}
    while time.monotonic() < deadline:
        seen = statuses(client, secret_id).get(region, {})
        if seen.get("Status") == status:
            return seen
        time.sleep(0.05)
    raise AssertionError(f"{region} never reached {status}; last seen {seen}")


def wait_until(check: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except botocore.exceptions.ClientError as exc:
            last = exc
        time.sleep(0.05)
    raise AssertionError(f"condition never held; last {last!r}")


def replica_arn(arn: str, region: str) -> str:
    parts = arn.split(":")
    parts[3] = region
    return ":".join(parts)


def is_gone(client: Any, secret_id: str) -> bool:
    """True once DescribeSecret answers ResourceNotFoundException."""
    try:
        client.describe_secret(SecretId=secret_id)
    except botocore.exceptions.ClientError as exc:
        return bool(exc.response["Error"]["Code"] == "ResourceNotFoundException")
    return False
