"""What a translation produces: aligned segments, the rebuilt text, how it was made, and the
events that carry it to whoever watches (web page, batch script, Ray actor)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from .document import Document, UnitKind
from .faithful import Flag

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
