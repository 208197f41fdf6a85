"""Every answer in the shape clients expect, whatever route or library produced it: paths with
doubled slashes (a base URL with a trailing slash) find their route, a known path asked with
the wrong method is 405 with ``Allow``, and every error is JSON ``{"error": "..."}`` (Starlette's
plain-text 404, FastAPI's ``{"detail": ...}``, an exception nobody caught), never a traceback."""

from __future__ import annotations

import http
import json
import logging
import re
from collections.abc import Sequence
from typing import Any

from starlette.routing import BaseRoute, Match, Route

from .guards import ASGIApp, HttpError, Message, Receive, Scope, Send, header

logger = logging.getLogger("passerelle.web")

DOUBLED_SLASHES = re.compile(r"//+")
MAX_REWRITTEN_BYTES = 65_536  # error bodies are short; a longer one is passed on as it is
INTERNAL_ERROR = "Internal error; the details are in the server's log."


class MergeSlashes:
    """``//languages`` is ``/languages`` (clients join a base URL ending in ``/`` to ``/path``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and "//" in scope["path"]:
            scope = {**scope, "path": DOUBLED_SLASHES.sub("/", scope["path"])}
            if "raw_path" in scope and scope["raw_path"]:
                scope["raw_path"] = DOUBLED_SLASHES.sub("/", scope["raw_path"].decode("latin-1")).encode("latin-1")
        await self.app(scope, receive, send)


class MethodCheck:
    """A path the server's own routes know, asked with a method they do not take, is 405 with
    ``Allow`` (Gradio's mount at ``/`` would otherwise answer 404 for it)."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.routes = [route for route in routes if isinstance(route, Route)]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"] == "OPTIONS" and header(scope, b"access-control-request-method")):
            return await self.app(scope, receive, send)
        allowed: set[str] = set()
        for route in self.routes:
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return await self.app(scope, receive, send)
            if match == Match.PARTIAL:
                allowed |= route.methods or set()
        if not allowed:
            return await self.app(scope, receive, send)
        allow = ", ".join(sorted(allowed))
        await HttpError(405, f"Method {scope['method']} is not allowed here; use {allow}.", {"Allow": allow}).response()(
            scope, receive, send
        )


class JsonErrors:
    """Error answers rewritten as ``{"error": "..."}``, and an uncaught exception as a JSON 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        state: dict[str, Any] = {"start": None, "body": b"", "started": False, "passing": True}

        async def shaping(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["started"] = True
                if message["status"] >= 400 and not _is_html(message):
                    state["start"], state["passing"] = message, False
                    return
            if state["passing"] or message["type"] != "http.response.body":
                return await send(message)
            state["body"] += message.get("body", b"")
            if len(state["body"]) > MAX_REWRITTEN_BYTES:
                state["passing"] = True
                await send(state["start"])
                return await send({**message, "body": state["body"]})
            if not message.get("more_body", False):
                await _send_shaped(scope, receive, send, state["start"], state["body"])

        try:
            await self.app(scope, receive, shaping)
        except Exception:
            logger.exception("uncaught error answering %s %s", scope.get("method"), scope.get("path"))
            if not state["started"]:
                await HttpError(500, INTERNAL_ERROR).response()(scope, receive, send)
            elif not state["passing"]:
                await _send_shaped(scope, receive, send, state["start"], state["body"])


def _is_html(start: Message) -> bool:
    for key, value in start.get("headers", []):
        if key.lower() == b"content-type":
            return value.lower().startswith(b"text/html")
    return False


async def _send_shaped(scope: Scope, receive: Receive, send: Send, start: Message, body: bytes) -> None:
    """``body`` as ``{"error": ...}``, its other headers kept; a JSON body of another shape
    (``/ready``'s) is kept as it is."""
    data = _parsed(body)
    if _kept(data):
        await send(start)
        return await send({"type": "http.response.body", "body": body})
    response = HttpError(start["status"], error_message(data, start["status"])).response()
    response.raw_headers += [(k, v) for k, v in start.get("headers", []) if k.lower() not in (b"content-type", b"content-length")]
    await response(scope, receive, send)


def _parsed(body: bytes) -> Any:
    """An error body, read once: its JSON, else its text (None when empty)."""
    text = body.decode("utf-8", "replace").strip()
    try:
        return json.loads(text) if text else None
    except (ValueError, RecursionError):
        return text


def _kept(data: Any) -> bool:
    """An error in our shape already, or JSON that is not an error's (no ``detail``)."""
    if not isinstance(data, dict):
        return False
    if "error" in data:
        return isinstance(data["error"], str) and bool(data["error"])
    return "detail" not in data and "message" not in data and bool(data)


def error_message(data: Any, status: int) -> str:
    """The words of an error body (``_parsed``), whatever its shape; the status's phrase when it has none."""
    if isinstance(data, dict):
        data = data.get("error") or data.get("detail") or data.get("message")
    if isinstance(data, dict):
        data = data.get("error") or data.get("message")
    if isinstance(data, list):  # FastAPI's validation errors
        data = "; ".join(str(item.get("msg", item)) if isinstance(item, dict) else str(item) for item in data)
    if data is None or data == "":
        return _phrase(status)
    return str(data)


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"
