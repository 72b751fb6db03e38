"""The backend the protocol layer calls: credentials, and operation → handler."""

from __future__ import annotations

from typing import Any

from kinko.api import account, iam, kms, secretsmanager, sts
from kinko.api.context import Handler, RequestContext
from kinko.domain.identity import Principal
from kinko.domain.regions import is_opt_in
from kinko.domain.replication.accessed import AccessReports
from kinko.errors import AwsError
from kinko.protocol.awsjson import Call, JsonService
from kinko.protocol.query import QueryService
from kinko.runtime import Kinko

# REST-JSON services, by botocore model name.
REST_SERVICES = ["account"]

# AWS JSON 1.1 services: X-Amz-Target prefix, botocore model name, signing name.
JSON_SERVICES = [
    JsonService("secretsmanager", "secretsmanager", "secretsmanager"),
    JsonService("TrentService", "kms", "kms"),
]

# AWS Query services: botocore model name, signing name.
QUERY_SERVICES = [QueryService("iam", "iam"), QueryService("sts", "sts")]

# Served per region: a node answers them only for the regions it hosts.
REGIONAL_SERVICES = frozenset({"secretsmanager", "kms"})

# The reads that set a secret's LastAccessedDate.
_READS = frozenset({"GetSecretValue", "BatchGetSecretValue"})

HANDLERS: dict[str, dict[str, Handler]] = {
    "secretsmanager": secretsmanager.OPERATIONS,
    "kms": kms.OPERATIONS,
    "account": account.OPERATIONS,
    "iam": iam.OPERATIONS,
    "sts": sts.OPERATIONS,
}


class KinkoBackend:
    def __init__(self, kinko: Kinko) -> None:
        self._kinko = kinko
        self._accesses = AccessReports(lambda region: kinko.region(region).store, kinko.hosts)

    def credential(
        self, access_key_id: str, partition: str, session_token: str | None
    ) -> tuple[str, Any] | None:
        found = self._kinko.authenticator.credential(access_key_id, partition, session_token)
        return (found.secret_access_key, found.principal) if found else None

    def region_enabled(self, identity: Any, region: str) -> bool:
        if not is_opt_in(region):
            return True  # no read on the hot path for the regions every account has
        principal: Principal = identity
        tx = self._kinko.global_store.reader()
        return self._kinko.region_opt_in.usable(tx, principal.account_id, region)

    def supports(self, service: str, operation: str) -> bool:
        return operation in HANDLERS.get(service, {})

    async def call(self, call: Call) -> dict[str, Any]:
        handler = HANDLERS[call.service][call.operation]
        if call.service in REGIONAL_SERVICES and not self._kinko.hosts(call.region):
            raise AwsError(
                "InvalidRequestException",
                f"This Kinko node does not serve region {call.region}, and no peer serving it "
                "is configured (see --regions and --peer).",
            )
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
        result = await handler(context, call.params)
        if call.service == "secretsmanager" and call.operation in _READS:
            # A replica whose primary is on another node tells it of the read.
            values = result.get("SecretValues", []) if "ARN" not in result else [result]
            await self._accesses.read(call.region, [value["ARN"] for value in values])
        return result
