"""A feed's bytes (RSS 2.0, RSS 1.0, Atom, through feedparser) as typed items, and an OPML
subscription list as (title, feed URL) pairs. What is wrong with a feed is said: refused
outright (not XML, a web page, a DTD with entities, over the size limit) or noted and counted
(items without links, duplicate GUIDs, relative links, dates in the future)."""

from __future__ import annotations

import calendar
import hashlib
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from .errors import FeedError
from .xmlsafety import feed_links, head_text, is_web_page, refuse_dtd

log = logging.getLogger("passerelle.sources")

DEFAULT_MAX_BYTES = 5_000_000
EXAMPLES = 3  # items named in a note before "and N more"


@dataclass(frozen=True)
class FeedItem:
    """One entry. ``key`` is what identifies it across polls: its GUID, else its link, else a
    hash of its content; ``link`` is absolute (the article page to fetch)."""

    key: str
    link: str
    title: str
    author: str | None = None
    published: datetime | None = None  # UTC; never after the fetch time
    summary: str = ""  # the feed's own summary, as plain text


@dataclass
class Feed:
    url: str
    title: str
    link: str | None
    version: str  # feedparser's name for the format: rss20, rss10, atom10, ...
    items: list[FeedItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped_without_link: int = 0
    duplicates: int = 0
    relative_links: int = 0
    future_dates: int = 0


def parse_feed(data: bytes, feed_url: str, fetched_at: datetime | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Feed:
    """The feed in ``data`` (fetched from ``feed_url``, against which relative links are made
    absolute), or FeedError saying why it is not one."""
    import feedparser

    fetched_at = fetched_at or datetime.now(UTC)
    if len(data) > max_bytes:
        raise FeedError(f"{feed_url}: {len(data):,} bytes is over the feed size limit of {max_bytes:,} bytes")
    if not data.strip():
        raise FeedError(f"{feed_url}: the answer is empty, not a feed")
    refuse_dtd(data, feed_url)
    if is_web_page(data):
        links = feed_links(data.decode("utf-8", errors="replace"), feed_url)
        hint = f": {', '.join(links)}" if links else ' (this page names none in a <link rel="alternate">)'
        raise FeedError(f"{feed_url}: this is a web page, not a feed; its feed may be linked from it{hint}", links)
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=True)
    if not parsed.get("version") and not parsed.entries:
        raise FeedError(_not_a_feed(data, feed_url, parsed.get("bozo_exception")))
    info = parsed.feed
    feed = Feed(
        feed_url, _plain(info.get("title", "")) or feed_url, _absolute(info.get("link"), feed_url), parsed.get("version") or "unknown"
    )
    if parsed.get("bozo"):
        feed.notes.append(f"the feed is not well-formed ({parsed.get('bozo_exception')}); read leniently")
    _read_items(parsed.entries, feed, fetched_at)
    for note in feed.notes:
        log.warning("feed %s: %s", feed_url, note)
    return feed


def _read_items(entries: list[Any], feed: Feed, fetched_at: datetime) -> None:
    seen: set[str] = set()
    no_link: list[str] = []
    duplicate: list[str] = []
    future: list[str] = []
    for entry in entries:
        title = _plain(entry.get("title", ""))
        raw_link = (entry.get("link") or "").strip()
        link = urljoin(feed.url, raw_link) if raw_link else ""
        if not link.startswith(("http://", "https://")):
            no_link.append(title or entry.get("id") or "untitled")
            continue
        if not urlsplit(raw_link).scheme:
            feed.relative_links += 1
        summary = _plain(entry.get("summary", ""))
        published = _date(entry)
        if published is not None and published > fetched_at:
            future.append(f"{title or link} ({published:%Y-%m-%d %H:%M} UTC)")
            published = fetched_at
        key = item_key(entry.get("id"), link, title, summary)
        if key in seen:
            duplicate.append(key)
            continue
        seen.add(key)
        feed.items.append(FeedItem(key, link, title or link, _plain(entry.get("author", "")) or None, published, summary))
    feed.skipped_without_link, feed.duplicates, feed.future_dates = len(no_link), len(duplicate), len(future)
    if no_link:
        feed.notes.append(f"{len(no_link)} item(s) without a link (http or https) skipped: {_some(no_link)}")
    if duplicate:
        feed.notes.append(f"{len(duplicate)} item(s) repeat a GUID already in this feed; the first kept: {_some(duplicate)}")
    if feed.relative_links:
        feed.notes.append(f"{feed.relative_links} relative link(s) made absolute against {feed.url}")
    if future:
        feed.notes.append(f"{len(future)} item(s) dated in the future; dated at the fetch time instead: {_some(future)}")


def item_key(guid: str | None, link: str | None, title: str, summary: str) -> str:
    """An item's identity across polls: its GUID, else its link, else a hash of its text."""
    if guid and guid.strip():
        return guid.strip()
    if link:
        return link
    return "sha256:" + hashlib.sha256(f"{title}\n{summary}".encode()).hexdigest()


def parse_opml(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> list[tuple[str, str]]:
    """The feeds of an OPML subscription list, as (title, xmlUrl) pairs in the file's order,
    each URL once; read without entities, DTDs or network access."""
    from lxml import etree

    if len(data) > max_bytes:
        raise FeedError(f"OPML file: {len(data):,} bytes is over the limit of {max_bytes:,} bytes")
    refuse_dtd(data, "OPML file")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, dtd_validation=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as error:
        raise FeedError(f"OPML file: not XML ({error})") from None
    if not isinstance(root.tag, str) or etree.QName(root).localname.lower() != "opml":
        raise FeedError(f"OPML file: the root element is <{root.tag}>, not <opml>; export the subscriptions as OPML")
    feeds: dict[str, str] = {}
    for outline in root.iter():
        if not isinstance(outline.tag, str) or etree.QName(outline).localname != "outline":
            continue
        attrs = {str(k).lower(): str(v).strip() for k, v in outline.attrib.items()}
        url = attrs.get("xmlurl", "")
        if not url:
            continue
        if not url.lower().startswith(("http://", "https://")):
            log.warning("OPML file: %r is not an http(s) feed link; skipped", url)
            continue
        feeds.setdefault(url, attrs.get("title") or attrs.get("text") or url)
    if not feeds:
        raise FeedError("OPML file: it lists no feed (no <outline> with an xmlUrl)")
    return [(title, url) for url, title in feeds.items()]


def _not_a_feed(data: bytes, url: str, error: object) -> str:
    text = head_text(data, 2048).lstrip("\ufeff \t\r\n")
    if not text.startswith("<") and not text.startswith("{"):
        return f"{url}: not a feed: the answer is not XML (it starts with {text[:40]!r})"
    root = re.search(r"<([A-Za-z_][\w:.-]*)", text)
    if error is not None and not isinstance(error, Exception | str):
        error = None
    if root and error is None:
        return f"{url}: XML, but not a feed: its root element is <{root.group(1)}>, not <rss>, <rdf:RDF> or <feed>"
    return f"{url}: not a feed: not well-formed XML ({error})"


def _absolute(link: str | None, base: str) -> str | None:
    return urljoin(base, link.strip()) if link and link.strip() else None


def _plain(value: str) -> str:
    """Text without markup (feed titles and summaries may carry HTML), whitespace tidied."""
    if "<" in value or "&" in value:
        from passerelle.ui.article.inputs import html_to_text

        value = html_to_text(value)
    return re.sub(r"[ \t]+", " ", value).strip()


def _date(entry: Any) -> datetime | None:
    for name in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(name)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), UTC)
    return None


def _some(names: list[str]) -> str:
    shown = ", ".join(f"«{name}»" for name in names[:EXAMPLES])
    return shown + (f" and {len(names) - EXAMPLES} more" if len(names) > EXAMPLES else "")
