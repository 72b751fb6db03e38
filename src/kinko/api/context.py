"""What every operation handler knows about the request it serves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from kinko.domain.identity import Principal


@dataclass(frozen=True)
class RequestContext:
    principal: Principal
    region: str
    partition: str
    request_id: str
    source_ip: str | None = None


Handler = Callable[[Any, RequestContext, dict[str, Any]], Awaitable[dict[str, Any]]]
