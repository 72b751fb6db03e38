"""The backend the protocol layer calls: credentials, and operation → handler."""

from __future__ import annotations

from typing import Any

from kinko.api import secretsmanager
from kinko.api.context import Handler, RequestContext
from kinko.domain.identity import Principal
from kinko.protocol.awsjson import Call, JsonService
from kinko.runtime import Kinko

SERVICES = [JsonService("secretsmanager", "secretsmanager", "secretsmanager")]
_HANDLERS: dict[str, dict[str, Handler]] = {"secretsmanager": secretsmanager.OPERATIONS}


class KinkoBackend:
    def __init__(self, kinko: Kinko) -> None:
        self._kinko = kinko

    def credential(self, access_key_id: str, partition: str) -> tuple[str, Any] | None:
        found = self._kinko.authenticator.credential(access_key_id, partition)
        return (found.secret_access_key, found.principal) if found else None

    def supports(self, service: str, operation: str) -> bool:
        return operation in _HANDLERS.get(service, {})

    async def call(self, call: Call) -> dict[str, Any]:
        handler = _HANDLERS[call.service][call.operation]
        principal: Principal = call.identity
        context = RequestContext(
            principal=principal,
            region=call.region,
            partition=call.partition,
            request_id=call.request_id,
            source_ip=call.source_ip,
        )
        services = self._kinko.region(call.region)
        return await handler(services.secrets, context, call.params)
