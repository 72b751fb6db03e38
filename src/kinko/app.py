"""The ASGI application: the AWS endpoint on `POST /`, Starlette for everything else.

The API path is a bare ASGI callable: on this hardware Starlette's request
machinery costs about half of a worker's throughput, and GetSecretValue is hot.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from kinko.api.dispatch import JSON_SERVICES, REST_SERVICES, KinkoBackend
from kinko.jobs import JobRunner
from kinko.protocol.asgi import Receive, Scope, Send
from kinko.protocol.awsjson import AwsJsonEndpoint
from kinko.protocol.restjson import RestJsonEndpoint
from kinko.runtime import Kinko
from kinko.settings import Settings


async def _health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


class KinkoApp:
    def __init__(self, settings: Settings) -> None:
        self.kinko = Kinko(settings.data_dir, settings.region_enable_seconds)
        self.jobs = JobRunner(self.kinko, settings.purge_interval)
        backend = KinkoBackend(self.kinko)
        self.api = AwsJsonEndpoint(backend, JSON_SERVICES)
        self.rest = RestJsonEndpoint(backend, REST_SERVICES)
        self.web = Starlette(routes=[Route("/health", _health)])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if scope["path"] == "/" and scope["method"] == "POST":
                await self.api(scope, receive, send)
            elif self.rest.handles(scope["method"], scope["path"]):
                await self.rest(scope, receive, send)
            else:
                await self.web(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.jobs.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.jobs.stop()
                self.kinko.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app() -> KinkoApp:
    """uvicorn's factory: each worker process builds its own app from the environment."""
    return KinkoApp(Settings.from_environment())
