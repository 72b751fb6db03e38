"""Secrets Manager operations: the wire names and shapes over SecretsService."""

from __future__ import annotations

import base64
from typing import Any

from kinko.api.context import Handler, RequestContext
from kinko.domain.replication.operations import parse_requests, replication_facts
from kinko.domain.replication.payload import replica_arn
from kinko.domain.replication.primary import check_regions
from kinko.domain.secrets import labels as stages_
from kinko.domain.secrets import listing
from kinko.domain.secrets.password import random_password
from kinko.domain.secrets.policies import findings
from kinko.domain.secrets.service import SecretView, Written
from kinko.errors import AwsError, invalid_parameter, validation_error
from kinko.storage.records import SecretRecord

MAX_VALUE_BYTES = 65536
SERVICE = "secretsmanager"


def _omit_none(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


def secret_entry(secret: SecretRecord, stages: dict[str, str], stages_field: str) -> dict[str, Any]:
    """DescribeSecret / ListSecrets entry: a field AWS omits is omitted."""
    grouped = stages_.by_version(stages)
    return _omit_none(
        {
            "ARN": secret.arn,
            "Name": secret.name,
            "Type": secret.type,
            "Description": secret.description,
            "KmsKeyId": secret.kms_key_id,
            "LastChangedDate": secret.last_changed_date,
            "LastAccessedDate": secret.last_accessed_date,
            "DeletedDate": secret.deleted_date,
            "Tags": secret.tags or None,
            stages_field: grouped or None,
            "OwningService": secret.owning_service,
            "CreatedDate": secret.created_date,
            "PrimaryRegion": secret.primary_region,
        }
    )


def _value(params: dict[str, Any], required: bool) -> str | bytes | None:
    string = params.get("SecretString")
    binary = params.get("SecretBinary")
    if string is not None and binary is not None:
        raise invalid_parameter(
            "You can't specify both a binary secret value and a string secret value in the "
            "same secret."
        )
    if string is not None and len(string.encode()) > MAX_VALUE_BYTES:
        raise validation_error(
            "1 validation error detected: Value at 'secretString' failed to satisfy "
            f"constraint: Member must have length less than or equal to {MAX_VALUE_BYTES}"
        )
    value: str | bytes | None = string if string is not None else binary
    if value is None and required:
        raise invalid_parameter("You must provide either SecretString or SecretBinary.")
    return value


def _tags(raw: list[dict[str, Any]]) -> list[dict[str, str]]:
    tags = []
    for tag in raw:
        if tag.get("Key") is None:
            raise invalid_parameter("Tag keys must not be empty.")
        tags.append({"Key": tag["Key"], "Value": tag.get("Value", "")})
    return tags


def _written(result: Written, with_stages: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"ARN": result.secret.arn, "Name": result.secret.name}
    if result.version_id is not None:
        out["VersionId"] = result.version_id
        if with_stages:
            out["VersionStages"] = result.labels
    return out


def _wire_value(value: str | bytes) -> dict[str, str]:
    if isinstance(value, bytes):
        return {"SecretBinary": base64.b64encode(value).decode()}
    return {"SecretString": value}


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
        value=_value(p, required=False),
        description=p.get("Description"),
        kms_key_id=p.get("KmsKeyId"),
        tags=_tags(p.get("Tags", [])),
        replica_facts=replica_facts,
    )
    out = _written(result)
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
        value=_value(p, required=True) or "",
        labels=p.get("VersionStages"),
    )
    return _written(result, with_stages=True)


async def update_secret(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    result = await svc.update(
        ctx,
        p["SecretId"],
        token=p.get("ClientRequestToken"),
        value=_value(p, required=False),
        description=p.get("Description"),
        kms_key_id=p.get("KmsKeyId"),
    )
    return _written(result)


async def get_secret_value(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    got = await svc.get_value(ctx, p["SecretId"], p.get("VersionId"), p.get("VersionStage"))
    return {
        "ARN": got.secret.arn,
        "Name": got.secret.name,
        "VersionId": got.version.version_id,
        **_wire_value(got.value),
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
                **_wire_value(got.value),
                "VersionStages": got.labels,
                "CreatedDate": got.version.created_date,
            }
        )
    return _omit_none({"SecretValues": values, "NextToken": next_token, "Errors": errors})


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
    return _omit_none({"SecretList": entries, "NextToken": next_token})


async def list_secret_version_ids(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    secret, versions = svc.versions(ctx, p["SecretId"], p.get("IncludeDeprecated", False))
    query = listing.fingerprint("versions", secret.arn, p.get("IncludeDeprecated", False))
    chunk, next_token = listing.page(versions, p.get("NextToken"), p.get("MaxResults", 100), query)
    entries = [
        _omit_none(
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
    return _omit_none(
        {"Versions": entries, "NextToken": next_token, "ARN": secret.arn, "Name": secret.name}
    )


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
    await svc.tag(ctx, p["SecretId"], _tags(p["Tags"]))
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
    return _omit_none(out)


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
    return _omit_none({"ResourcePolicies": chunk, "NextToken": next_token})


async def validate_resource_policy(ctx: RequestContext, p: dict[str, Any]) -> dict[str, Any]:
    svc = ctx.services.secrets
    if "SecretId" in p:
        svc.find(ctx, p["SecretId"], "ValidateResourcePolicy")
    else:
        ctx.authorize("secretsmanager:ValidateResourcePolicy", "*")
    document = p["ResourcePolicy"]
    errors = [{"CheckName": f.check, "ErrorMessage": f.message} for f in findings(document)]
    return {"PolicyValidationPassed": not errors, "ValidationErrors": errors}


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


OPERATIONS: dict[str, Handler] = {
    "CreateSecret": create_secret,
    "GetSecretValue": get_secret_value,
    "BatchGetSecretValue": batch_get_secret_value,
    "PutSecretValue": put_secret_value,
    "UpdateSecret": update_secret,
    "DescribeSecret": describe_secret,
    "ListSecrets": list_secrets,
    "ListSecretVersionIds": list_secret_version_ids,
    "DeleteSecret": delete_secret,
    "RestoreSecret": restore_secret,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "UpdateSecretVersionStage": update_secret_version_stage,
    "GetRandomPassword": get_random_password,
    "PutResourcePolicy": put_resource_policy,
    "GetResourcePolicy": get_resource_policy,
    "DeleteResourcePolicy": delete_resource_policy,
    "ListResourcePolicies": list_resource_policies,
    "ValidateResourcePolicy": validate_resource_policy,
    "ReplicateSecretToRegions": replicate_secret_to_regions,
    "RemoveRegionsFromReplication": remove_regions_from_replication,
    "StopReplicationToReplica": stop_replication_to_replica,
}
