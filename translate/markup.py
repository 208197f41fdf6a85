"""HTML in, HTML out: the text of each block translated as whole sentences across inline tags
(``a``, ``b``, ``em``, ``span``...), the tags put back around the right words, everything
else kept as it was.

Guarantees, whatever the model writes:
- the sequence of tags out is the sequence in (attributes untouched, ``alt`` and ``title``
  translated); ``code``, ``pre``, ``kbd``, ``script``, ``style`` and ``translate="no"``
  elements are copied verbatim;
- the model's text is escaped, so no tag, script or event handler can appear that was not in
  the input;
- a block whose inline tags cannot all be placed around words of its translation is
  translated run by run between its tags instead (each tag then keeps its own translated
  text): the markup is never lost, only the sentence is cut.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Callable

from .errors import InputTextError

if TYPE_CHECKING:
    from .faithful import Glossary
    from .translator import Generation, Translator

INLINE = frozenset(
    "a abbr b bdi bdo big cite data dfn em font i ins del mark q s small span strong sub sup time tt u".split()
)
VERBATIM = frozenset("code pre kbd samp var script style textarea svg math template noscript".split())
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
TRANSLATED_ATTRIBUTES = ("alt", "title")
MAX_DEPTH = 512  # deeper nesting than this is not a document but an attack


@dataclass
class _Element:
    """An inline element inside a block: its tags, and where its text starts and ends in the
    block's text."""

    start_tag: str
    end_tag: str
    begin: int
    end: int = -1  # -1: not closed inside the block (its end tag comes after a block boundary)


@dataclass
class _Block:
    """Text between block boundaries: its runs of text and inline tags, in order."""

    parts: list[object] = field(default_factory=list)  # text runs, _Element, _Closing, _Raw

    def text(self) -> str:
        return "".join(part for part in self.parts if isinstance(part, str))


class _Splitter(HTMLParser):
    """The markup as a list of verbatim strings and blocks to translate."""

    def __init__(self, translate_attribute: Callable[[str], str]) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str | _Block] = []
        self.block: _Block | None = None
        self.open_inline: list[_Element] = []
        self.verbatim_depth = 0
        self.depth = 0
        self.translate_attribute = translate_attribute

    # Tags ---------------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self._start_tag(tag, attrs)
        if tag in VOID:
            self._emit_tag(raw, inline=tag in ("img", "wbr"))
            return
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise InputTextError(f"The HTML is nested more than {MAX_DEPTH} levels deep; it is refused.")
        if self.verbatim_depth or tag in VERBATIM or dict(attrs).get("translate") == "no":
            self.verbatim_depth += 1
            self._emit_tag(raw, inline=False)
            return
        if tag in INLINE:
            element = _Element(raw, f"</{tag}>", len(self._block().text()))
            self._block().parts.append(element)
            self.open_inline.append(element)
            return
        self._end_block()
        self.out.append(raw)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._emit_tag(self._start_tag(tag, attrs, closed=True), inline=tag in ("img", "wbr"))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        self.depth = max(self.depth - 1, 0)
        if self.verbatim_depth:
            self.verbatim_depth -= 1
            self._emit_tag(f"</{tag}>", inline=False)
            return
        if tag in INLINE and self.open_inline and self.open_inline[-1].end_tag == f"</{tag}>":
            element = self.open_inline.pop()
            element.end = len(self._block().text())
            self._block().parts.append(_Closing(element))
            return
        self._end_block()
        self.out.append(f"</{tag}>")

    # Text ---------------------------------------------------------------------------------

    def handle_data(self, data: str) -> None:
        if self.verbatim_depth:  # script and style text comes raw; other text was unescaped
            self._emit_raw(data if self.cdata_elem is not None else html.escape(data, quote=False))
        else:
            self._block().parts.append(data)

    def handle_comment(self, data: str) -> None:
        self._emit_raw(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self._emit_raw(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self._emit_raw(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self._emit_raw(f"<![{data}]>")

    # Helpers ------------------------------------------------------------------------------

    def _block(self) -> _Block:
        if self.block is None:
            self.block = _Block()
        return self.block

    def _end_block(self) -> None:
        """A block boundary: the block so far is complete. Inline elements still open stay
        unclosed in it (their end tags come later, outside, where they were)."""
        if self.block is not None:
            self.open_inline.clear()
            self.out.append(self.block)
            self.block = None

    def _emit_tag(self, raw: str, inline: bool) -> None:
        if inline and self.block is not None and not self.verbatim_depth:
            self.block.parts.append(_Raw(raw))
        else:
            self._emit_raw(raw)

    def _emit_raw(self, raw: str) -> None:
        if self.block is not None:
            self.block.parts.append(_Raw(raw))
        else:
            self.out.append(raw)

    def _start_tag(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool = False) -> str:
        rendered = []
        for name, value in attrs:
            if value is None:
                rendered.append(f" {name}")
                continue
            if name in TRANSLATED_ATTRIBUTES and value.strip() and not self.verbatim_depth:
                value = self.translate_attribute(value)
            rendered.append(f' {name}="{html.escape(value, quote=True)}"')
        return f"<{tag}{''.join(rendered)}{' /' if closed else ''}>"


@dataclass(frozen=True)
class _Closing:
    element: _Element


@dataclass(frozen=True)
class _Raw:
    """Markup inside a block that is copied as it is (an image, a verbatim span)."""

    markup: str


def translate_html(
    markup: str, translator: "Translator", generation: "Generation" = None, glossary: "Glossary | None" = None
) -> str:
    """``markup`` with its text translated and its markup kept (see the module's docstring)."""

    def translate(text: str) -> str:
        core = " ".join(text.split())
        if not core:
            return text
        translated = translator.translate(core, generation, glossary).text.strip()
        return _keep_edges(text, translated)

    splitter = _Splitter(translate)
    splitter.feed(markup)
    splitter.close()
    splitter._end_block()
    return "".join(part if isinstance(part, str) else _render_block(part, translate) for part in splitter.out)


def _keep_edges(original: str, translated: str) -> str:
    """The original's leading and trailing whitespace around ``translated``."""
    lead = original[: len(original) - len(original.lstrip())]
    trail = original[len(original.rstrip()) :]
    return f"{lead}{translated}{trail}"


def _render_block(block: _Block, translate: Callable[[str], str]) -> str:
    text = block.text()
    if not text.strip():
        return "".join(_markup_of(part) if not isinstance(part, str) else html.escape(part, quote=False) for part in block.parts)
    elements = [part for part in block.parts if isinstance(part, _Element)]
    raws = [part for part in block.parts if isinstance(part, _Raw)]
    if not elements and not raws:
        return html.escape(translate(text), quote=False)
    whole = translate(text)
    placed = _place(whole, text, elements, translate) if not raws else None
    if placed is not None:
        return placed
    # Run by run: every tag stays exactly where it was, each run of text translated alone.
    return "".join(
        html.escape(translate(part), quote=False) if isinstance(part, str) else _markup_of(part) for part in block.parts
    )


def _place(whole: str, text: str, elements: list[_Element], translate: Callable[[str], str]) -> str | None:
    """The translation with each (non-nested) inline element wrapped around its words, found
    as its own text or its own translation; None when one cannot be placed."""
    spans = sorted((element.begin, element.end) for element in elements)
    if any(end < 0 for _, end in spans) or any(end > next_begin for (_, end), (next_begin, _) in zip(spans, spans[1:])):
        return None  # unclosed or nested inline tags: placed run by run
    out: list[str] = []
    cursor = 0
    for element in sorted(elements, key=lambda e: e.begin):
        source = text[element.begin : element.end]
        candidates = [c for c in (source.strip(), translate(source).strip()) if c]
        found = next(((at, c) for c in candidates if (at := whole.find(c, cursor)) >= 0), None)
        if found is None:
            return None
        at, words = found
        out += [html.escape(whole[cursor:at], quote=False), element.start_tag, html.escape(words, quote=False), element.end_tag]
        cursor = at + len(words)
    out.append(html.escape(whole[cursor:], quote=False))
    return "".join(out)


def _markup_of(part: object) -> str:
    if isinstance(part, _Element):
        return part.start_tag
    if isinstance(part, _Closing):
        return part.element.end_tag
    assert isinstance(part, _Raw)
    return part.markup
