"""Inline markup as a format-neutral sequence: a block of text is runs of text between inline
tokens (an opening and its closing, or an atom such as an image), whatever the file format.

A block is translated as one text, sentence by sentence across its inline marks; then each
mark goes back around its own words in the translation, found as the mark's source words or
as their own translation, in order. When one mark of a block cannot be placed (nested or
unclosed marks, atoms, words not found), the block is translated run by run between its
tokens instead: every token stays exactly where it was and keeps its own translated text.
The markup is never lost; at worst a sentence is cut at its tags.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..document import normalize


@dataclass(eq=False)
class Open:
    """An inline mark's opening; ``markup`` and ``closing`` are the format's own (tag text,
    Markdown delimiter, Word run)."""

    markup: Any
    closing: Any = None


@dataclass(eq=False)
class Close:
    opening: Open


@dataclass(eq=False)
class Atom:
    """Inline markup without text of its own (an image, a line break): kept where it is."""

    markup: Any


Token = Open | Close | Atom
Part = str | Token
TranslateMany = Callable[[Sequence[str]], Sequence[str]]


@dataclass
class Block:
    """A unit of text a format hands to the translator (a paragraph, a heading, a table cell,
    an attribute value, a subtitle sentence), with its inline tokens in place."""

    parts: list[Part] = field(default_factory=list)
    tag: Any = None  # the format's own handle on where the block goes back
    marker: str = ""  # how the block shows in the article's text: "# " for a title, "- " for an item

    def text(self) -> str:
        """The block's text as written (tokens removed)."""
        return "".join(part for part in self.parts if isinstance(part, str))

    def model_text(self) -> str:
        """The text the translator reads: one line, runs of spaces collapsed."""
        return normalize(self.text())

    def translatable(self) -> bool:
        return any(ch.isalnum() for ch in self.text())

    def has_tokens(self) -> bool:
        return any(not isinstance(part, str) for part in self.parts)


@dataclass(frozen=True)
class _Mark:
    opening: Open
    begin: int
    end: int  # -1: not closed inside the block


def _marks(block: Block) -> list[_Mark]:
    found: dict[int, _Mark] = {}
    offset = 0
    for part in block.parts:
        if isinstance(part, str):
            offset += len(part)
        elif isinstance(part, Open):
            found[id(part)] = _Mark(part, offset, -1)
        elif isinstance(part, Close) and id(part.opening) in found:
            mark = found[id(part.opening)]
            found[id(part.opening)] = _Mark(mark.opening, mark.begin, offset)
    return sorted(found.values(), key=lambda mark: mark.begin)


def _placeable(block: Block) -> list[_Mark] | None:
    """The block's marks when each can be placed alone (closed, not nested, no atoms)."""
    if any(isinstance(part, Atom) for part in block.parts):
        return None
    marks = _marks(block)
    if any(mark.end < 0 for mark in marks) or any(a.end > b.begin for a, b in zip(marks, marks[1:])):
        return None
    if any(isinstance(part, Close) and not any(m.opening is part.opening for m in marks) for part in block.parts):
        return None  # a closing whose opening is in an earlier block
    return marks


def mark_sources(block: Block) -> list[str]:
    """The words inside each placeable mark: their own translation helps find them."""
    marks = _placeable(block) or []
    text = block.text()
    return [source for mark in marks if (source := normalize(text[mark.begin : mark.end]))]


def runs(block: Block) -> list[str]:
    """The runs of text a block is translated by when its marks cannot be placed."""
    return [normalize(part) for part in block.parts if isinstance(part, str) and any(ch.isalnum() for ch in part)]


def place(block: Block, whole: str, translated: dict[str, str]) -> list[Part] | None:
    """The translation ``whole`` with each mark of ``block`` around its words (found as the
    mark's source words, or their translation in ``translated``), in order; None when a mark
    cannot be placed."""
    marks = _placeable(block)
    if marks is None:
        return None
    if not marks:
        return [whole]
    text = block.text()
    out: list[Part] = []
    cursor = 0
    for mark in marks:
        source = normalize(text[mark.begin : mark.end])
        candidates = [c for c in (source, translated.get(source, "").strip()) if c]
        found = _find(whole, candidates, cursor, mark.begin / max(len(text), 1), _bounded(text, mark.begin, mark.end))
        if found is None:
            return None
        at, words = found
        closing = next(part for part in block.parts if isinstance(part, Close) and part.opening is mark.opening)
        out += [whole[cursor:at], mark.opening, words, closing]
        cursor = at + len(words)
    out.append(whole[cursor:])
    return [part for part in out if part != ""]


def _find(whole: str, candidates: list[str], cursor: int, goal: float, bounded: bool) -> tuple[int, str] | None:
    """Where a mark's words are in the translation, from ``cursor`` on: of all the places
    where a candidate (its source words, then their translation) is, one that is a whole
    word if the mark was (``bounded``), nearest to where the mark was in the source (``goal``,
    a share of its length), so that a word seen twice keeps the mark on the right one."""

    def cost(found: tuple[int, int, str]) -> tuple[bool, float, int]:
        at, rank, word = found
        return bounded and not _bounded(whole, at, at + len(word)), abs(at / max(len(whole), 1) - goal), rank

    places = [(at, rank, word) for rank, word in enumerate(candidates) for at in _places(whole, word, cursor)]
    if not places:
        return None
    at, _, word = min(places, key=cost)
    return at, word


def _places(text: str, word: str, start: int) -> list[int]:
    places = []
    while (at := text.find(word, start)) >= 0:
        places.append(at)
        start = at + 1
    return places


def _bounded(text: str, begin: int, end: int) -> bool:
    """Whether ``text[begin:end]`` is not part of a longer word."""
    return not (begin > 0 and text[begin - 1].isalnum()) and not (end < len(text) and text[end].isalnum())


def paired(parts: list[Part], span: Callable[[str], tuple[str, bool] | None]) -> list[Part]:
    """``parts`` with each atom that opens a span made a mark, with the nearest atom after it
    that closes a span of its name (``span(markup)``: the span's name and whether the tag
    opens it; None for another tag); a span left open stays an atom (a voice, a style)."""
    opened: list[tuple[str, int, Any]] = []  # each open span's name, place and markup
    for index, part in enumerate(parts):
        if not isinstance(part, Atom) or (found := span(part.markup)) is None:
            continue
        name, opens = found
        if opens:
            opened.append((name, index, part.markup))
        elif same := [k for k, (other, _, _) in enumerate(opened) if other == name]:
            _, start, markup = opened[same[-1]]
            del opened[same[-1] :]  # and the spans opened inside it, left open
            parts[start] = opening = Open(markup, part.markup)
            parts[index] = Close(opening)
    return parts


def by_runs(block: Block, translated: dict[str, str]) -> list[Part]:
    """Every token where it was, each run of text replaced by its translation (edges kept)."""
    out: list[Part] = []
    for part in block.parts:
        if isinstance(part, str) and any(ch.isalnum() for ch in part):
            out.append(keep_edges(part, translated[normalize(part)]))
        else:
            out.append(part)
    return out


def keep_edges(original: str, translated: str) -> str:
    """The original's leading and trailing whitespace around ``translated``."""
    lead = original[: len(original) - len(original.lstrip())]
    trail = original[len(original.rstrip()) :]
    return f"{lead}{translated.strip()}{trail}"


def place_all(blocks: Sequence[Block], wholes: Sequence[str], translate_many: TranslateMany) -> list[list[Part]]:
    """Each block's translation with its tokens back: placed when they can be, run by run
    when not. ``wholes`` are the blocks' translations; ``translate_many`` translates the
    marks' words and the runs, each batch at once."""
    if len(blocks) != len(wholes):
        raise ValueError(f"{len(blocks)} blocks but {len(wholes)} translations")
    wanted = sorted({source for block in blocks if block.has_tokens() for source in mark_sources(block)})
    translated = dict(zip(wanted, translate_many(wanted), strict=True)) if wanted else {}
    placed: list[list[Part] | None] = [
        place(block, whole, translated) if block.has_tokens() else [whole] for block, whole in zip(blocks, wholes)
    ]
    missing = sorted({run for block, done in zip(blocks, placed) if done is None for run in runs(block)} - translated.keys())
    if missing:
        translated |= dict(zip(missing, translate_many(missing), strict=True))
    return [done if done is not None else by_runs(block, translated) for block, done in zip(blocks, placed)]
