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

from .guards import ASGIApp, Message, Receive, Scope, Send, header, send_error

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
        await send_error(send, 405, f"Method {scope['method']} is not allowed here; use {allow}.", [(b"allow", allow.encode())])


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
                await _send_shaped(send, state["start"], state["body"])

        try:
            await self.app(scope, receive, shaping)
        except Exception:
            logger.exception("uncaught error answering %s %s", scope.get("method"), scope.get("path"))
            if not state["started"]:
                await send_error(send, 500, INTERNAL_ERROR)
            elif not state["passing"]:
                await _send_shaped(send, state["start"], state["body"])


def _is_html(start: Message) -> bool:
    for key, value in start.get("headers", []):
        if key.lower() == b"content-type":
            return value.lower().startswith(b"text/html")
    return False


async def _send_shaped(send: Send, start: Message, body: bytes) -> None:
    """``body`` as ``{"error": ...}``; a JSON body of another shape (``/ready``'s) is kept."""
    if _kept(body):
        await send(start)
        return await send({"type": "http.response.body", "body": body})
    payload = json.dumps({"error": error_message(body, start["status"])}).encode()
    kept = [(k, v) for k, v in start.get("headers", []) if k.lower() not in (b"content-type", b"content-length")]
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()), *kept]
    await send({"type": "http.response.start", "status": start["status"], "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def _kept(body: bytes) -> bool:
    """An error in our shape already, or JSON that is not an error's (no ``detail``)."""
    try:
        data = json.loads(body) if body.strip() else None
    except ValueError:
        return False
    if not isinstance(data, dict):
        return False
    if "error" in data:
        return isinstance(data["error"], str) and bool(data["error"])
    return "detail" not in data and "message" not in data and bool(data)


def error_message(body: bytes, status: int) -> str:
    """The words of an error body, whatever its shape; the status's phrase when it has none."""
    text = body.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text) if text else None
    except ValueError:
        data = text
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
