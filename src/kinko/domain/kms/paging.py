"""KMS pagination: `Limit` and `Marker` in, `NextMarker` and `Truncated` out.

A marker is opaque to clients: an offset bound to the query that produced it, so a
marker from one listing is refused by another (InvalidMarkerException).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from typing import TypeVar

from kinko.domain.kms import errors

T = TypeVar("T")


def _fingerprint(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()[:16]


def _offset(marker: str | None, query: str) -> int:
    if marker is None:
        return 0
    try:
        decoded = json.loads(base64.urlsafe_b64decode(marker.encode()))
        offset = decoded["o"]
        valid = decoded["q"] == _fingerprint(query) and isinstance(offset, int) and offset > 0
    except (ValueError, KeyError, TypeError, binascii.Error):
        valid = False
    if not valid:
        raise errors.invalid_marker()
    return int(offset)


def page(
    items: Sequence[T], marker: str | None, limit: int, query: str
) -> tuple[list[T], str | None]:
    """One page of `items` and the marker of the next (None on the last page)."""
    start = _offset(marker, query)
    chunk = list(items[start : start + limit])
    following = start + limit
    if following >= len(items):
        return chunk, None
    token = json.dumps({"q": _fingerprint(query), "o": following}).encode()
    return chunk, base64.urlsafe_b64encode(token).decode()
