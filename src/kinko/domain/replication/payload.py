"""The state a primary sends to a replica: plain data, so it can cross a process.

Values travel only between Kinko nodes (in memory, or over the cluster's HTTPS link)
and are re-encrypted under the replica region's key on arrival.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from kinko.domain.identity import Principal


@dataclass
class VersionState:
    version_id: str
    created_date: float
    labels: list[str]
    value: str | None = None  # base64 of the plaintext; None when not sent
    binary: bool = False
    unavailable: str | None = None  # why the primary could not read it this time

    def plaintext(self) -> str | bytes:
        assert self.value is not None
        raw = base64.b64decode(self.value)
        return raw if self.binary else raw.decode()

    @staticmethod
    def encode(value: str | bytes) -> tuple[str, bool]:
        binary = isinstance(value, bytes)
        raw = value if isinstance(value, bytes) else value.encode()
        return base64.b64encode(raw).decode(), binary


@dataclass
class SecretState:
    """Everything a replica mirrors of its primary, as of outbox sequence `seq`."""

    seq: int
    committed_at: float
    source_region: str
    primary_arn: str
    account_id: str
    name: str
    created_date: float
    last_changed_date: float
    description: str | None
    tags: list[dict[str, str]]
    policy: str | None
    rotation: dict[str, Any]
    kms_key_id: str | None  # the replica's key in its own region; None = aws/secretsmanager
    force_overwrite: bool
    initiator: dict[str, Any]
    versions: list[VersionState] = field(default_factory=list)

    def principal(self) -> Principal:
        return Principal(**self.initiator)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SecretState:
        versions = [VersionState(**v) for v in data.get("versions", [])]
        return cls(**{**data, "versions": versions})


@dataclass
class ApplyResult:
    """What the replica region made of a state: applied (or already had it), or not."""

    outcome: str  # "applied", "stale", "need_values", "failed", "detached"
    message: str | None = None
    missing: list[str] = field(default_factory=list)
    last_accessed_date: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ApplyResult:
        return cls(**data)


def principal_json(principal: Principal) -> str:
    return json.dumps(asdict(principal), sort_keys=True)


def principal_from_json(text: str) -> Principal:
    return Principal(**json.loads(text))


def replica_arn(primary_arn: str, region: str) -> str:
    """The replica's ARN: the primary's with only the region changed."""
    parts = primary_arn.split(":", 6)
    parts[3] = region
    return ":".join(parts)
