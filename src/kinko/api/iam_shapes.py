"""IAM's wire shapes: users, roles, access keys, pages; and who an IAM call is about."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

from kinko.api.context import RequestContext
from kinko.domain.iam import Scope
from kinko.domain.iam.errors import no_such_entity, validation
from kinko.storage.records import AccessKeyRecord, IamRoleRecord, IamUserRecord

T = TypeVar("T")
DEFAULT_MAX_ITEMS = 100
NON_USER = "Must specify userName when calling with non-User credentials"
INVALID_MARKER = "Invalid Marker."


def scope_of(ctx: RequestContext) -> Scope:
    """IAM entities of the caller's account in the partition the call was signed for."""
    return Scope(ctx.principal.account_id, ctx.partition)


def caller_user_name(ctx: RequestContext) -> str:
    """The caller's own user name, for calls that default to the caller."""
    principal = ctx.principal
    if principal.kind != "user" or principal.name is None:
        raise validation(NON_USER)
    return principal.name


def check_permissions_boundary(params: dict[str, Any]) -> None:
    """Kinko has no managed policies, so no ARN can be a permissions boundary."""
    boundary = params.get("PermissionsBoundary")
    if boundary is not None:
        raise no_such_entity(f"Scope ARN: {boundary} does not exist or is not attachable.")


def policy_document(document: str) -> str:
    """IAM returns policy documents URL-encoded (RFC 3986), as AWS does."""
    return quote(document, safe="")


def user_out(user: IamUserRecord, with_tags: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Path": user.path,
        "UserName": user.user_name,
        "UserId": user.user_id,
        "Arn": user.arn,
        "CreateDate": user.created_date,
    }
    if with_tags and user.tags:
        out["Tags"] = user.tags
    return out


def role_out(role: IamRoleRecord, with_tags: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Path": role.path,
        "RoleName": role.role_name,
        "RoleId": role.role_id,
        "Arn": role.arn,
        "CreateDate": role.created_date,
        "AssumeRolePolicyDocument": policy_document(role.trust_policy),
        "Description": role.description,
        "MaxSessionDuration": role.max_session_duration,
    }
    if with_tags and role.tags:
        out["Tags"] = role.tags
    return out


def key_metadata(key: AccessKeyRecord) -> dict[str, Any]:
    out: dict[str, Any] = {
        "UserName": key.user_name,
        "AccessKeyId": key.access_key_id,
        "Status": key.status,
        "CreateDate": key.created_date,
    }
    return {name: value for name, value in out.items() if value is not None}


def _decode_marker(marker: str) -> str:
    try:
        return base64.b64decode(marker.encode(), altchars=b"-_", validate=True).decode()
    except (binascii.Error, ValueError):
        raise validation(INVALID_MARKER) from None


def page(
    items: Sequence[T], params: dict[str, Any], key: Callable[[T], str], field: str
) -> dict[str, Any]:
    """`items` (sorted by `key`) from `Marker`, at most `MaxItems`, as IAM pages them."""
    marker = params.get("Marker")
    start = 0
    if marker is not None:
        after = _decode_marker(marker)
        start = next((i for i, item in enumerate(items) if key(item) >= after), len(items))
    limit = params.get("MaxItems", DEFAULT_MAX_ITEMS)
    chunk = list(items[start : start + limit])
    out: dict[str, Any] = {field: chunk, "IsTruncated": start + limit < len(items)}
    if out["IsTruncated"]:
        out["Marker"] = base64.urlsafe_b64encode(key(items[start + limit]).encode()).decode()
    return out
