"""The gate every front end passes to reach the models: turns go round the callers, so one
client's burst cannot starve the page."""

from __future__ import annotations

import threading
import time

import pytest

from passerelle.ui.article.gate import FairGate, GateFullError

pytestmark = pytest.mark.unit


def test_turns_go_round_the_callers() -> None:
    gate = FairGate(slots=1, max_waiting_per_caller=100)
    order: list[str] = []
    release = threading.Event()

    def work(caller: str) -> None:
        with gate.slot(caller):
            order.append(caller)

    with gate.slot("first"):  # holds the only slot while the others line up
        threads = [threading.Thread(target=work, args=("api",)) for _ in range(5)]
        threads.append(threading.Thread(target=work, args=("page",)))
        for thread in threads:
            thread.start()
            while gate.waiting() < threads.index(thread) + 1:
                time.sleep(0.001)
        release.set()
    for thread in threads:
        thread.join(timeout=10)
    assert order[:2] == ["api", "page"]  # the page's one request waits for one API call, not five
    assert order.count("api") == 5


def test_a_caller_with_too_many_waiters_is_refused_at_once() -> None:
    gate = FairGate(slots=1, max_waiting_per_caller=1)
    done: list[str] = []

    def work(caller: str) -> None:
        with gate.slot(caller):
            done.append(caller)

    with gate.slot("page"):
        waiters = [threading.Thread(target=work, args=(caller,)) for caller in ("api", "page")]
        for count, waiter in enumerate(waiters, start=1):
            waiter.start()
            while gate.waiting() < count:
                time.sleep(0.001)
        with pytest.raises(GateFullError, match="waiting already"):
            with gate.slot("api"):
                pass
    for waiter in waiters:
        waiter.join(timeout=5)
    assert done == ["api", "page"] and gate.waiting() == 0
