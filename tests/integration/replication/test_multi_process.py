"""Replication across processes: each `kinko serve` hosts some regions; HTTP between."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Server, client_for, free_port, start_server
from tests.integration.replication.helpers import error_of, wait_status, wait_until

SECRET = "cluster-shared-secret-for-tests"


@dataclass
class Cluster:
    nodes: dict[str, Server]  # region → the node serving it
    ports: dict[str, int]
    dirs: dict[str, Path]

    def client(self, region: str, via: str | None = None) -> Any:
        node = self.nodes[via or region]
        return client_for(node.endpoint, region)

    def start(self, region: str) -> None:
        self.nodes[region] = _start(region, self.ports, self.dirs[region])

    def stop_all(self) -> None:
        for node in self.nodes.values():
            node.stop()


def _start(region: str, ports: dict[str, int], data_dir: Path) -> Server:
    peers = [
        f"--peer={other}=http://127.0.0.1:{port}"
        for other, port in ports.items()
        if other != region
    ]
    return start_server(
        data_dir,
        "--regions", region, "--cluster-secret", SECRET, *peers,
        port=ports[region],
    )  # fmt: skip


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    regions = ["us-east-1", "eu-west-3", "ap-northeast-1"]
    ports = {region: free_port() for region in regions}
    dirs = {region: tmp_path / region for region in regions}
    running = Cluster({}, ports, dirs)
    try:
        for region in regions:
            running.start(region)
        yield running
    finally:
        running.stop_all()
    for node in running.nodes.values():
        assert "Traceback" not in node.log(), node.log()


def test_replicates_across_processes(cluster: Cluster) -> None:
    primary = cluster.client("us-east-1")
    arn = primary.create_secret(
        Name="app/db",
        SecretString="v1",
        AddReplicaRegions=[{"Region": "eu-west-3"}, {"Region": "ap-northeast-1"}],
    )["ARN"]
    for region in ("eu-west-3", "ap-northeast-1"):
        wait_status(primary, "app/db", region, "InSync")
        replica = cluster.client(region)
        assert replica.get_secret_value(SecretId="app/db")["SecretString"] == "v1"
        assert replica.describe_secret(SecretId="app/db")["ARN"][-7:] == arn[-7:]
    primary.put_secret_value(SecretId="app/db", SecretString="v2")
    wait_until(
        lambda: (
            cluster.client("eu-west-3").get_secret_value(SecretId="app/db")["SecretString"] == "v2"
        )
    )
    code, _ = error_of(
        cluster.client("eu-west-3").put_secret_value, SecretId="app/db", SecretString="x"
    )
    assert code == "InvalidParameterException"


def test_requests_are_forwarded_to_the_serving_node(cluster: Cluster) -> None:
    # Signed for eu-west-3 but sent to the us-east-1 node: relayed, and answered there.
    via_other = cluster.client("eu-west-3", via="us-east-1")
    via_other.create_secret(Name="forwarded", SecretString="x")
    assert cluster.client("eu-west-3").get_secret_value(SecretId="forwarded")["SecretString"] == "x"
    assert error_of(cluster.client("us-east-1").describe_secret, SecretId="forwarded")[0] == (
        "ResourceNotFoundException"
    )


def test_unserved_region_without_peer_is_refused(cluster: Cluster) -> None:
    code, message = error_of(cluster.client("sa-east-1", via="us-east-1").list_secrets)
    assert code == "InvalidRequestException"
    assert "does not serve region sa-east-1" in message


def test_peer_down_stays_in_progress_then_syncs(cluster: Cluster) -> None:
    primary = cluster.client("us-east-1")
    cluster.nodes["eu-west-3"].stop(signal.SIGKILL)
    primary.create_secret(
        Name="later", SecretString="v1", AddReplicaRegions=[{"Region": "eu-west-3"}]
    )
    primary.put_secret_value(SecretId="later", SecretString="v2")  # writes never wait for replicas
    wait_until(
        lambda: (
            "eu-west-3"
            in {s["Region"] for s in primary.describe_secret(SecretId="later")["ReplicationStatus"]}
        )
    )
    status = primary.describe_secret(SecretId="later")["ReplicationStatus"][0]
    assert status["Status"] == "InProgress"
    cluster.start("eu-west-3")
    wait_status(primary, "later", "eu-west-3", "InSync", timeout=60)
    assert cluster.client("eu-west-3").get_secret_value(SecretId="later")["SecretString"] == "v2"


def test_promote_when_the_primary_is_lost(cluster: Cluster) -> None:
    primary = cluster.client("us-east-1")
    primary.create_secret(
        Name="dr", SecretString="v1", AddReplicaRegions=[{"Region": "ap-northeast-1"}]
    )
    wait_status(primary, "dr", "ap-northeast-1", "InSync")
    cluster.nodes["us-east-1"].stop(signal.SIGKILL)
    tokyo = cluster.client("ap-northeast-1")
    tokyo.stop_replication_to_replica(SecretId="dr")
    tokyo.put_secret_value(SecretId="dr", SecretString="after the outage")
    assert tokyo.get_secret_value(SecretId="dr")["SecretString"] == "after the outage"
    cluster.start("us-east-1")
    # The old primary learns of the promotion once it is back, and stops listing Tokyo.
    wait_until(
        lambda: (
            cluster.client("us-east-1").describe_secret(SecretId="dr")["ReplicationStatus"] == []
        ),
        timeout=60,
    )


def test_cluster_endpoint_refuses_strangers(cluster: Cluster) -> None:
    import httpx

    url = cluster.nodes["eu-west-3"].endpoint + "/_kinko/cluster/apply"
    assert httpx.post(url, content=b"{}").status_code in (400, 403)
    from kinko.cluster.signing import sign

    body = b'{"states": []}'
    headers = sign(url, "eu-west-3", body, "not-the-secret")
    assert httpx.post(url, content=body, headers=headers).status_code == 403


def test_plain_http_peers_must_be_on_loopback(tmp_path: Path) -> None:
    import subprocess

    from tests.conftest import KINKO

    result = subprocess.run(
        [
            KINKO,
            "serve",
            "--data-dir",
            str(tmp_path / "d"),
            "--peer=eu-west-3=http://kinko-eu:5465",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "use https://" in result.stderr
