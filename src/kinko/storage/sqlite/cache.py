"""Point reads remembered per reader connection until anything commits.

SQLite's `PRAGMA data_version` changes for a connection whenever another connection —
in this process or another — commits to the database; a reader checks it when it is
handed out (once per request), and every cached call also checks the database's own
commit counter, so a reader kept across a write in this process sees that write. On
the GetSecretValue hot path this saves four of five point queries.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast

MAX_ENTRIES = 10_000


class ReadCache:
    def __init__(self, conn: sqlite3.Connection, commits: Callable[[], int]) -> None:
        self._conn = conn
        self._commits = commits  # this process's commits to the database so far
        self._version: tuple[int, int] | None = None
        self.entries: dict[tuple[Any, ...], Any] = {}

    def refresh(self) -> ReadCache:
        """Drop everything if any connection committed since the entries were read."""
        data_version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        self._check((data_version, self._commits()))
        return self

    def current(self) -> dict[tuple[Any, ...], Any]:
        """The entries, dropped first if this process committed since they were read."""
        if self._version is not None:
            self._check((self._version[0], self._commits()))
        return self.entries

    def _check(self, version: tuple[int, int]) -> None:
        if version != self._version or len(self.entries) > MAX_ENTRIES:
            self.entries.clear()
            self._version = version


class Cached(Protocol):
    _cache: ReadCache | None


F = TypeVar("F", bound=Callable[..., Any])


def memoized(method: F) -> F:
    """Serve a read-only query from the reader's cache (writers have none)."""

    @functools.wraps(method)
    def wrapper(self: Cached, *args: Any) -> Any:
        cache = self._cache
        if cache is None:
            return method(self, *args)
        entries = cache.current()
        key = (method.__name__, *args)
        try:
            return entries[key]
        except KeyError:
            result = entries[key] = method(self, *args)
            return result

    return cast(F, wrapper)
