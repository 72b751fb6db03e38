"""Background work that runs once per data directory, whatever the worker count.

The worker that holds `<data-dir>/jobs.lock` runs the jobs; if it exits, the lock is
released and another worker's next attempt takes over.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import time

from kinko.domain.kms.sweep import Swept
from kinko.domain.kms.sweep import sweep as kms_sweep
from kinko.domain.replication.sender import ReplicationSender
from kinko.runtime import Kinko

log = logging.getLogger(__name__)
REPLICATION_POLL_SECONDS = 0.02


class JobRunner:
    def __init__(self, kinko: Kinko, purge_interval: float) -> None:
        self._kinko = kinko
        self._interval = purge_interval
        self._lock_fd: int | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._senders: dict[str, ReplicationSender] = {}

    def _try_lock(self) -> bool:
        if self._lock_fd is not None:
            return True
        fd = os.open(self._kinko.data_dir / "jobs.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._lock_fd = fd
        return True

    async def purge_once(self) -> int:
        purged = 0
        now = time.time()
        for region in self._kinko.existing_regions():
            purged += await self._kinko.region(region).secrets.purge(now)
        if purged:
            log.info("purged %d secret(s) whose recovery window ended", purged)
        return purged

    async def kms_once(self) -> Swept:
        """Destroy KMS keys whose deletion window ended; rotate keys that are due."""
        destroyed = rotated = 0
        now = time.time()
        for region in self._kinko.existing_regions():
            services = self._kinko.region(region)
            swept = await kms_sweep(services.store, services.keys, now)
            destroyed, rotated = destroyed + swept.destroyed, rotated + swept.rotated
        if destroyed:
            log.info("destroyed %d KMS key(s) whose deletion window ended", destroyed)
        if rotated:
            log.info("rotated the material of %d KMS key(s)", rotated)
        return Swept(destroyed, rotated)

    async def _loop(self) -> None:
        while True:
            if self._try_lock():
                try:
                    await self.purge_once()
                except Exception:
                    log.exception("purge of deleted secrets failed; will retry")
                try:
                    await self.kms_once()
                except Exception:
                    log.exception("KMS key destruction or rotation failed; will retry")
            await asyncio.sleep(self._interval)

    async def replicate_once(self) -> int:
        """Drain every local region's outbox once; returns the rows handled."""
        handled = 0
        for region in self._kinko.existing_regions():
            if not self._kinko.hosts(region):
                continue
            sender = self._senders.get(region)
            if sender is None:
                sender = self._senders[region] = self._kinko.sender(region)
            handled += await sender.drain()
        return handled

    async def _replication_loop(self) -> None:
        # Poll briefly: a write in another worker process cannot wake us directly.
        while True:
            pause = REPLICATION_POLL_SECONDS
            if self._try_lock():
                try:
                    pause = 0 if await self.replicate_once() else pause
                except Exception:
                    log.exception("replication pass failed; will retry")
                    pause = 1.0  # do not spin on a fault
            await asyncio.sleep(pause)

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._loop()), loop.create_task(self._replication_loop())]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
