"""Markdown in, Markdown out, parsed by markdown-it-py (CommonMark, with tables and
strikethrough), never by regular expressions over the structure.

What is translated: each paragraph, heading, list item text, quote paragraph and table cell
(one markdown-it ``inline`` token each) is one block.

What is kept, and why:
- Every line outside those blocks is copied byte for byte: front matter (a leading ``---``
  or ``+++`` block, which is data, not prose), fenced and indented code, HTML blocks,
  thematic breaks, link reference definitions, blank lines, line endings. Only the text of
  each block is replaced, on the line where it starts, between that line's own prefix
  (``> ``, ``- ``, ``1. ``, ``## ``, indentation, a table row's pipes) and its tail (a
  heading's closing ``#``, the line ending). A paragraph wrapped over several lines becomes
  one line; a hard line break stays a line break, with the next line's prefix.
- Emphasis, strong, strikethrough and link text are inline marks put back around their
  words, with their delimiters as written (``*`` or ``_``, ``**`` or ``__``, ``~~``).
- Link targets are kept as written (``](target "title")`` or ``][label]``, where markdown-it's
  link rule says); a shortcut reference (``[label]``) becomes an inline link (its label is
  translated).
- Inline code comes back byte for byte, whatever its backticks and spaces: the model reads
  it as a one-backtick span, which the translator keeps verbatim (``"`` a ` b ``"`` reads
  ``"`a ' b`"``), put back as written. Images, autolinks, inline HTML and hard breaks are
  atoms, copied from the source. Markup wrapped over lines keeps its line breaks and prefixes.
- The model's text is escaped, so it cannot create emphasis, links, code, HTML, titles,
  list items or table cells; only the block's own code spans are left as they come back. A
  mark's delimiter that could not open or close where it lands (inside a word, next to
  punctuation) becomes ``*`` rather than ``_``, or steps inside the punctuation at its edge.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import ClassVar

from markdown_it import MarkdownIt
from markdown_it.parser_inline import RuleFuncInlineType
from markdown_it.rules_inline import StateInline, autolink, backtick, html_inline, image, link, newline
from markdown_it.rules_inline import escape as escape_rule
from markdown_it.token import Token as MdToken

from ..document import normalize
from .base import Form, text_of
from .inline import Atom, Block, Close, Open, Part

FRONT_MATTER = re.compile(r"\A(---|\+\+\+)[ \t]*\r?\n.*?^\1[ \t]*\r?$\n?", re.S | re.M)
LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")  # markdown-it's line endings
NEWLINE = re.compile(r"\r\n?|\n")
# A code span: a run of backticks, then anything up to the same run (CommonMark's rule).
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
ONE_BACKTICK_SPAN = re.compile(r"`[^`\n]+`")  # what the translator's protected spans keep as it is
LOOSE_BACKTICK = "\u02cb"  # how a backtick that is text shows to the model
ESCAPED = re.compile(r"[\\`*_\[\]<>|~]|&(?=#?[A-Za-z0-9]+;)")
LINE_START = re.compile(r"(?P<sign>#{1,6}(?=[ \t]|$)|[+=-])|(?P<number>\d{1,9})[.)](?=[ \t]|$)")
HARD_BREAK = re.compile(r"(?:\\|[ \t]*)(?:\r\n|\r|\n)[ \t>]*")  # a hard break and the next line's prefix
CLOSING_HASHES = re.compile(r"(?<=[ \t])#+$")
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
LEAD, TRAIL = re.compile(r"^[\W_]+"), re.compile(r"[\W_]+$")  # spaces and punctuation at a text's start, end
MARKS = {"em_open": "em_close", "strong_open": "strong_close", "s_open": "s_close", "link_open": "link_close"}
DELIMITERS = "*_~"  # marks whose delimiters markdown-it reads by what is on each side of them
# The inline rules whose tokens carry their source text (``meta["source"]``).
SOURCED: dict[str, RuleFuncInlineType] = {"newline": newline, "escape": escape_rule, "backticks": backtick, "link": link,
                                           "image": image, "autolink": autolink, "html_inline": html_inline}  # fmt: skip
CodeSpans = tuple[tuple[str, str], ...]  # each code span as the model reads it, and as written


@dataclass(frozen=True)
class _Place:
    """Where a block's text is in the file: from column ``start`` of line ``line`` to column
    ``end`` of line ``last``; ``table`` for a cell; ``code``: the block's code spans."""

    line: int
    start: int
    last: int
    end: int
    table: bool = False
    code: CodeSpans = ()


class MarkdownForm(Form):
    """A Markdown document (see the module's docstring for what is kept)."""

    kind: ClassVar[str] = "markdown"
    suffixes: ClassVar[tuple[str, ...]] = (".md", ".markdown")
    media_type: ClassVar[str] = "text/markdown"

    def __init__(self, text: str) -> None:
        self.lines: list[str] = LINES.findall(text)
        front = FRONT_MATTER.match(text)
        skipped = len(LINES.findall(front.group())) if front else 0
        tokens = _parser().parse("".join(self.lines[skipped:]))
        blocks: list[Block] = []
        cursors: dict[int, int] = {}  # per line, where the next table cell's text is looked for
        for index, token in enumerate(tokens):
            if token.type != "inline" or token.map is None or not token.content.strip():
                continue
            table = tokens[index - 1].type in ("th_open", "td_open")
            spans = self._locate(token.content, token.map[0] + skipped, token.map[1] + skipped, table, cursors)
            if spans is None:  # not found as written: the block stays as it is
                continue
            first = token.map[0] + skipped
            sources = self.lines[first : first + len(spans)]
            prefixes = [line[:start] for line, (start, _) in zip(sources, spans, strict=True)]
            parts, code = _parts(token, prefixes, [line[len(line.rstrip("\r\n")) :] or "\n" for line in sources])
            place = _Place(first, spans[0][0], first + len(spans) - 1, spans[-1][1], table, code)
            blocks.append(Block(parts, tag=place, marker=_marker(tokens, index)))
        super().__init__(blocks)

    @classmethod
    def parse(cls, data: str | bytes, name: str) -> MarkdownForm:
        return cls(text_of(data, name))

    def _locate(self, content: str, first: int, stop: int, table: bool, cursors: dict[int, int]) -> list[tuple[int, int]] | None:
        """The columns of each line of ``content`` in the source lines ``first`` to ``stop``
        (one source line per content line); None when a line is not found as written."""
        wanted = content.split("\n")
        if first + len(wanted) > min(stop, len(self.lines)):
            return None
        spans: list[tuple[int, int]] = []
        for number, line_text in enumerate(wanted, start=first):
            text = line_text.strip()
            if table:  # markdown-it reads a cell's "\|" as "|"
                text = text.replace("|", "\\|")
            at = self.lines[number].find(text, cursors.get(number, 0))
            if at < 0:
                return None
            spans.append((at, at + len(text)))
        if table:
            cursors[first] = spans[0][1]
        return spans

    def render(self, translated: list[list[Part]]) -> bytes:
        lines = list(self.lines)
        edits: dict[int, list[tuple[_Place, str]]] = {}
        dropped: set[int] = set()
        for block, parts in zip(self.blocks, translated, strict=True):
            if parts is block.parts:  # not translated: as written
                continue
            place: _Place = block.tag
            edits.setdefault(place.line, []).append((place, render_parts(parts, place.code, place.table)))
            dropped.update(range(place.line + 1, place.last + 1))
        for number, changes in edits.items():
            line = lines[number]
            for place, text in sorted(changes, key=lambda change: change[0].start, reverse=True):  # columns stay valid
                tail = self.lines[place.last][place.end :] if place.last != number else line[place.end :]
                line = line[: place.start] + text + tail
            lines[number] = line
        return "".join(line for number, line in enumerate(lines) if number not in dropped).encode("utf-8")


# Parsing ----------------------------------------------------------------------------------


@functools.cache
def _parser() -> MarkdownIt:
    """CommonMark with tables and strikethrough, whose sourced tokens carry their source."""
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    for name, rule in SOURCED.items():
        parser.inline.ruler.at(name, _with_source(rule))
    return parser


def _with_source(rule: RuleFuncInlineType) -> RuleFuncInlineType:
    """``rule``, with the first token it makes told its source text and offset (and, for a
    link, where its label ends) in ``meta``."""

    def sourced(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        made = next((token for token in state.tokens[count:] if token.type != "text"), None)  # text: flushed before it
        if not silent and made is not None:
            made.meta.update(source=state.src[start : state.pos], start=start)
            if made.type == "link_open" and made.markup != "autolink":
                made.meta["label_end"] = state.md.helpers.parseLinkLabel(state, start, True)
        return True

    return sourced


def _parts(token: MdToken, prefixes: list[str], ends: list[str]) -> tuple[list[Part], CodeSpans]:
    """A block's parts from markdown-it's inline children, and its code spans. ``prefixes``
    and ``ends``: each source line's text before the block's (``> ``, indentation) and line
    ending, which markup wrapped over lines gets back."""
    parts: list[Part] = []
    code: list[tuple[str, str]] = []
    opened: list[tuple[str, Open]] = []
    in_autolink = False  # an autolink is one atom: its text and closing are in it

    def written(source: str, start: int) -> str:
        """``source`` (at ``start`` in the content) with its own line ends and prefixes."""
        lines, first = source.split("\n"), token.content.count("\n", 0, start)
        for k in range(1, len(lines)):  # a line's prefix holds its indentation
            lines[k] = ends[first + k - 1] + prefixes[first + k] + lines[k].lstrip(" \t")
        return "".join(lines)

    for child in token.children or []:
        kind = child.type
        if in_autolink:
            in_autolink = kind != "link_close"
        elif kind == "text":  # a backtick of the text reads as another sign: it cannot pair with a code span's
            if child.content:
                parts.append(child.content.replace("`", LOOSE_BACKTICK))
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts += [" ", Atom(written(_hard_break(child, token.content), child.meta["start"]))]
        elif kind == "code_inline":
            code.append((_stand_in(child.meta["source"], child.content), written(child.meta["source"], child.meta["start"])))
            parts.append(code[-1][0])
        elif kind == "link_open" and child.markup == "autolink":
            parts.append(Atom(child.meta["source"]))
            in_autolink = True
        elif kind in MARKS:
            opening = Open("[", _link_closing(child, written)) if kind == "link_open" else Open(child.markup, child.markup)
            opened.append((MARKS[kind], opening))
            parts.append(opening)
        elif kind in ("image", "html_inline"):
            parts.append(Atom(written(child.meta["source"], child.meta["start"])))
        elif opened and kind == opened[-1][0]:
            parts.append(Close(opened.pop()[1]))
        else:
            raise ValueError(f"markdown-it made an inline token this form does not know: {kind}")
    return parts, tuple(code)


def _stand_in(source: str, content: str) -> str:
    """How a code span shows to the model: as written when the translator keeps it so (one
    backtick each side, one line, single spaces), else as its content so written."""
    if ONE_BACKTICK_SPAN.fullmatch(source) and normalize(source) == source:
        return source
    return "`" + (normalize(content).replace("`", "'") or "…") + "`"


def _link_closing(token: MdToken, written: Callable[[str, int], str]) -> str:
    """A link's ``](target "title")`` or ``][label]`` as written; rebuilt from its attributes
    for a shortcut or collapsed reference (``[label]``, ``[label][]``), whose label is the
    text that gets translated."""
    closing = token.meta["source"][token.meta["label_end"] - token.meta["start"] :]
    if closing.startswith("](") or (closing.startswith("][") and closing != "][]"):
        return written(closing, token.meta["label_end"])
    target = str(token.attrs.get("href", ""))
    if not target or re.search(r"[\s()<>]", target):
        target = f"<{target}>"
    title = token.attrs.get("title")
    quoted = str(title).replace("\\", "\\\\").replace('"', '\\"') if title else ""
    return f']({target} "{quoted}")' if title else f"]({target})"


def _hard_break(token: MdToken, content: str) -> str:
    """A hard break as written (trailing spaces or a backslash, then the line ending), to be
    followed by the next line's prefix: the text goes on in the same quote or list item."""
    if token.meta["source"].startswith("\\"):
        return "\\\n"
    before = content[: token.meta["start"]]
    return before[len(before.rstrip(" ")) :] + "\n"


def _marker(tokens: list[MdToken], index: int) -> str:
    """How the block shows in the article's text: "## " for a title, "- " for a list item's
    first paragraph, "" otherwise."""
    parent = tokens[index - 1]
    if parent.type == "heading_open":
        return "#" * int(parent.tag[1:]) + " "
    if parent.type == "paragraph_open" and index >= 2 and tokens[index - 2].type == "list_item_open":
        return "- "
    return ""


# Rendering --------------------------------------------------------------------------------


@dataclass
class _Piece:
    """A stretch of a rendered block: escaped text (``plain``) or markup (of ``mark``)."""

    text: str
    plain: bool = False
    mark: Open | Close | None = None


class _CodeSpans:
    """A block's code spans, found in its translation as the model reads them and put back
    as written (in order, when two read alike); any code span, as it is, when not known."""

    def __init__(self, code: Iterable[tuple[str, str]] | None) -> None:
        self.waiting: dict[str, list[str]] = {}
        for stand_in, written in code or ():
            self.waiting.setdefault(stand_in, []).append(written)
        known = "|".join(map(re.escape, sorted(self.waiting, key=len, reverse=True)))
        self.pattern = CODE_SPAN if code is None else re.compile(known or "(?!)")

    def escape(self, text: str, table: bool) -> str:
        """Translated text made inert: Markdown's special characters escaped, except in the
        code spans, which come back as written."""
        out: list[str] = []
        cursor = 0
        for match in self.pattern.finditer(text):
            queue = self.waiting.get(match.group(), [match.group()])
            written = queue.pop(0) if len(queue) > 1 else queue[0]
            out += [_inert(text[cursor : match.start()]), _pipes(written) if table else written]
            cursor = match.end()
        return "".join([*out, _inert(text[cursor:])])


def _inert(text: str) -> str:
    return ESCAPED.sub(r"\\\g<0>", text.replace(LOOSE_BACKTICK, "`"))


def render_parts(parts: list[Part], code: Iterable[tuple[str, str]] | None = None, table: bool = False) -> str:
    """One block as Markdown: text escaped, marks and atoms as written; in a table cell, no
    pipe left unescaped. ``code``: the block's code spans (any is kept when None)."""
    pieces = _pieces(parts, _CodeSpans(code), table)
    for mark in [piece.mark for piece in pieces if isinstance(piece.mark, Open) and piece.text[:1] in DELIMITERS]:
        _fit_mark(pieces, mark)
    return CLOSING_HASHES.sub(r"\\\g<0>", "".join(piece.text for piece in pieces).rstrip(" \t"))


def _pieces(parts: list[Part], code: _CodeSpans, table: bool) -> list[_Piece]:
    out: list[_Piece] = []
    at_line_start = True  # the block's start, or after a hard break
    for part in parts:
        if isinstance(part, str):
            text = code.escape(NEWLINE.sub(" ", part), table)
            if at_line_start:
                text = _escape_line_start(text.lstrip(" \t"))
                at_line_start = not text
            out.append(_Piece(text, plain=True))
            continue
        markup = str(part.opening.closing) if isinstance(part, Close) else str(part.markup)
        if markup == "[" and out and out[-1].plain and out[-1].text.endswith("!"):  # "![" would open an image
            out[-1].text = out[-1].text[:-1] + "\\!"
        out.append(_Piece(_pipes(markup) if table else markup, mark=part if isinstance(part, (Open, Close)) else None))
        at_line_start = isinstance(part, Atom) and bool(HARD_BREAK.fullmatch(markup))
    return out


def _fit_mark(pieces: list[_Piece], mark: Open) -> None:
    """``mark`` made to read as one where the translation put it: as written if it does;
    else with ``*`` for ``_`` (which cannot open or close inside a word), else with the
    spaces and punctuation at its inner edges moved out of it."""
    opening = next(k for k, piece in enumerate(pieces) if piece.mark is mark)
    closing = next((k for k, piece in enumerate(pieces) if isinstance(piece.mark, Close) and piece.mark.opening is mark), None)
    if closing is None or _reads_as_mark(pieces, opening, closing):
        return
    delimiter = pieces[opening].text
    for inward, marker in itertools.product((False, True), dict.fromkeys((delimiter[0], "*"))):
        trial, start, end = _variant(pieces, opening, closing, marker * len(delimiter), inward)
        if _reads_as_mark(trial, start, end):
            pieces[:] = trial
            return


def _variant(pieces: list[_Piece], opening: int, closing: int, delimiter: str, inward: bool) -> tuple[list[_Piece], int, int]:
    """A copy of ``pieces`` with ``delimiter`` for the mark's, and (``inward``) the spaces and
    punctuation just inside it put outside (the text inside keeps its words); the
    delimiters' new places."""
    trial = [replace(piece) for piece in pieces]
    trial[opening].text = trial[closing].text = delimiter
    if not inward or closing == opening + 1:
        return trial, opening, closing
    after, before = trial[opening + 1], trial[closing - 1]
    if after.plain and (lead := LEAD.match(after.text)) and lead.end() < len(after.text):
        after.text = after.text[lead.end() :]
        trial.insert(opening, _Piece(lead.group(), plain=True))
        opening, closing = opening + 1, closing + 1
    if before.plain and (trail := TRAIL.search(before.text)) and trail.start() > 0:
        before.text = before.text[: trail.start()]
        trial.insert(closing + 1, _Piece(trail.group(), plain=True))
    return trial, opening, closing


def _reads_as_mark(pieces: list[_Piece], opening: int, closing: int) -> bool:
    """Whether markdown-it's own delimiter rule lets ``pieces[opening]`` open a mark and
    ``pieces[closing]`` close it."""
    start, end = (sum(len(piece.text) for piece in pieces[:index]) for index in (opening, closing))
    state = StateInline("".join(piece.text for piece in pieces), _parser(), {}, [])
    split = pieces[opening].text[0] != "_"  # "*" and "~" may mark part of a word
    return state.scanDelims(start, split).can_open and state.scanDelims(end, split).can_close


def _escape_line_start(text: str) -> str:
    """ "# ", "- ", "+ ", "=" or "1. " at the start of a line would make a title, an item or
    an underline: escaped ("\\#", "1\\.")."""
    match = LINE_START.match(text)
    if match is None:
        return text
    if match["sign"]:
        return "\\" + text
    return f"{match['number']}\\{text[match.end('number') :]}"


def _pipes(markup: str) -> str:
    """Markup copied into a table cell: its pipes escaped, as the cell's source had them."""
    return UNESCAPED_PIPE.sub(r"\\|", markup)
