"""A web page reduced to its article (title, paragraphs, lists, tables; not the menus,
headers, footers and asides around it) by trafilatura, a maintained extractor: what a reader
of the news wants translated, and what a summary should read."""

from __future__ import annotations

from ..document import normalize

MIN_CONTAINED = 30  # a block shorter than this counts as the article's only if it is a line of it


def article_html(markup: str) -> str | None:
    """The article of a page as HTML (inline formatting and links kept); None when the
    extractor finds no article in it."""
    import trafilatura

    return trafilatura.extract(
        markup, output_format="html", include_formatting=True, include_links=True, include_tables=True, include_comments=False
    )


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
