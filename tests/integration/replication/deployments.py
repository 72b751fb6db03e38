"""The two deployments every replication test runs in, behind one small interface.

- "one-process": one `kinko serve` serving every region; replication is in-process.
- "three-nodes": three `kinko serve` nodes partitioning the regions the tests use, each
  with the others as peers and one cluster secret. Clients always connect to node A
  (us-east-1's): a request signed for a region B or C serves is forwarded there.

IAM, STS and the Account API are answered by each node from its own store: IAM users
exist only on node A (where the tests create them), and region opt-in state is per
node, so `enable_region` enables on every node.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import (
    ACCESS_KEY_ID,
    AWS,
    SECRET_ACCESS_KEY,
    Server,
    client_for,
    free_port,
    start_server,
)
from tests.integration.replication.helpers import wait_until

ONE_PROCESS = "one-process"
THREE_NODES = "three-nodes"
CLUSTER_SECRET = "deployment-cluster-secret"

# Every region the parametrized tests name, each on exactly one node. Node A also holds
# the other partitions' regions, whose refusals happen before any replication.
NODE_REGIONS: dict[str, tuple[str, ...]] = {
    "A": ("us-east-1", "us-gov-west-1", "cn-north-1"),
    "B": (
        "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1",
        "eu-central-1", "eu-south-2", "me-south-1", "ap-south-1",
    ),
    "C": (
        "us-west-1", "us-west-2", "ap-southeast-2", "ca-central-1",
        "sa-east-1", "ap-northeast-1",
    ),
}  # fmt: skip


@dataclass
class Deployment:
    """Where the tests send their calls: `entry` (node A, or the only node)."""

    name: str
    nodes: list[Server]
    home: Path
    serving: dict[str, Server] = field(default_factory=dict)  # region → node (cluster only)

    @property
    def entry(self) -> Server:
        return self.nodes[0]

    @property
    def clustered(self) -> bool:
        return len(self.nodes) > 1

    def client(self, region: str, service: str = "secretsmanager") -> Any:
        """boto3 against the entry node, signed for `region` (no retries, fails on 5xx)."""
        return client_for(self.entry.endpoint, region, service)

    def aws(
        self, *args: str, region: str = "us-east-1", check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """The AWS CLI against the entry node: aws("secretsmanager", "list-secrets")."""
        credentials = self.home / "credentials"
        if not credentials.exists():
            credentials.write_text(
                f"[default]\naws_access_key_id = {ACCESS_KEY_ID}\n"
                f"aws_secret_access_key = {SECRET_ACCESS_KEY}\n"
            )
        env = {
            **os.environ,
            "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
            "AWS_CONFIG_FILE": str(self.home / "config"),
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_PAGER": "",
        }
        result = subprocess.run(
            [AWS, "--endpoint-url", self.entry.endpoint, "--region", region,
             "--output", "json", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )  # fmt: skip
        if check and result.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed: {result.stderr}")
        return result

    def enable_region(self, region: str) -> None:
        """EnableRegion on every node (opt-in state is each node's own), until ENABLED."""
        accounts = [client_for(node.endpoint, "us-east-1", "account") for node in self.nodes]
        for account in accounts:
            account.enable_region(RegionName=region)
        for account in accounts:
            wait_until(
                lambda account=account: (
                    account.get_region_opt_status(RegionName=region)["RegionOptStatus"] == "ENABLED"
                )
            )

    def misplaced(self) -> dict[int, set[str]]:
        """Per node (by port): regions it holds data for but does not serve; a partitioned
        deployment's regions must each live on their own node only."""
        found = {}
        for node in self.nodes if self.clustered else []:
            served = {region for region, owner in self.serving.items() if owner is node}
            stored = {path.stem for path in (node.data_dir / "regions").glob("*.db")}
            if stored - served:
                found[node.port] = stored - served
        return found

    def logs(self) -> list[str]:
        return [node.log() for node in self.nodes]

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


def _one_process(home: Path) -> Deployment:
    return Deployment(ONE_PROCESS, [start_server(home / "data")], home)


def _three_nodes(home: Path) -> Deployment:
    ports = {node: free_port() for node in NODE_REGIONS}

    def start(node: str) -> Server:
        peers = [
            f"--peer={region}=http://127.0.0.1:{ports[other]}"
            for other, regions in NODE_REGIONS.items()
            if other != node
            for region in regions
        ]
        return start_server(
            home / f"node-{node}",
            "--regions", ",".join(NODE_REGIONS[node]),
            "--cluster-secret", CLUSTER_SECRET,
            *peers,
            port=ports[node],
        )  # fmt: skip

    with ThreadPoolExecutor(len(NODE_REGIONS)) as pool:
        futures = {node: pool.submit(start, node) for node in NODE_REGIONS}
    failed = [error for f in futures.values() if (error := f.exception()) is not None]
    if failed:
        for future in futures.values():
            if future.exception() is None:
                future.result().stop()
        raise failed[0]
    started = {node: future.result() for node, future in futures.items()}
    serving = {
        region: started[node] for node, regions in NODE_REGIONS.items() for region in regions
    }
    return Deployment(THREE_NODES, list(started.values()), home, serving)


@pytest.fixture(scope="module", params=[ONE_PROCESS, THREE_NODES])
def deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    home = tmp_path_factory.mktemp(request.param)
    running = _one_process(home) if request.param == ONE_PROCESS else _three_nodes(home)
    try:
        yield running
    finally:
        running.stop()
    assert running.misplaced() == {}
    for log in running.logs():
        assert "Traceback" not in log, log
        assert " 500 " not in log, log
