"""The composition root: data directory → root key, stores, services per region.

Regions open lazily: the first request naming a region creates its database.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from kinko.cluster.transport import HttpTransport, RoutingTransport
from kinko.domain.access import AccessControl
from kinko.domain.crypto import RootKey
from kinko.domain.iam import IamService
from kinko.domain.identity import Authenticator
from kinko.domain.kms import KeyService
from kinko.domain.regions import RegionOptIn
from kinko.domain.replication.operations import ReplicationOperations
from kinko.domain.replication.replica import ReplicaApplier
from kinko.domain.replication.sender import ReplicationSender
from kinko.domain.replication.transport import InProcessTransport, Transport
from kinko.domain.secrets.service import SecretsService
from kinko.regions import all_regions, partition_of
from kinko.storage.sqlite.accounts import SqliteGlobalStore
from kinko.storage.sqlite.region import SqliteRegionStore

log = logging.getLogger(__name__)


@dataclass
class RegionServices:
    region: str
    partition: str
    store: SqliteRegionStore
    keys: KeyService
    secrets: SecretsService
    replication: ReplicationOperations
    applier: ReplicaApplier


class Kinko:
    def __init__(
        self,
        data_dir: Path,
        region_enable_seconds: float = 1.0,
        regions: tuple[str, ...] = (),
        remote: HttpTransport | None = None,
    ) -> None:
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        self.root_key = RootKey.load_or_create(data_dir / "root.key")
        self.global_store = SqliteGlobalStore(data_dir)
        self.authenticator = Authenticator(self.global_store, self.root_key)
        self.iam = IamService(self.global_store, self.root_key)
        self.access = AccessControl(self.iam.identity_policies)
        self.region_opt_in = RegionOptIn(region_enable_seconds)
        self._regions: dict[str, RegionServices] = {}
        self._lock = threading.Lock()
        self._served = frozenset(regions)
        local = InProcessTransport(self._replica_side)
        self.transport: Transport = (
            RoutingTransport(local, remote, self.hosts) if remote is not None else local
        )

    def region(self, name: str) -> RegionServices:
        services = self._regions.get(name)
        if services is not None:
            return services
        partition = partition_of(name)
        if partition is None:
            raise KeyError(name)
        with self._lock:
            services = self._regions.get(name)
            if services is None:
                store = SqliteRegionStore(self.data_dir, name)
                keys = KeyService(self.root_key, name, partition)
                secrets = SecretsService(store, keys)
                services = RegionServices(
                    name,
                    partition,
                    store,
                    keys,
                    secrets,
                    ReplicationOperations(secrets),
                    ReplicaApplier(secrets, self.access),
                )
                self._regions[name] = services
        return services

    def _replica_side(self, name: str) -> tuple[SqliteRegionStore, ReplicaApplier]:
        services = self.region(name)
        return services.store, services.applier

    def sender(self, name: str) -> ReplicationSender:
        """The outbox drainer of one region (run by the background jobs)."""
        services = self.region(name)

        def usable(account_id: str, region: str) -> bool:
            return self.region_opt_in.usable(self.global_store.reader(), account_id, region)

        return ReplicationSender(services.secrets, self.transport, self.access, usable)

    def hosts(self, region: str) -> bool:
        """Whether this process serves `region` (every region, unless --regions narrows it)."""
        if self._served:
            return region in self._served
        return partition_of(region) is not None

    def opened_regions(self) -> list[RegionServices]:
        return list(self._regions.values())

    def existing_regions(self) -> list[str]:
        """Regions that have a database on disk (opened or not)."""
        folder = self.data_dir / "regions"
        known = set(all_regions())
        if not folder.exists():
            return []
        return sorted(p.stem for p in folder.glob("*.db") if p.stem in known)

    def close(self) -> None:
        for services in self._regions.values():
            services.store.close()
        self.global_store.close()
