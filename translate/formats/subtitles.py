"""Subtitles in, subtitles out (SubRip .srt and WebVTT .vtt), parsed by hand: both formats
are blocks of lines separated by blank lines.

Cue numbers, identifiers, timings and settings come out unchanged, and so do WebVTT's header
and its NOTE, STYLE and REGION blocks. A sentence spread over several cues is translated as
one sentence (cues are grouped until one ends a sentence, a pause of more than
``MAX_GAP_SECONDS`` or a size cap), then spread back over the same cues in proportion to
their original lengths, cut only between words, and wrapped for reading at ``LINE_WIDTH``
characters (two balanced lines when it needs two). Formatting tags (``<i>``, ``<b>``,
``<font>``, ``<c.x>``...) are not sent to the model; a cue wrapped whole in one tag keeps it.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import ClassVar

from ..errors import InputTextError
from .base import Form, text_of
from .inline import Block, Part

LINE_WIDTH = 42
MAX_GAP_SECONDS = 2.0
MAX_CUES_PER_SENTENCE = 6
MAX_SENTENCE_CHARS = 500
MAX_CUES = 20_000
SENTENCE_END = re.compile(r"[.!?…][\"'»”’)\]]*$")
TAG = re.compile(r"</?[a-zA-Z][^<>]*>|\{\\[^{}]*\}")
WHOLE_TAG = re.compile(r"^(<([a-zA-Z]+)[^<>]*>)(.*)(</\2>)$", re.S)
_TIME = r"(?:(\d{1,3}):)?(\d{2}):(\d{2})[,.](\d{3})"
TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(.*)$")


@dataclass
class _Cue:
    head: list[str]  # number or identifier, and the timing line: kept as written
    lines: list[str]  # the text
    start: float
    end: float

    def text(self) -> str:
        return " ".join(TAG.sub("", line).strip() for line in self.lines if line.strip())

    def wrapping(self) -> tuple[str, str] | None:
        """The tag pair the whole cue is wrapped in, if any."""
        match = WHOLE_TAG.match("\n".join(self.lines).strip())
        return (match.group(1), match.group(4)) if match and not TAG.search(match.group(3)) else None


class SubtitleForm(Form):
    """Cues, and the blocks between them that are kept as they are."""

    webvtt: ClassVar[bool] = False

    def __init__(self, text: str, name: str) -> None:
        chunks = _chunks(text.replace("\r\n", "\n").replace("\r", "\n"))
        self.items: list[_Cue | str] = []
        if self.webvtt:
            if not chunks or not chunks[0][1][0].startswith("WEBVTT"):
                raise InputTextError(f"{name}: a WebVTT file starts with WEBVTT on its first line")
            self.items.append("\n".join(chunks.pop(0)[1]))
        for number, lines in chunks:
            if self.webvtt and lines[0].split(" ")[0] in ("NOTE", "STYLE", "REGION"):
                self.items.append("\n".join(lines))
            else:
                self.items.append(_cue(lines, number, name))
        cues = [item for item in self.items if isinstance(item, _Cue)]
        if not cues:
            raise InputTextError(f"{name}: no subtitle cue found (a number, a timing line such as 00:00:01,000 --> 00:00:03,000, then text)")
        if len(cues) > MAX_CUES:
            raise InputTextError(f"{name}: {len(cues):,} cues is over the limit of {MAX_CUES:,}")
        super().__init__([Block([" ".join(cue.text() for cue in group)], tag=group) for group in _sentences(cues)])

    @classmethod
    def parse(cls, data: str | bytes, name: str) -> "SubtitleForm":
        return cls(text_of(data, name), name)

    def render(self, translated: list[list[Part]]) -> bytes:
        texts: dict[int, str] = {}
        for block, parts in zip(self.blocks, translated, strict=True):
            group: list[_Cue] = block.tag
            whole = "".join(part for part in parts if isinstance(part, str))
            if parts is block.parts:  # nothing to translate: as written
                continue
            for cue, text in zip(group, spread(whole, [len(cue.text()) for cue in group]), strict=True):
                texts[id(cue)] = _dress(cue, text)
        out = []
        for item in self.items:
            if isinstance(item, str):
                out.append(item)
            else:
                body = texts.get(id(item), "\n".join(item.lines))
                out.append("\n".join([*item.head, body]) if body else "\n".join(item.head))
        return ("\n\n".join(out) + "\n").encode("utf-8")


class SrtForm(SubtitleForm):
    kind: ClassVar[str] = "srt"
    suffixes: ClassVar[tuple[str, ...]] = (".srt",)
    media_type: ClassVar[str] = "application/x-subrip"


class VttForm(SubtitleForm):
    kind: ClassVar[str] = "vtt"
    suffixes: ClassVar[tuple[str, ...]] = (".vtt",)
    media_type: ClassVar[str] = "text/vtt"
    webvtt: ClassVar[bool] = True


def _chunks(text: str) -> list[tuple[int, list[str]]]:
    """The blocks of lines between blank lines, each with its first line's number (from 1)."""
    chunks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.rstrip())
        elif current:
            chunks.append((start, current))
            current = []
    if current:
        chunks.append((start, current))
    return chunks


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _cue(lines: list[str], number: int, name: str) -> _Cue:
    """One cue: an optional number or identifier, the timing line, the text."""
    timed = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
    if timed is None:
        raise InputTextError(f"{name}, line {number}: a cue without a timing line (00:00:01,000 --> 00:00:03,000)")
    match = TIMING.match(lines[timed])
    if match is None:
        raise InputTextError(f"{name}, line {number + timed}: the timing {lines[timed].strip()!r} cannot be read")
    groups = match.groups()
    start, end = _seconds(*groups[0:4]), _seconds(*groups[4:8])
    if end < start:
        raise InputTextError(f"{name}, line {number + timed}: the cue ends before it starts")
    return _Cue(lines[: timed + 1], lines[timed + 1 :], start, end)


def _sentences(cues: list[_Cue]) -> list[list[_Cue]]:
    """Consecutive cues grouped so that each group holds whole sentences, when it can."""
    groups: list[list[_Cue]] = []
    current: list[_Cue] = []
    for index, cue in enumerate(cues):
        current.append(cue)
        following = cues[index + 1] if index + 1 < len(cues) else None
        if (
            following is None
            or SENTENCE_END.search(cue.text())
            or following.start - cue.end > MAX_GAP_SECONDS
            or len(current) >= MAX_CUES_PER_SENTENCE
            or sum(len(c.text()) for c in current) >= MAX_SENTENCE_CHARS
        ):
            groups.append(current)
            current = []
    return groups


def spread(text: str, weights: list[int]) -> list[str]:
    """``text`` cut between words into ``len(weights)`` parts, sized like ``weights``; each
    part gets at least one word while there are words enough."""
    words = text.split()
    count = len(weights)
    total_weight = sum(weights) or count
    total = sum(len(word) + 1 for word in words)
    parts: list[str] = []
    position, taken_so_far, index = 0, 0, 0
    for cue in range(count - 1):
        taken_so_far += weights[cue] or 1
        goal = total * taken_so_far / total_weight
        taken: list[str] = []
        while index < len(words):
            later = count - cue - 1
            if taken and (len(words) - index <= later or position + len(words[index]) / 2 > goal):
                break
            taken.append(words[index])
            position += len(words[index]) + 1
            index += 1
        parts.append(" ".join(taken))
    parts.append(" ".join(words[index:]))
    return parts


def wrap(text: str, width: int = LINE_WIDTH) -> list[str]:
    """Lines for reading: one when it fits, two balanced ones when they fit, else as many
    as it takes."""
    if len(text) <= width:
        return [text] if text else []
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    fitting = [i for i in spaces if i <= width and len(text) - i - 1 <= width]
    if fitting:
        middle = min(fitting, key=lambda i: abs(len(text) / 2 - i))
        return [text[:middle], text[middle + 1 :]]
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)


def _dress(cue: _Cue, text: str) -> str:
    """A cue's new text: wrapped, in the cue's own whole-cue tag if it had one."""
    body = "\n".join(wrap(text))
    wrapping = cue.wrapping()
    return f"{wrapping[0]}{body}{wrapping[1]}" if wrapping and body else body
