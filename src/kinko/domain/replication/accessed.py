"""A replica read on this node, its primary on another: tell the primary the date.

The primary's ReplicationStatus shows each replica's LastAccessedDate. When both regions
live in one process it is read live; across nodes the replica's region queues an
`accessed` row for the primary's region in its own outbox (at most once a day per
secret and worker), and its sender carries the replica's current date there.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from kinko.domain.replication.payload import replica_arn
from kinko.domain.secrets.service import today
from kinko.storage.interface import RegionStore, RegionTx

ACCESSED = "accessed"


class AccessReports:
    def __init__(self, store_of: Callable[[str], RegionStore], hosts: Callable[[str], bool]):
        self._store_of = store_of
        self._hosts = hosts
        self._day: float | None = None
        self._seen: set[tuple[str, str]] = set()  # (region, ARN) looked at today

    async def read(self, region: str, arns: Iterable[str]) -> None:
        """Secrets `arns` of `region` were just read (their LastAccessedDate is today)."""
        day = today(time.time())
        if day != self._day:
            self._day, self._seen = day, set()
        fresh = [arn for arn in arns if (region, arn) not in self._seen]
        if not fresh:
            return  # the hot path: this secret was looked at already today
        store = self._store_of(region)
        tx = store.reader()
        due: list[tuple[str, str]] = []  # (primary ARN, primary region)
        for arn in fresh:
            self._seen.add((region, arn))
            secret = tx.secret_by_arn(arn)
            primary_region = secret.replica_of if secret is not None else None
            if primary_region is None or self._hosts(primary_region):
                continue  # not a replica, or its primary reads the date live
            due.append((replica_arn(arn, primary_region), primary_region))
        if due:
            now = time.time()

            def enqueue(tx: RegionTx) -> None:
                for primary_arn, primary_region in due:
                    tx.enqueue(primary_arn, primary_region, ACCESSED, now)

            await store.write(enqueue)
