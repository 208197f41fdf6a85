"""A web page reduced to its article (title, paragraphs, images, lists, tables; not the
menus, headers, footers and asides around it) by trafilatura, a maintained extractor: what a
reader of the news wants translated, and what a summary should read. The page stays a page:
its ``<head>`` (title, charset, stylesheets) is kept around the article."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ..document import normalize

MIN_CONTAINED = 30  # a block shorter than this counts as the article's only if it is a line of it
# Where trafilatura's HTML has a ``pre`` (its name for code) as a block of its own; anywhere
# else (in a paragraph, a title, a list item, a link) it is inline code.
BLOCK_PARENTS = frozenset("body blockquote div section article main".split())
FRESH_SHELL = '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n</head>\n<body>\n'


def article_html(markup: str) -> str | None:
    """The page with its body reduced to the article (inline formatting, links and images
    kept, code as ``<pre><code>``), its doctype, ``<html>`` and ``<head>`` as they were;
    None when the extractor finds no article in it."""
    import trafilatura

    body = trafilatura.extract(
        markup,
        output_format="html",
        include_formatting=True,
        include_links=True,
        include_tables=True,
        include_images=True,
        include_comments=False,
    )
    if body is None:
        return None
    return _Shell.of(markup).around(_with_code(body))


def _with_code(extracted: str) -> str:
    """The inside of trafilatura's ``<body>``, its code as HTML writes it: trafilatura turns
    every ``code`` into ``pre``, so ``<pre><code>`` comes out as ``<pre><pre>`` and inline
    code as a ``pre`` inside a paragraph."""
    from lxml import etree

    # trafilatura serialises its tree as XML: read back as such, nothing moves (an HTML
    # parser would end the paragraph at an inline ``pre``).
    body = etree.fromstring(extracted, etree.XMLParser(recover=True)).find("body")
    if body is None:
        return ""
    for pre in body.iter("pre"):
        parent = pre.getparent()
        if parent is not None and (parent.tag == "pre" or parent.tag not in BLOCK_PARENTS):
            pre.tag = "code"
    inside = (body.text or "") + "".join(etree.tostring(child, encoding="unicode", method="html") for child in body)
    return inside.strip() + "\n"


class _Found(Exception):
    """The body's start tag is reached: the rest of the page is not the shell's."""


class _Shell(HTMLParser):
    """What comes before a page's body (doctype, ``<html>``, ``<head>``) and its ``<body>``
    tag, as written."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=False)
        self.markup = markup
        self.lines = [0] + [match.end() for match in re.finditer("\n", markup)]
        self.body: tuple[int, str] | None = None  # where the body tag starts, and the tag
        self.head_end: int | None = None  # where ``</head>`` ends
        self.has_html = False

    @classmethod
    def of(cls, markup: str) -> _Shell:
        shell = cls(markup)
        try:
            shell.feed(markup)
            shell.close()
        except _Found:
            pass  # the shell is known; the body is not needed
        return shell

    def _at(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.has_html = True
        elif tag == "body":
            self.body = (self._at(), self.get_starttag_text() or "<body>")
            raise _Found

    def handle_endtag(self, tag: str) -> None:
        if tag == "head" and self.head_end is None:
            self.head_end = self.markup.index(">", self._at()) + 1

    def around(self, article: str) -> str:
        """``article`` as the page's body: the page's own shell around it, or a fresh one
        (UTF-8, no title) for a page that had none."""
        if self.body is not None:
            start, tag = self.body
            opening = self.markup[:start] + tag + "\n"
        elif self.head_end is not None:
            opening = self.markup[: self.head_end] + "\n<body>\n"
        else:
            return FRESH_SHELL + article + "</body>\n</html>\n"
        return opening + article + "</body>\n" + ("</html>\n" if self.has_html else "")


def article_lines(markup: str) -> list[str]:
    """The article's text, one normalised line per paragraph; empty when none is found."""
    import trafilatura

    text = trafilatura.extract(markup, include_tables=True, include_comments=False) or ""
    return [line for raw in text.splitlines() if (line := normalize(raw))]


def in_article(texts: list[str], lines: list[str]) -> set[int]:
    """Which of ``texts`` (normalised block texts) belong to the article: a line of it, or a
    long enough part of one."""
    exact = set(lines)
    whole = " ".join(lines)
    return {i for i, text in enumerate(texts) if text in exact or (len(text) >= MIN_CONTAINED and text in whole)}
