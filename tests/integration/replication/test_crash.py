"""kill -9 in the middle of a stream of writes: every acknowledged version arrives."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

import botocore.exceptions

from tests.conftest import start_server
from tests.integration.replication.helpers import wait_status

REPLICAS = ("eu-west-3", "us-west-2")


def _stream(
    client: Any, name: str, acknowledged: list[tuple[str, str]], stop: threading.Event
) -> None:
    i = 0
    while not stop.is_set():
        value = f"value-{i}"
        try:
            version = client.put_secret_value(SecretId=name, SecretString=value)["VersionId"]
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, AssertionError):
            return  # the server died under us: this write was not acknowledged
        acknowledged.append((version, value))
        i += 1


def test_kill_9_during_writes_loses_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = start_server(data)
    client = server.client("us-east-1")
    client.create_secret(
        Name="crash", SecretString="start", AddReplicaRegions=[{"Region": r} for r in REPLICAS]
    )
    acknowledged: list[tuple[str, str]] = []
    stop = threading.Event()
    writer = threading.Thread(target=_stream, args=(client, "crash", acknowledged, stop))
    writer.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.stop(signal.SIGKILL)
    stop.set()
    writer.join(timeout=30)
    assert len(acknowledged) >= 40

    server = start_server(data)
    try:
        client = server.client("us-east-1")
        for region in REPLICAS:
            wait_status(client, "crash", region, "InSync", timeout=60)
            replica = server.client(region)
            for version, value in acknowledged:
                got = replica.get_secret_value(SecretId="crash", VersionId=version)
                assert got["SecretString"] == value
            assert (
                replica.get_secret_value(SecretId="crash")["SecretString"]
                == (client.get_secret_value(SecretId="crash")["SecretString"])
            )
    finally:
        server.stop()
    assert "Traceback" not in server.log()
