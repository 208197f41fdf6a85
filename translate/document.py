"""The document model: a text becomes units (paragraphs, headings, list items, code) and
units become pieces small enough for the model; rendering puts translations back into the
same layout. Splitting never loses or duplicates a character: ``Document.source()`` is the
input text, exactly."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from .sentences import SentenceSplitter, french_sentences

TokenCounter = Callable[[str], int]
Encoder = Callable[[str], Sequence[int]]
# Where a text must not be cut (protected spans such as "780 000 €"), as (start, end) offsets.
KeepWhole = Callable[[str], Sequence[tuple[int, int]]]

HEADING = re.compile(r"#{1,6}[ \t]+")
LIST_ITEM = re.compile(r"(?:[-*+•]|\d{1,3}[.)])[ \t]+")
FENCE = re.compile(r"(```|~~~)")

# Where an over-long sentence may be cut, best first; the last resort is any whitespace.
CLAUSE_BREAKS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?<=[;:])\s+"),
    re.compile(r"(?<=[—–])\s+|\s+(?=[—–])"),
    re.compile(r"(?<=[,)])\s+"),
    re.compile(r"\s+(?=(?:et|mais|ou|donc|car|puis|qui|que|dont|lorsque|parce|alors)\b)"),
    re.compile(r"\s+"),
)


class UnitKind(StrEnum):
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    LIST_ITEM = "list_item"
    VERBATIM = "verbatim"  # fenced code: kept as it is


def normalize(text: str) -> str:
    """The text as the model sees it: soft line wraps and runs of spaces become one space."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Piece:
    """One span the model translates: the exact source slice, the whitespace after it, and
    (when the document was split with an encoder) the ids of its normalized text."""

    text: str
    trailing: str = ""
    ids: tuple[int, ...] | None = field(default=None, compare=False, repr=False)

    @property
    def normalized(self) -> str:
        return normalize(self.text)

    @property
    def translatable(self) -> bool:
        return any(ch.isalnum() for ch in self.text)


@dataclass(frozen=True)
class Unit:
    """A paragraph, heading, list item or verbatim block, with what precedes it in the text."""

    kind: UnitKind
    lead: str  # blank lines and indentation since the previous unit
    marker: str  # "## ", "- ", "1. " or ""
    pieces: tuple[Piece, ...]
    paragraph: int

    def source(self) -> str:
        return self.lead + self.marker + self.body()

    def body(self) -> str:
        """The unit's text after its marker, as written."""
        return "".join(p.text + p.trailing for p in self.pieces)

    def translatable(self, piece: Piece) -> bool:
        return self.kind != UnitKind.VERBATIM and piece.translatable


@dataclass(frozen=True)
class Document:
    units: tuple[Unit, ...]
    tail: str = ""

    def source(self) -> str:
        """The original text, rebuilt from the parts (the split-then-join invariant)."""
        return "".join(unit.source() for unit in self.units) + self.tail

    def pieces(self) -> Iterator[tuple[Unit, Piece]]:
        for unit in self.units:
            for piece in unit.pieces:
                yield unit, piece

    def numbered(self) -> Iterator[tuple[Unit, list[int | None]]]:
        """Each unit with, per piece, its sentence number: the n-th translatable piece of the
        document is number n; other pieces have None."""
        counter = 0
        for unit in self.units:
            numbers: list[int | None] = []
            for piece in unit.pieces:
                numbers.append(counter if unit.translatable(piece) else None)
                counter += unit.translatable(piece)
            yield unit, numbers

    def translatable(self) -> Iterator[Piece]:
        """The pieces a model translates, in order (their numbers are their positions)."""
        return (piece for unit, piece in self.pieces() if unit.translatable(piece))

    def render(self, translations: Sequence[str]) -> str:
        """The layout of the source with each translatable piece replaced, in order."""
        supply = iter(translations)
        parts: list[str] = []
        for unit in self.units:
            parts.append(unit.lead + unit.marker)
            if unit.kind == UnitKind.VERBATIM:
                parts.append(unit.body())
                continue
            words = [next(supply) if p.translatable else p.text for p in unit.pieces]
            parts.append(" ".join(w.strip() for w in words if w.strip()))
        leftover = next(supply, None)
        if leftover is not None:
            raise ValueError("more translations than translatable pieces")
        parts.append(self.tail)
        return "".join(parts)

    def translatable_count(self) -> int:
        return sum(1 for _ in self.translatable())


@dataclass(frozen=True)
class _Span:
    kind: UnitKind
    start: int  # where the unit's lead ends (first character of the marker or text)
    body: int  # where the text after the marker starts
    end: int  # one past the last character (trailing newline excluded)


def _lines(text: str) -> list[tuple[int, str]]:
    offset, lines = 0, []
    for line in text.splitlines(keepends=True):
        lines.append((offset, line))
        offset += len(line)
    return lines


def _spans(text: str) -> list[_Span]:
    """Find units line by line; blank lines separate paragraphs, markers start new units."""
    spans: list[_Span] = []
    current: _Span | None = None
    fence: str | None = None
    for offset, line in _lines(text):
        content = line.rstrip("\r\n")
        stripped = content.lstrip()
        indent = len(content) - len(stripped)
        line_end = offset + len(content)
        if fence is not None:
            assert current is not None
            current = replace(current, end=line_end)
            if stripped.startswith(fence):
                spans.append(current)
                current, fence = None, None
            continue
        if not stripped:
            if current:
                spans.append(current)
            current = None
            continue
        start = offset + indent
        fence_match = FENCE.match(stripped)
        heading = HEADING.match(stripped)
        item = LIST_ITEM.match(stripped)
        if fence_match or heading or item:
            if current:
                spans.append(current)
            if fence_match:
                fence = fence_match.group(1)
                current = _Span(UnitKind.VERBATIM, start, start, line_end)
            elif heading:
                spans.append(_Span(UnitKind.HEADING, start, start + heading.end(), line_end))
                current = None
            else:
                assert item is not None
                current = _Span(UnitKind.LIST_ITEM, start, start + item.end(), line_end)
            continue
        if current is None:
            current = _Span(UnitKind.PARAGRAPH, start, start, line_end)
        else:  # a soft wrap: the line continues the unit
            current = replace(current, end=line_end)
    if current:
        spans.append(current)
    return spans


def _pieces(body: str, splitter: SentenceSplitter) -> tuple[Piece, ...]:
    pieces: list[Piece] = []
    for sentence in splitter(body):
        text = sentence.rstrip()
        if not text:  # whitespace only: attach to the previous piece
            if pieces:
                pieces[-1] = Piece(pieces[-1].text, pieces[-1].trailing + sentence)
            continue
        pieces.append(Piece(text, sentence[len(text) :]))
    return tuple(pieces)


def split_document(
    text: str,
    splitter: SentenceSplitter = french_sentences,
    encode: Encoder | None = None,
    budget: int | None = None,
    keep_whole: KeepWhole | None = None,
) -> Document:
    """Units, then sentences, then (given an encoder) pieces under ``budget`` tokens, each
    carrying its ids: a piece is tokenised once, when it is measured. An over-long sentence
    is never cut inside the ranges ``keep_whole`` names."""
    measure = _Measure(encode) if encode is not None and budget is not None else None
    units: list[Unit] = []
    cursor = 0
    for paragraph, span in enumerate(_spans(text)):
        lead, marker, body = text[cursor : span.start], text[span.start : span.body], text[span.body : span.end]
        if span.kind == UnitKind.VERBATIM:
            pieces: tuple[Piece, ...] = (Piece(body),)
        else:
            pieces = _pieces(body, splitter)
            if measure is not None and budget is not None:
                pieces = tuple(_cut_pieces(pieces, measure, budget, keep_whole))
        units.append(Unit(span.kind, lead, marker, pieces, paragraph))
        cursor = span.end
    return Document(tuple(units), text[cursor:])


BLOCK_SEPARATOR = "\n\n"


def split_blocks(
    texts: Sequence[str],
    splitter: SentenceSplitter = french_sentences,
    encode: Encoder | None = None,
    budget: int | None = None,
    keep_whole: KeepWhole | None = None,
    markers: Sequence[str] | None = None,
) -> Document:
    """One unit per text, whatever the text looks like (a block of a Word file or a web page
    has no Markdown markers or fences of its own): unit ``i`` is ``texts[i]`` on one line,
    after its marker (``markers[i]``: "# " makes it a heading, "- " a list item), the units
    separated by blank lines. ``Document.source()`` is that joined text."""
    measure = _Measure(encode) if encode is not None and budget is not None else None
    units: list[Unit] = []
    for paragraph, text in enumerate(texts):
        marker = markers[paragraph] if markers else ""
        kind = UnitKind.HEADING if HEADING.fullmatch(marker) else UnitKind.LIST_ITEM if marker else UnitKind.PARAGRAPH
        pieces = _pieces(normalize(text), splitter)
        if measure is not None and budget is not None:
            pieces = tuple(_cut_pieces(pieces, measure, budget, keep_whole))
        units.append(Unit(kind, BLOCK_SEPARATOR if paragraph else "", marker, pieces, paragraph))
    return Document(tuple(units))


class _Measure:
    """Counts tokens of normalized texts, remembering their ids for the pieces kept."""

    def __init__(self, encode: Encoder) -> None:
        self.encode = encode
        self.known: dict[str, tuple[int, ...]] = {}

    def ids(self, text: str) -> tuple[int, ...]:
        key = normalize(text)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = tuple(self.encode(key))
        return found

    def __call__(self, text: str) -> int:
        return len(self.ids(text))


def _cut_pieces(pieces: Iterable[Piece], measure: _Measure, budget: int, keep_whole: KeepWhole | None) -> Iterator[Piece]:
    for piece in pieces:
        slices = cut_to_budget(piece.text, measure, budget, keep_whole=keep_whole)
        for i, chunk in enumerate(slices):
            text = chunk.rstrip()
            trailing = chunk[len(text) :] + (piece.trailing if i == len(slices) - 1 else "")
            yield Piece(text, trailing, measure.ids(text))


def _split_keep(text: str, pattern: re.Pattern[str], keep: Sequence[tuple[int, int]] = ()) -> list[str]:
    """Slices cut after each match (never inside a ``keep`` range); the separator stays with
    the left slice."""
    parts, start = [], 0
    for match in pattern.finditer(text):
        if match.end() <= start or match.end() >= len(text) or match.start() == 0:
            continue
        if any(begin < match.end() < end or begin < match.start() < end for begin, end in keep):
            continue
        parts.append(text[start : match.end()])
        start = match.end()
    parts.append(text[start:])
    return parts


def _halve(text: str, count: TokenCounter, budget: int) -> list[str]:
    """Last resort for a run with no space at all: cut it by characters."""
    if count(text) <= budget or len(text) < 2:
        return [text]
    middle = len(text) // 2
    return _halve(text[:middle], count, budget) + _halve(text[middle:], count, budget)


def cut_to_budget(text: str, count: TokenCounter, budget: int, level: int = 0, keep_whole: KeepWhole | None = None) -> list[str]:
    """Consecutive slices of ``text``, each under ``budget`` tokens, cut at the best clause
    or word boundary available, outside the ranges ``keep_whole`` names (characters are cut
    only when nothing else is left); ``"".join(result) == text``."""
    if count(text) <= budget:
        return [text]
    keep = keep_whole(text) if keep_whole is not None else ()
    for depth in range(level, len(CLAUSE_BREAKS)):
        parts = _split_keep(text, CLAUSE_BREAKS[depth], keep)
        if len(parts) > 1:
            return _pack(parts, count, budget, depth + 1, keep_whole)
    return _halve(text, count, budget)


def _pack(parts: list[str], count: TokenCounter, budget: int, next_level: int, keep_whole: KeepWhole | None) -> list[str]:
    """Greedily join neighbouring parts while they fit; split further the ones that never fit."""
    chunks: list[str] = []
    current = ""
    for part in parts:
        if current and count(current + part) <= budget:
            current += part
            continue
        if current:
            chunks.append(current)
            current = ""
        if count(part) <= budget:
            current = part
        else:
            chunks.extend(cut_to_budget(part, count, budget, next_level, keep_whole))
    if current:
        chunks.append(current)
    return chunks
