"""IAM operations on roles: roles (with their trust policies) and inline role policies."""

from __future__ import annotations

import time
from typing import Any

from kinko.api.context import Handler, RequestContext
from kinko.api.iam_shapes import (
    check_permissions_boundary,
    page,
    policy_document,
    role_out,
    scope_of,
)
from kinko.domain.iam.errors import no_such_role
from kinko.domain.iam.inline import PolicyOwner
from kinko.domain.iam.roles import DEFAULT_MAX_SESSION_DURATION, NewRole
from kinko.domain.iam.tags import checked_tags
from kinko.storage.records import IamRoleRecord


def _role(ctx: RequestContext, action: str, name: str) -> IamRoleRecord:
    """The named role, once the caller may perform `action` on it."""
    scope = scope_of(ctx)
    role = ctx.kinko.iam.roles.find(scope, name)
    ctx.authorize(action, role.arn if role else scope.role_arn("/", name))
    if role is None:
        raise no_such_role(name)
    return role


async def create_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    scope = scope_of(ctx)
    name, path = params["RoleName"], params.get("Path", "/")
    ctx.authorize("iam:CreateRole", scope.role_arn(path, name))
    check_permissions_boundary(params)
    tags = checked_tags(params.get("Tags"))
    new = NewRole(
        name=name,
        trust_policy=params["AssumeRolePolicyDocument"],
        path=path,
        description=params.get("Description"),
        max_session_duration=params.get("MaxSessionDuration", DEFAULT_MAX_SESSION_DURATION),
        tags=tuple((tag["Key"], tag["Value"]) for tag in tags),
    )
    role = await ctx.kinko.iam.roles.create(scope, new, time.time())
    return {"Role": role_out(role)}


async def get_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"Role": role_out(_role(ctx, "iam:GetRole", params["RoleName"]))}


async def list_roles(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    scope = scope_of(ctx)
    prefix = params.get("PathPrefix", "/")
    ctx.authorize("iam:ListRoles", scope.arn("role", prefix, ""))
    roles = ctx.kinko.iam.roles.matching(scope, prefix)
    listed = page(roles, params, lambda role: role.role_name.lower(), "Roles")
    listed["Roles"] = [role_out(role, with_tags=False) for role in listed["Roles"]]
    return listed


async def delete_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    role = _role(ctx, "iam:DeleteRole", params["RoleName"])
    await ctx.kinko.iam.roles.delete(scope_of(ctx), role.role_name)
    return {}


def _policy_owner(ctx: RequestContext, action: str, name: str) -> PolicyOwner:
    role = _role(ctx, action, name)
    return PolicyOwner(scope_of(ctx), "role", role.role_id, role.role_name)


async def put_role_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    owner = _policy_owner(ctx, "iam:PutRolePolicy", params["RoleName"])
    await ctx.kinko.iam.policies.put(owner, params["PolicyName"], params["PolicyDocument"])
    return {}


async def get_role_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    owner = _policy_owner(ctx, "iam:GetRolePolicy", params["RoleName"])
    policy = ctx.kinko.iam.policies.get(owner, params["PolicyName"])
    return {
        "RoleName": owner.name,
        "PolicyName": policy.policy_name,
        "PolicyDocument": policy_document(policy.document),
    }


async def delete_role_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    owner = _policy_owner(ctx, "iam:DeleteRolePolicy", params["RoleName"])
    await ctx.kinko.iam.policies.delete(owner, params["PolicyName"])
    return {}


async def list_role_policies(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    owner = _policy_owner(ctx, "iam:ListRolePolicies", params["RoleName"])
    return page(ctx.kinko.iam.policies.names(owner), params, lambda name: name, "PolicyNames")


OPERATIONS: dict[str, Handler] = {
    "CreateRole": create_role,
    "GetRole": get_role,
    "ListRoles": list_roles,
    "DeleteRole": delete_role,
    "PutRolePolicy": put_role_policy,
    "GetRolePolicy": get_role_policy,
    "DeleteRolePolicy": delete_role_policy,
    "ListRolePolicies": list_role_policies,
}
