"""Replication is logged and measured, and carries no secret material into either."""

from __future__ import annotations

import base64
import re
import uuid
from pathlib import Path

import httpx

from tests.conftest import start_server
from tests.integration.replication.helpers import wait_status, wait_until


def test_metrics_logs_and_no_leaks(tmp_path: Path) -> None:
    marker = "KINKO-REPLICATION-CANARY-" + uuid.uuid4().hex
    data = tmp_path / "data"
    server = start_server(data)
    try:
        client = server.client("us-east-1")
        client.create_secret(
            Name="observed",
            SecretString=marker,
            AddReplicaRegions=[{"Region": "eu-west-3"}, {"Region": "ap-northeast-1"}],
        )
        client.put_secret_value(SecretId="observed", SecretBinary=marker.encode() + b"\x00")
        for region in ("eu-west-3", "ap-northeast-1"):
            wait_status(client, "observed", region, "InSync")
        wait_until(
            lambda: (
                server.client("eu-west-3").get_secret_value(SecretId="observed")["SecretBinary"]
                == marker.encode() + b"\x00"
            )
        )
        metrics = httpx.get(server.endpoint + "/metrics").text
        for target in ("eu-west-3", "ap-northeast-1"):
            pattern = (
                r'kinko_replication_lag_seconds_count\{source="us-east-1",'
                rf'target="{target}"\}} (\d+)'
            )
            found = re.search(pattern, metrics)
            assert found is not None and int(found.group(1)) >= 1, metrics
            assert (
                f'kinko_replication_attempts_total{{outcome="applied",source="us-east-1",'
                f'target="{target}"}}' in metrics
            )
    finally:
        server.stop()
    log = server.log()
    assert "replication us-east-1 → eu-west-3" in log and ": applied" in log
    forms = [marker.encode(), base64.b64encode(marker.encode()), marker.encode().hex().encode()]
    for path in [*data.rglob("*"), server.log_path]:
        if path.is_file():
            content = path.read_bytes()
            for form in forms:
                assert form not in content, f"{path} holds the secret"
