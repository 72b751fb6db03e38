"""Tags on IAM users and roles."""

from __future__ import annotations

from typing import Any

from kinko.domain.iam.errors import invalid_input

DUPLICATE_KEYS = "Duplicate tag keys found. Please note that Tag keys are case insensitive."


def checked_tags(raw: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    tags = [{"Key": tag["Key"], "Value": tag.get("Value", "")} for tag in raw or []]
    keys = [tag["Key"].lower() for tag in tags]
    if len(set(keys)) != len(keys):
        raise invalid_input(DUPLICATE_KEYS)
    return tags
