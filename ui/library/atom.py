"""Kept articles as an Atom 1.0 feed (RFC 4287) a feed reader subscribes to: per entry the
English title, the English summary (and the French one), a link to the whole translation on
the server and one to the original. Built as a tree (lxml), so no text can break the XML."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from lxml import etree

from .records import StoredArticle
from .text import excerpt, xml_text

ATOM = "http://www.w3.org/2005/Atom"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Entry ids: urn:uuid from this namespace, the article's id and when it was kept (an id a
# later article reuses after a delete still gets an id of its own).
ENTRY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://passerelle.invalid/library/article")
GENERATOR = "Passerelle"


def entry_id(article: StoredArticle) -> str:
    return uuid.uuid5(ENTRY_NAMESPACE, f"{article.id}:{rfc3339(article.added)}").urn


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def atom_feed(
    articles: Sequence[StoredArticle],
    *,
    title: str,
    feed_id: str,
    self_url: str,
    article_url: Callable[[StoredArticle], str],
) -> bytes:
    """The feed as UTF-8 bytes. ``feed_id`` is a stable IRI for this feed (e.g. its URL);
    ``article_url`` gives the whole translation's address on the server."""
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    root.set(XML_LANG, "en")
    _add(root, "id", feed_id)
    _add(root, "title", title, type="text")
    newest = max((article.added for article in articles), default=datetime.now(UTC))
    _add(root, "updated", rfc3339(newest))
    _link(root, self_url, "self", "application/atom+xml")
    _add(_add(root, "author"), "name", GENERATOR)  # for the entries without an author
    _add(root, "generator", GENERATOR)
    for article in articles:
        _entry(root, article, article_url(article))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))


def _entry(root: etree._Element, article: StoredArticle, url: str) -> None:
    entry = _add(root, "entry")
    _add(entry, "id", entry_id(article))
    _add(entry, "title", article.title, type="text")
    _add(entry, "updated", rfc3339(article.added))
    _add(entry, "published", rfc3339(article.published or article.added))
    _link(entry, url, "alternate", "text/html")
    if article.url:
        _link(entry, article.url, "related", "text/html")
    if article.author:
        _add(_add(entry, "author"), "name", article.author)
    english = article.summary_en or excerpt(article.translation_text)
    _add(entry, "summary", english, type="text")
    content = _add(entry, "content", type="xhtml")
    div = etree.SubElement(content, f"{{{XHTML}}}div", nsmap={None: XHTML})
    _xhtml(div, "h2", "Summary")
    _xhtml(div, "p", english)
    if article.summary_fr:
        _xhtml(div, "h2", "Résumé (français)", lang="fr")
        _xhtml(div, "p", article.summary_fr, lang="fr")
    _xhtml(_xhtml(div, "p", ""), "a", "The whole translation", href=url)
    if article.url:
        _xhtml(_xhtml(div, "p", ""), "a", "The original", href=article.url)


def _add(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{tag}", {key: xml_text(value) for key, value in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _link(parent: etree._Element, href: str, rel: str, media_type: str) -> None:
    _add(parent, "link", href=href, rel=rel, type=media_type)


def _xhtml(parent: etree._Element, tag: str, text: str, lang: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{XHTML}}}{tag}", {key: xml_text(value) for key, value in attributes.items()})
    if lang:
        element.set(XML_LANG, lang)
        element.set("lang", lang)
    element.text = xml_text(text) or None
    return element
