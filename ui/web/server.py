"""The web server: a Starlette app run by uvicorn, behind one declared stack of middlewares that
every request crosses (``MIDDLEWARE ORDER`` in ``_asgi``: errors in shape, host, body size,
access, origins, methods, API names, stopping), with the REST API, /health, /ready and
/metrics, and Gradio's page mounted at ``/``.

It listens before the page exists: importing Gradio and building the page take seconds, so the
API and a light starting page (``starting``) answer as soon as the models are loaded, and the
page is mounted when built (``page``).

SIGTERM and SIGINT (what systemd, docker and Ctrl-C send) stop it cleanly: new work is
refused, jobs waiting in the queue are told so at once, running jobs get
``shutdown_grace_seconds`` to finish (or are ended with a message saying why), the temporary
files go, and the process exits 0. A second Ctrl-C stops at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Collection
from types import FrameType
from typing import TYPE_CHECKING, Any

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..article import LoadedModels
from ..article.models import ModelState
from ..config import AppConfig, parse_span
from .access import AccessGuard, signed_in
from .credentials import AccessPolicy
from .draining import Draining, RefuseWhileDraining
from .guards import ASGIApp, KnownApiNames, OriginGuard, RequestLimits, is_new_work
from .library_routes import LibraryRoutes
from .metrics import CONTENT_TYPE, Metrics
from .rest import RestApi, RestError, rest_error_response
from .scratch import ScratchLimits, process_scratch
from .shape import JsonErrors, MergeSlashes, MethodCheck
from .starting import PageState, StartingPage

if TYPE_CHECKING:
    from ..sources.poller import BackgroundPolls
    from .page import GradioPage

logger = logging.getLogger("passerelle.web")

CORS_METHODS = ("GET", "POST")
CORS_HEADERS = ("Content-Type", "Authorization", "X-API-Key")
# Beyond the grace period, time for the last messages to reach the clients.
DELIVERY_SECONDS = 3.0
LAST_WORDS_SECONDS = 0.5
STARTUP_TIMEOUT_SECONDS = 60.0
WARM_UP_EXIT_SECONDS = 30.0  # how long an exit waits for models still loading
MODELS_BEFORE_PAGE_SECONDS = 30.0  # the page is built once the models are loaded, or after this


class WebServer:
    """One server: the page, the API and the operators' routes, on ``config.host:port``."""

    def __init__(self, config: AppConfig, services: LoadedModels | None = None) -> None:
        self.config = config
        self.services = services or LoadedModels(config)
        self.scratch = process_scratch(ScratchLimits(config.temp_ttl_seconds, config.max_temp_files, config.max_temp_bytes))
        self.draining = Draining()
        self.access = AccessPolicy(config)
        self.metrics = Metrics(self._queue_length)
        self.library = LibraryRoutes(config)
        self.page: GradioPage | None = None
        self._page_lifespan = contextlib.AsyncExitStack()
        self.base_app = self._base_app()
        self.app = self._asgi()
        self._uvicorn: _Uvicorn | None = None
        self._thread: threading.Thread | None = None

    # The app ----------------------------------------------------------------------------------

    def _base_app(self) -> Starlette:
        """The routes that answer from the start (the page joins them when built). Plain
        Starlette: FastAPI's import alone costs a quarter of a second before listening."""
        config = self.config
        operators = [
            Route("/health", self._health, methods=["GET"]),
            Route("/ready", self._ready, methods=["GET"]),
            Route("/metrics", self._metrics_route, methods=["GET"]),
        ]
        self.rest = RestApi(config, self.services, self.scratch, self.metrics, self.access, library=self.library.library)
        return Starlette(
            routes=operators + self.rest.routes() + self.library.routes(),
            # Gradio adds no CORS headers of its own when the parent app has a CORS policy: this
            # one allows no other origin unless configured (Gradio echoed any Host into it).
            middleware=[
                Middleware(
                    CORSMiddleware,
                    allow_origins=list(config.allowed_origins),
                    allow_methods=list(CORS_METHODS),
                    allow_headers=list(CORS_HEADERS),
                    allow_credentials=False,
                )
            ],
            exception_handlers={RestError: rest_error_response},
            lifespan=self._lifespan,
        )

    def _asgi(self) -> ASGIApp:
        """The one stack every request crosses, outermost first; a route added to the app,
        the page's included, is behind all of it by construction."""
        config = self.config
        own_routes = list(self.base_app.router.routes)  # the server's own, before the page's mount
        self.starting = StartingPage(own_routes, max_chars=config.max_chars)
        stack = [
            Middleware(self.metrics.middleware),  # every answer counted, refusals included
            Middleware(JsonErrors),  # every error as {"error": ...}, never a traceback
            Middleware(MergeSlashes),  # a base URL with a trailing slash
            Middleware(TrustedHostMiddleware, allowed_hosts=config.hosts()),  # DNS rebinding
            Middleware(
                RequestLimits, max_bytes=config.max_request_bytes, max_upload_bytes=config.max_upload_bytes, max_files=config.max_files
            ),
            Middleware(AccessGuard, policy=self.access),  # login, keys, rates: one rule for every way in
            Middleware(OriginGuard, allowed_origins=config.allowed_origins),  # cross-site posts
            Middleware(MethodCheck, routes=own_routes),  # 405, not the page's 404
            Middleware(self.starting.middleware),  # until the page is up
            Middleware(KnownApiNames, names=self._api_names, indexes=self._fn_indexes),
            Middleware(RefuseWhileDraining, draining=self.draining, work_paths=is_new_work),
        ]
        app: ASGIApp = self.base_app
        for factory, args, options in reversed(stack):
            app = factory(app, *args, **options)
        return app

    def _api_names(self) -> set[str]:
        return self.page.api_names() if self.page is not None else set()

    def _fn_indexes(self) -> Collection[int]:
        return self.page.fn_indexes() if self.page is not None else ()

    def _queue_length(self) -> float:
        return self.page.queue_length() if self.page is not None else 0.0

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        yield
        await self._page_lifespan.aclose()  # the page's queue, if it was mounted
        self.rest.close()  # its fetcher
        self.library.close()

    # The page ---------------------------------------------------------------------------------

    def open_page(self) -> None:
        """Import Gradio, build the page, mount it and start its queue in the server's event
        loop; from then on ``/`` is the page. A failure is logged and shown at ``/`` and in
        ``/ready``; the API keeps working."""
        loop = self._uvicorn.loop if self._uvicorn is not None else None
        if loop is None:
            raise RuntimeError("open_page needs the server running")
        try:
            from .page import GradioPage

            page = GradioPage(self.base_app, self.config, self.services, self.scratch, self.metrics, self.access, self.library.library)
            asyncio.run_coroutine_threadsafe(self._start_page(page), loop).result(STARTUP_TIMEOUT_SECONDS)
        except Exception:
            logger.exception("the web page failed to start")
            self.starting.state = PageState.FAILED
            raise

    async def _start_page(self, page: GradioPage) -> None:
        await self._page_lifespan.enter_async_context(page.running())
        self.page = page
        self.starting.state = PageState.READY

    async def _health(self, _request: Request) -> JSONResponse:
        """Alive: the server answers (whatever the models' state)."""
        return JSONResponse({"status": "ok"})

    async def _ready(self, request: Request) -> JSONResponse:
        """Ready: every model is loaded (503 while one is loading or has failed), so the API
        answers; ``page`` says whether the full page is up yet (the starting page answers
        until then). Behind a login, strangers learn only ready or not (no paths)."""
        ready = self.services.ready(summarize=True) and not self.draining.active
        status_word = "ready" if ready else "shutting down" if self.draining.active else "not ready"
        body: dict[str, Any] = {"status": status_word}
        if not self.access.locked or signed_in(request.scope):
            models = {role: {"state": item.state.value, "detail": item.detail} for role, item in self.services.status().items()}
            body.update(models=models, page=self.starting.state.value)
        return JSONResponse(body, status_code=200 if ready else 503)

    async def _metrics_route(self, _request: Request) -> Response:
        return Response(self.metrics.exposition(), media_type=CONTENT_TYPE)

    # Running ----------------------------------------------------------------------------------

    def _server(self) -> _Uvicorn:
        grace = self.config.shutdown_grace_seconds
        settings = uvicorn.Config(
            self.app,
            host=self.config.host,
            port=self.config.port,
            log_level="warning",
            timeout_graceful_shutdown=int(grace + DELIVERY_SECONDS),
            server_header=False,
            # X-Forwarded-For and -Proto only from the configured proxies: from anyone else they
            # would choose the client's address (lockouts, rates) and scheme.
            proxy_headers=bool(self.config.trusted_proxies),
            forwarded_allow_ips=list(self.config.trusted_proxies),
        )
        return _Uvicorn(settings, self._begin_stop)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.config.host in ("0.0.0.0", "::") else self.config.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.config.port}/"

    local_url = url  # the name Gradio's launched apps use

    def run(self, sock: socket.socket | None = None) -> None:
        """Serve until SIGTERM or SIGINT, then stop cleanly (see the module's docstring); the
        page is built in the background meanwhile. ``sock``: already bound (``passerelle ui``
        binds it before loading the models, so a busy port is reported at once)."""
        self._uvicorn = self._server()
        threading.Thread(target=self._open_page_when_listening, name="passerelle-page", daemon=True).start()
        polls = self._background_polls()
        try:
            self._uvicorn.run(sockets=[sock] if sock is not None else None)
        finally:
            if polls is not None:
                polls.stop()
            self.scratch.close()

    def _background_polls(self) -> BackgroundPolls | None:
        """The followed feeds polled every ``feeds_every`` (off by default)."""
        if not self.config.feeds_every:
            return None
        from ..sources.poller import BackgroundPolls

        return BackgroundPolls(self.config, self.services, parse_span(self.config.feeds_every)).start()

    def _open_page_when_listening(self) -> None:
        if not self._wait_listening(lambda: True):
            return
        # Gradio's import and the models' loading compete for the cores and the GIL: the
        # models first, so the API and the starting page can answer sooner.
        self.services.wait_warm_up(MODELS_BEFORE_PAGE_SECONDS)
        self._say_ready()
        try:
            self.open_page()
        except Exception:  # noqa: BLE001  # open_page logged it; / and /ready show it
            return

    def start(self, *, page: bool = True) -> WebServer:
        """Serve in a background thread (signals stay with the caller); returns once listening
        and, unless ``page`` is False (then ``open_page`` adds it), with the page up."""
        self._uvicorn = self._server()
        self._thread = threading.Thread(target=self._uvicorn.run, name="passerelle-web", daemon=True)
        self._thread.start()
        if not self._wait_listening(self._thread.is_alive):
            raise RuntimeError(f"the web server did not start on {self.config.host}:{self.config.port}")
        if page:
            self.open_page()
        return self

    def _say_ready(self) -> None:
        """Ready only when it is: every model loaded; otherwise what failed, once."""
        failed = {role: item.detail for role, item in self.services.status().items() if item.state == ModelState.FAILED}
        if not failed and self.services.ready(summarize=True):
            print(f"Passerelle is ready on {self.url} (Ctrl-C to stop)", flush=True)
        elif failed:
            roles = " and ".join(sorted(failed))
            print(
                f"Passerelle answers on {self.url}, but the {roles} model could not be loaded (see above; /ready says why)",
                file=sys.stderr,
                flush=True,
            )
        else:
            print(f"Passerelle answers on {self.url}; the models are still loading (/ready says when they are)", flush=True)

    def _wait_listening(self, alive: Callable[[], bool]) -> bool:
        """Whether the server came to listen (False: it stopped or timed out first)."""
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while self._uvicorn is None or not self._uvicorn.started:
            if not alive() or time.monotonic() > deadline or (self._uvicorn is not None and self._uvicorn.should_exit):
                return False
            time.sleep(0.02)
        return True

    def close(self) -> None:
        """Stop a server started with ``start``, as a signal would (its scratch files stay for
        the process's other servers; they go when the process ends)."""
        server = self._uvicorn
        if server is not None and server.loop is not None and not server.loop.is_closed():
            server.loop.call_soon_threadsafe(self._begin_stop)
        if self._thread is not None:
            self._thread.join(timeout=self.config.shutdown_grace_seconds + DELIVERY_SECONDS + 5)

    # Stopping ---------------------------------------------------------------------------------

    def _begin_stop(self) -> None:
        """In the event loop: refuse new work, let uvicorn stop listening, drain the queue."""
        if self.draining.active or self._uvicorn is None:
            return
        self.draining.since = time.monotonic()
        logger.warning("stopping: no new work; running jobs have %.0f s to finish", self.config.shutdown_grace_seconds)
        self._uvicorn.should_exit = True
        asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        """Tell waiting jobs at once, give running ones the grace period, tell those still
        running, then close what is left open (the pages' heartbeats) so the stop ends."""
        grace = self.config.shutdown_grace_seconds
        await asyncio.gather(self.page.drain(grace) if self.page is not None else asyncio.sleep(0), self.draining.settle(grace))
        await asyncio.sleep(LAST_WORDS_SECONDS)
        assert self._uvicorn is not None
        for connection in list(self._uvicorn.server_state.connections):
            transport = getattr(connection, "transport", None)
            if transport is not None:
                transport.close()


class _Uvicorn(uvicorn.Server):
    """uvicorn, whose signal handler hands the stop to Passerelle (``on_stop``, run in the
    event loop). Unlike uvicorn's own, it does not raise the signal again once stopped: a
    clean stop exits 0."""

    def __init__(self, config: uvicorn.Config, on_stop: Callable[[], None]) -> None:
        super().__init__(config)
        self.on_stop = on_stop
        self.loop: asyncio.AbstractEventLoop | None = None

    async def serve(self, sockets: Any = None) -> None:
        self.loop = asyncio.get_running_loop()
        await super().serve(sockets)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True  # a second Ctrl-C: stop now
            return
        if self.loop is None:
            self.should_exit = True
        else:
            self.loop.call_soon_threadsafe(self.on_stop)


def serve(config: AppConfig, services: LoadedModels | None = None, *, share: bool = False) -> WebServer:
    """A server running in the background (for tests and embedding); ``close()`` stops it."""
    if share:
        raise ValueError("Passerelle never opens a public share link; put it behind your own proxy instead.")
    return WebServer(config, services).start()


def launch(config: AppConfig, services: LoadedModels | None = None, sock: socket.socket | None = None) -> None:
    """Serve until stopped (what ``passerelle ui`` runs). The models load in the background
    meanwhile (``passerelle ui`` starts that before importing the web app), so the first
    request does not wait for them; the process waits for a load under way before exiting.
    It says it is ready once the models are loaded (or what failed)."""
    services = services or LoadedModels(config)
    services.start_warm_up()
    server = WebServer(config, services)
    try:
        server.run(sock)
    finally:
        services.close()
        if not services.wait_warm_up(WARM_UP_EXIT_SECONDS):
            logger.warning("models were still loading after %.0f s: exiting anyway", WARM_UP_EXIT_SECONDS)
