"""Wire shapes of Secrets Manager: entries, values, tags; a field AWS omits is omitted."""

from __future__ import annotations

import base64
from typing import Any

from kinko.domain.secrets import labels as stages_
from kinko.domain.secrets.service import Written
from kinko.errors import invalid_parameter, validation_error
from kinko.storage.records import SecretRecord

MAX_VALUE_BYTES = 65536
SERVICE = "secretsmanager"


def omit_none(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def secret_entry(secret: SecretRecord, stages: dict[str, str], stages_field: str) -> dict[str, Any]:
    """DescribeSecret / ListSecrets entry: a field AWS omits is omitted."""
    grouped = stages_.by_version(stages)
    return omit_none(
        {
            "ARN": secret.arn,
            "Name": secret.name,
            "Type": secret.type,
            "Description": secret.description,
            "KmsKeyId": secret.kms_key_id,
            "LastChangedDate": secret.last_changed_date,
            "LastAccessedDate": secret.last_accessed_date,
            "DeletedDate": secret.deleted_date,
            "Tags": secret.tags or None,
            stages_field: grouped or None,
            "OwningService": secret.owning_service,
            "CreatedDate": secret.created_date,
            "PrimaryRegion": secret.primary_region,
        }
    )


def value_of(params: dict[str, Any], required: bool) -> str | bytes | None:
    string = params.get("SecretString")
    binary = params.get("SecretBinary")
    if string is not None and binary is not None:
        raise invalid_parameter(
            "You can't specify both a binary secret value and a string secret value in the "
            "same secret."
        )
    if string is not None and len(string.encode()) > MAX_VALUE_BYTES:
        raise validation_error(
            "1 validation error detected: Value at 'secretString' failed to satisfy "
            f"constraint: Member must have length less than or equal to {MAX_VALUE_BYTES}"
        )
    value: str | bytes | None = string if string is not None else binary
    if value is None and required:
        raise invalid_parameter("You must provide either SecretString or SecretBinary.")
    return value


def tags_of(raw: list[dict[str, Any]]) -> list[dict[str, str]]:
    tags = []
    for tag in raw:
        if tag.get("Key") is None:
            raise invalid_parameter("Tag keys must not be empty.")
        tags.append({"Key": tag["Key"], "Value": tag.get("Value", "")})
    return tags


def written(result: Written, with_stages: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"ARN": result.secret.arn, "Name": result.secret.name}
    if result.version_id is not None:
        out["VersionId"] = result.version_id
        if with_stages:
            out["VersionStages"] = result.labels
    return out


def wire_value(value: str | bytes) -> dict[str, str]:
    if isinstance(value, bytes):
        return {"SecretBinary": base64.b64encode(value).decode()}
    return {"SecretString": value}
