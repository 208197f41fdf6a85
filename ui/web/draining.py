"""A server that is stopping keeps its promises: new work is refused (503), and work under way
(page jobs and REST calls alike) gets the grace period to finish; a REST call still running
when it ends is answered 503 with a message saying why, never cut off without an answer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .guards import REST_WORK, ASGIApp, HttpError, Message, Receive, Scope, Send

STOPPING = "Passerelle is shutting down; try again in a moment."
STOPPED = "Passerelle was stopped before this request finished (it had {:.0f} s to). Please send it again in a moment."
RETRY_AFTER = {"Retry-After": "10"}
POLL_SECONDS = 0.05


@dataclass
class Draining:
    """Whether the server is shutting down (set by the signal handler), and the REST calls it
    still owes an answer."""

    since: float | None = None
    calls: set[_Call] = field(default_factory=set)

    @property
    def active(self) -> bool:
        return self.since is not None

    async def settle(self, grace_seconds: float) -> None:
        """Wait for the REST calls under way, at most ``grace_seconds``; answer the rest 503."""
        deadline = time.monotonic() + grace_seconds
        while self.calls and time.monotonic() < deadline:
            await asyncio.sleep(POLL_SECONDS)
        for call in list(self.calls):
            call.give_up(STOPPED.format(grace_seconds))
        while self.calls:  # their answers are on their way
            await asyncio.sleep(POLL_SECONDS)


class _Call:
    """One REST call under way: its answer, unless the grace period ends first."""

    def __init__(self, send: Send) -> None:
        self.client_send = send
        self.started = False
        self.stop = asyncio.Event()
        self.message = ""

    async def send(self, message: Message) -> None:
        if self.stop.is_set():
            return  # answered 503 already
        if message["type"] == "http.response.start":
            self.started = True
        await self.client_send(message)

    def give_up(self, message: str) -> None:
        self.message = message
        self.stop.set()


class RefuseWhileDraining:
    """Once the server is shutting down, new work is refused (503); REST calls under way are
    tracked, so the stop waits for them (``Draining.settle``)."""

    def __init__(self, app: ASGIApp, draining: Draining, work_paths: Callable[[str], bool]) -> None:
        self.app = app
        self.draining = draining
        self.work_paths = work_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if self.draining.active and self.work_paths(scope["path"]):
            return await HttpError(503, STOPPING, RETRY_AFTER).response()(scope, receive, send)
        if scope["method"] != "POST" or not REST_WORK.match(scope["path"]):
            return await self.app(scope, receive, send)
        call = _Call(send)
        self.draining.calls.add(call)
        work = asyncio.ensure_future(self.app(scope, receive, call.send))
        stop = asyncio.ensure_future(call.stop.wait())
        try:
            await asyncio.wait({work, stop}, return_when=asyncio.FIRST_COMPLETED)
            if work.done():
                return work.result()
            work.cancel()  # its thread ends at its next batch: a stopping process drops it
            if not call.started:
                await HttpError(503, call.message, RETRY_AFTER).response()(scope, receive, send)
        finally:
            stop.cancel()
            self.draining.calls.discard(call)
