"""One gate in front of the models for every front end of a process: the web page and the
REST API take turns, so a burst of API calls cannot starve the page (or the other way round).

Waiters queue by caller (the page, each API key, user or address); free slots go round the
callers in turn, first come first served within a caller's queue. A caller with too many
waiters is refused at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Iterator
from contextlib import contextmanager

from passerelle.translate import PasserelleError


class GateFullError(PasserelleError):
    """Too many requests of one client are waiting already."""

    http_status = 429


class FairGate:
    def __init__(self, slots: int, max_waiting_per_caller: int) -> None:
        if slots < 1:
            raise ValueError("a gate needs at least one slot")
        self.slots = slots
        self.max_waiting = max_waiting_per_caller
        self._busy = 0
        self._callers: OrderedDict[str, deque[threading.Event]] = OrderedDict()
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, caller: str) -> Iterator[None]:
        """Hold one slot while the block runs; waits its caller's turn."""
        self._acquire(caller)
        try:
            yield
        finally:
            self._release()

    def waiting(self) -> int:
        with self._lock:
            return sum(len(waiters) for waiters in self._callers.values())

    def _acquire(self, caller: str) -> None:
        with self._lock:
            if self._busy < self.slots and not self._callers:
                self._busy += 1
                return
            waiters = self._callers.setdefault(caller, deque())
            if len(waiters) >= self.max_waiting:
                if not waiters:
                    del self._callers[caller]
                raise GateFullError(f"{self.max_waiting} requests of this client are waiting already; try again in a moment.")
            turn = threading.Event()
            waiters.append(turn)
        turn.wait()  # a slot was handed over to this waiter (busy already counts it)

    def _release(self) -> None:
        with self._lock:
            if not self._callers:
                self._busy -= 1
                return
            caller, waiters = next(iter(self._callers.items()))
            turn = waiters.popleft()
            # This caller goes to the back of the round; an empty caller leaves it.
            del self._callers[caller]
            if waiters:
                self._callers[caller] = waiters
            turn.set()
