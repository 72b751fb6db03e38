"""Drain one region's outbox: build each replica's state, send it, record the outcome.

Rows are taken in sequence order and coalesced per (secret, replica region): the
replica gets the latest state once, which carries every earlier change. Outcomes:
- applied / stale → rows done; InSync unless newer rows wait;
- failed (name taken, key unusable, region not enabled, …) → Failed with the reason,
  until the user acts (a new change or ReplicateSecretToRegions retries);
- unreachable → rows stay, retried with exponential backoff; the status stays
  InProgress and becomes InSync with no user action when the region returns.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from kinko.domain.access import AccessControl, ActingCaller
from kinko.domain.replication import primary
from kinko.domain.replication.accessed import ACCESSED
from kinko.domain.replication.payload import (
    ApplyResult,
    SecretState,
    VersionState,
    principal_from_json,
    replica_arn,
)
from kinko.domain.replication.transport import Transport, Unreachable
from kinko.domain.secrets.service import SecretsService
from kinko.errors import AwsError
from kinko.metrics import REPLICATION_ATTEMPTS, REPLICATION_LAG
from kinko.storage.interface import RegionTx
from kinko.storage.records import OutboxRecord, ReplicaRecord, SecretRecord

log = logging.getLogger(__name__)
BATCH = 200
MAX_BACKOFF = 30.0

RegionUsable = Callable[[str, str], bool]  # (account id, region) → enabled?


@dataclass
class _Work:
    arn: str
    region: str
    kind: str
    max_seq: int
    committed: list[float] = field(default_factory=list)
    attempts: int = 0  # failed tries so far, for the backoff


class ReplicationSender:
    def __init__(
        self,
        secrets: SecretsService,
        transport: Transport,
        access: AccessControl,
        region_usable: RegionUsable,
    ) -> None:
        self._secrets = secrets
        self._store = secrets.store
        self._transport = transport
        self._access = access
        self._usable = region_usable
        self.region = secrets.region
        # Version ids each replica is known to hold: values are sent only once.
        self._replica_has: dict[tuple[str, str], set[str]] = {}

    async def drain(self) -> int:
        """Send what is due; returns how many outbox rows were handled."""
        rows = self._store.reader().outbox_due(time.time(), BATCH * 5)
        if not rows:
            return 0
        by_region: dict[str, list[_Work]] = defaultdict(list)
        for work in _coalesce(rows):
            by_region[work.region].append(work)
        # Regions are independent: a slow or unreachable one must not delay the others.
        await asyncio.gather(*(self._send_region(r, w) for r, w in by_region.items()))
        return len(rows)

    async def _send_region(self, region: str, works: list[_Work]) -> None:
        syncs: list[tuple[_Work, SecretState]] = []
        finished: list[_Outcome] = []
        unreachable: list[tuple[_Work, str]] = []
        for work in works:
            try:
                if work.kind == "delete":
                    await self._transport.delete(region, work.arn)
                    finished.append(_Outcome(work))
                elif work.kind == "detach":
                    await self._transport.detach(region, work.arn, self.region)
                    finished.append(_Outcome(work))
                elif work.kind == ACCESSED:
                    accessed = self._accessed(work)
                    if accessed is not None:
                        await self._transport.accessed(region, work.arn, self.region, accessed)
                    finished.append(_Outcome(work))
                else:
                    state = self._state_for(work)
                    if state is not None:
                        syncs.append((work, state))
            except Unreachable as exc:
                unreachable.append((work, str(exc)))
        await self._finish(finished)
        await self._retry(unreachable)
        for start in range(0, len(syncs), BATCH):
            await self._apply(region, syncs[start : start + BATCH])

    def _accessed(self, work: _Work) -> float | None:
        """The LastAccessedDate of this region's replica of `work.arn`, if still one."""
        secret = self._store.reader().secret_by_arn(replica_arn(work.arn, self.region))
        if secret is None or secret.replica_of != work.region:
            return None  # gone, or promoted: the primary no longer lists this region
        return secret.last_accessed_date

    def _state_for(self, work: _Work) -> SecretState | None:
        tx = self._store.reader()
        secret = tx.secret_by_arn(work.arn)
        replica = _replica(tx, secret, work.region)
        if secret is None or replica is None:
            self._forget(work)
            return None
        return self.build_state(tx, secret, replica, work.max_seq, work.committed[0], full=False)

    def build_state(
        self,
        tx: RegionTx,
        secret: SecretRecord,
        replica: ReplicaRecord,
        seq: int,
        committed_at: float,
        full: bool,
    ) -> SecretState:
        assert secret.pk is not None
        initiator = principal_from_json(replica.initiator)
        caller = ActingCaller(initiator, self._access, self.region)
        known = set() if full else self._replica_has.get((secret.arn, replica.region), set())
        grouped: dict[str, list[str]] = defaultdict(list)
        for label, version_id in tx.stages(secret.pk).items():
            grouped[version_id].append(label)
        versions = []
        for record in tx.versions(secret.pk):
            if record.ciphertext is None:
                continue
            labels = grouped[record.version_id]
            version = VersionState(record.version_id, record.created_date, labels)
            if record.version_id not in known:
                try:
                    value = self._secrets.read_version(tx, secret, record, caller)
                    version.value, version.binary = VersionState.encode(value)
                except AwsError as exc:
                    if not labels:
                        continue  # a deprecated version we cannot read is not owed
                    version.unavailable = f"version {record.version_id}: {exc.message}"
            versions.append(version)
        return SecretState(
            seq=seq,
            committed_at=committed_at,
            source_region=self.region,
            primary_arn=secret.arn,
            account_id=secret.account_id,
            name=secret.name,
            created_date=secret.created_date,
            last_changed_date=secret.last_changed_date,
            description=secret.description,
            tags=secret.tags,
            policy=secret.policy,
            rotation=secret.extra.get("rotation", {}),
            kms_key_id=replica.kms_key_id,
            force_overwrite=replica.force_overwrite,
            initiator=initiator.__dict__,
            versions=versions,
        )

    async def _apply(self, region: str, batch: list[tuple[_Work, SecretState]]) -> None:
        outcomes: list[_Outcome] = []
        ready: list[tuple[_Work, SecretState]] = []
        for work, state in batch:
            if self._usable(state.account_id, region):
                ready.append((work, state))
            else:
                message = (
                    f"Replication failed: the region {region} is not enabled for this account."
                )
                outcomes.append(_Outcome(work, primary.FAILED, message))
        try:
            results = await self._transport.apply(region, [state for _, state in ready])
            retry = [i for i, r in enumerate(results) if r.outcome == "need_values"]
            if retry:
                # The replica lost what we thought it had: send every value.
                full = [self._rebuild(ready[i][0]) for i in retry]
                again = await self._transport.apply(region, [s for s in full if s is not None])
                for i, result in zip(retry, again, strict=False):
                    results[i] = result
        except Unreachable as exc:
            await self._finish(outcomes)
            await self._retry([(work, str(exc)) for work, _ in ready])
            return
        outcomes += [
            self._record(work, state, result)
            for (work, state), result in zip(ready, results, strict=True)
        ]
        await self._finish(outcomes)

    def _rebuild(self, work: _Work) -> SecretState | None:
        tx = self._store.reader()
        secret = tx.secret_by_arn(work.arn)
        replica = _replica(tx, secret, work.region)
        if secret is None or replica is None:
            return None
        return self.build_state(tx, secret, replica, work.max_seq, work.committed[0], full=True)

    def _record(self, work: _Work, state: SecretState, result: ApplyResult) -> _Outcome:
        REPLICATION_ATTEMPTS.labels(self.region, work.region, result.outcome).inc()
        key = (work.arn, work.region)
        lag_ms = (time.time() - work.committed[0]) * 1000
        # One line per attempt and outcome: names and sequence numbers, never values.
        log.info(
            "replication %s → %s of %s (seq %d): %s%s (%.1f ms after commit)",
            self.region, work.region, work.arn, work.max_seq, result.outcome,
            f": {result.message}" if result.message else "", lag_ms,
        )  # fmt: skip
        if result.outcome in ("applied", "stale"):
            now = time.time()
            for committed in work.committed:
                REPLICATION_LAG.labels(self.region, work.region).observe(max(0.0, now - committed))
            held = {v.version_id for v in state.versions if v.unavailable is None}
            self._replica_has[key] = held
            return _Outcome(work, primary.IN_SYNC, primary.SUCCEEDED, result.last_accessed_date)
        if result.outcome == "detached":
            self._forget(work)
            return _Outcome(work, detached=True)
        self._replica_has.pop(key, None)
        return _Outcome(work, primary.FAILED, result.message or "Replication failed.")

    async def _finish(self, outcomes: list[_Outcome]) -> None:
        """Record a batch's outcomes in one transaction: rows done, statuses set."""
        if not outcomes:
            return

        def finish(tx: RegionTx) -> None:
            for outcome in outcomes:
                _apply_outcome(tx, outcome)

        await self._store.write(finish)

    async def _retry(self, failures: list[tuple[_Work, str]]) -> None:
        """The region is unreachable: keep the rows, try again with exponential backoff."""
        if not failures:
            return
        delays = []
        for work, reason in failures:
            REPLICATION_ATTEMPTS.labels(self.region, work.region, "unreachable").inc()
            log.info("replica region %s unreachable (%s); will retry", work.region, reason)
            delays.append((work, min(MAX_BACKOFF, 0.25 * 2**work.attempts)))

        def retry(tx: RegionTx) -> None:
            now = time.time()
            for work, delay in delays:
                tx.outbox_retry(work.arn, work.region, now + delay)

        await self._store.write(retry)

    def _forget(self, work: _Work) -> None:
        self._replica_has.pop((work.arn, work.region), None)


@dataclass
class _Outcome:
    """What became of one unit of work, to record on the primary."""

    work: _Work
    status: str | None = None  # None: nothing to report (delete, detach)
    message: str | None = None
    last_accessed: float | None = None
    detached: bool = False


def _apply_outcome(tx: RegionTx, outcome: _Outcome) -> None:
    work = outcome.work
    tx.outbox_done(work.arn, work.region, work.max_seq)
    secret = tx.secret_by_arn(work.arn)
    if outcome.detached:
        if secret is not None and secret.pk is not None:
            tx.delete_replica(secret.pk, work.region)  # promoted: no longer ours to list
        return
    replica = _replica(tx, secret, work.region)
    if outcome.status is None or replica is None:
        return
    newer = tx.outbox_pending(work.arn, work.region)
    in_sync = outcome.status == primary.IN_SYNC
    replica.status = primary.IN_PROGRESS if newer and in_sync else outcome.status
    replica.status_message = None if replica.status == primary.IN_PROGRESS else outcome.message
    if outcome.last_accessed is not None:
        replica.last_accessed_date = outcome.last_accessed
    tx.save_replica(replica)


def _replica(tx: RegionTx, secret: SecretRecord | None, region: str) -> ReplicaRecord | None:
    if secret is None or secret.pk is None:
        return None
    return next((r for r in tx.replicas(secret.pk) if r.region == region), None)


def _coalesce(rows: list[OutboxRecord]) -> list[_Work]:
    """One unit of work per (secret, region), carrying its latest kind and sequence."""
    works: dict[tuple[str, str], _Work] = {}
    for row in rows:
        key = (row.secret_arn, row.region)
        work = works.get(key)
        if work is None:
            work = works[key] = _Work(row.secret_arn, row.region, row.kind, row.seq)
        if not (row.kind == ACCESSED and work.kind == "detach"):
            work.kind = row.kind  # the latest wins, but a detach outranks an access report
        work.max_seq = max(work.max_seq, row.seq)
        work.attempts = max(work.attempts, row.attempts)
        work.committed.append(row.committed_at)
    return list(works.values())
