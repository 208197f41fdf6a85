"""Subtitles in, subtitles out: SubRip (.srt) and WebVTT (.vtt), parsed by hand as their
own libraries read them: blocks of lines between blank lines (pysrt); in WebVTT only an
empty line is blank, and a line with "-->" where a cue's text goes starts a cue of its own
(webvtt-py and the WebVTT parser; youtube-dl writes cues so, without blank lines).

Kept byte for byte, because players and editors rely on them: cue numbers and identifiers,
timing lines with their settings, the WebVTT header and its NOTE, STYLE and REGION blocks,
blank lines, the file's own line ends, every cue with nothing to translate (``♪``). Only
the text lines of cues are rewritten.

A sentence spread over several cues is translated as one: consecutive cues are grouped until
a cue ends a sentence (``.``, ``!``, ``?``, ``…``, perhaps before closing quotes), a pause
over ``MAX_GAP_SECONDS``, ``MAX_BLOCK_CUES`` cues or ``MAX_BLOCK_CHARS`` characters. The
translation is spread back over the cues in proportion to their source lengths, cut between
words (a word per cue while there are enough), and wrapped for reading: one line up to
``LINE_WIDTH`` characters, else two balanced lines, more only when two cannot fit.

Tags are never sent to the model. Tags around a whole cue (or each of its lines alike) and a
leading ``{\\an8}`` go back around its translation. A cue with tags inside its text (``<i>``,
``<c.x>``, karaoke timestamps such as ``<00:05:04.199>``) is a block of its own, its lines
and every tag where they were (see ``inline``). The model cannot add markup: tags are
removed from its text in SubRip, escaped in WebVTT. Dialogue cues (a dash per speaker line)
keep one speaker per line when the translation keeps the dashes.

Refused with InputTextError naming the line: a timing that does not parse or ends before it
starts, a SubRip block that is not a cue (a WebVTT one is kept as it is: players skip it),
a SubRip file with no cue (a WebVTT file of notes only is nothing to translate, not an error), a
WebVTT file without its ``WEBVTT`` header, more than ``MAX_CUES`` cues.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import ClassVar

from ..errors import InputTextError
from .base import Form, text_of
from .cue_layout import spread, wrap
from .inline import Atom, Block, Close, Part, paired

MAX_GAP_SECONDS = 2.0  # a longer pause between cues ends a block
MAX_BLOCK_CUES = 6
MAX_BLOCK_CHARS = 400
MAX_CUES = 20_000

SENTENCE_END = re.compile(r"[.!?…][\s\"'»”’)\]]*$")
TAG = re.compile(r"</?[a-zA-Z][^<>]*>|<\d[\d:.]*>|\{\\[^{}]*\}")
OPENING = re.compile(r"<([a-zA-Z]\w*)(?:[.\s][^<>]*)?>")
CLOSING = re.compile(r"</([a-zA-Z]\w*)\s*>")
SPLIT_TAGS = re.compile(f"({TAG.pattern})")
OVERRIDE = re.compile(r"\{\\[^{}]*\}")
DASH = re.compile(r"^[-–—]")
DIALOGUE_TURN = re.compile(r"\s+(?=[-–—]\s)")
LINE_END = re.compile(r"(\r\n|\r|\n)")
SRT_TIME = r"(\d+):(\d{2}):(\d{2})[,.](\d{3})"
# WebVTT's own timestamps are zero-padded; players (and webvtt-py) read unpadded ones too.
VTT_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})\.(\d{1,3})"
SRT_TIMING = re.compile(rf"^\s*{SRT_TIME}[ \t]*-->[ \t]*{SRT_TIME}(?:[ \t].*)?$")
VTT_TIMING = re.compile(rf"^\s*{VTT_TIME}[ \t]*-->[ \t]*{VTT_TIME}(?:[ \t].*)?$")
EXAMPLES = {False: "00:00:01,000 --> 00:00:03,000", True: "00:00:01.000 --> 00:00:03.000"}  # SubRip's, WebVTT's
VTT_HEADER = re.compile(r"^\ufeff?WEBVTT(?:[ \t].*)?$")


@dataclass(frozen=True)
class _Line:
    number: int  # from 1, for messages
    text: str  # without its line end
    end: str  # "\n", "\r\n", "\r", or "" for a last line without one


@dataclass(frozen=True)
class _Wrapping:
    """The tags around a whole cue (``per_line``: around each of its lines alike)."""

    opening: str
    closing: str
    per_line: bool = False


@dataclass(eq=False)
class _Cue:
    head: list[_Line]  # identifier (optional) and timing line: written back as they are
    lines: list[_Line]  # the text
    start: float
    end: float
    vtt: bool

    def raw(self) -> str:
        return _raw([*self.head, *self.lines])

    def text(self) -> str:
        """The cue's text as the model reads it: tags removed, lines joined with spaces."""
        words = " ".join(_plain(line.text, self.vtt) for line in self.lines)
        return " ".join(words.split())

    def translatable(self) -> bool:
        return any(ch.isalnum() for ch in self.text())

    def tagged_inside(self) -> bool:
        """Whether tags are inside the text, not only around the whole cue (or each line)."""
        found = len(TAG.findall("".join(line.text for line in self.lines)))
        wrapping = _wrapping(self)
        around = 0 if wrapping is None else len(TAG.findall(wrapping.opening + wrapping.closing))
        return found > around * (len(self.lines) if wrapping is not None and wrapping.per_line else 1)

    def rendered(self, text: str | list[str]) -> str:
        """The cue with ``text`` (its share of the translation, or its lines) as its text."""
        head = _raw(self.head)
        lines = text if isinstance(text, list) else _dress(self, text)
        if not lines:
            return head
        eol = self.head[-1].end or "\n"
        return head + eol.join(lines) + self.lines[-1].end


class SubtitleForm(Form):
    """A subtitle file: cues grouped into sentence blocks, and everything else kept."""

    webvtt: ClassVar[bool] = False

    def __init__(self, text: str, name: str) -> None:
        pieces = _chunks(_lines(text), self.webvtt)
        chunks = [piece for piece in pieces if isinstance(piece, list)]
        if self.webvtt and (not chunks or chunks[0][0].number != 1 or not VTT_HEADER.match(chunks[0][0].text)):
            raise InputTextError(f"{name}, line 1: a WebVTT file starts with WEBVTT on its first line")
        self.items: list[str | _Cue] = []
        cues: list[_Cue] = []
        for piece in pieces:
            if isinstance(piece, str):
                self.items.append(piece)
            elif self.webvtt and (piece is chunks[0] or not _timed(piece)):  # NOTE, STYLE, REGION, what players skip
                self.items.append(_raw(piece))
            else:
                cues.append(_cue(piece, name, self.webvtt))
                self.items.append(cues[-1])
                if len(cues) > MAX_CUES:
                    raise InputTextError(f"{name}, line {piece[0].number}: more than {MAX_CUES:,} cues; split the file")
        if not cues and not self.webvtt:  # a WebVTT file of notes only is nothing to translate
            raise InputTextError(f"{name}: no subtitle cue found (a timing line such as {EXAMPLES[self.webvtt]}, then text)")
        super().__init__([_block(group) for group in group_cues(cues)])

    @classmethod
    def parse(cls, data: str | bytes, name: str) -> SubtitleForm:
        return cls(text_of(data, name), name)

    def render(self, translated: list[list[Part]]) -> bytes:
        texts: dict[int, str | list[str]] = {}
        for block, parts in zip(self.blocks, translated, strict=True):
            if parts is block.parts:  # handed back untranslated: the cues as written
                continue
            group: list[_Cue] = block.tag
            if block.has_tokens():  # a cue with tags inside: each where it was
                texts[id(group[0])] = _tagged_lines(parts, self.webvtt)
                continue
            whole = _clean("".join(part for part in parts if isinstance(part, str)), self.webvtt)
            for cue, share in zip(group, spread(whole, [len(cue.text()) for cue in group]), strict=True):
                texts[id(cue)] = share
        out = (
            item if isinstance(item, str) else item.rendered(texts[id(item)]) if id(item) in texts else item.raw() for item in self.items
        )
        return "".join(out).encode("utf-8")


class SrtForm(SubtitleForm):
    """A SubRip file: numbered cues (``00:00:01,000 --> 00:00:03,000``) and their text."""

    kind: ClassVar[str] = "srt"
    suffixes: ClassVar[tuple[str, ...]] = (".srt",)
    media_type: ClassVar[str] = "application/x-subrip"


class VttForm(SubtitleForm):
    """A WebVTT file: the ``WEBVTT`` header, cues with optional identifiers and settings,
    NOTE, STYLE and REGION blocks."""

    kind: ClassVar[str] = "vtt"
    suffixes: ClassVar[tuple[str, ...]] = (".vtt",)
    media_type: ClassVar[str] = "text/vtt"
    webvtt: ClassVar[bool] = True


# Parsing ----------------------------------------------------------------------------------


def _lines(text: str) -> list[_Line]:
    """The file's lines, each with its own line end."""
    pieces = LINE_END.split(text)
    pairs = zip(pieces[0::2], [*pieces[1::2], ""])
    lines = [_Line(number, content, end) for number, (content, end) in enumerate(pairs, start=1)]
    return lines[:-1] if lines and not lines[-1].text and not lines[-1].end else lines


def _chunks(lines: list[_Line], vtt: bool) -> list[str | list[_Line]]:
    """The blank lines as written, and the blocks of lines between them. In WebVTT, as its
    parsers read it, only an empty line is blank, and a line with "-->" that cannot be the
    block's timing (after the header, a cue's text or a timing) starts a block of its own."""
    pieces: list[str | list[_Line]] = []
    for line in lines:
        block = pieces[-1] if pieces and isinstance(pieces[-1], list) else None
        if not (line.text if vtt else line.text.strip()):
            pieces.append(line.text + line.end)
        elif block is None or (vtt and "-->" in line.text and (block[0].number == 1 or len(block) > 1 or _timed(block[:1]))):
            pieces.append([line])
        else:
            block.append(line)
    return pieces


def _timed(block: list[_Line]) -> bool:
    """Whether a block has a timing line where a cue has it (first or second line)."""
    return any("-->" in line.text for line in block[:2])


def _raw(lines: list[_Line]) -> str:
    return "".join(line.text + line.end for line in lines)


def _seconds(hours: str | None, minutes: str, seconds: str, fraction: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(fraction) / float(10 ** len(fraction))


def _cue(chunk: list[_Line], name: str, vtt: bool) -> _Cue:
    """One cue: an optional number or identifier, the timing line, the text."""
    timed = next((i for i, line in enumerate(chunk[:2]) if "-->" in line.text), None)
    if timed is None:
        raise InputTextError(f"{name}, line {chunk[0].number}: a cue without a timing line ({EXAMPLES[vtt]})")
    timing = chunk[timed]
    match = (VTT_TIMING if vtt else SRT_TIMING).match(timing.text)
    groups = match.groups() if match else ()
    if not match or any(int(value) > 59 for value in (groups[1], groups[2], groups[5], groups[6])):
        raise InputTextError(f"{name}, line {timing.number}: the timing {timing.text.strip()!r} cannot be read")
    start, end = _seconds(*groups[0:4]), _seconds(*groups[4:8])
    if end < start:
        raise InputTextError(f"{name}, line {timing.number}: the cue ends before it starts")
    return _Cue(chunk[: timed + 1], chunk[timed + 1 :], start, end, vtt)


def _plain(line: str, vtt: bool) -> str:
    """A line's text without its tags (and, in WebVTT, its character references decoded)."""
    bare = TAG.sub("", line)
    return html.unescape(bare) if vtt else bare


def _block(group: list[_Cue]) -> Block:
    """A group's block: its cues' texts as one, or a cue with tags inside as its parts: text
    runs and tags where they are (a span closed in it a mark, other tags atoms), lines apart."""
    if not group[0].tagged_inside():
        return Block([" ".join(cue.text() for cue in group)], tag=group)
    parts: list[Part] = []
    for number, line in enumerate(group[0].lines):
        parts += [" ", Atom("\n")] if number else []
        pieces = SPLIT_TAGS.split(line.text)  # text, tag, text...
        parts += [Atom(piece) if k % 2 else _plain(piece, group[0].vtt) for k, piece in enumerate(pieces)]
    return Block(paired([part for part in parts if part != ""], _tag_name), tag=group)


def _tag_name(markup: str) -> tuple[str, bool] | None:
    """A span tag's name, and whether it opens the span (None: not a span's tag)."""
    found = OPENING.fullmatch(markup) or CLOSING.fullmatch(markup)
    return (found.group(1), found.re is OPENING) if found else None


def _tagged_lines(parts: list[Part], vtt: bool) -> list[str]:
    """A cue's lines from its parts: text made safe, tags as written."""
    markup = (
        _clean(part, vtt) if isinstance(part, str) else part.opening.closing if isinstance(part, Close) else part.markup for part in parts
    )
    return [line.rstrip() for line in "".join(markup).split("\n") if line.strip()]


# Grouping ---------------------------------------------------------------------------------


def group_cues(cues: list[_Cue]) -> list[list[_Cue]]:
    """Consecutive translatable cues grouped so that each group holds whole sentences, when it
    can; cues with nothing to translate stay out of every group (and end the one before)."""
    groups: list[list[_Cue]] = []
    current: list[_Cue] = []
    for cue, following in zip(cues, [*cues[1:], None]):
        alone = not cue.translatable() or cue.tagged_inside()  # out of every group, or in its own
        if not alone:
            current.append(cue)
        if current and (alone or following is None or _ends_block(current, following)):
            groups, current = [*groups, current], []
        if alone and cue.translatable():
            groups.append([cue])
    return groups


def _ends_block(current: list[_Cue], following: _Cue) -> bool:
    last = current[-1]
    return bool(
        SENTENCE_END.search(last.text())
        or following.start - last.end > MAX_GAP_SECONDS
        or following.start < last.start  # out of order: not the same sentence
        or len(current) >= MAX_BLOCK_CUES
        or sum(len(cue.text()) + 1 for cue in current) >= MAX_BLOCK_CHARS
    )


def _clean(text: str, vtt: bool) -> str:
    """The model's text made safe: no markup it could have invented."""
    if vtt:
        return html.escape(text, quote=False)
    return TAG.sub("", text).replace("-->", "->")  # no tag, no line a player could take for a timing


def _dress(cue: _Cue, text: str) -> list[str]:
    """A cue's new text lines: wrapped (one speaker per line for a dialogue), in the cue's
    own whole-cue tags."""
    lines = _dialogue(cue, text) or wrap(text)
    wrapping = _wrapping(cue)
    if wrapping is None:
        return lines
    if not lines:  # no word left for this cue: its tags stay (a speaker, a position)
        return [wrapping.opening + wrapping.closing]
    if wrapping.per_line:
        return [f"{wrapping.opening}{line}{wrapping.closing}" for line in lines]
    lines[0] = wrapping.opening + lines[0]
    lines[-1] += wrapping.closing
    return lines


def _dialogue(cue: _Cue, text: str) -> list[str] | None:
    """One line per speaker, when the source cue had one dash-led line per speaker and the
    translation has as many dash-led turns; None otherwise."""
    turns = [_plain(line.text, cue.vtt).strip() for line in cue.lines]
    if len(turns) < 2 or not all(DASH.match(turn) for turn in turns):
        return None
    said = DIALOGUE_TURN.split(text.strip())
    if len(said) != len(turns) or not all(DASH.match(turn) for turn in said):
        return None
    return [line for turn in said for line in wrap(turn)]


def _wrapping(cue: _Cue) -> _Wrapping | None:
    """The tags the whole cue is wrapped in, or each of its lines alike; None if neither."""
    whole = _outer_tags("\n".join(line.text for line in cue.lines))
    if whole != ("", ""):
        return _Wrapping(*whole)
    each = {_outer_tags(line.text) for line in cue.lines}
    if len(each) == 1 and (found := each.pop()) != ("", ""):
        return _Wrapping(*found, per_line=True)
    return None


def _outer_tags(text: str) -> tuple[str, str]:
    """The openings at the start of ``text`` that its end closes (or that nothing closes,
    such as WebVTT's ``<v Name>`` or a ``{\\an8}`` position), and their closings."""
    opening, closing, rest = "", "", text.strip()
    while True:
        if override := OVERRIDE.match(rest):
            opening, rest = opening + override.group(0), rest[override.end() :].lstrip()
            continue
        tag = OPENING.match(rest)
        if tag is None:
            return opening, closing
        end, inner = f"</{tag.group(1)}>", rest[tag.end() :]
        same = re.compile(rf"<{tag.group(1)}[\s.>]")
        if inner.endswith(end) and end not in inner[: -len(end)] and not same.search(inner):
            opening, closing, rest = opening + tag.group(0), end + closing, inner[: -len(end)].strip()
        elif end not in inner and not same.search(inner):
            opening, rest = opening + tag.group(0), inner.lstrip()
        else:
            return opening, closing
