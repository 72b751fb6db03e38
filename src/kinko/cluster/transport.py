"""Replication to a region served by another node: signed HTTP(S) with httpx."""

from __future__ import annotations

import json
from typing import Any

import httpx

from kinko.cluster.signing import sign
from kinko.domain.replication.payload import ApplyResult, SecretState
from kinko.domain.replication.transport import InProcessTransport, Unreachable

CLUSTER_PATH = "/_kinko/cluster/"


class HttpTransport:
    def __init__(
        self,
        peers: dict[str, str],
        secret: str | None,
        verify: str | bool = True,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._peers = peers
        self._secret = secret
        # An injected client lets tests put an in-process ASGI transport underneath.
        self._client = client or httpx.AsyncClient(
            verify=verify, timeout=httpx.Timeout(10.0, connect=2.0)
        )

    async def _call(self, region: str, operation: str, payload: dict[str, Any]) -> Any:
        base = self._peers.get(region)
        if base is None:
            raise Unreachable(f"no node serves region {region}")
        if self._secret is None:
            raise Unreachable("no cluster secret configured (--cluster-secret)")
        url = base.rstrip("/") + CLUSTER_PATH + operation
        body = json.dumps(payload).encode()
        headers = sign(url, region, body, self._secret)
        try:
            response = await self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise Unreachable(f"{base}: {exc.__class__.__name__}") from None
        if response.status_code >= 500 or response.status_code in (401, 403, 404):
            raise Unreachable(f"{base} answered {response.status_code}")
        if response.status_code != 200:
            raise Unreachable(f"{base} refused: {response.text[:200]}")
        return response.json()

    async def apply(self, region: str, states: list[SecretState]) -> list[ApplyResult]:
        answer = await self._call(region, "apply", {"states": [s.to_json() for s in states]})
        return [ApplyResult.from_json(item) for item in answer["results"]]

    async def delete(self, region: str, primary_arn: str) -> None:
        await self._call(region, "delete", {"primary_arn": primary_arn})

    async def detach(self, region: str, primary_arn: str, replica_region: str) -> None:
        await self._call(
            region, "detach", {"primary_arn": primary_arn, "replica_region": replica_region}
        )

    async def accessed(
        self, region: str, primary_arn: str, replica_region: str, accessed: float
    ) -> None:
        await self._call(
            region,
            "accessed",
            {"primary_arn": primary_arn, "replica_region": replica_region, "accessed": accessed},
        )

    async def close(self) -> None:
        await self._client.aclose()


class RoutingTransport:
    """In-process for regions this node serves, HTTP for the others."""

    def __init__(self, local: InProcessTransport, remote: HttpTransport, hosts: Any) -> None:
        self._local = local
        self._remote = remote
        self._hosts = hosts

    def _pick(self, region: str) -> InProcessTransport | HttpTransport:
        return self._local if self._hosts(region) else self._remote

    async def apply(self, region: str, states: list[SecretState]) -> list[ApplyResult]:
        return await self._pick(region).apply(region, states)

    async def delete(self, region: str, primary_arn: str) -> None:
        await self._pick(region).delete(region, primary_arn)

    async def detach(self, region: str, primary_arn: str, replica_region: str) -> None:
        await self._pick(region).detach(region, primary_arn, replica_region)

    async def accessed(
        self, region: str, primary_arn: str, replica_region: str, accessed: float
    ) -> None:
        await self._pick(region).accessed(region, primary_arn, replica_region, accessed)
