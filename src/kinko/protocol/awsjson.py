"""The AWS JSON 1.1 endpoint: `POST /` with `X-Amz-Target: <prefix>.<Operation>`.

Order of checks, each failing with AWS's error: body size → SigV4 (scope, key,
clock, signature) → target → content type → JSON → model validation → operation.
Anything unexpected becomes InternalServiceError (500) with no detail on the wire.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, Protocol

from kinko.errors import AwsError, internal_error, serialization_error
from kinko.protocol.asgi import (
    BodyTooLarge,
    ClientGone,
    Receive,
    Scope,
    Send,
    read_body,
    send_response,
)
from kinko.protocol.authn import CredentialSource, authenticate, header_map
from kinko.protocol.model import operation
from kinko.protocol.validation import validate_input

log = logging.getLogger("kinko.access")
MAX_BODY_BYTES = 1024 * 1024
CONTENT_TYPES = ("application/x-amz-json-1.1", "application/x-amz-json-1.0")


@dataclass(frozen=True)
class Call:
    """An authenticated, validated operation call, handed to the backend."""

    service: str
    operation: str
    region: str
    partition: str
    identity: Any
    params: dict[str, Any]
    request_id: str
    source_ip: str | None
    secure_transport: bool = False


class Backend(CredentialSource, Protocol):
    def supports(self, service: str, operation: str) -> bool: ...

    def call(self, call: Call) -> Awaitable[dict[str, Any]]: ...


@dataclass(frozen=True)
class JsonService:
    target_prefix: str  # "secretsmanager", "TrentService"
    model_name: str  # botocore's service name
    signing_name: str


class AwsJsonEndpoint:
    def __init__(self, backend: Backend, services: list[JsonService]) -> None:
        self._backend = backend
        self._services = {s.target_prefix: s for s in services}
        self._signing_names = {s.signing_name for s in services}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = str(uuid.uuid4())
        started = time.perf_counter()
        target = ""
        try:
            body = await read_body(receive, MAX_BODY_BYTES)
            headers = header_map(scope)
            target = headers.get("x-amz-target", "")
            result = await self._handle(scope, headers, body, request_id)
            status, payload = 200, json.dumps(result).encode()
        except ClientGone:
            return
        except BodyTooLarge:
            status, payload = (
                413,
                _error_body(
                    AwsError(
                        "RequestEntityTooLargeException",
                        f"Request body exceeds the maximum of {MAX_BODY_BYTES} bytes.",
                        413,
                    )
                ),
            )
        except AwsError as error:
            status, payload = error.status, _error_body(error)
        except Exception:
            log.exception("request %s failed (%s)", request_id, target)
            status, payload = 500, _error_body(internal_error())
        await send_response(
            send,
            status,
            payload,
            [
                (b"content-type", b"application/x-amz-json-1.1"),
                (b"x-amzn-requestid", request_id.encode()),
            ],
        )
        # Successes at DEBUG: an INFO line per request costs ~6% of GetSecretValue.
        log.log(
            logging.DEBUG if status == 200 else logging.INFO,
            "%s %s %d %.1fms",
            request_id,
            target or "-",
            status,
            (time.perf_counter() - started) * 1000,
        )

    async def _handle(
        self, scope: Scope, headers: dict[str, str], body: bytes, request_id: str
    ) -> dict[str, Any]:
        prefix, _, op_name = headers.get("x-amz-target", "").partition(".")
        service = self._services.get(prefix)
        # Without a known target there is no service to hold the scope against: any we
        # sign for will do, so the caller learns the operation is unknown.
        who = authenticate(
            self._backend,
            scope,
            headers,
            body,
            self._signing_names,
            expected=service.signing_name if service else None,
        )
        model = operation(service.model_name, op_name) if service else None
        if (
            service is None
            or model is None
            or not self._backend.supports(service.model_name, op_name)
        ):
            raise AwsError("UnknownOperationException", "The requested operation is not supported.")
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in CONTENT_TYPES:
            raise serialization_error(
                f"Unsupported content type '{content_type}': expected application/x-amz-json-1.1."
            )
        try:
            params = json.loads(body) if body.strip() else {}
        except (ValueError, UnicodeDecodeError):
            raise serialization_error("The request body is not valid JSON.") from None
        checked = validate_input(model.input_shape, params)
        client = scope.get("client")
        return await self._backend.call(
            Call(
                service=service.model_name,
                operation=op_name,
                region=who.region,
                partition=who.partition,
                identity=who.identity,
                params=checked,
                request_id=request_id,
                source_ip=client[0] if client else None,
                secure_transport=scope.get("scheme") == "https",
            )
        )


def _error_body(error: AwsError) -> bytes:
    return json.dumps({"__type": error.code, "Message": error.message}).encode()
