"""The replica side: apply a primary's state, delete a replica, promote one.

`apply` runs inside one write transaction of the replica's region. It is idempotent
by the primary's outbox sequence number: a state older than the one applied is
acknowledged and ignored, so retries and reordering are harmless.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from kinko.domain.access import AccessControl, ActingCaller
from kinko.domain.replication.payload import ApplyResult, SecretState, replica_arn
from kinko.domain.secrets.lookup import seal_value
from kinko.errors import AwsError
from kinko.storage.interface import RegionTx
from kinko.storage.records import SecretRecord, VersionRecord

if TYPE_CHECKING:
    from kinko.domain.secrets.service import SecretsService

NAME_TAKEN = "Replication failed: Secret with this name already exists in this region"


class ReplicaApplier:
    def __init__(self, secrets: SecretsService, access: AccessControl) -> None:
        self._secrets = secrets
        self._access = access
        self.region = secrets.region

    def apply(self, tx: RegionTx, state: SecretState) -> ApplyResult:
        arn = replica_arn(state.primary_arn, self.region)
        existing = tx.secret_by_arn(arn)
        if existing is not None and not existing.is_replica:
            return ApplyResult("detached", "The replica was promoted to a standalone secret.")
        if existing is not None and existing.replica_seq >= state.seq:
            return ApplyResult("stale", last_accessed_date=existing.last_accessed_date)
        have = (
            {v.version_id: v for v in tx.versions(existing.pk)} if existing and existing.pk else {}
        )
        missing = [
            v.version_id
            for v in state.versions
            if v.value is None and v.unavailable is None and v.version_id not in have
        ]
        if missing:
            return ApplyResult("need_values", missing=missing)
        clash = None
        if existing is None:
            clash = tx.secret_by_name(state.account_id, state.name)
            if clash is not None and not state.force_overwrite:
                return ApplyResult("failed", NAME_TAKEN)
            if not any(v.value is not None for v in state.versions):
                # Nothing could be read on the primary: leave nothing behind.
                reasons = {v.unavailable for v in state.versions if v.unavailable}
                return ApplyResult("failed", _failure(sorted(reasons) or ["no secret value"]))
        try:
            secret = self._write(tx, existing, clash, have, arn, state)
        except AwsError as exc:
            return ApplyResult("failed", f"Replication failed: {exc.message}")
        unavailable = sorted({v.unavailable for v in state.versions if v.unavailable})
        if unavailable:
            return ApplyResult(
                "failed", _failure(unavailable), last_accessed_date=secret.last_accessed_date
            )
        return ApplyResult("applied", last_accessed_date=secret.last_accessed_date)

    def _write(
        self,
        tx: RegionTx,
        existing: SecretRecord | None,
        clash: SecretRecord | None,
        have: dict[str, VersionRecord],
        arn: str,
        state: SecretState,
    ) -> SecretRecord:
        """Mirror `state` (replacing `clash`, a same-named secret being overwritten).
        Everything that can fail (keys, encryption) happens before the first write, so a
        refused state changes nothing — the overwritten secret included."""
        secret = existing or SecretRecord(
            account_id=state.account_id,
            name=state.name,
            arn=arn,
            created_date=state.created_date,
            last_changed_date=state.last_changed_date,
        )
        key_changed = secret.kms_key_id != state.kms_key_id
        secret.kms_key_id = state.kms_key_id
        caller = ActingCaller(state.principal(), self._access, self.region)
        key = self._secrets.key_for(tx, secret, caller, encrypt=True)
        sealed: list[tuple[VersionRecord, bool]] = []  # (version, is new)
        stages: dict[str, str] = {}
        for incoming in state.versions:
            current = have.get(incoming.version_id)
            if incoming.value is not None and (current is None or key_changed):
                record = current or VersionRecord(
                    secret_pk=secret.pk or 0,
                    version_id=incoming.version_id,
                    created_date=incoming.created_date,
                )
                seal_value(self._secrets.keys, key, secret, record, incoming.plaintext())
                sealed.append((record, current is None))
            elif current is None:
                continue  # unreadable on the primary and never replicated: skip it
            for label in incoming.labels:
                stages[label] = incoming.version_id

        secret.description = state.description
        secret.tags = list(state.tags)
        secret.policy = state.policy
        secret.extra = {**secret.extra, "rotation": state.rotation} if state.rotation else {}
        secret.last_changed_date = state.last_changed_date
        secret.primary_region = secret.replica_of = state.source_region
        secret.replica_seq = state.seq
        if clash is not None:
            tx.delete_secret(clash.pk or 0)
        if secret.pk is None:
            tx.insert_secret(secret)
        else:
            tx.update_secret(secret)
        assert secret.pk is not None
        for version_id in have.keys() - {v.version_id for v in state.versions}:
            tx.delete_version(secret.pk, version_id)  # pruned on the primary
        for record, new in sealed:
            record.secret_pk = secret.pk
            if new:
                tx.insert_version(record)
            else:
                tx.update_version(record)
        old = tx.stages(secret.pk)
        for label in old.keys() - stages.keys():
            tx.remove_stage(secret.pk, label)
        for label, version_id in stages.items():
            if old.get(label) != version_id:
                tx.set_stage(secret.pk, label, version_id)
        return secret

    def delete(self, tx: RegionTx, primary_arn: str) -> None:
        """RemoveRegionsFromReplication: the replica goes at once, no recovery window."""
        secret = tx.secret_by_arn(replica_arn(primary_arn, self.region))
        if secret is not None and secret.is_replica:
            tx.delete_secret(secret.pk or 0)

    def detach(self, tx: RegionTx, primary_arn: str, replica_region: str) -> None:
        """On the primary: a replica was promoted, so stop listing its region."""
        secret = tx.secret_by_arn(primary_arn)
        if secret is not None and secret.pk is not None:
            tx.delete_replica(secret.pk, replica_region)

    def record_access(
        self, tx: RegionTx, primary_arn: str, replica_region: str, accessed: float
    ) -> None:
        """On the primary: a replica on another node was read, on `accessed` (a day)."""
        secret = tx.secret_by_arn(primary_arn)
        if secret is None or secret.pk is None or secret.is_replica:
            return
        for replica in tx.replicas(secret.pk):
            if replica.region == replica_region and (replica.last_accessed_date or 0) < accessed:
                replica.last_accessed_date = accessed
                tx.save_replica(replica)

    @staticmethod
    def promote(tx: RegionTx, secret: SecretRecord) -> None:
        """StopReplicationToReplica: the replica becomes a standalone, writable secret."""
        primary_region = secret.replica_of
        assert primary_region is not None
        primary_arn = replica_arn(secret.arn, primary_region)
        secret.replica_of = None
        secret.primary_region = None
        secret.last_changed_date = time.time()
        tx.update_secret(secret)
        # Tell the primary, now or whenever its region is reachable again.
        tx.enqueue(primary_arn, primary_region, "detach", time.time())


def _failure(reasons: list[str]) -> str:
    return "Replication failed: " + "; ".join(reasons)
