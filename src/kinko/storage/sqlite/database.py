"""One SQLite database: WAL, one writer thread, thread-local readers, migrations.

Reads are point queries of ~15 µs, so they run inline on the caller's thread (a
thread hop would cost ~20× the query). Writes queue to a single writer thread that
wraps each unit of work in BEGIN IMMEDIATE … COMMIT with synchronous=FULL, so an
acknowledged write survives a crash.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from kinko.storage.sqlite.cache import ReadCache

T = TypeVar("T")
log = logging.getLogger(__name__)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _migrations(kind: str) -> list[tuple[int, str]]:
    folder = resources.files("kinko.storage.sqlite").joinpath("migrations", kind)
    scripts = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            scripts.append((int(entry.name.split("_", 1)[0]), entry.read_text()))
    return sorted(scripts)


class Database:
    """A SQLite file with a single writer thread and per-thread read connections."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self.commits = 0  # by this process; read caches compare it (see cache.py)
        self._writer = _connect(path)
        self._writer.execute("PRAGMA journal_mode = WAL")
        self._migrate(kind)
        self._queue: queue.SimpleQueue[
            tuple[Callable[[sqlite3.Connection], Any], Future[Any]] | None
        ]
        self._queue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=f"writer:{path.name}", daemon=True)
        self._thread.start()

    def _migrate(self, kind: str) -> None:
        conn = self._writer
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            for number, script in _migrations(kind):
                if number > current:
                    for statement in script.split(";\n"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def reader(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = _connect(self.path)
        return conn

    def read_cache(self) -> ReadCache:
        """This thread's cache of point reads, checked against the latest commit."""
        cache: ReadCache | None = getattr(self._local, "cache", None)
        if cache is None:
            cache = self._local.cache = ReadCache(self.reader(), lambda: self.commits)
        return cache.refresh()

    def _run(self) -> None:
        while True:
            task = self._queue.get()
            if task is None:
                return
            fn, future = task
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = self._transact(fn)
            except BaseException as exc:
                future.set_exception(exc)
            else:
                future.set_result(result)

    def _transact(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        conn = self._writer
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn(conn)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        self.commits += 1
        return result

    def submit(self, fn: Callable[[sqlite3.Connection], T]) -> Future[T]:
        future: Future[T] = Future()
        self._queue.put((fn, future))
        return future

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.wrap_future(self.submit(fn))

    def write_now(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Blocking write, for start-up and tools that run outside an event loop."""
        return self.submit(fn).result()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)
        # Fold the WAL back into the database so a stopped store is one file.
        self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._writer.close()
