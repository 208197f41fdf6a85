"""The Gradio page, added to a server that is already answering: importing Gradio and building
the page take seconds, so ``passerelle ui`` listens (API, health, a starting page) and loads
the models first, and mounts this once it is built."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import gradio as gr
from gradio.server_messages import ProcessCompletedMessage
from gradio.utils import error_payload
from starlette.applications import Starlette
from starlette.routing import Mount

from ..article import LoadedModels
from ..config import AppConfig
from .access import caller_of
from .app import build_app, mount_options
from .credentials import AccessPolicy
from .library_view import LibraryOpener
from .metrics import Metrics
from .scratch import Scratch

NOT_STARTED = "Passerelle is shutting down: this job was not started. Please submit it again in a moment."
STOPPED = "Passerelle was stopped before this job finished (it had {:.0f} s to). Please submit it again in a moment."


class GradioPage:
    """The page's Blocks, mounted at ``/`` of ``app`` (after the routes already there, which
    keep answering first), its startup events still to run in the server's event loop
    (``running``)."""

    def __init__(
        self,
        app: Starlette,
        config: AppConfig,
        services: LoadedModels,
        scratch: Scratch,
        metrics: Metrics,
        access: AccessPolicy,
        library: LibraryOpener | None = None,
    ) -> None:
        self.blocks = build_app(config, services, scratch, metrics, library)
        # The access guard lets only signed-in callers reach the page of a locked server; Gradio
        # learns their name from it (and runs its own login checks on that).
        signed_in_user = (lambda request: caller_of(request.scope).user) if access.locked else None
        options = {**mount_options(config), "auth_dependency": signed_in_user}
        gr.mount_gradio_app(app, self.blocks, path="/", **options)
        mount = app.router.routes[-1]
        assert isinstance(mount, Mount), "mount_gradio_app adds one Mount, last"
        self.gradio_app: Any = mount.app
        # Mounted apps are not "launched" for Gradio, which then skips its own file checks.
        self.blocks.has_launched = True
        self.blocks.is_running = True

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """What the app's lifespan would have run had the page been mounted before the server
        started (``gr.mount_gradio_app`` puts it there): the queue and Gradio's own startup."""
        async with self.gradio_app.router.lifespan_context(self.gradio_app):
            self.blocks.run_startup_events()
            await self.blocks.run_extra_startup_events()
            yield

    def api_names(self) -> set[str]:
        return {fn.api_name for fn in self.blocks.fns.values() if fn.api_name and fn.api_visibility == "public"}

    def fn_indexes(self) -> Any:
        return self.blocks.fns.keys()

    def queue_length(self) -> float:
        queue = getattr(self.blocks, "_queue", None)
        return float(len(queue)) if queue is not None else 0.0

    async def drain(self, grace_seconds: float) -> None:
        """Tell waiting jobs at once, give running ones the grace period, tell those still
        running."""
        queue = getattr(self.blocks, "_queue", None)
        if queue is None:
            return
        for event_queue in list(queue.event_queue_per_concurrency_id.values()):
            for event in list(event_queue.queue):
                _fail(queue, event, NOT_STARTED)
                await queue.remove_from_queue(event._id)
        deadline = time.monotonic() + grace_seconds
        while any(jobs for jobs in queue.active_jobs) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        for jobs in queue.active_jobs:
            for event in jobs or []:
                _fail(queue, event, STOPPED.format(grace_seconds))


def _fail(queue: Any, event: Any, message: str) -> None:
    """End a queued or running job with ``message`` for its client."""
    payload = error_payload(gr.Error(message, print_exception=False), True)
    queue.send_message(event, ProcessCompletedMessage(output=payload, success=False, title="Error"))
