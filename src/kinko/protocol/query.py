"""The AWS Query endpoint (IAM, STS): form-encoded `POST /`, XML answers.

Order of checks, each failing with AWS's error: body size → SigV4 (the credential
scope's service picks the service: "iam" or "sts") → `Action` (MissingAction,
InvalidAction) and `Version` → parameters into the input shape → model validation →
operation. Errors are the XML `ErrorResponse` with the status the model gives the error
(NoSuchEntity 404, EntityAlreadyExists 409, ...; 400 otherwise). The authentication
errors shared with the JSON protocol are renamed to the query services' codes.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from botocore.model import OperationModel

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
from kinko.protocol.authn import INVALID_TOKEN, authenticate, header_map
from kinko.protocol.awsjson import Backend, Call
from kinko.protocol.form import decode_input, parse_form
from kinko.protocol.model import operation, service_model
from kinko.protocol.validation import validate_input
from kinko.protocol.xml import error_xml, response_xml

log = logging.getLogger("kinko.access")
MAX_BODY_BYTES = 1024 * 1024
CONTENT_TYPE = b"text/xml"
MISSING_ACTION = "The request is missing an action or a required parameter."
INTERNAL_FAILURE = "The request processing has failed because of an unknown error."

# The JSON protocol's codes → the query services' (code, message or None to keep, status).
_RENAMED: dict[str, tuple[str, str | None, int]] = {
    "UnrecognizedClientException": ("InvalidClientTokenId", INVALID_TOKEN, 403),
    "InvalidSignatureException": ("SignatureDoesNotMatch", None, 403),
    "MissingAuthenticationTokenException": (
        "MissingAuthenticationToken",
        "Request is missing Authentication Token",
        403,
    ),
    "IncompleteSignatureException": ("IncompleteSignature", None, 400),
    "ExpiredTokenException": ("ExpiredToken", None, 403),
    "AccessDeniedException": ("AccessDenied", None, 403),
    "ValidationException": ("ValidationError", None, 400),
    "SerializationException": ("ValidationError", None, 400),
    "InternalServiceError": ("InternalFailure", INTERNAL_FAILURE, 500),
}


@dataclass(frozen=True)
class QueryService:
    model_name: str  # botocore's service name: "iam", "sts"
    signing_name: str

    @property
    def namespace(self) -> str:
        namespace: str = service_model(self.model_name).metadata["xmlNamespace"]
        return namespace

    @property
    def version(self) -> str:
        version: str = service_model(self.model_name).api_version
        return version


@cache
def _error_statuses(model_name: str) -> dict[str, tuple[int, bool]]:
    """Error code → (HTTP status, sender fault) from the service model."""
    statuses = {}
    for shape in service_model(model_name).error_shapes:
        error = shape.metadata.get("error", {})
        status = int(error.get("httpStatusCode", 400))
        statuses[error.get("code", shape.name)] = (status, status < 500)
    return statuses


def query_error(error: AwsError, service: QueryService, request_id: str) -> tuple[int, bytes]:
    code, message, status = error.code, error.message, error.status
    renamed = _RENAMED.get(code)
    if renamed is not None:
        code, new_message, status = renamed
        message = new_message if new_message is not None else message
    else:
        status = _error_statuses(service.model_name).get(code, (status, True))[0]
    return status, error_xml(service.namespace, code, message, status < 500, request_id)


class QueryEndpoint:
    def __init__(self, backend: Backend, services: list[QueryService]) -> None:
        self._backend = backend
        self._services = {s.signing_name: s for s in services}
        self._default = services[0]

    def _service_of(self, headers: dict[str, str], action: str | None = None) -> QueryService:
        """The service the request claims, by its credential scope or else its Action (for
        the error namespace before the request is verified)."""
        try:
            claimed = sigv4.parse_authorization(headers.get("authorization")).service
        except AwsError:
            claimed = None
        if claimed in self._services:
            return self._services[claimed]
        for service in self._services.values():
            if action and operation(service.model_name, action) is not None:
                return service
        return self._default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = str(uuid.uuid4())
        started = time.perf_counter()
        headers = header_map(scope)
        service = self._service_of(headers)
        action = "-"
        try:
            body = await read_body(receive, MAX_BODY_BYTES)
            form = parse_form(body, scope.get("query_string", b""))
            action = form.get("Action") or "-"
            service = self._service_of(headers, action)
            payload = await self._handle(scope, headers, body, form, request_id)
            status = 200
        except ClientGone:
            return
        except BodyTooLarge:
            too_large = AwsError(
                "RequestEntityTooLarge",
                f"Request body exceeds the maximum of {MAX_BODY_BYTES} bytes.",
                413,
            )
            status, payload = query_error(too_large, service, request_id)
        except AwsError as error:
            status, payload = query_error(error, service, request_id)
        except Exception:
            log.exception("request %s failed (%s)", request_id, action)
            status, payload = (
                500,
                error_xml(
                    service.namespace, "InternalFailure", INTERNAL_FAILURE, False, request_id
                ),
            )
        await send_response(
            send,
            status,
            payload,
            [(b"content-type", CONTENT_TYPE), (b"x-amzn-requestid", request_id.encode())],
        )
        elapsed = (time.perf_counter() - started) * 1000
        level = logging.DEBUG if status == 200 else logging.INFO
        name = f"{service.model_name}.{action}"
        log.log(level, "%s %s %d %.1fms", request_id, name, status, elapsed)

    async def _handle(
        self,
        scope: Scope,
        headers: dict[str, str],
        body: bytes,
        form: dict[str, str],
        request_id: str,
    ) -> bytes:
        who = authenticate(self._backend, scope, headers, body, self._services)
        service = self._services[who.service]
        model = self._operation(service, form)
        params = validate_input(model.input_shape, decode_input(model.input_shape, form))
        client = scope.get("client")
        result = await self._backend.call(
            Call(
                service=service.model_name,
                operation=model.name,
                region=who.region,
                partition=who.partition,
                identity=who.identity,
                params=params,
                request_id=request_id,
                source_ip=client[0] if client else None,
                secure_transport=scope.get("scheme") == "https",
            )
        )
        return response_xml(model, service.namespace, result, request_id)

    def _operation(self, service: QueryService, form: dict[str, Any]) -> OperationModel:
        action = form.get("Action")
        if not action:
            raise AwsError("MissingAction", MISSING_ACTION)
        version = form.get("Version") or service.version
        model = operation(service.model_name, action) if version == service.version else None
        if model is None or not self._backend.supports(service.model_name, action):
            raise AwsError(
                "InvalidAction", f"Could not find operation {action} for version {version}"
            )
        return model
