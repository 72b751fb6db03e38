"""Requests for a region another node serves are relayed to it unchanged.

The client's SigV4 signature stays valid on the other node: the request keeps its
Host header and body, and the nodes share the account's credentials.
"""

from __future__ import annotations

import httpx

from kinko.protocol.asgi import Receive, Scope, Send, read_body, send_response

MAX_BODY = 2 * 1024 * 1024
_HOP_BY_HOP = {b"connection", b"keep-alive", b"transfer-encoding", b"content-length"}


def signed_region(scope: Scope) -> str | None:
    """The region in the Authorization header's credential scope, if any."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            marker = value.find(b"Credential=")
            if marker < 0:
                return None
            parts = value[marker + 11 :].split(b",")[0].split(b"/")
            return parts[2].decode("latin-1") if len(parts) >= 5 else None
    return None


class Forwarder:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def __call__(self, base: str, scope: Scope, receive: Receive, send: Send) -> None:
        body = await read_body(receive, MAX_BODY)
        query = scope.get("query_string", b"")
        url = base.rstrip("/") + scope["path"] + ("?" + query.decode("latin-1") if query else "")
        headers = [(k, v) for k, v in scope["headers"] if k not in _HOP_BY_HOP]
        try:
            response = await self._client.request(
                scope["method"], url, content=body, headers=headers
            )
        except httpx.HTTPError:
            payload = (
                b'{"__type": "ServiceUnavailableException", '
                b'"Message": "The node serving this region is unreachable."}'
            )
            await send_response(
                send, 503, payload, [(b"content-type", b"application/x-amz-json-1.1")]
            )
            return
        relayed = [
            (k.encode("latin-1"), v.encode("latin-1"))
            for k, v in response.headers.items()
            if k.encode("latin-1").lower() not in _HOP_BY_HOP
        ]
        await send_response(send, response.status_code, response.content, relayed)
