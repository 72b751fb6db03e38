"""Opt-in regions through the Account API: disabled until enabled."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.exceptions
import pytest

from tests.conftest import Server, start_server


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("regions") / "data")
    yield server
    server.stop()
    assert "Traceback" not in server.log()


def _code(call: Any, **kwargs: Any) -> tuple[str, int, str]:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call(**kwargs)
    error = caught.value.response
    return (
        error["Error"]["Code"],
        error["ResponseMetadata"]["HTTPStatusCode"],
        error["Error"]["Message"],
    )


def _wait_for(account: Any, region: str, status: str) -> None:
    deadline = time.monotonic() + 10
    while account.get_region_opt_status(RegionName=region)["RegionOptStatus"] != status:
        assert time.monotonic() < deadline, f"{region} never became {status}"
        time.sleep(0.2)


def test_list_regions_shows_defaults_and_opt_ins(srv: Server) -> None:
    account = srv.client("us-east-1", service="account")
    regions = {
        r["RegionName"]: r["RegionOptStatus"]
        for r in account.list_regions(MaxResults=50)["Regions"]
    }
    assert regions["us-east-1"] == "ENABLED_BY_DEFAULT"
    assert regions["eu-west-3"] == "ENABLED_BY_DEFAULT"
    assert regions["af-south-1"] == "DISABLED"
    assert regions["me-central-1"] == "DISABLED"
    assert "cn-north-1" not in regions and "aws-global" not in regions
    disabled = account.list_regions(RegionOptStatusContains=["DISABLED"])["Regions"]
    assert disabled and all(r["RegionOptStatus"] == "DISABLED" for r in disabled)


def test_paging_walks_every_region_once(srv: Server) -> None:
    account = srv.client("us-east-1", service="account")
    seen: list[str] = []
    kwargs: dict[str, Any] = {"MaxResults": 5}
    while True:
        page = account.list_regions(**kwargs)
        seen += [r["RegionName"] for r in page["Regions"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert len(seen) == len(set(seen)) > 25


def test_disabled_region_refuses_requests_until_enabled(srv: Server) -> None:
    region = "af-south-1"
    sm = srv.client(region)
    code, status, message = _code(sm.list_secrets)
    assert (code, status) == ("UnrecognizedClientException", 400)
    assert message == "The security token included in the request is invalid."
    account = srv.client("us-east-1", service="account")
    account.enable_region(RegionName=region)
    assert account.get_region_opt_status(RegionName=region)["RegionOptStatus"] in (
        "ENABLING",
        "ENABLED",
    )
    _wait_for(account, region, "ENABLED")
    sm.create_secret(Name="cape-town", SecretString="x")
    assert sm.get_secret_value(SecretId="cape-town")["SecretString"] == "x"
    account.disable_region(RegionName=region)
    _wait_for(account, region, "DISABLED")
    assert _code(sm.list_secrets)[0] == "UnrecognizedClientException"


def test_default_regions_cannot_be_toggled(srv: Server) -> None:
    account = srv.client("us-east-1", service="account")
    code, status, _ = _code(account.disable_region, RegionName="us-east-1")
    assert (code, status) == ("ValidationException", 400)
    assert account.get_region_opt_status(RegionName="us-east-1")["RegionOptStatus"] == (
        "ENABLED_BY_DEFAULT"
    )


def test_changing_while_enabling_conflicts(srv: Server) -> None:
    account = srv.client("us-east-1", service="account")
    account.enable_region(RegionName="il-central-1")
    code, status, _ = _code(account.disable_region, RegionName="il-central-1")
    assert (code, status) == ("ConflictException", 409)


def test_other_accounts_and_bad_input(srv: Server) -> None:
    account = srv.client("us-east-1", service="account")
    code, status, _ = _code(account.enable_region, RegionName="ap-east-1", AccountId="999999999999")
    assert (code, status) == ("AccessDeniedException", 403)
    assert account.get_region_opt_status(RegionName="ap-east-1")["RegionOptStatus"] == "DISABLED"
    code, status, _ = _code(account.enable_region, RegionName="xx-nowhere-9")
    assert (code, status) == ("ValidationException", 400)


def test_other_partitions_have_no_opt_in(srv: Server) -> None:
    account = srv.client("cn-north-1", service="account")
    regions = {r["RegionName"] for r in account.list_regions()["Regions"]}
    assert regions == {"cn-north-1", "cn-northwest-1"}
    srv.client("cn-northwest-1").list_secrets()


def test_cli_enables_a_region(srv: Server, tmp_path: Path) -> None:
    import json
    import os
    import subprocess

    from tests.conftest import ACCESS_KEY_ID, AWS, SECRET_ACCESS_KEY

    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }

    def aws(*args: str) -> dict[str, Any]:
        out = subprocess.run(
            [AWS, "--endpoint-url", srv.endpoint, "--region", "us-east-1", "account", *args],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=60,
        ).stdout
        return json.loads(out) if out.strip() else {}

    aws("enable-region", "--region-name", "eu-south-1")
    status = aws("get-region-opt-status", "--region-name", "eu-south-1")["RegionOptStatus"]
    assert status in ("ENABLING", "ENABLED")
