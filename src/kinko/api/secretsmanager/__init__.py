"""Secrets Manager operations: the wire names and shapes over the domain services."""

from __future__ import annotations

from kinko.api.context import Handler
from kinko.api.secretsmanager.replication import (
    remove_regions_from_replication,
    replicate_secret_to_regions,
    stop_replication_to_replica,
)
from kinko.api.secretsmanager.resources import (
    delete_resource_policy,
    delete_secret,
    get_random_password,
    get_resource_policy,
    list_resource_policies,
    put_resource_policy,
    restore_secret,
    tag_resource,
    untag_resource,
    update_secret_version_stage,
    validate_resource_policy,
)
from kinko.api.secretsmanager.secrets import (
    batch_get_secret_value,
    create_secret,
    describe_secret,
    get_secret_value,
    list_secret_version_ids,
    list_secrets,
    put_secret_value,
    update_secret,
)

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
