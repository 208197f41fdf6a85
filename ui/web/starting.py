"""What the server answers while the Gradio page is being built (3–4 s after start, most of it
importing Gradio): the routes already there (API, health, readiness, metrics) as usual, a
light page of its own at ``/`` that translates and summarises through the REST API, and 503
with Retry-After for the page's other paths."""

from __future__ import annotations

import enum
import json
from importlib import resources

from starlette.routing import Match, Router

from .guards import ASGIApp, Receive, Scope, Send, send_error

RETRY_AFTER_SECONDS = 1
TRY_AGAIN_LATER = 1013  # the WebSocket close code


class PageState(enum.Enum):
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


class StartingPage:
    """In front of the app until the page is up (``state`` READY), then out of the way.

    ``interactive`` False (a login or API keys are required) keeps the starting page to a
    notice that reloads itself: it must not let anyone use the models the login guards."""

    def __init__(self, app: ASGIApp, router: Router, *, interactive: bool, max_chars: int) -> None:
        self.app = app
        self.routes = list(router.routes)  # the routes there before the page
        self.state = PageState.LOADING
        template = resources.files(__package__).joinpath("assets", "starting.html").read_text(encoding="utf-8")
        settings = json.dumps({"interactive": interactive, "maxChars": max_chars})
        self.html = template.replace("__SETTINGS__", settings).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.state == PageState.READY or scope["type"] not in ("http", "websocket") or self._routed(scope):
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": TRY_AGAIN_LATER})
        if scope["path"] == "/" and scope["method"] in ("GET", "HEAD"):
            return await self._page(scope, send)
        if self.state == PageState.FAILED:
            return await send_error(send, 500, "The web page failed to start; the details are in the server's log.")
        retry = [(b"retry-after", str(RETRY_AFTER_SECONDS).encode())]
        await send_error(send, 503, "The web page is starting: try again in a moment.", retry)

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
