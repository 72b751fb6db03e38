"""Authenticating a request: SigV4 header → a known identity in a region.

Shared by every protocol (JSON, query, REST). Checks, each failing with AWS's
error: Authorization present and well formed, the scope's service is one this
endpoint signs for, the scope's region is known, the access key (and session token)
is valid, X-Amz-Date within 5 minutes, the signature, and the region enabled.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from kinko.errors import AwsError
from kinko.protocol import sigv4
from kinko.protocol.asgi import Scope
from kinko.regions import partition_of

INVALID_TOKEN = "The security token included in the request is invalid."


class CredentialSource(Protocol):
    def credential(
        self, access_key_id: str, partition: str, session_token: str | None
    ) -> tuple[str, Any] | None:
        """(secret access key, identity) for a valid key, else None; may raise AwsError
        (an expired session token, say)."""

    def region_enabled(self, identity: Any, region: str) -> bool:
        """Whether the identity's account may use `region` (opt-in regions)."""


@dataclass(frozen=True)
class Authenticated:
    region: str
    partition: str
    service: str  # the signing name in the credential scope
    identity: Any


def unrecognized_client() -> AwsError:
    return AwsError("UnrecognizedClientException", INVALID_TOKEN)


def authenticate(
    source: CredentialSource,
    scope: Scope,
    headers: dict[str, str],
    body: bytes,
    services: Collection[str],
    expected: str | None = None,
) -> Authenticated:
    """Verify the request; `expected` is the signing name the target requires (if known),
    `services` the signing names this endpoint accepts otherwise."""
    auth = sigv4.parse_authorization(headers.get("authorization"))
    wanted = expected if expected is not None else auth.service
    if auth.service != wanted or auth.service not in services:
        raise sigv4.invalid_signature(
            f"Credential should be scoped to correct service: '{wanted}'. "
        )
    partition = partition_of(auth.region)
    if partition is None:
        raise sigv4.invalid_signature(
            f"Credential should be scoped to a valid region, not '{auth.region}'. "
        )
    found = source.credential(auth.access_key_id, partition, headers.get("x-amz-security-token"))
    if found is None:
        raise unrecognized_client()
    secret, identity = found
    signed_at = sigv4.request_time(headers)
    amz_date = headers["x-amz-date"]
    if amz_date[:8] != auth.date:
        raise sigv4.invalid_signature(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{auth.date}' != '{amz_date[:8]}', from '{amz_date}'."
        )
    sigv4.check_freshness(signed_at, datetime.now(UTC))
    sigv4.verify(
        auth,
        secret,
        scope["method"],
        scope.get("raw_path", b"/").decode("latin-1") or "/",
        scope.get("query_string", b"").decode("latin-1"),
        headers,
        body,
        amz_date,
    )
    if not source.region_enabled(identity, auth.region):
        # AWS answers a call into an opt-in region the account has not enabled as if
        # the credentials did not exist there.
        raise unrecognized_client()
    return Authenticated(auth.region, partition, auth.service, identity)


def header_map(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
