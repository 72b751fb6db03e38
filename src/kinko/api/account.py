"""Account Management API: the opt-in state of regions (REST-JSON)."""

from __future__ import annotations

from typing import Any

from kinko.api.context import Handler, RequestContext
from kinko.domain.secrets import listing
from kinko.errors import AwsError
from kinko.storage.interface import GlobalTx


def _account(ctx: RequestContext, p: dict[str, Any]) -> str:
    """Only the caller's own account: Kinko has no AWS Organizations."""
    account = p.get("AccountId", ctx.principal.account_id)
    if account != ctx.principal.account_id:
        raise AwsError(
            "AccessDeniedException",
            f"User: {ctx.principal.arn} is not authorized to manage account {account}.",
            403,
        )
    return str(account)


def _region_arn(ctx: RequestContext, account: str) -> str:
    return f"arn:{ctx.partition}:account::{account}:account"


async def list_regions(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    account = _account(ctx, p)
    ctx.authorize("account:ListRegions", _region_arn(ctx, account))
    opt_in = ctx.kinko.region_opt_in
    tx = ctx.kinko.global_store.reader()
    wanted = set(p.get("RegionOptStatusContains", []))
    regions = [
        {"RegionName": region, "RegionOptStatus": opt_in.status(tx, account, region)}
        for region in opt_in.regions(ctx.partition)
    ]
    if wanted:
        regions = [r for r in regions if r["RegionOptStatus"] in wanted]
    query = listing.fingerprint("regions", sorted(wanted))
    chunk, token = listing.page(regions, p.get("NextToken"), p.get("MaxResults", 50), query)
    return {"Regions": chunk, **({"NextToken": token} if token else {})}


async def get_region_opt_status(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    account = _account(ctx, p)
    ctx.authorize("account:GetRegionOptStatus", _region_arn(ctx, account))
    region = p["RegionName"]
    tx = ctx.kinko.global_store.reader()
    return {
        "RegionName": region,
        "RegionOptStatus": ctx.kinko.region_opt_in.status(tx, account, region),
    }


async def _change(ctx: RequestContext, p: dict[str, Any], enable: bool) -> dict[str, Any]:
    account = _account(ctx, p)
    action = "account:EnableRegion" if enable else "account:DisableRegion"
    ctx.authorize(
        action, _region_arn(ctx, account), context={"account:TargetRegion": p["RegionName"]}
    )
    opt_in = ctx.kinko.region_opt_in

    def change(tx: GlobalTx) -> None:
        opt_in.change(tx, account, p["RegionName"], enable)

    await ctx.kinko.global_store.write(change)
    return {}


async def enable_region(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    return await _change(ctx, p, enable=True)


async def disable_region(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    return await _change(ctx, p, enable=False)


OPERATIONS: dict[str, Handler] = {
    "ListRegions": list_regions,
    "GetRegionOptStatus": get_region_opt_status,
    "EnableRegion": enable_region,
    "DisableRegion": disable_region,
}
