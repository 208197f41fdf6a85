"""A translated sentence laid back over its cues: cut between words in proportion to the
cues' lengths, and each cue's part wrapped into reading lines."""

from __future__ import annotations

import textwrap
from itertools import accumulate, pairwise

LINE_WIDTH = 42  # characters per line, the usual broadcast limit


def spread(text: str, weights: list[int]) -> list[str]:
    """``text`` cut between words into ``len(weights)`` parts sized like ``weights``; each part
    gets at least one word while there are words enough (the last parts go empty when not)."""
    if not weights:
        raise ValueError("spread needs at least one weight")
    words = text.split()
    offsets = [0, *accumulate(len(word) + 1 for word in words)]  # where each cut would fall
    shares = list(accumulate(max(weight, 1) for weight in weights))
    cuts = [0]
    for index, share in enumerate(shares[:-1]):
        goal = offsets[-1] * share / shares[-1]
        low = min(cuts[-1] + 1, len(words))
        high = max(low, len(words) - (len(weights) - 1 - index))
        cuts.append(min(range(low, high + 1), key=lambda cut: abs(offsets[cut] - goal)))
    cuts.append(len(words))
    return [" ".join(words[begin:end]) for begin, end in pairwise(cuts)]


def wrap(text: str, width: int = LINE_WIDTH) -> list[str]:
    """Lines for reading: one when it fits, two balanced ones when they fit, else as many as
    it takes (a word longer than ``width`` gets a line of its own)."""
    text = " ".join(text.split())
    if len(text) <= width:
        return [text] if text else []
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    fitting = [i for i in spaces if i <= width and len(text) - i - 1 <= width]
    if fitting:
        middle = min(fitting, key=lambda i: abs(len(text) - 1 - 2 * i))
        return [text[:middle], text[middle + 1 :]]
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
