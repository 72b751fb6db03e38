"""How a primary's sender reaches a replica region: in-process, or over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from kinko.domain.replication.payload import ApplyResult, SecretState

if TYPE_CHECKING:
    from kinko.domain.replication.replica import ReplicaApplier
    from kinko.storage.interface import RegionStore


class Unreachable(Exception):
    """The replica region cannot be reached now: retry later, the change is not lost."""


class Transport(Protocol):
    async def apply(self, region: str, states: list[SecretState]) -> list[ApplyResult]: ...
    async def delete(self, region: str, primary_arn: str) -> None: ...
    async def detach(self, region: str, primary_arn: str, replica_region: str) -> None: ...
    async def accessed(
        self, region: str, primary_arn: str, replica_region: str, accessed: float
    ) -> None: ...


class InProcessTransport:
    """Both regions live in this process: apply in the target region's own transaction."""

    def __init__(self, region: Callable[[str], tuple[RegionStore, ReplicaApplier]]) -> None:
        self._region = region

    async def apply(self, region: str, states: list[SecretState]) -> list[ApplyResult]:
        store, applier = self._region(region)
        return await store.write(lambda tx: [applier.apply(tx, state) for state in states])

    async def delete(self, region: str, primary_arn: str) -> None:
        store, applier = self._region(region)
        await store.write(lambda tx: applier.delete(tx, primary_arn))

    async def detach(self, region: str, primary_arn: str, replica_region: str) -> None:
        store, applier = self._region(region)
        await store.write(lambda tx: applier.detach(tx, primary_arn, replica_region))

    async def accessed(
        self, region: str, primary_arn: str, replica_region: str, accessed: float
    ) -> None:
        store, applier = self._region(region)
        await store.write(
            lambda tx: applier.record_access(tx, primary_arn, replica_region, accessed)
        )
