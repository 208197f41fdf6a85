"""Run blocking model work in a thread and turn it into a stream of events, so a Gradio
generator can keep the page alive: per-batch progress, a clock that ticks while a model loads
or a summary is generated, and cancellation when the browser goes away."""

from __future__ import annotations

import queue
import threading
from typing import Any, Callable, Iterator

Emit = Callable[[str, Any], None]
TICK = "tick"  # the kind of event yielded when nothing happened for a heartbeat
_END = "__end__"
_ERROR = "__error__"


class Cancelled(Exception):
    """Raised inside the work by ``emit`` once the consumer has stopped listening."""


def background_events(
    work: Callable[[Emit], None], heartbeat: float, name: str = "passerelle-work"
) -> Iterator[tuple[str, Any]]:
    """Yield ``(kind, payload)`` as ``work(emit)`` emits them, ``(TICK, None)`` after each
    ``heartbeat`` seconds of silence; the work's exception is re-raised here, in the
    consumer. Closing the iterator makes the work's next ``emit`` raise ``Cancelled``."""
    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    stop = threading.Event()

    def emit(kind: str, payload: Any = None) -> None:
        if stop.is_set():
            raise Cancelled()
        events.put((kind, payload))

    def run() -> None:
        try:
            work(emit)
        except Cancelled:
            pass  # the consumer left; nobody is waiting for the result
        except Exception as error:  # handed to the consumer, which re-raises it
            events.put((_ERROR, error))
        finally:
            events.put((_END, None))

    threading.Thread(target=run, name=name, daemon=True).start()
    try:
        while True:
            try:
                kind, payload = events.get(timeout=heartbeat)
            except queue.Empty:
                yield TICK, None
                continue
            if kind == _END:
                return
            if kind == _ERROR:
                raise payload
            yield kind, payload
    finally:
        stop.set()
