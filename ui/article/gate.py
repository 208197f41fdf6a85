"""One gate in front of the models for every front end of a process: the web page and the
REST API take turns, so a burst of API calls cannot starve the page (or the other way round).

Waiters queue in lanes (the page, each API client); free slots go round the lanes in turn,
first come first served within a lane. A lane with too many waiters is refused at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from contextlib import contextmanager
from typing import Iterator

from translate import PasserelleError


class GateFullError(PasserelleError):
    """Too many requests of one client are waiting already."""

    http_status = 429


class FairGate:
    def __init__(self, slots: int, max_waiting_per_lane: int) -> None:
        if slots < 1:
            raise ValueError("a gate needs at least one slot")
        self.slots = slots
        self.max_waiting = max_waiting_per_lane
        self._busy = 0
        self._lanes: OrderedDict[str, deque[threading.Event]] = OrderedDict()
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, lane: str) -> Iterator[None]:
        """Hold one slot while the block runs; waits its lane's turn."""
        self._acquire(lane)
        try:
            yield
        finally:
            self._release()

    def waiting(self) -> int:
        with self._lock:
            return sum(len(waiters) for waiters in self._lanes.values())

    def _acquire(self, lane: str) -> None:
        with self._lock:
            if self._busy < self.slots and not self._lanes:
                self._busy += 1
                return
            waiters = self._lanes.setdefault(lane, deque())
            if len(waiters) >= self.max_waiting:
                if not waiters:
                    del self._lanes[lane]
                raise GateFullError(f"{self.max_waiting} requests of this client are waiting already; try again in a moment.")
            turn = threading.Event()
            waiters.append(turn)
        turn.wait()  # a slot was handed over to this waiter (busy already counts it)

    def _release(self) -> None:
        with self._lock:
            if not self._lanes:
                self._busy -= 1
                return
            lane, waiters = next(iter(self._lanes.items()))
            turn = waiters.popleft()
            # This lane goes to the back of the round; an empty lane leaves it.
            del self._lanes[lane]
            if waiters:
                self._lanes[lane] = waiters
            turn.set()
