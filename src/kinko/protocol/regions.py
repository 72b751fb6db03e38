"""Regions and partitions, as botocore's endpoint data knows them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kinko.protocol.model import endpoint_data


@dataclass(frozen=True)
class Partition:
    name: str  # "aws", "aws-cn", "aws-us-gov", ...
    regions: tuple[str, ...]


@cache
def partitions() -> tuple[Partition, ...]:
    return tuple(
        Partition(p["partition"], tuple(sorted(p["regions"])))
        for p in endpoint_data()["partitions"]
    )


@cache
def _region_index() -> dict[str, str]:
    return {region: p.name for p in partitions() for region in p.regions}


def partition_of(region: str) -> str | None:
    """The partition `region` belongs to, or None for an unknown region."""
    return _region_index().get(region)


def all_regions() -> list[str]:
    return sorted(_region_index())
