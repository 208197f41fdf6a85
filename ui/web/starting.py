"""What the server answers while the Gradio page is being built (3–4 s after start, most of it
importing Gradio): the routes already there (API, health, readiness, metrics) as usual, a
light page of its own at ``/`` that translates and summarises through the REST API, and 503
with Retry-After for the page's other paths."""

from __future__ import annotations

import asyncio
import enum
import json
import re
import time
from collections.abc import Sequence
from importlib import resources

from starlette.routing import BaseRoute, Match

from .guards import ASGIApp, HttpError, Receive, Scope, Send

RETRY_AFTER_SECONDS = 1
PAGE_WAIT_SECONDS = 30.0
POLL_SECONDS = 0.05
# What gradio_client reads first: the page's config and its API description.
WAITS_FOR_PAGE = re.compile(r"^/(?:config|gradio_api/info|gradio_api/openapi\.json|info)/?$")
TRY_AGAIN_LATER = 1013  # the WebSocket close code


class PageState(enum.Enum):
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


class StartingPage:
    """In front of the app until the page is up (``state`` READY), then out of the way. Only
    callers the access guard let in get here: with a login, the starting page is theirs too.

    Gradio's config and API description (what ``gradio_client`` asks for first, the moment
    the port answers) wait for the page, up to ``PAGE_WAIT_SECONDS``, instead of failing."""

    def __init__(self, routes: Sequence[BaseRoute], *, max_chars: int) -> None:
        self.routes = list(routes)  # the server's own, there before the page
        self.state = PageState.LOADING
        template = resources.files(__package__).joinpath("assets", "starting.html").read_text(encoding="utf-8")
        settings = json.dumps({"maxChars": max_chars})
        self.html = template.replace("__SETTINGS__", settings).encode()

    def middleware(self, app: ASGIApp) -> ASGIApp:
        async def starting(scope: Scope, receive: Receive, send: Send) -> None:
            if self.state == PageState.LOADING and WAITS_FOR_PAGE.match(scope.get("path", "")):
                await self._page_settled()
            if self.state == PageState.READY or scope["type"] not in ("http", "websocket") or self._routed(scope):
                return await app(scope, receive, send)
            if scope["type"] == "websocket":
                return await send({"type": "websocket.close", "code": TRY_AGAIN_LATER})
            if scope["path"] == "/" and scope["method"] in ("GET", "HEAD"):
                return await self._page(scope, send)
            if self.state == PageState.FAILED:
                failed = HttpError(500, "The web page failed to start; the details are in the server's log.")
                return await failed.response()(scope, receive, send)
            retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
            await HttpError(503, "The web page is starting: try again in a moment.", retry).response()(scope, receive, send)

        return starting

    async def _page_settled(self) -> None:
        deadline = time.monotonic() + PAGE_WAIT_SECONDS
        while self.state == PageState.LOADING and time.monotonic() < deadline:
            await asyncio.sleep(POLL_SECONDS)

    def _routed(self, scope: Scope) -> bool:
        return any(route.matches(scope)[0] != Match.NONE for route in self.routes)

    async def _page(self, scope: Scope, send: Send) -> None:
        headers = [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"content-length", str(len(self.html)).encode()),
            (b"cache-control", b"no-store"),  # the real page replaces it at this address
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else self.html})
