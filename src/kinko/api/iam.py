"""IAM operations on users: users, their access keys and inline policies.

Each operation asks the access rules first (`iam:<Action>` on the user's ARN), then acts,
as AWS does: a caller without permission learns nothing about whether the user exists.
Calls without `UserName` are about the caller (GetUser, the access-key operations); the
account root's own access keys are managed that way too.
"""

from __future__ import annotations

import time
from typing import Any

from kinko.api import iam_roles
from kinko.api.context import Handler, RequestContext
from kinko.api.iam_shapes import (
    caller_user_name,
    check_permissions_boundary,
    key_metadata,
    page,
    policy_document,
    scope_of,
    user_out,
)
from kinko.domain.iam.errors import no_such_user, validation
from kinko.domain.iam.inline import PolicyOwner
from kinko.domain.iam.keys import KeyOwner
from kinko.domain.iam.tags import checked_tags
from kinko.domain.identity import root_arn
from kinko.storage.records import IamUserRecord

KEY_STATUSES = ("Active", "Inactive")


def _user(ctx: RequestContext, action: str, name: str) -> IamUserRecord:
    """The named user, once the caller may perform `action` on it."""
    scope = scope_of(ctx)
    user = ctx.kinko.iam.users.find(scope, name)
    ctx.authorize(action, user.arn if user else scope.user_arn("/", name))
    if user is None:
        raise no_such_user(name)
    return user


async def create_user(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    scope = scope_of(ctx)
    name, path = params["UserName"], params.get("Path", "/")
    ctx.authorize("iam:CreateUser", scope.user_arn(path, name))
    check_permissions_boundary(params)
    tags = checked_tags(params.get("Tags"))
    user = await ctx.kinko.iam.users.create(scope, name, path, tags, time.time())
    return {"User": user_out(user)}


async def get_user(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("UserName")
    principal = ctx.principal
    if name is None and principal.is_root:
        arn = root_arn(ctx.partition, principal.account_id)
        ctx.authorize("iam:GetUser", arn)
        created = ctx.kinko.iam.account_created_date(principal.account_id)
        return {"User": {"UserId": principal.account_id, "Arn": arn, "CreateDate": created}}
    user = _user(ctx, "iam:GetUser", name if name is not None else caller_user_name(ctx))
    return {"User": user_out(user)}


async def list_users(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    scope = scope_of(ctx)
    prefix = params.get("PathPrefix", "/")
    ctx.authorize("iam:ListUsers", scope.arn("user", prefix, ""))
    users = ctx.kinko.iam.users.matching(scope, prefix)
    listed = page(users, params, lambda user: user.user_name.lower(), "Users")
    listed["Users"] = [user_out(user, with_tags=False) for user in listed["Users"]]
    return listed


async def delete_user(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = _user(ctx, "iam:DeleteUser", params["UserName"])
    await ctx.kinko.iam.users.delete(scope_of(ctx), user.user_name)
    return {}


# --- access keys ----------------------------------------------------------------------


def _key_owner(ctx: RequestContext, action: str, params: dict[str, Any]) -> KeyOwner:
    scope = scope_of(ctx)
    name = params.get("UserName")
    if name is None and ctx.principal.is_root:
        ctx.authorize(action, root_arn(ctx.partition, scope.account_id))
        return KeyOwner(scope)
    return KeyOwner(scope, _user(ctx, action, name if name is not None else caller_user_name(ctx)))


async def create_access_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    owner = _key_owner(ctx, "iam:CreateAccessKey", params)
    key, secret = await ctx.kinko.iam.keys.create(owner, time.time())
    return {"AccessKey": {**key_metadata(key), "SecretAccessKey": secret}}


async def list_access_keys(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    owner = _key_owner(ctx, "iam:ListAccessKeys", params)
    keys = sorted(ctx.kinko.iam.keys.list(owner), key=lambda key: key.access_key_id)
    listed = page(keys, params, lambda key: key.access_key_id, "AccessKeyMetadata")
    listed["AccessKeyMetadata"] = [key_metadata(key) for key in listed["AccessKeyMetadata"]]
    return listed


async def update_access_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    owner = _key_owner(ctx, "iam:UpdateAccessKey", params)
    status = params["Status"]
    if status not in KEY_STATUSES:
        raise validation(
            f"1 validation error detected: Value '{status}' at 'status' failed to satisfy "
            "constraint: Member must satisfy enum value set: [Active, Inactive]"
        )
    await ctx.kinko.iam.keys.set_status(owner, params["AccessKeyId"], status)
    return {}


async def delete_access_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    owner = _key_owner(ctx, "iam:DeleteAccessKey", params)
    await ctx.kinko.iam.keys.delete(owner, params["AccessKeyId"])
    return {}


# --- inline user policies -------------------------------------------------------------


def _policy_owner(ctx: RequestContext, action: str, name: str) -> PolicyOwner:
    user = _user(ctx, action, name)
    return PolicyOwner(scope_of(ctx), "user", user.user_id, user.user_name)


async def put_user_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    owner = _policy_owner(ctx, "iam:PutUserPolicy", params["UserName"])
    await ctx.kinko.iam.policies.put(owner, params["PolicyName"], params["PolicyDocument"])
    return {}


async def get_user_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    owner = _policy_owner(ctx, "iam:GetUserPolicy", params["UserName"])
    policy = ctx.kinko.iam.policies.get(owner, params["PolicyName"])
    return {
        "UserName": owner.name,
        "PolicyName": policy.policy_name,
        "PolicyDocument": policy_document(policy.document),
    }


async def delete_user_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    owner = _policy_owner(ctx, "iam:DeleteUserPolicy", params["UserName"])
    await ctx.kinko.iam.policies.delete(owner, params["PolicyName"])
    return {}


async def list_user_policies(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    owner = _policy_owner(ctx, "iam:ListUserPolicies", params["UserName"])
    names = ctx.kinko.iam.policies.names(owner)
    return page(names, params, lambda name: name, "PolicyNames")


OPERATIONS: dict[str, Handler] = {
    "CreateUser": create_user,
    "GetUser": get_user,
    "ListUsers": list_users,
    "DeleteUser": delete_user,
    "CreateAccessKey": create_access_key,
    "ListAccessKeys": list_access_keys,
    "UpdateAccessKey": update_access_key,
    "DeleteAccessKey": delete_access_key,
    "PutUserPolicy": put_user_policy,
    "GetUserPolicy": get_user_policy,
    "DeleteUserPolicy": delete_user_policy,
    "ListUserPolicies": list_user_policies,
    **iam_roles.OPERATIONS,
}
