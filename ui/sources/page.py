"""An article by its link: the page fetched (robots.txt honoured, every hop checked), reduced
to its article by trafilatura (menus, footers, related-article blocks dropped), its title,
author and date kept; what the article pipeline takes, with where it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .errors import PageError
from .fetch import Fetcher, FetchResult

MIN_ARTICLE_CHARS = 200  # less than this is a teaser, a paywall or a list page, not an article


@dataclass(frozen=True)
class WebArticle:
    """An article read from the web. ``text``: paragraphs separated by blank lines, as the
    pipeline reads pasted text; ``html``: the whole page, for a caller that keeps its form."""

    url: str  # the link given
    final_url: str  # after redirects: the source to name
    text: str
    title: str | None = None
    author: str | None = None
    published: datetime | None = None  # UTC (midnight when the page gives a day only)
    sitename: str | None = None
    language: str | None = None
    html: str = ""
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def fetch_article(fetcher: Fetcher, url: str, min_chars: int = MIN_ARTICLE_CHARS) -> WebArticle:
    """The article at ``url``: FetchError subclasses for the fetch, PageError for a page
    without an article."""
    result = fetcher.fetch(url, kind="page")
    return extract_article(page_text(result), url, result.final_url, min_chars, result.fetched_at)


def page_text(result: FetchResult) -> str:
    """The page's HTML as text: its declared charset (header, then <meta>), else UTF-8."""
    charset = result.charset
    if charset is None:
        meta = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", result.body[:4096], re.IGNORECASE)
        charset = meta.group(1).decode("ascii").lower() if meta else None
    try:
        return result.body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return result.body.decode("utf-8", errors="replace")


def extract_article(
    markup: str, url: str, final_url: str | None = None, min_chars: int = MIN_ARTICLE_CHARS, fetched_at: datetime | None = None
) -> WebArticle:
    """The article of a page's HTML (trafilatura); PageError when there is none."""
    import trafilatura

    final_url = final_url or url
    document = trafilatura.bare_extraction(
        markup, url=final_url, with_metadata=True, include_comments=False, include_tables=True, favor_precision=True
    )
    body = getattr(document, "text", None) or ""
    paragraphs = [line.strip() for line in body.splitlines() if line.strip()]
    text = "\n\n".join(paragraphs)
    if len(text) < min_chars:
        found = f"only {len(text)} characters of article text" if text else "no article text"
        raise PageError(
            f"{final_url}: {found} in the page; it may be a list of articles, a paywall, or a page built by "
            "JavaScript. Paste the article's text instead."
        )
    return WebArticle(
        url=url,
        final_url=final_url,
        text=text,
        title=_clean(getattr(document, "title", None)),
        author=_clean(getattr(document, "author", None)),
        published=_day(getattr(document, "date", None)),
        sitename=_clean(getattr(document, "sitename", None)),
        language=_clean(getattr(document, "language", None)),
        html=markup,
        fetched_at=fetched_at or datetime.now(UTC),
    )


def _clean(value: object) -> str | None:
    return re.sub(r"\s+", " ", value).strip() or None if isinstance(value, str) else None


def _day(value: object) -> datetime | None:
    """trafilatura's date (``YYYY-MM-DD``) as a UTC datetime."""
    if not isinstance(value, str):
        return None
    try:
        day = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return day.replace(tzinfo=UTC) if day.tzinfo is None else day.astimezone(UTC)
