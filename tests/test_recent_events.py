"""The sliding window behind the login lockout and the API's rate limits."""

from __future__ import annotations

import pytest

from passerelle.ui.web.guards import RecentEvents

pytestmark = pytest.mark.unit


def test_events_over_the_limit_are_refused_until_the_oldest_leaves_the_window() -> None:
    events = RecentEvents(window=60)
    assert [events.add_if_under("client", 2, now) for now in (0.0, 1.0)] == [None, None]
    assert events.add_if_under("client", 2, 2.0) == 0.0  # the oldest, which leaves at 60
    assert events.add_if_under("client", 2, 60.5) is None
    assert events.add_if_under("other", 2, 3.0) is None  # each key counts alone


def test_quiet_keys_are_forgotten() -> None:
    events = RecentEvents(window=1)
    for index in range(RecentEvents.MAX_KEYS + 5):
        events.add_if_under(f"client-{index}", 1, float(index))
    assert len(events._times) <= RecentEvents.MAX_KEYS
