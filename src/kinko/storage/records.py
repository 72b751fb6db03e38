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
    extra: dict[str, Any] = field(default_factory=dict)  # room for rotation state
    replica_of: str | None = None  # the primary's region, when this secret is a replica
    replica_seq: int = 0  # the primary's outbox sequence number last applied here

    @property
    def is_replica(self) -> bool:
        return self.replica_of is not None


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
    key_id: str  # a UUID
    account_id: str
    arn: str
    key_manager: str  # "AWS" or "CUSTOMER"
    key_state: str  # "Enabled", "Disabled", "PendingDeletion"
    material: bytes  # the current material (wrapped by the root key), from kms_key_materials
    created_date: float
    description: str = ""
    deletion_date: float | None = None  # when a key pending deletion is destroyed
    policy: str | None = None  # None: the default policy of its kind
    tags: list[dict[str, str]] = field(default_factory=list)  # [{"TagKey", "TagValue"}]
    material_version: int = 1  # the current material's version (KmsMaterialRecord.version)
    material_id: str = ""  # the current material's KeyMaterialId
    material_legacy: bool = False  # the current material's KmsMaterialRecord.legacy_wrap
    rotation_enabled: bool = False
    rotation_period_days: int | None = None
    next_rotation_date: float | None = None


@dataclass
class KmsMaterialRecord:
    """One version of a KMS key's material; rotation adds one, old ones keep decrypting."""

    key_id: str
    version: int  # 1 for the material the key was created with
    material: bytes  # wrapped by the root key
    material_id: str  # KeyMaterialId: 64 hex digits
    created_date: float
    rotation_type: str | None = None  # None for version 1, else AUTOMATIC or ON_DEMAND
    legacy_wrap: bool = False  # wrapped before migration 0002, bound to the key ARN alone


@dataclass
class KmsAliasRecord:
    account_id: str
    alias_name: str  # "alias/…"
    key_id: str
    created_date: float
    last_updated_date: float


@dataclass
class AccessKeyRecord:
    access_key_id: str
    account_id: str
    principal_arn: str
    secret_wrapped: bytes  # the secret access key, wrapped by the root key
    status: str
    created_date: float
    user_name: str | None = None
    # An IAM user's key belongs to the user's partition; the root's keys (None) work in all.
    partition: str | None = None
    user_id: str | None = None


@dataclass(frozen=True)
class RegionState:
    """An account's opt-in state for one region, and since when."""

    status: str  # ENABLED, ENABLING, DISABLING, DISABLED
    since: float


@dataclass
class IamUserRecord:
    user_id: str  # AIDA…
    account_id: str
    partition: str
    user_name: str
    path: str
    arn: str
    created_date: float
    tags: list[dict[str, str]] = field(default_factory=list)


@dataclass
class IamRoleRecord:
    role_id: str  # AROA…
    account_id: str
    partition: str
    role_name: str
    path: str
    arn: str
    trust_policy: str  # the AssumeRolePolicyDocument, as the caller wrote it
    max_session_duration: int
    created_date: float
    description: str | None = None
    tags: list[dict[str, str]] = field(default_factory=list)


@dataclass
class InlinePolicyRecord:
    owner_id: str  # the user's or role's unique id
    policy_name: str
    document: str


@dataclass
class SessionRecord:
    """Temporary credentials from AssumeRole."""

    access_key_id: str  # ASIA…
    account_id: str
    partition: str
    role_id: str
    role_name: str
    role_arn: str
    session_name: str
    arn: str  # arn:<partition>:sts::<account>:assumed-role/<role>/<session>
    secret_wrapped: bytes  # wrapped by the root key, like an access key's secret
    token_hash: bytes  # SHA-256 of the session token; the token itself is not kept
    expiration: float
    created_date: float
    source_arn: str  # who assumed the role


@dataclass
class ReplicaRecord:
    """On a primary: one replica region, its key and its replication status."""

    secret_pk: int
    region: str
    position: int  # the order regions were added, which ReplicationStatus keeps
    status: str  # InProgress, InSync, Failed
    initiator: str  # JSON of the principal whose call started the replication
    kms_key_id: str | None = None  # None = that region's aws/secretsmanager
    status_message: str | None = None
    last_accessed_date: float | None = None
    force_overwrite: bool = False


@dataclass
class OutboxRecord:
    """A change to send: written in the same transaction as the change itself."""

    seq: int
    secret_arn: str
    region: str  # where to send it
    kind: str  # "sync" (bring the replica up to date), "delete", "detach"
    committed_at: float
    attempts: int = 0
    next_attempt: float = 0.0
