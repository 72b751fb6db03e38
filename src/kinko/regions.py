"""The region catalogue: regions and partitions, as botocore's endpoint data knows them.

Shared by every layer (the wire reads the region from the signature; the domain
reasons about partitions and opt-in regions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from botocore.loaders import Loader


@dataclass(frozen=True)
class Partition:
    name: str  # "aws", "aws-cn", "aws-us-gov", ...
    regions: tuple[str, ...]


# Real regions only: botocore also lists pseudo-regions such as "aws-global".
_REGION = re.compile(r"^([a-z]+-)+\d+$")


@cache
def partitions() -> tuple[Partition, ...]:
    return tuple(
        Partition(p["partition"], tuple(sorted(r for r in p["regions"] if _REGION.match(r))))
        for p in Loader().load_data("endpoints")["partitions"]
    )


@cache
def _region_index() -> dict[str, str]:
    return {region: p.name for p in partitions() for region in p.regions}


def partition_of(region: str) -> str | None:
    """The partition `region` belongs to, or None for an unknown region."""
    return _region_index().get(region)


def all_regions() -> list[str]:
    return sorted(_region_index())
