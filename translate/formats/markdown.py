"""Markdown in, Markdown out, parsed by markdown-it-py (CommonMark, with tables and
strikethrough), never by regular expressions over the structure.

Each paragraph, heading, list item, quote and table cell is one block. Emphasis, strong,
strikethrough and link text are inline marks (put back around their words); link targets are
kept as written; inline code keeps its backticks, so the translator's protected spans keep it
verbatim; images, autolinks and inline HTML are kept where they are. Front matter, fenced and
indented code, HTML blocks and everything between blocks are copied byte for byte: only the
text of each block is replaced, on the line where it starts (a paragraph wrapped over several
lines becomes one line). The model's text is escaped, so it cannot create markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar

from markdown_it import MarkdownIt
from markdown_it.token import Token as MdToken

from ..faithful.spans import PATTERNS, SpanKind
from .base import Form, text_of
from .inline import Atom, Block, Close, Open, Part

FRONT_MATTER = re.compile(r"\A(---|\+\+\+)[ \t]*\r?\n.*?^\1[ \t]*\r?$\n?", re.S | re.M)
# An inline link or image destination as written: "](target)" or "](target "title")".
DESTINATION = re.compile(r"\]\(\s*(?:<[^>\n]*>|[^)\s]+)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
CODE_SPAN = next(pattern for kind, pattern in PATTERNS if kind == SpanKind.CODE)
ESCAPED = re.compile(r"([\\`*_\[\]<>|])")
LINE_START = re.compile(r"^(\s*)(?:([#+\->=])|(\d+)([.)]))")
MARK_TYPES = {"em_open": "em_close", "strong_open": "strong_close", "s_open": "s_close"}


@dataclass(frozen=True)
class _Place:
    """Where a block's text is in the file: the line it starts on, the columns of its text
    there, and the further lines it covers (removed when the block is written on one line)."""

    line: int
    start: int
    end: int
    more_lines: tuple[int, ...]


class MarkdownForm(Form):
    kind: ClassVar[str] = "markdown"
    suffixes: ClassVar[tuple[str, ...]] = (".md", ".markdown")
    media_type: ClassVar[str] = "text/markdown"

    def __init__(self, text: str) -> None:
        front = FRONT_MATTER.match(text)
        skipped = text[: front.end()].count("\n") if front else 0
        self.lines = text.splitlines(keepends=True)
        parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
        body = "".join(self.lines[skipped:])
        blocks: list[Block] = []
        cursors: dict[int, int] = {}  # per line, where the next cell's text is looked for
        for token in parser.parse(body):
            if token.type != "inline" or token.map is None or not token.content.strip():
                continue
            place = self._locate(token.content, token.map[0] + skipped, token.map[1] + skipped, cursors)
            if place is not None:
                blocks.append(Block(_parts(token), tag=place, marker=_marker(self.lines[place.line], place.start)))
        super().__init__(blocks)

    @classmethod
    def parse(cls, data: str | bytes, name: str) -> "MarkdownForm":
        return cls(text_of(data, name))

    def _locate(self, content: str, first: int, last: int, cursors: dict[int, int]) -> _Place | None:
        """The block's place: its first content line found on its first source line, the
        others on the following lines of its range (None: not found, left untouched)."""
        wanted = content.split("\n")
        at = self.lines[first].find(wanted[0].strip(), cursors.get(first, 0))
        if at < 0:
            return None
        end = at + len(wanted[0].strip())
        cursors[first] = end
        more = tuple(first + i for i, line in enumerate(wanted[1:], start=1) if first + i < last and line.strip() in self.lines[first + i])
        return _Place(first, at, end, more)

    def render(self, translated: list[list[Part]]) -> bytes:
        lines = list(self.lines)
        edits: dict[int, list[tuple[int, int, str]]] = {}
        dropped: set[int] = set()
        for block, parts in zip(self.blocks, translated, strict=True):
            if parts is block.parts:  # not translated: as written
                continue
            place: _Place = block.tag
            edits.setdefault(place.line, []).append((place.start, place.end, render_parts(parts)))
            dropped.update(place.more_lines)
        for number, changes in edits.items():
            line = lines[number]
            for start, end, text in sorted(changes, reverse=True):  # right to left: columns stay valid
                line = line[:start] + text + line[end:]
            lines[number] = line
        return "".join(line for number, line in enumerate(lines) if number not in dropped).encode("utf-8")


def _parts(token: MdToken) -> list[Part]:
    """A block's parts from markdown-it's inline children."""
    destinations = iter(match.group() for match in DESTINATION.finditer(token.content))
    parts: list[Part] = []
    opened: list[tuple[str, Open]] = []
    skipping = False  # inside an autolink: kept whole, as one atom
    for child in token.children or []:
        kind = child.type
        if skipping:
            skipping = kind != "link_close"
        elif kind == "text":
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "code_inline":
            parts.append(f"{child.markup}{child.content}{child.markup}")
        elif kind in MARK_TYPES:
            opening = Open(child.markup, child.markup)
            opened.append((MARK_TYPES[kind], opening))
            parts.append(opening)
        elif kind == "link_open" and child.markup == "autolink":
            parts.append(Atom(f"<{child.attrs.get('href', '')}>"))
            skipping = True
        elif kind == "link_open":
            opening = Open("[", next(destinations, None) or _destination(child))
            opened.append(("link_close", opening))
            parts.append(opening)
        elif kind == "image":
            parts.append(Atom(f"![{child.content}{next(destinations, None) or _destination(child)}"))
        elif kind == "html_inline":
            parts.append(Atom(child.content))
        elif opened and kind == opened[-1][0]:
            parts.append(Close(opened.pop()[1]))
    return parts


def _destination(token: Any) -> str:
    """A link's "](target "title")" rebuilt from its attributes (a reference link's)."""
    target = token.attrs.get("href") or token.attrs.get("src") or ""
    title = token.attrs.get("title")
    return f"]({target} \"{title}\")" if title else f"]({target})"


def _marker(line: str, start: int) -> str:
    """How the block shows in the article's text: a title or a list item."""
    prefix = line[:start].strip()
    if prefix.startswith("#"):
        return prefix.split()[0] + " "
    return "- " if prefix.endswith(("-", "*", "+")) or re.search(r"\d[.)]$", prefix) else ""


def escape(text: str) -> str:
    """Translated text made inert: Markdown's special characters escaped, except inside the
    inline code spans that came back verbatim."""
    out: list[str] = []
    cursor = 0
    for match in CODE_SPAN.finditer(text):
        out.append(ESCAPED.sub(r"\\\1", text[cursor : match.start()]))
        out.append(match.group())
        cursor = match.end()
    out.append(ESCAPED.sub(r"\\\1", text[cursor:]))
    return "".join(out)


def render_parts(parts: list[Part]) -> str:
    """One block as Markdown: text escaped, marks as written."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(escape(part))
        elif isinstance(part, Open):
            out.append(str(part.markup))
        elif isinstance(part, Close):
            out.append(str(part.opening.closing))
        else:
            out.append(str(part.markup))
    rendered = "".join(out)
    return LINE_START.sub(_escape_line_start, rendered, count=1)


def _escape_line_start(match: re.Match[str]) -> str:
    """"# ", "- ", "> " or "1. " at the start of a block's text would make it a title, an
    item or a quote: escaped ("\\#", "1\\.")."""
    space, sign, number, dot = match.groups()
    return f"{space}\\{sign}" if sign else f"{space}{number}\\{dot}"
