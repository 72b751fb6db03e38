"""The backend the protocol layer calls: credentials, and operation → handler."""

from __future__ import annotations

from typing import Any

from kinko.api import secretsmanager
from kinko.api.context import Handler, RequestContext
from kinko.domain.identity import Principal
from kinko.protocol.awsjson import Call, JsonService
from kinko.runtime import Kinko

# AWS JSON 1.1 services: X-Amz-Target prefix, botocore model name, signing name.
JSON_SERVICES = [JsonService("secretsmanager", "secretsmanager", "secretsmanager")]

HANDLERS: dict[str, dict[str, Handler]] = {
    "secretsmanager": secretsmanager.OPERATIONS,
}


class KinkoBackend:
    def __init__(self, kinko: Kinko) -> None:
        self._kinko = kinko

    def credential(
        self, access_key_id: str, partition: str, session_token: str | None
    ) -> tuple[str, Any] | None:
        found = self._kinko.authenticator.credential(access_key_id, partition)
        return (found.secret_access_key, found.principal) if found else None

    def region_enabled(self, identity: Any, region: str) -> bool:
        return True

    def supports(self, service: str, operation: str) -> bool:
        return operation in HANDLERS.get(service, {})

    async def call(self, call: Call) -> dict[str, Any]:
        handler = HANDLERS[call.service][call.operation]
        principal: Principal = call.identity
        context = RequestContext(
            principal=principal,
            region=call.region,
            partition=call.partition,
            request_id=call.request_id,
            kinko=self._kinko,
            source_ip=call.source_ip,
            secure_transport=call.secure_transport,
        )
        return await handler(context, call.params)
