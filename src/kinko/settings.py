"""Server settings: from the command line, passed to worker processes by environment."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5465
DEFAULT_DATA_DIR = Path("kinko-data")


@dataclass(frozen=True)
class Settings:
    data_dir: Path = DEFAULT_DATA_DIR
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    workers: int = 1
    purge_interval: float = 60.0  # seconds between sweeps for expired deletions
    region_enable_seconds: float = 1.0  # how long EnableRegion stays ENABLING
    regions: tuple[str, ...] = ()  # regions this node serves; empty = all of them
    peers: dict[str, str] = field(default_factory=dict)  # region → base URL of its node
    cluster_secret: str | None = None  # shared by the nodes; signs replication traffic
    peer_ca_file: str | None = None  # CA bundle to verify HTTPS peers (else system CAs)
    log_level: str = "info"

    def export(self) -> None:
        """Hand the settings to uvicorn's worker processes."""
        os.environ["KINKO_DATA_DIR"] = str(self.data_dir.resolve())
        os.environ["KINKO_PURGE_INTERVAL"] = str(self.purge_interval)
        os.environ["KINKO_REGION_ENABLE_SECONDS"] = str(self.region_enable_seconds)
        os.environ["KINKO_REGIONS"] = ",".join(self.regions)
        os.environ["KINKO_PEERS"] = json.dumps(self.peers)
        os.environ["KINKO_LOG_LEVEL"] = self.log_level
        if self.cluster_secret:
            os.environ["KINKO_CLUSTER_SECRET"] = self.cluster_secret
        if self.peer_ca_file:
            os.environ["KINKO_PEER_CA_FILE"] = self.peer_ca_file

    @classmethod
    def from_environment(cls) -> Settings:
        return cls(
            data_dir=Path(os.environ.get("KINKO_DATA_DIR", str(DEFAULT_DATA_DIR))),
            purge_interval=float(os.environ.get("KINKO_PURGE_INTERVAL", "60")),
            region_enable_seconds=float(os.environ.get("KINKO_REGION_ENABLE_SECONDS", "1")),
            regions=tuple(r for r in os.environ.get("KINKO_REGIONS", "").split(",") if r),
            peers=json.loads(os.environ.get("KINKO_PEERS", "{}")),
            cluster_secret=os.environ.get("KINKO_CLUSTER_SECRET") or None,
            peer_ca_file=os.environ.get("KINKO_PEER_CA_FILE") or None,
            log_level=os.environ.get("KINKO_LOG_LEVEL", "info"),
        )
