"""English text packed into chunks the summary model can read whole.

Each passage (a translated sentence, or a sentence of a raw text) is tokenised once; chunks
are built by adding the passages' token counts, so packing is linear in the text's length,
and a chunk's ids are its passages' ids joined (see ``translate.engine.tokens``). Only a
chunk's first passage is tokenised a second time, without the space before it, so that the
ids are exactly those of the chunk's text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from passerelle.translate.document import cut_to_budget, normalize
from passerelle.translate.engine import Tokens


@dataclass(frozen=True)
class Passage:
    """A normalized passage and its ids without special tokens, as they read after a space
    (except for the first passage of a text)."""

    text: str
    ids: tuple[int, ...]


@dataclass(frozen=True)
class Chunk:
    """Consecutive passages joined by spaces, with the ids the model reads (specials included)."""

    text: str
    ids: list[int]


def measure(texts: Iterable[str], tokens: Tokens, budget: int) -> list[Passage]:
    """The passages of ``texts`` with words in them, each tokenised once (a repeated passage
    only the first time); one that could never fit a chunk is cut at clause or word
    boundaries first."""
    known: dict[str, tuple[int, ...]] = {}

    def content(text: str) -> tuple[int, ...]:
        if text not in known:
            known[text] = tuple(tokens.content(text))
        return known[text]

    def count(part: str) -> int:
        return len(content(part)) + tokens.special_count

    passages: list[Passage] = []
    for raw in texts:
        text = normalize(raw)
        if not any(ch.isalnum() for ch in text):
            continue
        parts = [text] if count(_lead(passages) + text) <= budget else cut_to_budget(text, count, budget)
        for part in (part.strip() for part in parts):
            if part:
                passages.append(Passage(part, content(_lead(passages) + part)))
    return passages


def pack(passages: Sequence[Passage], tokens: Tokens, budget: int) -> list[Chunk]:
    """Greedily join consecutive passages while the chunk, special tokens included, stays
    under ``budget`` tokens."""
    chunks: list[Chunk] = []
    # The ids of chunk heads, which no longer follow a space; the text's first passage has them.
    heads = {passages[0].text: passages[0].ids} if passages else {}
    current: list[Passage] = []
    size = tokens.special_count
    for passage in passages:
        if current and size + len(passage.ids) > budget:
            chunks.append(_chunk(current, tokens, heads))
            current, size = [], tokens.special_count
        current.append(passage)
        size += len(passage.ids)
    if current:
        chunks.append(_chunk(current, tokens, heads))
    return chunks


def _chunk(passages: Sequence[Passage], tokens: Tokens, heads: dict[str, tuple[int, ...]]) -> Chunk:
    """The chunk of ``passages``; its first passage no longer follows a space (a token or so
    of difference, which the budget's margin absorbs)."""
    first = passages[0].text
    if first not in heads:
        heads[first] = tuple(tokens.content(first))
    text = " ".join(passage.text for passage in passages)
    return Chunk(text, tokens.wrap([*heads[first], *(token for passage in passages[1:] for token in passage.ids)]))


def _lead(passages: Sequence[Passage]) -> str:
    """A passage after another one reads after a space."""
    return " " if passages else ""
