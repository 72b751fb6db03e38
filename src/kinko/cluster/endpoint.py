"""The receiving side of replication between nodes: `POST /_kinko/cluster/<op>`.

Only the cluster principal may call it (SigV4 under the shared cluster secret), and
only for a region this node serves. Internal: not part of any AWS API.
"""

from __future__ import annotations

import hmac
import json
import logging
from datetime import UTC, datetime
from typing import Any

from kinko.cluster.signing import CLUSTER_ACCESS_KEY_ID, CLUSTER_SERVICE
from kinko.cluster.transport import CLUSTER_PATH
from kinko.domain.replication.payload import SecretState
from kinko.errors import AwsError
from kinko.protocol import sigv4
from kinko.protocol.asgi import (
    BodyTooLarge,
    ClientGone,
    Receive,
    Scope,
    Send,
    read_body,
    send_response,
)
from kinko.protocol.authn import header_map
from kinko.runtime import Kinko

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024 * 1024  # a batch of states with their values


class ClusterEndpoint:
    def __init__(self, kinko: Kinko, secret: str | None) -> None:
        self._kinko = kinko
        self._secret = secret

    def handles(self, path: str) -> bool:
        return path.startswith(CLUSTER_PATH)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            body = await read_body(receive, MAX_BODY)
            region = self._authenticate(scope, body)
            result = await self._dispatch(scope["path"][len(CLUSTER_PATH) :], region, body)
            status, payload = 200, json.dumps(result).encode()
        except ClientGone:
            return
        except BodyTooLarge:
            status, payload = 413, b'{"__type": "RequestEntityTooLarge"}'
        except AwsError as error:
            status, payload = (
                error.status,
                json.dumps({"__type": error.code, "Message": error.message}).encode(),
            )
        except Exception:
            log.exception("cluster request failed")
            status, payload = 500, b'{"__type": "InternalServiceError"}'
        await send_response(send, status, payload, [(b"content-type", b"application/json")])

    def _authenticate(self, scope: Scope, body: bytes) -> str:
        try:
            return self._verify(scope, body)
        except AwsError as error:
            raise AwsError(error.code, error.message, 403) from None

    def _verify(self, scope: Scope, body: bytes) -> str:
        headers = header_map(scope)
        auth = sigv4.parse_authorization(headers.get("authorization"))
        if (
            self._secret is None
            or not hmac.compare_digest(auth.access_key_id, CLUSTER_ACCESS_KEY_ID)
            or auth.service != CLUSTER_SERVICE
        ):
            raise AwsError("UnrecognizedClientException", "Not a member of this cluster.", 403)
        sigv4.check_freshness(sigv4.request_time(headers), datetime.now(UTC))
        sigv4.verify(
            auth, self._secret, "POST", scope.get("raw_path", b"").decode("latin-1"),
            "", headers, body, headers["x-amz-date"],
        )  # fmt: skip
        if not self._kinko.hosts(auth.region):
            raise AwsError("InvalidRequestException", f"This node does not serve {auth.region}.")
        return auth.region

    async def _dispatch(self, operation: str, region: str, body: bytes) -> dict[str, Any]:
        data = json.loads(body)
        services = self._kinko.region(region)
        applier = services.applier
        if operation == "apply":
            states = [SecretState.from_json(item) for item in data["states"]]
            results = await services.store.write(lambda tx: [applier.apply(tx, s) for s in states])
            return {"results": [r.to_json() for r in results]}
        if operation == "delete":
            await services.store.write(lambda tx: applier.delete(tx, data["primary_arn"]))
            return {}
        if operation == "detach":
            primary_arn, replica_region = data["primary_arn"], data["replica_region"]
            await services.store.write(lambda tx: applier.detach(tx, primary_arn, replica_region))
            return {}
        if operation == "accessed":
            primary_arn, replica_region = data["primary_arn"], data["replica_region"]
            accessed = float(data["accessed"])
            await services.store.write(
                lambda tx: applier.record_access(tx, primary_arn, replica_region, accessed)
            )
            return {}
        raise AwsError("UnknownOperationException", f"Unknown cluster operation {operation}.")
