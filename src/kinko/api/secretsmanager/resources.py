"""Secrets Manager: deletion, labels, tags, resource policies, random passwords."""

from __future__ import annotations

from typing import Any

from kinko.api.context import RequestContext
from kinko.api.secretsmanager.shapes import omit_none, tags_of
from kinko.domain.secrets import listing
from kinko.domain.secrets.password import random_password
from kinko.domain.secrets.policies import findings
from kinko.errors import invalid_parameter


async def delete_secret(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    arn, name, deletion_date = await svc.delete(
        ctx,
        p["SecretId"],
        p.get("RecoveryWindowInDays"),
        p.get("ForceDeleteWithoutRecovery", False),
    )
    return {"ARN": arn, "Name": name, "DeletionDate": deletion_date}


async def restore_secret(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    secret = await svc.restore(ctx, p["SecretId"])
    return {"ARN": secret.arn, "Name": secret.name}


async def tag_resource(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    await svc.tag(ctx, p["SecretId"], tags_of(p["Tags"]))
    return {}


async def untag_resource(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    await svc.untag(ctx, p["SecretId"], p["TagKeys"])
    return {}


async def update_secret_version_stage(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    secret = await svc.update_stage(
        ctx,
        p["SecretId"],
        p["VersionStage"],
        p.get("RemoveFromVersionId"),
        p.get("MoveToVersionId"),
    )
    return {"ARN": secret.arn, "Name": secret.name}


async def get_random_password(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    ctx.authorize("secretsmanager:GetRandomPassword", "*")
    password = random_password(
        length=p.get("PasswordLength", 32),
        exclude_characters=p.get("ExcludeCharacters", ""),
        exclude_numbers=p.get("ExcludeNumbers", False),
        exclude_punctuation=p.get("ExcludePunctuation", False),
        exclude_uppercase=p.get("ExcludeUppercase", False),
        exclude_lowercase=p.get("ExcludeLowercase", False),
        include_space=p.get("IncludeSpace", False),
        require_each_included_type=p.get("RequireEachIncludedType", True),
    )
    return {"RandomPassword": password}


def _policy_name(p: dict[str, Any]) -> str:
    name: str = p.get("PolicyName", "default")
    if name != "default":
        raise invalid_parameter("You can only attach the default resource policy.")
    return name


async def put_resource_policy(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    name = _policy_name(p)
    secret = await svc.put_policy(
        ctx, p["SecretId"], p["ResourcePolicy"], p.get("BlockPublicPolicy", False)
    )
    return {"ARN": secret.arn, "Name": secret.name, "PolicyName": name}


async def get_resource_policy(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    name = _policy_name(p)
    secret = svc.find(ctx, p["SecretId"], "GetResourcePolicy")
    out = {"ARN": secret.arn, "Name": secret.name, "ResourcePolicy": secret.policy}
    if secret.policy is not None:
        out["PolicyName"] = name
    return omit_none(out)


async def delete_resource_policy(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    name = _policy_name(p)
    secret = await svc.delete_policy(ctx, p["SecretId"])
    return {"ARN": secret.arn, "Name": secret.name, "PolicyName": name}


async def list_resource_policies(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    secret = svc.find(ctx, p["SecretId"], "ListResourcePolicies")
    policies = [{"PolicyName": "default"}] if secret.policy is not None else []
    query = listing.fingerprint("policies", secret.arn)
    chunk, next_token = listing.page(policies, p.get("NextToken"), p.get("MaxResults", 100), query)
    return omit_none({"ResourcePolicies": chunk, "NextToken": next_token})


async def validate_resource_policy(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    if "SecretId" in p:
        svc.find(ctx, p["SecretId"], "ValidateResourcePolicy")
    else:
        ctx.authorize("secretsmanager:ValidateResourcePolicy", "*")
    document = p["ResourcePolicy"]
    errors = [{"CheckName": f.check, "ErrorMessage": f.message} for f in findings(document)]
    return {"PolicyValidationPassed": not errors, "ValidationErrors": errors}
