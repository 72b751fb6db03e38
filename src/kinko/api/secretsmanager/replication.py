"""Secrets Manager: the replication operations."""

from __future__ import annotations

from typing import Any

from kinko.api.context import RequestContext
from kinko.domain.replication.operations import parse_requests


async def replicate_secret_to_regions(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    secret, statuses = await ctx.services.replication.replicate(
        ctx,
        p["SecretId"],
        parse_requests(p["AddReplicaRegions"]),
        p.get("ForceOverwriteReplicaSecret", False),
    )
    return {"ARN": secret.arn, "ReplicationStatus": statuses}


async def remove_regions_from_replication(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    secret, statuses = await ctx.services.replication.remove(
        ctx, p["SecretId"], p["RemoveReplicaRegions"]
    )
    return {"ARN": secret.arn, "ReplicationStatus": statuses}


async def stop_replication_to_replica(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    secret = await ctx.services.replication.stop(ctx, p["SecretId"])
    return {"ARN": secret.arn}
