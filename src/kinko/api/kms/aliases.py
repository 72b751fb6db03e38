"""KMS alias operations."""

from __future__ import annotations

from typing import Any

from kinko.api.context import Handler, RequestContext
from kinko.api.kms.shapes import paged, region
from kinko.domain.kms.aliases import Aliases


def _aliases(ctx: RequestContext) -> Aliases:
    return Aliases(*region(ctx))


async def create_alias(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    await _aliases(ctx).create(ctx, p["AliasName"], p["TargetKeyId"])
    return {}


async def update_alias(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    await _aliases(ctx).update(ctx, p["AliasName"], p["TargetKeyId"])
    return {}


async def delete_alias(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    await _aliases(ctx).delete(ctx, p["AliasName"])
    return {}


async def list_aliases(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    aliases = _aliases(ctx)
    account = ctx.principal.account_id
    entries = [
        {
            "AliasName": a.alias_name,
            "AliasArn": aliases.keys.alias_arn(account, a.alias_name),
            "TargetKeyId": a.key_id,
            "CreationDate": a.created_date,
            "LastUpdatedDate": a.last_updated_date,
        }
        for a in aliases.list(ctx, p.get("KeyId"))
    ]
    return paged(entries, p, f"ListAliases {p.get('KeyId')}", "Aliases", 100)


OPERATIONS: dict[str, Handler] = {
    "CreateAlias": create_alias,
    "UpdateAlias": update_alias,
    "DeleteAlias": delete_alias,
    "ListAliases": list_aliases,
}
