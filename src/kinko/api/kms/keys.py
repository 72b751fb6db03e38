"""KMS key operations: lifecycle, description, tags, key policy, rotation."""

from __future__ import annotations

from typing import Any

from kinko.api.context import Handler, RequestContext
from kinko.api.kms.shapes import key_metadata, omit_none, paged, refuse, region
from kinko.domain.kms import errors
from kinko.domain.kms.lifecycle import KeyAdmin
from kinko.domain.kms.policies import POLICY_NAME
from kinko.domain.kms.settings import KeySettings


def _admin(ctx: RequestContext) -> KeyAdmin:
    return KeyAdmin(*region(ctx))


def _settings(ctx: RequestContext) -> KeySettings:
    return KeySettings(*region(ctx))


def _tags(raw: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"TagKey": t["TagKey"], "TagValue": t["TagValue"]} for t in raw]


async def create_key(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    spec = p.get("KeySpec") or p.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT"
    usage = p.get("KeyUsage", "ENCRYPT_DECRYPT")
    origin = p.get("Origin", "AWS_KMS")
    if spec != "SYMMETRIC_DEFAULT" or usage != "ENCRYPT_DECRYPT" or origin != "AWS_KMS":
        raise errors.unsupported(
            "Only symmetric encryption keys (KeySpec SYMMETRIC_DEFAULT, KeyUsage "
            "ENCRYPT_DECRYPT, Origin AWS_KMS) are supported by this server."
        )
    refuse(p, "MultiRegion", "CustomKeyStoreId", "XksKeyId")
    key = await _admin(ctx).create(
        ctx,
        description=p.get("Description", ""),
        policy=p.get("Policy"),
        tags=_tags(p.get("Tags", [])),
        bypass_lockout_check=p.get("BypassPolicyLockoutSafetyCheck", False),
    )
    return {"KeyMetadata": key_metadata(key)}


async def describe_key(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    key = await _admin(ctx).describe(ctx, p["KeyId"])
    return {"KeyMetadata": key_metadata(key)}


async def list_keys(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    keys = [{"KeyId": k.key_id, "KeyArn": k.arn} for k in _admin(ctx).list(ctx)]
    return paged(keys, p, "ListKeys", "Keys", 100)


async def enable_key(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    await _admin(ctx).set_enabled(ctx, p["KeyId"], True)
    return {}


async def disable_key(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    await _admin(ctx).set_enabled(ctx, p["KeyId"], False)
    return {}


async def schedule_key_deletion(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    scheduled = await _admin(ctx).schedule_deletion(ctx, p["KeyId"], p.get("PendingWindowInDays"))
    return {
        "KeyId": scheduled.key.arn,
        "DeletionDate": scheduled.key.deletion_date,
        "KeyState": scheduled.key.key_state,
        "PendingWindowInDays": scheduled.window_days,
    }


async def cancel_key_deletion(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    key = await _admin(ctx).cancel_deletion(ctx, p["KeyId"])
    return {"KeyId": key.arn}


async def update_key_description(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    await _admin(ctx).update_description(ctx, p["KeyId"], p["Description"])
    return {}


async def tag_resource(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    await _settings(ctx).tag(ctx, p["KeyId"], _tags(p["Tags"]))
    return {}


async def untag_resource(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    await _settings(ctx).untag(ctx, p["KeyId"], list(p["TagKeys"]))
    return {}


async def list_resource_tags(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    tags = _settings(ctx).tags(ctx, p["KeyId"])
    return paged(tags, p, f"ListResourceTags {p['KeyId']}", "Tags", 50)


async def get_key_policy(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    name = p.get("PolicyName", POLICY_NAME)
    return {"Policy": _settings(ctx).policy(ctx, p["KeyId"], name), "PolicyName": name}


async def put_key_policy(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    name = p.get("PolicyName", POLICY_NAME)
    await _settings(ctx).put_policy(ctx, p["KeyId"], name, p["Policy"])
    return {}


async def list_key_policies(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    names = _settings(ctx).policy_names(ctx, p["KeyId"])
    return paged(names, p, f"ListKeyPolicies {p['KeyId']}", "PolicyNames", 100)


async def enable_key_rotation(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    await _settings(ctx).enable_rotation(ctx, p["KeyId"], p.get("RotationPeriodInDays"))
    return {}


async def disable_key_rotation(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    await _settings(ctx).disable_rotation(ctx, p["KeyId"])
    return {}


async def get_key_rotation_status(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    status = _settings(ctx).rotation_status(ctx, p["KeyId"])
    out: dict[str, Any] = {"KeyRotationEnabled": status.enabled, "KeyId": status.key.arn}
    if status.enabled:
        out["RotationPeriodInDays"] = status.key.rotation_period_days
        out["NextRotationDate"] = status.key.next_rotation_date
    return out


async def rotate_key_on_demand(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    key = await _settings(ctx).rotate_now(ctx, p["KeyId"])
    return {"KeyId": key.key_id}


async def list_key_rotations(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    key, materials = _settings(ctx).materials(ctx, p["KeyId"])
    include = p.get("IncludeKeyMaterial", "ROTATIONS_ONLY")
    entries = [
        omit_none(
            {
                "KeyId": key.key_id,
                "KeyMaterialId": m.material_id,
                "KeyMaterialState": "CURRENT"
                if m.version == key.material_version
                else "NON_CURRENT",
                "RotationDate": m.created_date if m.rotation_type else None,
                "RotationType": m.rotation_type,
            }
        )
        for m in materials
        if m.rotation_type is not None or include == "ALL_KEY_MATERIAL"
    ]
    return paged(entries, p, f"ListKeyRotations {p['KeyId']} {include}", "Rotations", 100)


OPERATIONS: dict[str, Handler] = {
    "CreateKey": create_key,
    "DescribeKey": describe_key,
    "ListKeys": list_keys,
    "EnableKey": enable_key,
    "DisableKey": disable_key,
    "ScheduleKeyDeletion": schedule_key_deletion,
    "CancelKeyDeletion": cancel_key_deletion,
    "UpdateKeyDescription": update_key_description,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListResourceTags": list_resource_tags,
    "GetKeyPolicy": get_key_policy,
    "PutKeyPolicy": put_key_policy,
    "ListKeyPolicies": list_key_policies,
    "EnableKeyRotation": enable_key_rotation,
    "DisableKeyRotation": disable_key_rotation,
    "GetKeyRotationStatus": get_key_rotation_status,
    "RotateKeyOnDemand": rotate_key_on_demand,
    "ListKeyRotations": list_key_rotations,
}
