"""STS operations: GetCallerIdentity and AssumeRole."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from kinko.api.context import Handler, RequestContext
from kinko.domain.iam.errors import validation
from kinko.domain.iam.sessions import AssumeRequest

SESSION_POLICIES = "Session policies (Policy, PolicyArns) are not supported by Kinko yet."
MFA = "MFA (SerialNumber, TokenCode) is not supported by Kinko yet."
_PRINCIPAL_TYPES = {"user": "User", "assumed-role": "AssumedRole"}


async def get_caller_identity(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    # No permission is needed, as on AWS: an explicit deny cannot stop it either.
    principal = ctx.principal
    return {"UserId": principal.unique_id, "Account": principal.account_id, "Arn": principal.arn}


def _context(ctx: RequestContext, params: dict[str, Any], now: float) -> dict[str, Any]:
    """The condition keys a trust policy may test (global keys and AssumeRole's own)."""
    context: dict[str, Any] = {
        "aws:PrincipalAccount": ctx.principal.account_id,
        "aws:PrincipalType": _PRINCIPAL_TYPES.get(ctx.principal.kind, "Account"),
        "aws:RequestedRegion": ctx.region,
        "aws:SecureTransport": "true" if ctx.secure_transport else "false",
        "aws:SourceIp": ctx.source_ip,
        "aws:CurrentTime": datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(now)),
        "sts:RoleSessionName": params["RoleSessionName"],
        "sts:ExternalId": params.get("ExternalId"),
        "sts:SourceIdentity": params.get("SourceIdentity"),
    }
    return {key: value for key, value in context.items() if value is not None}


async def assume_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("Policy") is not None or params.get("PolicyArns"):
        raise validation(SESSION_POLICIES)
    if params.get("SerialNumber") is not None or params.get("TokenCode") is not None:
        raise validation(MFA)
    now = time.time()
    ask = AssumeRequest(
        role_arn=params["RoleArn"],
        session_name=params["RoleSessionName"],
        duration=params.get("DurationSeconds"),
        context=_context(ctx, params, now),
    )
    issued = await ctx.kinko.iam.sessions.assume_role(ctx, ctx.partition, ask, now)
    session = issued.session
    return {
        "Credentials": {
            "AccessKeyId": session.access_key_id,
            "SecretAccessKey": issued.secret_access_key,
            "SessionToken": issued.session_token,
            "Expiration": session.expiration,
        },
        "AssumedRoleUser": {
            "AssumedRoleId": f"{session.role_id}:{session.session_name}",
            "Arn": session.arn,
        },
    }


OPERATIONS: dict[str, Handler] = {
    "GetCallerIdentity": get_caller_identity,
    "AssumeRole": assume_role,
}
