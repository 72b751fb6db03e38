"""The primary side: which regions a secret replicates to, and their status.

Every change to a secret that has replicas calls `enqueue_all` inside the change's own
transaction, so a committed change always has its outbox rows: a crash loses nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from kinko.domain.identity import Caller
from kinko.domain.replication.payload import principal_json
from kinko.errors import AwsError, invalid_parameter
from kinko.regions import partition_of
from kinko.storage.interface import RegionTx
from kinko.storage.records import ReplicaRecord, SecretRecord

IN_PROGRESS, IN_SYNC, FAILED = "InProgress", "InSync", "Failed"
SUCCEEDED = "Replication succeeded"
DEFAULT_KEY = "alias/aws/secretsmanager"
REPLICA_REFUSAL = (
    "Operation not permitted on a replica secret. Call must be made in primary secret's region."
)


def refuse_replica(secret: SecretRecord) -> None:
    if secret.is_replica:
        raise invalid_parameter(REPLICA_REFUSAL)


@dataclass(frozen=True)
class ReplicaRequest:
    region: str
    kms_key_id: str | None


def check_regions(primary_region: str, wanted: list[ReplicaRequest]) -> None:
    """Refuse at once what can never work: the primary's region, another partition."""
    if not wanted:
        raise invalid_parameter("You must specify at least one replica region.")
    seen: set[str] = set()
    home = partition_of(primary_region)
    for request in wanted:
        region = request.region
        if region == primary_region or region in seen:
            raise invalid_parameter("Invalid replica region.")
        seen.add(region)
        partition = partition_of(region)
        if partition is None:
            raise invalid_parameter("Invalid replica region.")
        if partition != home:
            raise invalid_parameter(
                f"Invalid replica region: {region} is in partition {partition}, and a secret "
                f"in {primary_region} ({home}) can only be replicated within its partition."
            )


def add_replicas(
    tx: RegionTx,
    secret: SecretRecord,
    wanted: list[ReplicaRequest],
    force_overwrite: bool,
    caller: Caller,
    own_region: str,
) -> None:
    """Record the regions (InProgress) and enqueue their first sync."""
    assert secret.pk is not None
    existing = {r.region: r for r in tx.replicas(secret.pk)}
    position = max((r.position for r in existing.values()), default=0)
    now = time.time()
    for request in wanted:
        replica = existing.get(request.region)
        if replica is None:
            position += 1
            replica = ReplicaRecord(secret.pk, request.region, position, IN_PROGRESS, "")
        replica.kms_key_id = request.kms_key_id
        replica.status, replica.status_message = IN_PROGRESS, None
        replica.initiator = principal_json(caller.principal)
        replica.force_overwrite = force_overwrite
        tx.save_replica(replica)
        tx.enqueue(secret.arn, request.region, "sync", now)
    secret.primary_region = own_region


def enqueue_all(tx: RegionTx, secret: SecretRecord) -> None:
    """After any change to a primary: every replica region gets a sync."""
    if secret.pk is None or secret.primary_region is None or secret.is_replica:
        return
    now = time.time()
    for replica in tx.replicas(secret.pk):
        if replica.status != IN_PROGRESS:
            replica.status, replica.status_message = IN_PROGRESS, None
            tx.save_replica(replica)
        tx.enqueue(secret.arn, replica.region, "sync", now)


def remove_replicas(tx: RegionTx, secret: SecretRecord, regions: list[str]) -> None:
    assert secret.pk is not None
    present = {r.region for r in tx.replicas(secret.pk)}
    for region in regions:
        if region not in present:
            raise invalid_parameter(f"The secret isn't replicated to region {region}.")
    now = time.time()
    for region in regions:
        tx.delete_replica(secret.pk, region)
        tx.enqueue(secret.arn, region, "delete", now)


def status_entries(tx: RegionTx, secret: SecretRecord) -> list[dict[str, Any]]:
    """ReplicationStatus as AWS shows it: a field AWS omits is omitted."""
    if secret.pk is None:
        return []
    entries = []
    for replica in tx.replicas(secret.pk):
        entry: dict[str, Any] = {
            "Region": replica.region,
            "KmsKeyId": replica.kms_key_id or DEFAULT_KEY,
            "Status": replica.status,
        }
        if replica.status_message:
            entry["StatusMessage"] = replica.status_message
        if replica.last_accessed_date is not None:
            entry["LastAccessedDate"] = replica.last_accessed_date
        entries.append(entry)
    return entries


def undeletable(secret: SecretRecord, regions: list[str]) -> AwsError:
    return invalid_parameter(
        f"You can't delete secret {secret.arn} that still has replica regions "
        f"[{', '.join(regions)}]."
    )
