"""The README's first steps, through boto3 and the AWS CLI."""

from __future__ import annotations

import json
from typing import Any


def test_create_and_read_through_boto3(sm: Any, unique: Any) -> None:
    name = unique("prod/db")
    created = sm.create_secret(Name=name, SecretString='{"user":"app","password":"x"}')
    got = sm.get_secret_value(SecretId=name)
    assert got["SecretString"] == '{"user":"app","password":"x"}'
    assert got["ARN"] == created["ARN"]
    assert got["VersionStages"] == ["AWSCURRENT"]


def test_create_and_read_through_the_cli(aws: Any, unique: Any) -> None:
    name = unique("prod/cli")
    created = json.loads(
        aws("secretsmanager", "create-secret", "--name", name, "--secret-string", "hunter2").stdout
    )
    got = json.loads(aws("secretsmanager", "get-secret-value", "--secret-id", name).stdout)
    assert got["SecretString"] == "hunter2"
    assert got["ARN"] == created["ARN"]
