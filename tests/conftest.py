"""Shared fixtures: a real `kinko serve` on a free loopback port, and real clients."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import botocore.config
import httpx
import pytest

ACCOUNT_ID = "111122223333"
ACCESS_KEY_ID = "AKIAKINKOTESTADMIN01"
SECRET_ACCESS_KEY = "kinko-test-secret-access-key-0123456789ab"
KINKO = str(Path(sys.executable).with_name("kinko"))
AWS = str(Path(sys.executable).with_name("aws"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running `kinko serve` process and how to reach it."""

    process: subprocess.Popen[bytes]
    port: int
    data_dir: Path
    log_path: Path
    scheme: str = "http"

    @property
    def endpoint(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def client(self, region: str = "us-east-1", service: str = "secretsmanager", **kw: Any) -> Any:
        return client_for(self.endpoint, region, service, **kw)

    def stop(self, sig: int | None = None) -> None:
        if self.process.poll() is None:
            if sig is None:
                self.process.terminate()
            else:
                self.process.send_signal(sig)
            self.process.wait(timeout=30)


def _fail_on_server_error(http_response: Any, **_: Any) -> None:
    # No test may pass on a 500: botocore would retry it or turn it into an error a
    # test might expect, so fail loudly here instead.
    assert http_response.status_code < 500, f"server answered {http_response.status_code}"


def client_for(
    endpoint: str,
    region: str,
    service: str = "secretsmanager",
    access_key: str = ACCESS_KEY_ID,
    secret_key: str = SECRET_ACCESS_KEY,
    session_token: str | None = None,
    verify: str | bool | None = None,
) -> Any:
    client = boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        aws_session_token=session_token,
        verify=verify,
        config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    client.meta.events.register("after-call", _fail_on_server_error)
    return client


def start_server(
    data_dir: Path,
    *extra: str,
    env: dict[str, str] | None = None,
    port: int | None = None,
    scheme: str = "http",
    verify: str | bool = True,
) -> Server:
    port = port or free_port()
    log_path = data_dir.parent / f"{data_dir.name}-{port}.log"
    full_env = {
        **os.environ,
        "KINKO_ACCOUNT_ID": ACCOUNT_ID,
        "KINKO_ADMIN_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "KINKO_ADMIN_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        **(env or {}),
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [KINKO, "serve", "--port", str(port), "--data-dir", str(data_dir), *extra],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=full_env,
        )
    server = Server(process, port, data_dir, log_path, scheme)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"kinko serve exited:\n{server.log()}")
        try:
            context = (
                ssl.create_default_context(cafile=verify) if isinstance(verify, str) else verify
            )
            if httpx.get(f"{server.endpoint}/health", timeout=1, verify=context).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"kinko serve did not start:\n{server.log()}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the session; tests use unique secret names."""
    srv = start_server(tmp_path_factory.mktemp("kinko") / "data")
    yield srv
    srv.stop()
    log = srv.log()
    assert "Traceback" not in log, log
    assert " 500 " not in log, log


@pytest.fixture
def sm(server: Server) -> Any:
    return server.client("us-east-1")


@pytest.fixture
def unique() -> Callable[[str], str]:
    counter = iter(range(1_000_000))
    stamp = f"{time.time_ns() % 10**10}"

    def make(prefix: str = "s") -> str:
        return f"{prefix}-{stamp}-{next(counter)}"

    return make


@pytest.fixture
def aws(server: Server, tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the AWS CLI against the server: aws("secretsmanager", "list-secrets", ...)."""
    credentials = tmp_path / "credentials"
    credentials.write_text(
        f"[default]\naws_access_key_id = {ACCESS_KEY_ID}\n"
        f"aws_secret_access_key = {SECRET_ACCESS_KEY}\n"
    )

    def run(
        *args: str, region: str = "us-east-1", check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
            "AWS_CONFIG_FILE": str(tmp_path / "config"),
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_PAGER": "",
        }
        result = subprocess.run(
            [AWS, "--endpoint-url", server.endpoint, "--region", region, "--output", "json", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed: {result.stderr}")
        return result

    return run
