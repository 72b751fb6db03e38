"""What every operation handler knows about the request it serves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kinko.domain.access import ActingCaller
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

    def authorize(
        self,
        action: str,
        resource: str,
        *,
        resource_account: str | None = None,
        resource_policy: str | None = None,
        context: Mapping[str, str | list[str] | None] | None = None,
        key_policy: bool = False,
    ) -> None:
        """Raise AccessDeniedException unless the policies in force allow the call."""
        request = {
            "aws:SecureTransport": "true" if self.secure_transport else "false",
            "aws:SourceIp": self.source_ip,
        }
        ActingCaller(self.principal, self.kinko.access, self.region, request).authorize(
            action,
            resource,
            resource_account=resource_account,
            resource_policy=resource_policy,
            context=context,
            key_policy=key_policy,
        )

    @property
    def services(self) -> RegionServices:
        """The services of the region the request was signed for."""
        return self.kinko.region(self.region)


Handler = Callable[[RequestContext, dict[str, Any]], Awaitable[dict[str, Any]]]
