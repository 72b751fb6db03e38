"""The background work of KMS in one region: destroy keys whose deletion window ended,
and rotate the material of keys whose automatic rotation is due."""

from __future__ import annotations

from dataclasses import dataclass

from kinko.domain.kms.keys import KeyService
from kinko.domain.kms.lifecycle import KeyAdmin
from kinko.domain.kms.settings import KeySettings
from kinko.storage.interface import RegionStore


@dataclass(frozen=True)
class Swept:
    destroyed: int
    rotated: int


async def sweep(store: RegionStore, keys: KeyService, now: float) -> Swept:
    destroyed = await KeyAdmin(store, keys).destroy_due(now)
    rotated = await KeySettings(store, keys).rotate_due(now)
    return Swept(destroyed, rotated)
