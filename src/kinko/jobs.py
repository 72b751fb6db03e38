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

from kinko.runtime import Kinko

log = logging.getLogger(__name__)


class JobRunner:
    def __init__(self, kinko: Kinko, purge_interval: float) -> None:
        self._kinko = kinko
        self._interval = purge_interval
        self._lock_fd: int | None = None
        self._task: asyncio.Task[None] | None = None

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

    async def _loop(self) -> None:
        while True:
            if self._try_lock():
                try:
                    await self.purge_once()
                except Exception:
                    log.exception("purge of deleted secrets failed; will retry")
            await asyncio.sleep(self._interval)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
