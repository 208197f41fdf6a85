"""How inputs are grouped into batches: by length, evenly, enough to keep every worker busy."""

from __future__ import annotations

import math
from collections.abc import Sequence


def plan_batches(lengths: Sequence[int], batch_size: int, workers: int = 1) -> list[list[int]]:
    """Indices of the inputs, longest first, cut into batches of at most ``batch_size``.

    Sorting by length keeps padding (and wasted decoder work) low. The count of batches is
    rounded up to a multiple of ``workers`` (when there are enough inputs) and the inputs are
    shared out evenly, so 20 inputs on 2 workers make two batches of 10, not 16 and 4.
    """
    if batch_size < 1 or workers < 1:
        raise ValueError(f"batch_size and workers must be positive, got {batch_size} and {workers}")
    if not lengths:
        return []
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    count = math.ceil(len(order) / batch_size)
    count = min(len(order), math.ceil(count / workers) * workers)
    size, extra = divmod(len(order), count)
    batches, start = [], 0
    for number in range(count):
        end = start + size + (1 if number < extra else 0)
        batches.append(order[start:end])
        start = end
    return batches
