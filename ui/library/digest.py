"""The morning digest: the articles kept since a moment, grouped by feed, each with both
summaries, the facts a reader should check and a link to the whole translation."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from urllib.parse import quote

from .records import FlaggedFact, StoredArticle
from .text import excerpt

FACTS_SHOWN = 5  # per article: a digest is read over coffee; the rest is one click away
SENTENCE_CHARS = 160  # a flagged sentence and its translation, each cut to about this long
NO_FEED = "Saved from the page, the API or the batch script"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!])")


def digest_markdown(articles: Sequence[StoredArticle], since: datetime, *, article_url: Callable[[StoredArticle], str]) -> str:
    """Markdown for the articles kept since ``since`` (older ones are left out), feeds in
    name order and hand-saved articles last, newest first within each."""
    kept = [article for article in articles if article.added >= since]
    lines = [f"# Digest since {_when(since)}", ""]
    if not kept:
        return "\n".join([*lines, "No new articles.", ""])
    groups: dict[str | None, list[StoredArticle]] = {}
    for article in sorted(kept, key=lambda a: (a.added, a.id), reverse=True):
        groups.setdefault(article.feed, []).append(article)
    lines += [f"{_count(len(kept), 'article')} from {_count(len(groups), 'source')}.", ""]
    for feed in sorted(groups, key=lambda name: (name is None, name or "")):
        lines += [f"## {_escape(feed or NO_FEED)}", ""]
        for article in groups[feed]:
            lines += _article(article, article_url(article))
    return "\n".join(lines)


def _article(article: StoredArticle, url: str) -> list[str]:
    lines = [f"### [{_escape(article.title)}]({_link(url)})", ""]
    about = []
    if article.url:
        about.append(f"original: [{_escape(article.title_fr or article.url)}]({_link(article.url)})")
    if article.author:
        about.append(_escape(article.author))
    if article.published:
        about.append(_when(article.published))
    if about:
        lines += ["*" + " · ".join(about) + "*", ""]
    english = article.summary_en or excerpt(article.translation_text)
    lines += [f"**Summary.** {_escape(_one_line(english))}", ""]
    if article.summary_fr:
        lines += [f"**Résumé.** {_escape(_one_line(article.summary_fr))}", ""]
    if article.flagged_facts:
        facts = article.flagged_facts
        lines += ["**To check:**", ""]
        lines += [f"- {_fact(fact)}" for fact in facts[:FACTS_SHOWN]]
        if len(facts) > FACTS_SHOWN:
            lines.append(f"- and {len(facts) - FACTS_SHOWN} more in the whole translation")
        lines.append("")
    return lines


def _fact(fact: FlaggedFact) -> str:
    where = {"summary_en": " (English summary)", "summary_fr": " (French summary)"}.get(fact.where, "")
    text = _escape(fact.message) + where
    if fact.source:
        text += f": {_escape(excerpt(_one_line(fact.source), SENTENCE_CHARS))} → {_escape(excerpt(_one_line(fact.target), SENTENCE_CHARS))}"
    return text


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _link(url: str) -> str:
    """A URL as a Markdown link target: spaces and parentheses escaped, the rest kept."""
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
