"""Helpers shared by the IAM and STS tests: users with keys, clients and the AWS CLI as
someone other than the admin, AWS error triples, and session expiry by editing the store."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

from tests.conftest import AWS, Server, client_for

ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
INVALID_TOKEN = "The security token included in the request is invalid."
EXPIRED = "The security token included in the request is expired"


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    """(code, message, HTTP status) of an AWS error."""
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str | list[str], resource: str = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def trust(principal: Any, **extra: Any) -> str:
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    return policy({**statement, **extra})


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str | None = None
    arn: str = ""

    def client(
        self, server: Server, service: str, region: str = "us-east-1", validate: bool = True
    ) -> Any:
        """A client with these credentials; `validate=False` lets input botocore would
        refuse reach the server."""
        if validate:
            return client_for(
                server.endpoint,
                region,
                service,
                access_key=self.access_key_id,
                secret_key=self.secret_access_key,
                session_token=self.session_token,
            )
        return boto3.client(
            service,
            endpoint_url=server.endpoint,
            region_name=region,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
            aws_session_token=self.session_token,
            config=botocore.config.Config(
                retries={"max_attempts": 1, "mode": "standard"}, parameter_validation=False
            ),
        )


def new_user(iam: Any, name: str, *statements: dict[str, Any]) -> Credentials:
    """A user with an access key and, if given, one inline policy of `statements`."""
    user = iam.create_user(UserName=name)["User"]
    if statements:
        iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=policy(*statements))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return Credentials(key["AccessKeyId"], key["SecretAccessKey"], arn=user["Arn"])


def session_credentials(assumed: dict[str, Any]) -> Credentials:
    credentials = assumed["Credentials"]
    return Credentials(
        credentials["AccessKeyId"],
        credentials["SecretAccessKey"],
        credentials["SessionToken"],
        arn=assumed["AssumedRoleUser"]["Arn"],
    )


def expire_session(data_dir: Path, access_key_id: str, at: float = 0.0) -> None:
    """Move a session's expiry into the past, as time would."""
    database = sqlite3.connect(data_dir / "global.db", timeout=10)
    try:
        with database:
            changed = database.execute(
                "UPDATE sts_sessions SET expiration = ? WHERE access_key_id = ?",
                (at, access_key_id),
            ).rowcount
    finally:
        database.close()
    assert changed == 1


def aws_as(
    server: Server, home: Path, credentials: Credentials, *args: str, region: str = "us-east-1"
) -> subprocess.CompletedProcess[str]:
    """The AWS CLI with `credentials` (not the admin's)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")} | {
        "AWS_ACCESS_KEY_ID": credentials.access_key_id,
        "AWS_SECRET_ACCESS_KEY": credentials.secret_access_key,
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-credentials"),
        "AWS_CONFIG_FILE": str(home / "no-config"),
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_PAGER": "",
    }
    if credentials.session_token:
        env["AWS_SESSION_TOKEN"] = credentials.session_token
    return subprocess.run(
        [AWS, "--endpoint-url", server.endpoint, "--region", region, "--output", "json", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
