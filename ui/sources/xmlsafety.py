"""Checks made on a document's bytes before any XML parser reads them: a DTD with entities
(the "billion laughs" bomb, external entities) is refused, and a web page is told apart from
a feed (and the feeds it links to named)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin

from .errors import FeedError

PROLOG_SCAN = 64 * 1024  # a prolog longer than this is no ordinary feed's
_FIRST_ELEMENT = re.compile(r"<([A-Za-z_][\w:.-]*)")
_DOCTYPE = re.compile(r"<!DOCTYPE\s+([^\s>\[]+)[^>\[]*(\[)?", re.IGNORECASE)
FEED_LINK_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"}


def head_text(data: bytes, size: int = PROLOG_SCAN) -> str:
    """The start of a document as text, whatever its encoding (UTF-16 and -32 included), so
    markup can be looked for in it without trusting a declared encoding."""
    head = data[: size * 4]
    for bom, encoding in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                          (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):  # fmt: skip
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="replace")[:size]
    if head[:4] in (b"<\x00?\x00", b"<\x00!\x00") or head[:2] == b"<\x00":
        return head.decode("utf-16-le", errors="replace")[:size]
    if head[:4] in (b"\x00<\x00?", b"\x00<\x00!") or head[:2] == b"\x00<":
        return head.decode("utf-16-be", errors="replace")[:size]
    return head.decode("latin-1")[:size]


def prolog(text: str) -> str:
    """What comes before the first element: where a DOCTYPE and its entities would be."""
    match = _FIRST_ELEMENT.search(text)
    return text[: match.start()] if match else text


def refuse_dtd(data: bytes, name: str) -> None:
    """FeedError when the document declares entities or an internal DTD subset: no feed needs
    one, and entity expansion is how a few hundred bytes become gigabytes (or a local file)."""
    before = prolog(head_text(data))
    doctype = _DOCTYPE.search(before)
    if re.search(r"<!ENTITY", before, re.IGNORECASE) or (doctype and doctype.group(2)):
        raise FeedError(
            f"{name}: refused, the document declares a DTD with entities (an entity bomb or external entity); no feed needs one"
        )
    if len(before) >= PROLOG_SCAN:
        raise FeedError(f"{name}: refused, over {PROLOG_SCAN:,} characters before the first element")


def is_web_page(data: bytes) -> bool:
    """Whether the document is an HTML page (by its DOCTYPE or its first element)."""
    text = head_text(data)
    doctype = _DOCTYPE.search(prolog(text))
    first = _FIRST_ELEMENT.search(text)
    return bool((doctype and doctype.group(1).lower() == "html") or (first and first.group(1).lower() == "html"))


class _FeedLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.links: list[tuple[str, str]] = []  # (href, title)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "").strip() for k, v in attrs}
        if tag == "base" and values.get("href") and self.base is None:
            self.base = values["href"]
        rels = values.get("rel", "").lower().split()
        if tag == "link" and "alternate" in rels and values.get("type", "").lower() in FEED_LINK_TYPES and values.get("href"):
            self.links.append((values["href"], values.get("title", "")))


def feed_links(page: str, page_url: str) -> tuple[str, ...]:
    """The feeds a web page declares (``<link rel="alternate" type="application/rss+xml">``),
    as absolute links, in the page's order."""
    parser = _FeedLinks()
    parser.feed(page)
    parser.close()
    base = urljoin(page_url, parser.base) if parser.base else page_url
    found = [urljoin(base, href) for href, _ in parser.links]
    return tuple(link for link in dict.fromkeys(found) if link.startswith(("http://", "https://")))
