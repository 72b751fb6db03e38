"""What every operation handler knows about the request it serves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kinko.domain.identity import Principal

if TYPE_CHECKING:
    from kinko.runtime import Kinko, RegionServices


@dataclass(frozen=True)
class RequestContext:
    principal: Principal
    region: str
    partition: str
    request_id: str
    kinko: Kinko
    source_ip: str | None = None
    secure_transport: bool = False

    @property
    def services(self) -> RegionServices:
        """The services of the region the request was signed for."""
        return self.kinko.region(self.region)


Handler = Callable[[RequestContext, dict[str, Any]], Awaitable[dict[str, Any]]]
