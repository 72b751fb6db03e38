"""Wire shapes shared by the KMS handlers: key metadata, blobs, pages, parameters."""

from __future__ import annotations

import base64
from typing import Any

from kinko.api.context import RequestContext
from kinko.domain.kms import errors
from kinko.domain.kms.keys import KeyService
from kinko.domain.kms.paging import page
from kinko.storage.interface import RegionStore
from kinko.storage.records import KmsKeyRecord

SYMMETRIC = "SYMMETRIC_DEFAULT"


def region(ctx: RequestContext) -> tuple[RegionStore, KeyService]:
    services = ctx.services
    return services.store, services.keys


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def omit_none(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def key_metadata(key: KmsKeyRecord) -> dict[str, Any]:
    """DescribeKey's KeyMetadata for a symmetric encryption key."""
    return omit_none(
        {
            "AWSAccountId": key.account_id,
            "KeyId": key.key_id,
            "Arn": key.arn,
            "CreationDate": key.created_date,
            "Enabled": key.key_state == "Enabled",
            "Description": key.description,
            "KeyUsage": "ENCRYPT_DECRYPT",
            "KeyState": key.key_state,
            "DeletionDate": key.deletion_date if key.key_state == "PendingDeletion" else None,
            "Origin": "AWS_KMS",
            "KeyManager": key.key_manager,
            "CustomerMasterKeySpec": SYMMETRIC,
            "KeySpec": SYMMETRIC,
            "EncryptionAlgorithms": [SYMMETRIC],
            "MultiRegion": False,
            "CurrentKeyMaterialId": key.material_id,
        }
    )


def paged(
    items: list[Any], p: dict[str, Any], query: str, field: str, default_limit: int
) -> dict[str, Any]:
    """`field` holding one page of `items`, with Truncated and NextMarker as AWS sends them."""
    chunk, marker = page(items, p.get("Marker"), p.get("Limit", default_limit), query)
    out: dict[str, Any] = {field: chunk, "Truncated": marker is not None}
    if marker is not None:
        out["NextMarker"] = marker
    return out


def refuse(p: dict[str, Any], *members: str) -> None:
    """Parameters for features Kinko does not have (custom key stores, Nitro enclaves...)."""
    for member in members:
        if p.get(member) not in (None, False):
            raise errors.unsupported(f"{member} is not supported by this server.")


def required_blob(p: dict[str, Any], member: str) -> bytes:
    value: bytes | None = p.get(member)
    if value is None:
        path = member[:1].lower() + member[1:]
        raise errors.validation(
            f"1 validation error detected: Value null at '{path}' failed to satisfy "
            "constraint: Member must not be null"
        )
    return value
