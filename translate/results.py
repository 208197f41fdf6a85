"""What a translation produces: aligned segments, the rebuilt text, how it was made, and the
events that carry it to whoever watches (web page, batch script, Ray actor)."""

from __future__ import annotations

from collections import deque
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from .document import Document, UnitKind
from .faithful import Flag, FlagKind

T = TypeVar("T")


@dataclass(frozen=True)
class Segment:
    """One aligned pair: a source piece (exact slice of the input) and its translation, with
    what the checks found (``flags``) and the model's confidence (mean log-probability per
    token; None when not measured)."""

    paragraph: int
    source: str
    target: str
    flags: tuple[Flag, ...] = ()
    confidence: float | None = None
    alternatives: tuple[str, ...] = ()  # the next best translations, when asked for

    def to_dict(self) -> dict[str, Any]:
        data = {
            "paragraph": self.paragraph,
            "source": self.source,
            "target": self.target,
            "flags": [flag.to_dict() for flag in self.flags],
            "confidence": None if self.confidence is None else round(self.confidence, 3),
        }
        return data | ({"alternatives": list(self.alternatives)} if self.alternatives else {})


@dataclass
class TranslationStats:
    pieces: int = 0
    unique: int = 0
    cached: int = 0
    batches: int = 0
    input_tokens: int = 0
    generated_tokens: int = 0
    repetition_retries: int = 0
    rescued: int = 0  # sentences translated around their spans (the model garbled a placeholder)
    flagged: int = 0  # sentences with at least one flag
    seconds: float = 0.0


@dataclass(frozen=True)
class InputCost:
    """What the model spent on one input of a run: its tokens in and out, the run's batch it
    was in, and whether the repetition guard redid it."""

    input_tokens: int
    generated_tokens: int
    batch: int
    retried: bool


def own_stats(pieces: Sequence[tuple[Sequence[Flag], Sequence[str]]], costs: dict[str, InputCost]) -> TranslationStats:
    """The counters of one text of a shared run, from its pieces' flags and the model inputs
    each rests on: each input the run made counts for the first text that needed it (as if
    the texts had been translated one after another, the later ones finding it in the cache),
    and is taken out of ``costs``; ``seconds`` is left to the caller."""
    stats = TranslationStats(pieces=len(pieces))
    batches: set[int] = set()
    for flags, inputs in pieces:
        stats.flagged += bool(flags)
        stats.rescued += bool(flags) and flags[0].kind == FlagKind.SPAN_RESCUED
        for text in inputs:
            cost = costs.pop(text, None)
            if cost is None:  # from the cache, or counted for an earlier piece
                stats.cached += 1
                continue
            stats.unique += 1
            stats.input_tokens += cost.input_tokens
            stats.generated_tokens += cost.generated_tokens
            stats.repetition_retries += cost.retried
            batches.add(cost.batch)
    stats.batches = len(batches)
    return stats


@dataclass
class TranslationResult:
    """The translated text, its aligned segments in order, and how it was made.

    ``document`` is the source's split, so front ends can lay segments out without splitting
    again; ``units_done`` of its units are translated (all of them once ``complete``).
    """

    text: str
    segments: list[Segment]
    source: str
    model: str
    backend: str
    stats: TranslationStats = field(default_factory=TranslationStats)
    complete: bool = True
    document: Document | None = field(default=None, repr=False, compare=False)
    units_done: int = 0

    def render(self, targets: list[str]) -> str:
        """The translated units laid out as the source was, with ``targets`` (one per segment)."""
        if self.document is None:
            return " ".join(targets)
        tail = self.document.tail if self.units_done == len(self.document.units) else ""
        return Document(self.document.units[: self.units_done], tail).render(targets)

    def unit_texts(self) -> list[str]:
        """Each translated unit's text, without what separates units or marks them: the
        translations of the texts given to ``Translator.split_blocks``."""
        if self.document is None:
            raise ValueError("the result has no document to find its units in")
        targets = iter(segment.target for segment in self.segments)
        texts = []
        for unit in self.document.units[: self.units_done]:
            count = sum(1 for piece in unit.pieces if unit.translatable(piece))
            texts.append(Document((replace(unit, lead="", marker=""),)).render([next(targets) for _ in range(count)]))
        return texts

    def alternatives(self) -> list[str]:
        """Whole-text alternatives (``num_return_sequences`` > 1): the k-th has each sentence's
        k-th next best translation (a sentence with fewer keeps its best), the layout kept;
        none equal to the translation or to each other."""
        most = max((len(segment.alternatives) for segment in self.segments), default=0)
        found: list[str] = []
        for k in range(most):
            text = self.render([s.alternatives[k] if k < len(s.alternatives) else s.target for s in self.segments])
            if text != self.text and text not in found:
                found.append(text)
        return found

    def passages(self) -> list[str]:
        """The translation in reading order, one passage per translated piece, verbatim blocks
        included: what a summariser reads, already cut into sentences."""
        if self.document is None:
            return [segment.target for segment in self.segments]
        targets = iter(segment.target for segment in self.segments)
        passages: list[str] = []
        for unit, numbers in list(self.document.numbered())[: self.units_done]:
            if unit.kind == UnitKind.VERBATIM:
                passages.append(unit.body())
                continue
            passages += [next(targets) for number in numbers if number is not None]
        return passages


@dataclass(frozen=True)
class TranslationEvent:
    """A step of a translation: ``done`` of ``total`` pieces translated. ``result`` is set when
    there is new text to show (the split before any translation, then after each wave of
    paragraphs); the last event's result is the complete translation."""

    done: int
    total: int
    result: TranslationResult | None = None


def last(events: Iterable[T]) -> T:
    """The last item of a stream: what a caller who does not watch progress wants."""
    tail = deque(events, maxlen=1)  # consumes the stream, keeps its last item
    if not tail:
        raise ValueError("the stream produced nothing")
    return tail[0]


def results(events: Iterable[TranslationEvent]) -> Iterator[TranslationResult]:
    """The results of a stream of events, skipping the progress-only ones."""
    return (event.result for event in events if event.result is not None)


def as_events(counts: Generator[int, None, T], base: int, total: int) -> Generator[TranslationEvent, None, T]:
    """A generator of progress counts as translation events; returns what it returns."""
    while True:
        try:
            done = next(counts)
        except StopIteration as finished:
            return finished.value  # type: ignore[no-any-return]
        yield TranslationEvent(base + done, total)


def drained(counts: Generator[int, None, T]) -> T:
    """What a generator of progress counts returns, its progress unwatched."""
    while True:
        try:
            next(counts)
        except StopIteration as finished:
            return finished.value  # type: ignore[no-any-return]
