"""Batch plans: every input once, longest first, even sizes, enough batches for the workers."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passerelle.translate.engine.batching import plan_batches

pytestmark = pytest.mark.unit


@given(
    lengths=st.lists(st.integers(min_value=1, max_value=300), max_size=80),
    batch_size=st.integers(min_value=1, max_value=32),
    workers=st.integers(min_value=1, max_value=4),
)
def test_plan_properties(lengths: list[int], batch_size: int, workers: int) -> None:
    plan = plan_batches(lengths, batch_size, workers)
    flat = [index for batch in plan for index in batch]
    assert sorted(flat) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths, reverse=True)
    assert all(0 < len(batch) <= batch_size for batch in plan)
    if plan:
        sizes = [len(batch) for batch in plan]
        assert max(sizes) - min(sizes) <= 1
        fewest = math.ceil(len(lengths) / batch_size)
        assert len(plan) == min(len(lengths), math.ceil(fewest / workers) * workers)


def test_twenty_inputs_on_two_workers_make_two_even_batches() -> None:
    plan = plan_batches(list(range(20)), batch_size=16, workers=2)
    assert [len(batch) for batch in plan] == [10, 10]
    assert plan[0][0] == 19  # the longest input leads


def test_one_worker_fills_batches() -> None:
    assert [len(batch) for batch in plan_batches([5] * 33, batch_size=16)] == [11, 11, 11]


def test_ties_keep_their_order() -> None:
    assert plan_batches([3, 3, 3], batch_size=8) == [[0, 1, 2]]


@pytest.mark.parametrize("batch_size, workers", [(0, 1), (4, 0)])
def test_rejects_non_positive_sizes(batch_size: int, workers: int) -> None:
    with pytest.raises(ValueError):
        plan_batches([1, 2], batch_size, workers)
