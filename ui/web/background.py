"""Run a blocking stream of events in a thread, so a Gradio generator can keep the page alive:
each event as it comes, a clock tick while a model loads or a summary is generated, and the
stream stopped when the browser goes away."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterator
from typing import TypeVar

T = TypeVar("T")


class Tick:
    """What is yielded after a heartbeat of silence."""


TICK = Tick()
_END = object()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def background_events(
    stream: Callable[[], Iterator[T]], heartbeat: float, name: str = "passerelle-work"
) -> Generator[T | Tick, None, None]:
    """Yield the items of ``stream()`` as they come, ``TICK`` after each ``heartbeat`` seconds
    of silence; the stream's exception is re-raised here, in the consumer. Closing this
    iterator stops the stream before its next item (and closes it, releasing what it holds)."""
    items: queue.Queue[object] = queue.Queue()
    stop = threading.Event()

    def run() -> None:
        try:
            iterator = stream()
            try:
                for item in iterator:
                    if stop.is_set():
                        break  # the consumer left; nobody is waiting for the rest
                    items.put(item)
            finally:
                close = getattr(iterator, "close", None)
                if close is not None:
                    close()
        except Exception as error:  # handed to the consumer, which re-raises it
            items.put(_Failure(error))
        finally:
            items.put(_END)

    threading.Thread(target=run, name=name, daemon=True).start()
    try:
        while True:
            try:
                item = items.get(timeout=heartbeat)
            except queue.Empty:
                yield TICK
                continue
            if item is _END:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
