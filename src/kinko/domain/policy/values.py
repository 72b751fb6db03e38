"""Typed readings of condition values: numbers, dates and IP networks.

Both sides of a comparison go through the same reader; a value that does not read
simply fails to match (the policy side was already refused at parse time).
"""

from __future__ import annotations

import ipaddress
import math
import re
from datetime import UTC, datetime
from functools import lru_cache

_EPOCH = re.compile(r"[+-]?\d+(\.\d+)?")


def number(text: str) -> float | None:
    try:
        parsed = float(text)
    except ValueError:
        return None
    return parsed if math.isfinite(parsed) else None


def timestamp(text: str) -> float | None:
    """ISO 8601 (naive means UTC) or epoch seconds, as aws:CurrentTime and aws:EpochTime."""
    if _EPOCH.fullmatch(text):
        return float(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


@lru_cache(maxsize=1024)
def network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def in_network(address: str, cidr: str) -> bool:
    allowed = network(cidr)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return allowed is not None and parsed.version == allowed.version and parsed in allowed
