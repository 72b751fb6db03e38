"""`kinko serve`: first start, restarts, signals, and nothing lost on a crash."""

from __future__ import annotations

import configparser
import os
import signal
import stat
import subprocess
from pathlib import Path

from tests.conftest import (
    ACCESS_KEY_ID,
    KINKO,
    SECRET_ACCESS_KEY,
    client_for,
    free_port,
    start_server,
)


def test_first_start_creates_key_and_credentials(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = start_server(data)
    try:
        for name in ("root.key", "credentials"):
            assert stat.S_IMODE((data / name).stat().st_mode) == 0o600
        profile = configparser.ConfigParser()
        profile.read(data / "credentials")
        assert profile["kinko"]["aws_access_key_id"] == ACCESS_KEY_ID
        assert profile["kinko"]["aws_secret_access_key"] == SECRET_ACCESS_KEY
        assert "Kinko listening on" in server.log()
    finally:
        server.stop()


def test_generated_account_is_random_and_stable(tmp_path: Path) -> None:
    env = {
        "KINKO_ACCOUNT_ID": "",
        "KINKO_ADMIN_ACCESS_KEY_ID": "",
        "KINKO_ADMIN_SECRET_ACCESS_KEY": "",
    }
    data = tmp_path / "data"
    server = start_server(data, env=env)
    try:
        profile = configparser.ConfigParser()
        profile.read(data / "credentials")
        key, secret = (
            profile["kinko"]["aws_access_key_id"],
            profile["kinko"]["aws_secret_access_key"],
        )
        sts_account = client_for(server.endpoint, "us-east-1", access_key=key, secret_key=secret)
        arn = sts_account.create_secret(Name="who", SecretString="x")["ARN"]
        account = arn.split(":")[4]
        assert len(account) == 12 and account.isdigit()
    finally:
        server.stop()
    # A restart keeps the account and key, whatever the environment now says.
    server = start_server(data, env={"KINKO_ACCOUNT_ID": "999999999999"})
    try:
        same = client_for(server.endpoint, "us-east-1", access_key=key, secret_key=secret)
        assert same.describe_secret(SecretId="who")["ARN"] == arn
    finally:
        server.stop()


def test_values_survive_restart_and_sigint(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = start_server(data)
    server.client("eu-west-3").create_secret(Name="persist", SecretString="kept")
    server.stop(signal.SIGINT)
    assert server.process.returncode == 0
    assert "Traceback" not in server.log()
    server = start_server(data)
    try:
        got = server.client("eu-west-3").get_secret_value(SecretId="persist")
        assert got["SecretString"] == "kept"
    finally:
        server.stop()  # SIGTERM: uvicorn drains, then re-raises the signal as its exit status
    assert "Application shutdown complete" in server.log()
    assert "Traceback" not in server.log()


def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = start_server(data)
    client = server.client("us-west-2")
    client.create_secret(Name="crash", SecretString="v0")
    for i in range(1, 21):
        client.put_secret_value(SecretId="crash", SecretString=f"v{i}")
    server.stop(signal.SIGKILL)
    server = start_server(data)
    try:
        client = server.client("us-west-2")
        assert client.get_secret_value(SecretId="crash")["SecretString"] == "v20"
        previous = client.get_secret_value(SecretId="crash", VersionStage="AWSPREVIOUS")
        assert previous["SecretString"] == "v19"
        versions = client.list_secret_version_ids(SecretId="crash", IncludeDeprecated=True)
        assert len(versions["Versions"]) == 21
    finally:
        server.stop()


def test_several_workers_share_one_data_directory(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data", "--workers", "2")
    try:
        client = server.client("ap-southeast-2")
        for i in range(20):
            client.create_secret(Name=f"w{i}", SecretString=str(i))
        for i in range(20):
            assert client.get_secret_value(SecretId=f"w{i}")["SecretString"] == str(i)
    finally:
        server.stop()
    assert "Traceback" not in server.log()


def test_help_documents_every_option() -> None:
    out = subprocess.run([KINKO, "serve", "--help"], capture_output=True, text=True, check=True)
    for option in ("--host", "--port", "--data-dir", "--workers", "--purge-interval"):
        assert option in out.stdout


def test_busy_port_fails_cleanly(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        port = free_port()
        sock.bind(("127.0.0.1", port))
        sock.listen()
        result = subprocess.run(
            [KINKO, "serve", "--port", str(port), "--data-dir", str(tmp_path / "d")],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ},
        )
    assert result.returncode != 0
