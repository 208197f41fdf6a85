"""Gradio's memory per session, bounded.

Every session (a page opened in a browser, a ``gradio_client.Client``) gets a ``SessionState``
on its first event: a copy of the page's configuration, every component's settings and the
session's ``gr.State`` values, some 60-150 KiB. Gradio 6 never removes one (the values of
``gr.State`` expire, the session around them stays) until 10,000 sessions are held: over a
gigabyte. Its queue keeps an entry per session too (a message queue, a set of event ids).

``SessionBounds`` puts three bounds on them:

* at most ``SESSION_CAPACITY`` sessions (Gradio's own ``state_session_capacity``: the least
  recently used goes first);
* a session whose client has gone (the page closed, the script's client closed: Gradio marks it
  when the client's heartbeat stream ends) goes ``CLOSED_SESSION_SECONDS`` after its last
  event; one still open goes after ``idle_seconds`` without an event (the server's temporary
  files' time-to-live: the uploads its state points at are gone by then anyway);
* a session with a job queued or running stays, whatever its age.

Gradio never clears the mark of a closed session: a page whose heartbeat dropped and came back
(a network blip) counts as closed, and its state (the uploaded articles, the picker's list)
goes a minute after its last event rather than an hour after: uploading again restores it.

The sweep runs in Gradio's own loop that deletes expired ``gr.State`` values (every second, in
the server's event loop), so it starts and stops with the page. It also forgets the cached file
names Gradio keeps per component (``temp_files``) once the scratch cleaner has deleted the
files, every ``FILE_NAMES_SECONDS``.
"""

from __future__ import annotations

import datetime
import logging
import os
import time
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("passerelle.web")

SESSION_CAPACITY = 256  # sessions held at most (about 100 KiB each)
CLOSED_SESSION_SECONDS = 60.0  # a closed page's or client's session, after its last event
FILE_NAMES_SECONDS = 60.0  # how often deleted files' names are dropped from Gradio's sets


class SessionBounds:
    """The bounds of one page's sessions (see the module's docstring)."""

    def __init__(self, blocks: Any, idle_seconds: float, closed_seconds: float | None = None, capacity: int | None = None) -> None:
        self.blocks = blocks
        self.idle_seconds = idle_seconds
        self.closed_seconds = CLOSED_SESSION_SECONDS if closed_seconds is None else closed_seconds
        self.capacity = SESSION_CAPACITY if capacity is None else capacity
        self._names_swept = time.monotonic()

    def install(self) -> None:
        """Before the page is mounted: Gradio reads the capacity when it mounts the page, and
        runs the startup event (which hooks the sweep into its own loop) when it starts."""
        self.blocks.state_session_capacity = self.capacity
        self.blocks.extra_startup_events.append(self._hook)

    async def _hook(self) -> None:
        holder = self.blocks.state_holder
        expire_values: Callable[[], None] = holder.delete_all_expired_state

        def expire() -> None:
            expire_values()
            self.sweep()

        holder.delete_all_expired_state = expire  # Gradio calls it every second

    def sweep(self, now: datetime.datetime | None = None) -> int:
        """Drop the sessions past their time; returns how many went. Never raises: Gradio's
        loop that calls it would stop for good."""
        try:
            dropped = self._drop_sessions(now or datetime.datetime.now())
            self._forget_deleted_files()
        except Exception:
            logger.exception("bounding the page's sessions failed")
            return 0
        return dropped

    def _drop_sessions(self, now: datetime.datetime) -> int:
        holder = self.blocks.state_holder
        queue = getattr(self.blocks, "_queue", None)
        pending: dict[str, set[str]] = getattr(queue, "pending_event_ids_session", {})
        expired = []
        for session_id, used in list(holder.time_last_used.items()):
            state = holder.session_data.get(session_id)
            if state is None or pending.get(session_id):
                continue  # gone already, or a job of its own is queued or running
            idle = (now - used).total_seconds()
            if idle > self.idle_seconds or (state.is_closed and idle > self.closed_seconds):
                expired.append(session_id)
        for session_id in expired:
            holder.delete_state(session_id)  # the gr.State values, through their delete callbacks
            with holder.lock:
                holder.session_data.pop(session_id, None)
                holder.time_last_used.pop(session_id, None)
        if queue is not None:
            self._drop_queue_entries(queue, holder.session_data)
        return len(expired)

    @staticmethod
    def _drop_queue_entries(queue: Any, live: Any) -> None:
        """The queue's entries of sessions that are gone and have nothing pending: an empty
        set of event ids, an empty message queue (Gradio leaves both behind every session)."""
        pending: dict[str, set[str]] = queue.pending_event_ids_session
        for session_id in [s for s, ids in list(pending.items()) if not ids and s not in live]:
            pending.pop(session_id, None)
        messages = queue.pending_messages_per_session
        for session_id, box in list(messages.items()):
            if session_id not in live and session_id not in pending and box.empty():
                messages.pop(session_id, None)

    def _forget_deleted_files(self) -> None:
        if time.monotonic() - self._names_swept < FILE_NAMES_SECONDS:
            return
        self._names_swept = time.monotonic()
        for names in self.blocks.temp_file_sets:
            for name in [name for name in list(names) if not os.path.exists(name)]:
                names.discard(name)
