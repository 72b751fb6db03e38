"""The rows storage keeps, as plain dataclasses shared by every implementation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SecretRecord:
    account_id: str
    name: str
    arn: str
    created_date: float
    last_changed_date: float
    pk: int | None = None
    description: str | None = None
    kms_key_id: str | None = None  # as the user named it; None = aws/secretsmanager
    tags: list[dict[str, str]] = field(default_factory=list)
    policy: str | None = None
    last_accessed_date: float | None = None
    deleted_date: float | None = None  # when DeleteSecret was called
    deletion_date: float | None = None  # when the purge may remove it
    primary_region: str | None = None
    owning_service: str | None = None
    type: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # room for rotation/replication state


@dataclass
class VersionRecord:
    secret_pk: int
    version_id: str
    created_date: float
    kms_key_id: str | None = None  # internal KMS key id that wraps the data key
    wrapped_key: bytes | None = None
    ciphertext: bytes | None = None  # None for a version that has no value yet
    is_binary: bool = False
    last_accessed_date: float | None = None
    pk: int | None = None


@dataclass
class KmsKeyRecord:
    key_id: str
    account_id: str
    arn: str
    key_manager: str  # "AWS" or "CUSTOMER"
    key_state: str  # "Enabled", "Disabled", "PendingDeletion", ...
    material: bytes  # wrapped by the root key
    created_date: float
    description: str = ""
    deletion_date: float | None = None
    policy: str | None = None


@dataclass
class AccessKeyRecord:
    access_key_id: str
    account_id: str
    principal_arn: str
    secret_wrapped: bytes  # the secret access key, wrapped by the root key
    status: str
    created_date: float
    user_name: str | None = None


@dataclass(frozen=True)
class RegionState:
    """An account's opt-in state for one region, and since when."""

    status: str  # ENABLED, ENABLING, DISABLING, DISABLED
    since: float
