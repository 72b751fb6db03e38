"""REST-JSON endpoints (the Account API): routes from botocore's model, JSON bodies.

Errors carry `x-amzn-ErrorType` and `{"__type", "message"}` with the HTTP status the
model gives the error shape (AccessDeniedException 403, ConflictException 409, …).
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any

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
from kinko.protocol.authn import authenticate, header_map
from kinko.protocol.awsjson import MAX_BODY_BYTES, Backend, Call
from kinko.protocol.model import service_model
from kinko.protocol.validation import validate_input

log = logging.getLogger("kinko.access")


@dataclass(frozen=True)
class Route:
    service: str  # botocore model name
    operation: str


class RestJsonEndpoint:
    def __init__(self, backend: Backend, services: list[str]) -> None:
        self._backend = backend
        self._routes: dict[tuple[str, str], Route] = {}
        self._signing: dict[str, str] = {}
        for name in services:
            model = service_model(name)
            self._signing[name] = model.signing_name
            for op_name in model.operation_names:
                http = model.operation_model(op_name).http
                self._routes[(http["method"], http["requestUri"])] = Route(name, op_name)

    def handles(self, method: str, path: str) -> bool:
        return (method, path) in self._routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = str(uuid.uuid4())
        route = self._routes[(scope["method"], scope["path"])]
        model = service_model(route.service).operation_model(route.operation)
        try:
            body = await read_body(receive, MAX_BODY_BYTES)
            status, payload = 200, await self._handle(scope, body, route, model, request_id)
        except ClientGone:
            return
        except BodyTooLarge:
            await self._error(
                send, request_id, AwsError("ValidationException", "Request too large", 413)
            )
            return
        except AwsError as error:
            await self._error(send, request_id, error, model)
            return
        except Exception:
            log.exception("request %s failed (%s)", request_id, route.operation)
            await self._error(send, request_id, internal_error())
            return
        await send_response(
            send,
            model.http.get("responseCode", status),
            payload,
            [(b"content-type", b"application/json"), (b"x-amzn-requestid", request_id.encode())],
        )

    async def _handle(
        self, scope: Scope, body: bytes, route: Route, model: Any, request_id: str
    ) -> bytes:
        headers = header_map(scope)
        who = authenticate(
            self._backend,
            scope,
            headers,
            body,
            {self._signing[route.service]},
            expected=self._signing[route.service],
        )
        try:
            params = json.loads(body) if body.strip() else {}
        except (ValueError, UnicodeDecodeError):
            raise serialization_error("The request body is not valid JSON.") from None
        checked = validate_input(model.input_shape, params)
        client = scope.get("client")
        result = await self._backend.call(
            Call(
                service=route.service,
                operation=route.operation,
                region=who.region,
                partition=who.partition,
                identity=who.identity,
                params=checked,
                request_id=request_id,
                source_ip=client[0] if client else None,
                secure_transport=scope.get("scheme") == "https",
            )
        )
        return json.dumps(result).encode()

    async def _error(self, send: Send, request_id: str, error: AwsError, model: Any = None) -> None:
        status = error.status
        if model is not None and status == 400:
            for shape in model.error_shapes:
                if shape.name == error.code:
                    status = shape.metadata.get("error", {}).get("httpStatusCode", 400)
        body = json.dumps({"__type": error.code, "message": error.message}).encode()
        await send_response(
            send,
            status,
            body,
            [
                (b"content-type", b"application/json"),
                (b"x-amzn-requestid", request_id.encode()),
                (b"x-amzn-errortype", error.code.encode()),
            ],
        )
