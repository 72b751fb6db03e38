"""The replication operations of the Secrets Manager API, over one region's secrets."""

from __future__ import annotations

import time
from typing import Any

from kinko.domain.identity import Caller
from kinko.domain.replication import primary
from kinko.domain.replication.primary import ReplicaRequest
from kinko.domain.replication.replica import ReplicaApplier
from kinko.domain.secrets.lookup import require_live, resolve
from kinko.domain.secrets.service import SecretsService, Written
from kinko.errors import invalid_parameter, invalid_request
from kinko.storage.interface import RegionTx
from kinko.storage.records import SecretRecord


def replication_facts(
    requests: list[ReplicaRequest], force: bool
) -> dict[str, str | list[str] | None]:
    """The condition keys of a replication request."""
    return {
        "secretsmanager:AddReplicaRegions": [r.region for r in requests],
        "secretsmanager:ForceOverwriteReplicaSecret": str(force).lower(),
    }


class ReplicationOperations:
    def __init__(self, secrets: SecretsService) -> None:
        self._secrets = secrets
        self._store = secrets.store
        self.region = secrets.region

    async def replicate(
        self, caller: Caller, secret_id: str, requests: list[ReplicaRequest], force: bool
    ) -> tuple[SecretRecord, list[dict[str, Any]]]:
        """ReplicateSecretToRegions: answer at once, InProgress; the copy is asynchronous."""
        primary.check_regions(self.region, requests)
        facts = replication_facts(requests, force)

        def replicate(tx: RegionTx) -> tuple[SecretRecord, list[dict[str, Any]]]:
            secret = resolve(tx, caller, secret_id, self.region, "ReplicateSecretToRegions", facts)
            require_live(secret)
            primary.refuse_replica(secret)
            primary.add_replicas(tx, secret, requests, force, caller, self.region)
            tx.update_secret(secret)
            return secret, primary.status_entries(tx, secret)

        return await self._store.write(replicate)

    async def create_replicated(
        self,
        caller: Caller,
        created: Written,
        requests: list[ReplicaRequest],
        force: bool,
    ) -> list[dict[str, Any]]:
        """CreateSecret's AddReplicaRegions, applied right after the secret exists."""
        secret = created.secret

        def add(tx: RegionTx) -> list[dict[str, Any]]:
            fresh = tx.secret_by_arn(secret.arn)
            assert fresh is not None
            primary.add_replicas(tx, fresh, requests, force, caller, self.region)
            tx.update_secret(fresh)
            return primary.status_entries(tx, fresh)

        return await self._store.write(add)

    async def remove(
        self, caller: Caller, secret_id: str, regions: list[str]
    ) -> tuple[SecretRecord, list[dict[str, Any]]]:
        """RemoveRegionsFromReplication: the replicas are deleted, no recovery window."""

        def remove(tx: RegionTx) -> tuple[SecretRecord, list[dict[str, Any]]]:
            secret = resolve(tx, caller, secret_id, self.region, "RemoveRegionsFromReplication")
            require_live(secret)
            primary.refuse_replica(secret)
            primary.remove_replicas(tx, secret, regions)
            secret.last_changed_date = time.time()
            tx.update_secret(secret)
            return secret, primary.status_entries(tx, secret)

        return await self._store.write(remove)

    async def stop(self, caller: Caller, secret_id: str) -> SecretRecord:
        """StopReplicationToReplica, in the replica's region: promote it to standalone."""

        def stop(tx: RegionTx) -> SecretRecord:
            secret = resolve(tx, caller, secret_id, self.region, "StopReplicationToReplica")
            if not secret.is_replica:
                raise invalid_request(
                    "StopReplicationToReplica must be called on a replica secret, in the "
                    f"replica's region; {secret.arn} is not a replica."
                )
            ReplicaApplier.promote(tx, secret)
            return secret

        return await self._store.write(stop)

    def statuses(self, secret: SecretRecord) -> list[dict[str, Any]] | None:
        """ReplicationStatus for DescribeSecret/ListSecrets: only on a primary that replicates."""
        if secret.is_replica or secret.primary_region is None:
            return None
        return primary.status_entries(self._store.reader(), secret)


def parse_requests(raw: list[dict[str, Any]]) -> list[ReplicaRequest]:
    requests = []
    for item in raw:
        region = item.get("Region")
        if not region:
            raise invalid_parameter("Invalid replica region.")
        requests.append(ReplicaRequest(region, item.get("KmsKeyId") or None))
    return requests
