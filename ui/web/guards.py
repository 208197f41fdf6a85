"""Checks every request passes before the app reads it, as small ASGI middlewares: body size
(declared or streamed), files per upload, wrong logins, the origin of state-changing requests,
unknown API names, and a server that is shutting down. Each refusal is a JSON
``{"error": ...}`` with the status a client can act on, never a traceback."""

from __future__ import annotations

import json
import re
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Collection, Mapping
from typing import Any
from urllib.parse import urlsplit

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["ASGIApp", "Message", "Receive", "Scope", "Send"]

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
UPLOAD_PATH = re.compile(r"^/(?:gradio_api/upload|translate_file)/?$")
# The REST API's routes that run the models.
REST_WORK = re.compile(r"^/(?:translate|translate_file|detect|summarize)/?$")
# Where Gradio runs a named endpoint: /gradio_api/call/NAME (or call/v2/NAME), /gradio_api/api/NAME, /gradio_api/run/NAME.
API_CALL = re.compile(r"^/gradio_api/(?P<kind>call|api|run)/(?:v2/)?(?P<name>[^/]+)")
QUEUE_JOIN = re.compile(r"^/gradio_api/queue/join/?$")
FILE_PART = re.compile(rb'filename="')


class HttpError(Exception):
    """An answer of ``status`` with ``{"error": message}`` and ``headers``: how the guards, the
    REST API and the library routes refuse a request or report a failure, raised in a route
    (the app answers it) or answered by a middleware (``await error.response()(scope, receive, send)``)."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})

    def response(self) -> Response:
        return Response(error_body(self.message or "Invalid request"), self.status, self.headers, media_type="application/json")


def error_body(message: str) -> bytes:
    """``{"error": message}``, as clients of LibreTranslate-like APIs expect it."""
    return json.dumps({"error": message}).encode("utf-8")


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


class RequestLimits:
    """Bodies over ``max_bytes`` (``max_upload_bytes`` for uploads) and uploads of more than
    ``max_files`` files are refused with 413, whether the size is declared or streamed: a
    streamed body is counted as it arrives, answered 413 as soon as it is over, and the app
    is told the client left (so it stops reading)."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_upload_bytes: int, max_files: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_upload_bytes = max_upload_bytes
        self.max_files = max_files

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        upload = bool(UPLOAD_PATH.match(scope["path"]))
        limit = self.max_upload_bytes if upload else self.max_bytes
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return await HttpError(413, f"The request is {int(declared):,} bytes; the limit is {limit:,}.").response()(scope, receive, send)
        state: dict[str, Any] = {"bytes": 0, "files": 0, "tail": b"", "started": False, "refused": False}

        async def refuse(message: str) -> Message:
            if not state["started"]:
                state["started"] = state["refused"] = True
                await HttpError(413, message).response()(scope, receive, send)
            return {"type": "http.disconnect"}

        async def counting() -> Message:
            message = await receive()
            if message["type"] != "http.request":
                return message
            chunk = message.get("body", b"")
            state["bytes"] += len(chunk)
            if state["bytes"] > limit:
                return await refuse(f"The request is over the limit of {limit:,} bytes.")
            if upload:
                window = state["tail"] + chunk
                state["files"] += len(FILE_PART.findall(window)) - len(FILE_PART.findall(state["tail"]))
                state["tail"] = window[-16:]
                if state["files"] > self.max_files:
                    return await refuse(f"At most {self.max_files} files can be uploaded at once.")
            return message

        async def tracking(message: Message) -> None:
            if state["refused"]:
                return  # the app's own answer to a body it did not get
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        await self.app(scope, counting, tracking)


class RecentEvents:
    """For each key (a client, an API key), the times of its events in the last ``window``
    seconds; keys gone quiet are forgotten, so memory stays bounded whoever calls."""

    MAX_KEYS = 10_000

    def __init__(self, window: float) -> None:
        self.window = window
        self._times: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def add_if_under(self, key: str, limit: int, now: float) -> float | None:
        """Record an event unless ``key`` already has ``limit`` of them in the window; then
        return the time the oldest of them was (when it leaves the window, one more fits)."""
        with self._lock:
            times = self._times[key]
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= limit:
                return times[0] if times else now
            times.append(now)
            if len(self._times) > self.MAX_KEYS:
                for quiet in [k for k, t in self._times.items() if not t or t[-1] <= now - self.window]:
                    del self._times[quiet]
            return None

    def forget(self, key: str) -> None:
        with self._lock:
            self._times.pop(key, None)


class OriginGuard:
    """State-changing requests sent by a web page of another origin (a cross-site form post,
    a script on another site) are refused with 403, unless that origin is allowed. Requests
    without an Origin header (scripts, command-line clients) are not browser cross-site ones."""

    def __init__(self, app: ASGIApp, allowed_origins: Collection[str]) -> None:
        self.app = app
        self.allowed = {origin.rstrip("/").lower() for origin in allowed_origins}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS:
            origin = header(scope, b"origin")
            if origin and not self._same_or_allowed(origin, header(scope, b"host") or ""):
                return await HttpError(403, f"Requests from {origin} are not allowed here.").response()(scope, receive, send)
        await self.app(scope, receive, send)

    def _same_or_allowed(self, origin: str, host: str) -> bool:
        if "*" in self.allowed or origin.rstrip("/").lower() in self.allowed:
            return True
        return urlsplit(origin).netloc.lower() == host.lower()


class KnownApiNames:
    """Calls to API names or function numbers the app does not have get a JSON error, not a
    500 and a traceback. The page itself calls its functions by number (``fn_index`` in the
    body of ``/queue/join`` or ``/run/predict``): those bodies (already bounded by
    ``RequestLimits``) are read here, checked, and handed on."""

    def __init__(self, app: ASGIApp, names: Callable[[], Collection[str]], indexes: Callable[[], Collection[int]]) -> None:
        self.app = app
        self.names = names
        self.indexes = indexes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        if QUEUE_JOIN.match(scope["path"]):
            body, messages = await read_body(receive)
            index = _fn_index(body)
            if index is not None and index not in self.indexes():
                return await HttpError(400, f"There is no function number {index} here.").response()(scope, receive, send)
            return await self.app(scope, replay(messages, receive), send)
        match = API_CALL.match(scope["path"])
        if match is None or match["name"] in self.names():
            return await self.app(scope, receive, send)
        if match["kind"] != "call":
            body, messages = await read_body(receive)
            if _fn_index(body) in self.indexes():
                return await self.app(scope, replay(messages, receive), send)
        await HttpError(404, f"There is no API named {match['name']!r} here.").response()(scope, receive, send)


async def read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    """The whole body (bounded by ``RequestLimits``) and the messages it came in, to replay."""
    messages = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    return b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request"), messages


def replay(messages: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that hands ``messages`` on again, then the client's own."""
    pending = list(messages)

    async def replaying() -> Message:
        return pending.pop(0) if pending else await receive()

    return replaying


def _fn_index(body: bytes) -> int | None:
    try:
        value = json.loads(body).get("fn_index")
    except (ValueError, AttributeError, RecursionError):
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def is_new_work(path: str) -> bool:
    """Requests that start work: joining the queue, uploading, calling an API."""
    return bool(QUEUE_JOIN.match(path) or UPLOAD_PATH.match(path) or API_CALL.match(path) or REST_WORK.match(path))
