"""The ASGI application: the AWS endpoint on `POST /`, Starlette for everything else.

The API path is a bare ASGI callable: on this hardware Starlette's request
machinery costs about half of a worker's throughput, and GetSecretValue is hot.
"""

from __future__ import annotations

import logging
import ssl

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kinko.api.dispatch import JSON_SERVICES, QUERY_SERVICES, REST_SERVICES, KinkoBackend
from kinko.cluster.endpoint import ClusterEndpoint
from kinko.cluster.forward import Forwarder, signed_region
from kinko.cluster.transport import HttpTransport
from kinko.jobs import JobRunner
from kinko.metrics import exposition
from kinko.protocol.asgi import Receive, Scope, Send
from kinko.protocol.awsjson import AwsJsonEndpoint
from kinko.protocol.query import QueryEndpoint
from kinko.protocol.restjson import RestJsonEndpoint
from kinko.runtime import Kinko
from kinko.settings import Settings


async def _health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def _metrics(request: Request) -> Response:
    body, content_type = exposition()
    return Response(body, media_type=content_type)


def _is_form(scope: Scope) -> bool:
    """AWS Query requests (IAM, STS) are form-encoded; JSON ones never are."""
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bool(value.lower().startswith(b"application/x-www-form-urlencoded"))
    return False


class KinkoApp:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.peers = httpx.AsyncClient(
            verify=ssl.create_default_context(cafile=settings.peer_ca_file),
            timeout=httpx.Timeout(30.0, connect=2.0),
        )
        remote = HttpTransport(settings.peers, settings.cluster_secret, client=self.peers)
        self.kinko = Kinko(
            settings.data_dir,
            settings.region_enable_seconds,
            regions=settings.regions,
            remote=remote,
        )
        self.cluster = ClusterEndpoint(self.kinko, settings.cluster_secret)
        self.forward = Forwarder(self.peers)
        self.jobs = JobRunner(self.kinko, settings.purge_interval)
        backend = KinkoBackend(self.kinko)
        self.api = AwsJsonEndpoint(backend, JSON_SERVICES)
        self.query = QueryEndpoint(backend, QUERY_SERVICES)
        self.rest = RestJsonEndpoint(backend, REST_SERVICES)
        self.web = Starlette(routes=[Route("/health", _health), Route("/metrics", _metrics)])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if scope["path"] == "/" and scope["method"] == "POST":
                if await self._forwarded(scope, receive, send):
                    return
                if _is_form(scope):
                    await self.query(scope, receive, send)
                else:
                    await self.api(scope, receive, send)
            elif self.cluster.handles(scope["path"]):
                await self.cluster(scope, receive, send)
            elif self.rest.handles(scope["method"], scope["path"]):
                await self.rest(scope, receive, send)
            else:
                await self.web(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def _forwarded(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """Relay a regional API call to the node that serves its region, if not this one.

        Global services (IAM, STS, Account) are answered by every node from its own store.
        """
        region = signed_region(scope)
        if region is None or _is_form(scope) or self.kinko.hosts(region):
            return False
        base = self.settings.peers.get(region)
        if base is None:
            return False  # the endpoint answers: unknown regions are refused there
        await self.forward(base, scope, receive, send)
        return True

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.jobs.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.jobs.stop()
                await self.peers.aclose()
                self.kinko.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app() -> KinkoApp:
    """uvicorn's factory: each worker process builds its own app from the environment."""
    settings = Settings.from_environment()
    configure_logging(settings.log_level)
    return KinkoApp(settings)


def configure_logging(level: str) -> None:
    """Worker processes start fresh: give them the serve command's log format and level."""
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
    # httpx logs every peer request at INFO; our own replication lines say more.
    logging.getLogger("httpx").setLevel(logging.WARNING)
