"""Secrets Manager: creating, reading, changing and listing secrets and their versions."""

from __future__ import annotations

from typing import Any

from kinko.api.context import RequestContext
from kinko.api.secretsmanager.shapes import (
    omit_none,
    secret_entry,
    tags_of,
    value_of,
    wire_value,
    written,
)
from kinko.domain.replication.operations import parse_requests, replication_facts
from kinko.domain.replication.payload import replica_arn
from kinko.domain.replication.primary import check_regions
from kinko.domain.secrets import listing
from kinko.domain.secrets.service import SecretView
from kinko.errors import AwsError, invalid_parameter
from kinko.storage.records import SecretRecord


async def create_secret(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    replicas = parse_requests(p["AddReplicaRegions"]) if "AddReplicaRegions" in p else None
    force = p.get("ForceOverwriteReplicaSecret", False)
    replica_facts = None
    if replicas is not None:
        check_regions(ctx.region, replicas)
        replica_facts = replication_facts(replicas, force)
    result = await svc.create(
        ctx,
        name=p["Name"],
        token=p.get("ClientRequestToken"),
        value=value_of(p, required=False),
        description=p.get("Description"),
        kms_key_id=p.get("KmsKeyId"),
        tags=tags_of(p.get("Tags", [])),
        replica_facts=replica_facts,
    )
    out = written(result)
    if replicas is not None:
        ops = ctx.services.replication
        out["ReplicationStatus"] = await ops.create_replicated(ctx, result, replicas, force)
    return out


async def put_secret_value(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    result = await svc.put_value(
        ctx,
        p["SecretId"],
        token=p.get("ClientRequestToken"),
        value=value_of(p, required=True) or "",
        labels=p.get("VersionStages"),
    )
    return written(result, with_stages=True)


async def update_secret(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    result = await svc.update(
        ctx,
        p["SecretId"],
        token=p.get("ClientRequestToken"),
        value=value_of(p, required=False),
        description=p.get("Description"),
        kms_key_id=p.get("KmsKeyId"),
    )
    return written(result)


async def get_secret_value(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    got = await svc.get_value(ctx, p["SecretId"], p.get("VersionId"), p.get("VersionStage"))
    return {
        "ARN": got.secret.arn,
        "Name": got.secret.name,
        "VersionId": got.version.version_id,
        **wire_value(got.value),
        "VersionStages": got.labels,
        "CreatedDate": got.version.created_date,
    }


async def batch_get_secret_value(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    ids = p.get("SecretIdList")
    filters = p.get("Filters")
    if (ids is None) == (filters is None):
        raise invalid_parameter(
            "Either 'SecretIdList' or 'Filters' must be provided, but not both."
        )
    if "MaxResults" in p and filters is None:
        raise invalid_parameter(
            "'Filters' not specified. "
            "'Filters' must also be specified when 'MaxResults' is provided."
        )
    ctx.authorize("secretsmanager:BatchGetSecretValue", "*")
    next_token = None
    if filters is not None:
        ctx.authorize("secretsmanager:ListSecrets", "*")
        listing.check_filters(filters)
        chosen = listing.select(svc.all_secrets(ctx), filters, False)
        query = listing.fingerprint("batch", filters)
        chunk, next_token = listing.page(chosen, p.get("NextToken"), p.get("MaxResults", 20), query)
        ids = [s.arn for s in chunk]
    values, errors = [], []
    for secret_id in ids or []:
        try:
            got = await svc.get_value(ctx, secret_id, None, None)
        except AwsError as exc:
            if exc.status >= 500:
                raise
            errors.append({"SecretId": secret_id, "ErrorCode": exc.code, "Message": exc.message})
            continue
        values.append(
            {
                "ARN": got.secret.arn,
                "Name": got.secret.name,
                "VersionId": got.version.version_id,
                **wire_value(got.value),
                "VersionStages": got.labels,
                "CreatedDate": got.version.created_date,
            }
        )
    return omit_none({"SecretValues": values, "NextToken": next_token, "Errors": errors})


async def describe_secret(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    view: SecretView = svc.describe(ctx, p["SecretId"])
    entry = secret_entry(view.secret, view.stages, "VersionIdsToStages")
    statuses = ctx.services.replication.statuses(view.secret)
    if statuses is not None:
        entry["ReplicationStatus"] = [_live_access(ctx, view.secret, s) for s in statuses]
    return entry


def _live_access(
    ctx: RequestContext, secret: SecretRecord, status: dict[str, Any]
) -> dict[str, Any]:
    """A replica's LastAccessedDate, read where it lives when that region is local."""
    region = status["Region"]
    if not ctx.kinko.hosts(region):
        return status
    replica = ctx.kinko.region(region).store.reader().secret_by_arn(replica_arn(secret.arn, region))
    if replica is not None and replica.is_replica and replica.last_accessed_date is not None:
        return {**status, "LastAccessedDate": replica.last_accessed_date}
    return status


async def list_secrets(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    ctx.authorize("secretsmanager:ListSecrets", "*")
    filters = p.get("Filters", [])
    listing.check_filters(filters)
    include_deleted = p.get("IncludePlannedDeletion", False)
    sort_by = p.get("SortBy", "created-date")
    sort_order = p.get("SortOrder", "asc")
    chosen = listing.select(svc.all_secrets(ctx), filters, include_deleted, sort_by, sort_order)
    query = listing.fingerprint("list", filters, include_deleted, sort_by, sort_order)
    chunk, next_token = listing.page(chosen, p.get("NextToken"), p.get("MaxResults", 100), query)
    entries = [secret_entry(s, svc.stages_of(s), "SecretVersionsToStages") for s in chunk]
    return omit_none({"SecretList": entries, "NextToken": next_token})


async def list_secret_version_ids(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    secret, versions = svc.versions(ctx, p["SecretId"], p.get("IncludeDeprecated", False))
    query = listing.fingerprint("versions", secret.arn, p.get("IncludeDeprecated", False))
    chunk, next_token = listing.page(versions, p.get("NextToken"), p.get("MaxResults", 100), query)
    entries = [
        omit_none(
            {
                "VersionId": version.version_id,
                "VersionStages": labels or None,
                "LastAccessedDate": version.last_accessed_date,
                "CreatedDate": version.created_date,
                "KmsKeyIds": [svc.key_arn(version.kms_key_id, secret.account_id)],
            }
        )
        for version, labels in chunk
    ]
    return omit_none(
        {"Versions": entries, "NextToken": next_token, "ARN": secret.arn, "Name": secret.name}
    )
