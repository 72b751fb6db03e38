"""Which regions an account may use: AWS's opt-in regions.

Regions AWS launched after 20 March 2019 are disabled for an account until it enables
them (Account API EnableRegion); those launched before are ENABLED_BY_DEFAULT. The
"before" list is history and fixed; every other region of the `aws` partition in
botocore's data — including regions added by future botocore releases — is opt-in.
Other partitions have no opt-in regions. Enabling takes a moment, as on AWS: the
region is ENABLING for `enable_seconds`, then ENABLED.
"""

from __future__ import annotations

import time
from typing import Protocol

from kinko.errors import AwsError
from kinko.regions import partition_of, partitions
from kinko.storage.records import RegionState

ENABLED_BY_DEFAULT = frozenset(
    {
        "us-east-1", "us-east-2", "us-west-1", "us-west-2",
        "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
        "ap-southeast-1", "ap-southeast-2", "ca-central-1", "eu-central-1",
        "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1",
    }
)  # fmt: skip


def is_opt_in(region: str) -> bool:
    return partition_of(region) == "aws" and region not in ENABLED_BY_DEFAULT


class RegionStateStore(Protocol):
    def region_state(self, account_id: str, region: str) -> RegionState | None: ...
    def set_region_state(self, account_id: str, region: str, state: RegionState) -> None: ...


class RegionOptIn:
    def __init__(self, enable_seconds: float = 1.0) -> None:
        self.enable_seconds = enable_seconds

    def status(self, store: RegionStateStore, account_id: str, region: str) -> str:
        if not is_opt_in(region):
            return "ENABLED_BY_DEFAULT"
        state = store.region_state(account_id, region)
        if state is None:
            return "DISABLED"
        settled = time.time() - state.since >= self.enable_seconds
        if state.status == "ENABLING" and settled:
            return "ENABLED"
        if state.status == "DISABLING" and settled:
            return "DISABLED"
        return state.status

    def usable(self, store: RegionStateStore, account_id: str, region: str) -> bool:
        return self.status(store, account_id, region) in ("ENABLED", "ENABLED_BY_DEFAULT")

    def regions(self, partition: str) -> list[str]:
        for p in partitions():
            if p.name == partition:
                return list(p.regions)
        return []

    def change(self, store: RegionStateStore, account_id: str, region: str, enable: bool) -> None:
        if partition_of(region) is None:
            raise AwsError("ValidationException", f"Invalid region name: {region}.")
        status = self.status(store, account_id, region)
        if status == "ENABLED_BY_DEFAULT":
            raise AwsError(
                "ValidationException",
                f"The region {region} is enabled by default and cannot be "
                f"{'enabled' if enable else 'disabled'}.",
            )
        if status in ("ENABLING", "DISABLING"):
            raise AwsError(
                "ConflictException",
                f"The region {region} is currently {status.lower()}; try again later.",
                409,
            )
        if status == ("ENABLED" if enable else "DISABLED"):
            return
        next_status = "ENABLING" if enable else "DISABLING"
        store.set_region_state(account_id, region, RegionState(next_status, time.time()))
