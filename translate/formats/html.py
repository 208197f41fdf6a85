"""HTML in, HTML out: the text of each block element translated as whole sentences across
inline tags (``a``, ``b``, ``em``, ``span``...), the tags put back around the right words
(see ``inline``), everything else kept as it was.

Guarantees, whatever the model writes:
- the sequence of tags out is the sequence in (attributes untouched, ``alt`` and ``title``
  translated, ``lang`` and a declared charset updated, see below); ``code``, ``pre``, ``kbd``, ``script``, ``style``, comments and
  ``translate="no"`` elements are copied verbatim;
- the model's text is escaped, so no tag, script or event handler can appear that was not in
  the input;
- nesting deeper than ``MAX_DEPTH`` is refused (a parser's recursion is not a document).

The translated page says its new language (``<html lang="en">``, and any translated element
that said the source language) and its true encoding (the file is written in UTF-8, so a
``<meta charset>`` says so).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING, ClassVar

from ..errors import InputTextError
from ..languages import Language, other
from .article import article_lines, in_article
from .base import Form, text_of
from .inline import Atom, Block, Close, Open, Part

if TYPE_CHECKING:
    from ..faithful import Glossary
    from ..translator import Generation, Translator

INLINE = frozenset("a abbr b bdi bdo big cite data dfn em font i ins del mark q s small span strong sub sup time tt u".split())
VERBATIM = frozenset("code pre kbd samp var script style textarea svg math template noscript".split())
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
TRANSLATED_ATTRIBUTES = ("alt", "title")
MARKERS = {**{f"h{level}": "#" * level + " " for level in range(1, 7)}, "li": "- "}
MAX_DEPTH = 512  # deeper nesting than this is not a document but an attack


LANGUAGE_ATTRIBUTES = ("lang", "xml:lang")
CHARSET_DECLARATION = re.compile(r"charset\s*=\s*[\w.:-]+", re.IGNORECASE)


@dataclass(eq=False)
class _Tag:
    """A start tag, its attributes as written, or as a block to translate (``alt``, ``title``);
    ``kept``: inside an element copied verbatim (its text is not translated)."""

    name: str
    attributes: list[tuple[str, str | None | Block]]
    closed: bool = False
    kept: bool = False

    def render(self, texts: dict[int, str], language: Language | None = None) -> str:
        rendered = []
        for name, value in self._written(language):
            if value is None:
                rendered.append(f" {name}")
                continue
            text = texts.get(id(value), value.text()) if isinstance(value, Block) else value
            rendered.append(f' {name}="{html.escape(text, quote=True)}"')
        return f"<{self.name}{''.join(rendered)}{' /' if self.closed else ''}>"

    def _written(self, language: Language | None) -> list[tuple[str, str | None | Block]]:
        """The attributes as the translated file says them: the page's ``lang`` (added if
        missing) and that of a translated element in the source language become
        ``language``; a charset declared becomes UTF-8, the file's encoding."""
        attributes = self.attributes
        if self.name == "meta":
            attributes = [(name, _utf8(name, value)) for name, value in attributes]
        if language is None or self.kept:
            return attributes
        source = other(language)

        def said_in_source(value: str | None | Block) -> bool:
            return isinstance(value, str) and value.strip().lower().split("-")[0] == source

        relabelled: list[tuple[str, str | None | Block]] = [
            (name, language if name in LANGUAGE_ATTRIBUTES and (self.name == "html" or said_in_source(value)) else value)
            for name, value in attributes
        ]
        if self.name == "html" and "lang" not in {name for name, _ in attributes}:
            relabelled.append(("lang", language))
        return relabelled


def _utf8(name: str, value: str | None | Block) -> str | None | Block:
    """A ``meta`` attribute with any charset it declares as UTF-8."""
    if not isinstance(value, str):
        return value
    if name == "charset":
        return "utf-8"
    return CHARSET_DECLARATION.sub("charset=utf-8", value) if name == "content" else value


class _Splitter(HTMLParser):
    """The markup as verbatim strings, tags and blocks to translate."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str | _Tag | Block] = []
        self.blocks: list[Block] = []
        self.block: Block | None = None
        self.open_inline: list[Open] = []
        self.verbatim_depth = 0
        self.depth = 0
        self.marker = ""  # the Markdown marker of the block element the text is in

    # Tags ---------------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            self._emit(self._tag(tag, attrs))
            return
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise InputTextError(f"The HTML is nested more than {MAX_DEPTH} levels deep; it is refused.")
        if self.verbatim_depth or tag in VERBATIM or dict(attrs).get("translate") == "no":
            self.verbatim_depth += 1
            self._emit(self._tag(tag, attrs))
            return
        if tag in INLINE:
            opening = Open(self._tag(tag, attrs), f"</{tag}>")
            self._block().parts.append(opening)
            self.open_inline.append(opening)
            return
        self._end_block()
        self.marker = MARKERS.get(tag, "")
        self.out.append(self._tag(tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._emit(self._tag(tag, attrs, closed=True))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        self.depth = max(self.depth - 1, 0)
        if self.verbatim_depth:
            self.verbatim_depth -= 1
            self._emit(f"</{tag}>")
            return
        if tag in INLINE and self.open_inline and self.open_inline[-1].closing == f"</{tag}>":
            self._block().parts.append(Close(self.open_inline.pop()))
            return
        self._end_block()
        self.marker = ""
        self.out.append(f"</{tag}>")

    # Text ---------------------------------------------------------------------------------

    def handle_data(self, data: str) -> None:
        if self.verbatim_depth:  # script and style text comes raw; other text was unescaped
            self._emit(data if self.cdata_elem is not None else html.escape(data, quote=False))
        else:
            self._block().parts.append(data)

    def handle_comment(self, data: str) -> None:
        self._emit(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self._emit(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self._emit(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self._emit(f"<![{data}]>")

    # Helpers ------------------------------------------------------------------------------

    def _block(self) -> Block:
        if self.block is None:
            self.block = Block(marker=self.marker)
            self.blocks.append(self.block)
        return self.block

    def end(self) -> None:
        self.close()
        self._end_block()

    def _end_block(self) -> None:
        """A block boundary: the block so far is complete. Inline elements still open stay
        unclosed in it (their end tags come later, outside, where they were)."""
        if self.block is not None:
            self.open_inline.clear()
            self.out.append(self.block)
            self.block = None

    def _emit(self, markup: str | _Tag) -> None:
        """Markup copied as it is: inside the current block as an atom, or between blocks."""
        if self.block is not None:
            self.block.parts.append(Atom(markup))
        else:
            self.out.append(markup)

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool = False) -> _Tag:
        attributes: list[tuple[str, str | None | Block]] = []
        for name, value in attrs:
            if name in TRANSLATED_ATTRIBUTES and value and value.strip() and not self.verbatim_depth:
                block = Block([value], tag=name)
                self.blocks.append(block)
                attributes.append((name, block))
            else:
                attributes.append((name, value))
        return _Tag(tag, attributes, closed, kept=self.verbatim_depth > 0)


class HtmlForm(Form):
    """An HTML page or fragment."""

    kind: ClassVar[str] = "html"
    suffixes: ClassVar[tuple[str, ...]] = (".html", ".htm", ".xhtml")
    media_type: ClassVar[str] = "text/html"

    def __init__(self, markup: str) -> None:
        splitter = _Splitter()
        splitter.feed(markup)
        splitter.end()
        self.out = splitter.out
        self.markup = markup
        super().__init__(splitter.blocks)

    @classmethod
    def parse(cls, data: str | bytes, name: str) -> HtmlForm:
        return cls(text_of(data, name))

    def summary_blocks(self) -> set[int] | None:
        lines = article_lines(self.markup)
        return in_article(self.model_texts(), lines) or None if lines else None

    def render_text(self, translated: list[list[Part]], language: Language | None = None) -> str:
        """The page with ``translated`` in place of its blocks; ``language``: the one they are
        in, which the page then says (see the module's docstring)."""
        by_block = dict(zip(map(id, self.blocks), translated, strict=True))
        texts = {id(block): "".join(p for p in parts if isinstance(p, str)) for block, parts in zip(self.blocks, translated)}

        def markup(value: object) -> str:
            return value.render(texts, language) if isinstance(value, _Tag) else str(value)

        def part(item: Part) -> str:
            if isinstance(item, str):
                return html.escape(item, quote=False)
            if isinstance(item, Open):
                return markup(item.markup)
            if isinstance(item, Close):
                return str(item.opening.closing)
            return markup(item.markup)

        out = []
        for item in self.out:
            if isinstance(item, Block):
                out.append("".join(part(p) for p in by_block[id(item)]))
            else:
                out.append(markup(item))
        return "".join(out)

    def render(self, translated: list[list[Part]]) -> bytes:
        return self.render_text(translated).encode("utf-8")

    def render_in(self, translated: list[list[Part]], language: Language) -> bytes:
        return self.render_text(translated, language).encode("utf-8")


def translate_html(markup: str, translator: Translator, generation: Generation = None, glossary: Glossary | None = None) -> str:
    """``markup`` with its text translated and its markup kept (see the module's docstring)."""
    return HtmlForm(markup).translate(translator, generation, glossary).decode("utf-8")
