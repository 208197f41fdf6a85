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
- Link targets are kept as written (``](target "title")`` or ``][label]``, taken from the
  source: markdown-it's own link rule reports where each link ends); a shortcut reference
  (``[label]``) becomes an inline link, since its label is translated.
- Inline code is a text run with its backticks as written, so the translator's protected
  spans keep it verbatim; images, autolinks, inline HTML and hard breaks are atoms, copied
  from the source.
- The model's text is escaped, so it cannot create emphasis, links, code, HTML, titles,
  list items or table cells; only the code spans of the block's source are left as they
  come back.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from markdown_it import MarkdownIt
from markdown_it.parser_inline import RuleFuncInlineType
from markdown_it.rules_inline import StateInline, autolink, backtick, escape as escape_rule, html_inline, image, link, newline
from markdown_it.token import Token as MdToken

from ..document import normalize
from .base import Form, text_of
from .inline import Atom, Block, Close, Open, Part

FRONT_MATTER = re.compile(r"\A(---|\+\+\+)[ \t]*\r?\n.*?^\1[ \t]*\r?$\n?", re.S | re.M)
LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")  # markdown-it's line endings
NEWLINE = re.compile(r"\r\n?|\n")
# A code span: a run of backticks, then anything up to the same run (CommonMark's rule).
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
ESCAPED = re.compile(r"[\\`*_\[\]<>|~]|&(?=#?[A-Za-z0-9]+;)")
LINE_START = re.compile(r"(?P<sign>#{1,6}(?=[ \t]|$)|[+=-])|(?P<number>\d{1,9})[.)](?=[ \t]|$)")
CLOSING_HASHES = re.compile(r"(?<=[ \t])#+$")
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
MARKS = {"em_open": "em_close", "strong_open": "strong_close", "s_open": "s_close", "link_open": "link_close"}
# The inline rules whose tokens carry their source text (``meta["source"]``).
SOURCED: dict[str, RuleFuncInlineType] = {
    "newline": newline,
    "escape": escape_rule,
    "backticks": backtick,
    "link": link,
    "image": image,
    "autolink": autolink,
    "html_inline": html_inline,
}


@dataclass(frozen=True)
class _Place:
    """Where a block's text is in the file: from column ``start`` of line ``line`` to column
    ``end`` of line ``last``; ``table`` for a cell; ``code``: the block's code spans (the
    only ones its translation may keep), as the model reads them."""

    line: int
    start: int
    last: int
    end: int
    table: bool = False
    code: frozenset[str] = frozenset()


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
            prefixes = [self.lines[first + k][:start] for k, (start, _) in enumerate(spans)]
            parts, code = _parts(token, prefixes)
            place = _Place(first, spans[0][0], first + len(spans) - 1, spans[-1][1], table, code)
            blocks.append(Block(parts, tag=place, marker=_marker(tokens, index)))
        super().__init__(blocks)

    @classmethod
    def parse(cls, data: str | bytes, name: str) -> "MarkdownForm":
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


def _parts(token: MdToken, prefixes: list[str]) -> tuple[list[Part], frozenset[str]]:
    """A block's parts from markdown-it's inline children, and its code spans as the model
    reads them. ``prefixes``: each source line's text before the block's (where a hard
    break goes on)."""
    parts: list[Part] = []
    code: set[str] = set()
    opened: list[tuple[str, Open]] = []
    in_autolink = False  # an autolink is one atom: its text and closing are in it
    for child in token.children or []:
        kind = child.type
        if in_autolink:
            in_autolink = kind != "link_close"
        elif kind == "text":
            if child.content:
                parts.append(child.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts += [" ", Atom(_hard_break(child, token.content, prefixes))]
        elif kind == "code_inline":
            parts.append(_one_line(child.meta["source"]))
            code.add(normalize(child.meta["source"]))
        elif kind == "link_open" and child.markup == "autolink":
            parts.append(Atom(child.meta["source"]))
            in_autolink = True
        elif kind in MARKS:
            opening = Open("[", _link_closing(child)) if kind == "link_open" else Open(child.markup, child.markup)
            opened.append((MARKS[kind], opening))
            parts.append(opening)
        elif kind in ("image", "html_inline"):
            parts.append(Atom(_one_line(child.meta["source"])))
        elif opened and kind == opened[-1][0]:
            parts.append(Close(opened.pop()[1]))
        else:
            raise ValueError(f"markdown-it made an inline token this form does not know: {kind}")
    return parts, frozenset(code)


def _link_closing(token: MdToken) -> str:
    """A link's ``](target "title")`` or ``][label]`` as written; rebuilt from its attributes
    for a shortcut or collapsed reference (``[label]``, ``[label][]``), whose label is the
    text that gets translated."""
    written = token.meta["source"][token.meta["label_end"] - token.meta["start"] :]
    if written.startswith("](") or (written.startswith("][") and written != "][]"):
        return _one_line(written)
    target = str(token.attrs.get("href", ""))
    if not target or re.search(r"[\s()<>]", target):
        target = f"<{target}>"
    title = token.attrs.get("title")
    if title:
        quoted = str(title).replace("\\", "\\\\").replace('"', '\\"')
        return f']({target} "{quoted}")'
    return f"]({target})"


def _hard_break(token: MdToken, content: str, prefixes: list[str]) -> str:
    """A hard break as written (trailing spaces or a backslash, then the line ending), and
    the next line's prefix, so the text goes on in the same quote or list item."""
    start: int = token.meta["start"]
    if token.meta["source"].startswith("\\"):
        mark = "\\"
    else:
        before = content[:start]
        mark = before[len(before.rstrip(" ")) :]
    following = content.count("\n", 0, start) + 1
    return f"{mark}\n{prefixes[following] if following < len(prefixes) else ''}"


def _one_line(text: str) -> str:
    """Inline markup that was wrapped over lines, on one line (the same to Markdown)."""
    return NEWLINE.sub(" ", text)


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


def escape(text: str, code: Iterable[str] | None = None, table: bool = False) -> str:
    """Translated text made inert: Markdown's special characters escaped, except in the code
    spans that came back verbatim (those in ``code``, as the model reads them; any code span
    when ``code`` is None)."""
    kept = None if code is None else set(code)
    out: list[str] = []
    cursor = 0
    for match in CODE_SPAN.finditer(text):
        if kept is not None and normalize(match.group()) not in kept:
            continue
        out += [ESCAPED.sub(r"\\\g<0>", text[cursor : match.start()]), _pipes(match.group()) if table else match.group()]
        cursor = match.end()
    out.append(ESCAPED.sub(r"\\\g<0>", text[cursor:]))
    return "".join(out)


def render_parts(parts: list[Part], code: Iterable[str] | None = None, table: bool = False) -> str:
    """One block as Markdown: text escaped (see ``escape``), marks and atoms as written; in a
    table cell, no pipe left unescaped."""
    out: list[str] = []
    at_line_start = True  # the block's start, or after a hard break
    for part in parts:
        if isinstance(part, str):
            text = escape(_one_line(part), code, table)
            if at_line_start:
                text = _escape_line_start(text.lstrip(" \t"))
                at_line_start = not text
            out.append(text)
            continue
        markup = str(part.opening.closing) if isinstance(part, Close) else str(part.markup)
        out.append(_pipes(markup) if table else markup)
        at_line_start = isinstance(part, Atom) and "\n" in markup
    return CLOSING_HASHES.sub(r"\\\g<0>", "".join(out).rstrip(" \t"))


def _escape_line_start(text: str) -> str:
    """"# ", "- ", "+ ", "=" or "1. " at the start of a line would make a title, an item or
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
