"""What the library hands out: an Atom feed a feed reader parses (feedparser, no bozo) and
the digest, from an article the tiny real models translated and summarised."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from passerelle.ui.article import ArticleOptions, ArticleResult, LoadedModels, process_article
from passerelle.ui.config import AppConfig
from passerelle.ui.library import Library, LibrarySettings, StoredArticle, atom_feed, digest_markdown

pytestmark = pytest.mark.model

ARTICLE = (
    "La mairie de Nantes a inauguré un nouveau pont sur la Loire. Il a coûté 45 millions d'euros.\n\n"
    "Les cyclistes pourront le traverser dès lundi. Les travaux ont duré trois ans."
)
SERVER = "http://127.0.0.1:7860"


def article_url(article: StoredArticle) -> str:
    return f"{SERVER}/library/{article.id}"


@pytest.fixture(scope="module")
def result(tiny_config: Callable[..., AppConfig]) -> ArticleResult:
    return process_article(ARTICLE, LoadedModels(tiny_config()), ArticleOptions(summary_length="short"))


@pytest.fixture
def library(tmp_path: Path, result: ArticleResult) -> Iterator[Library]:
    with Library.open(LibrarySettings(tmp_path)) as opened:
        opened.add_feed("ouest", "https://example.org/ouest.xml")
        published = datetime(2025, 3, 1, 7, 30, tzinfo=UTC)
        opened.save_article(
            result.to_json(),
            feed="ouest",
            key="guid-pont",
            url="https://example.org/nantes/pont?id=1&lang=fr",
            title="Nantes inaugure un pont <neuf> & cyclable",
            title_en="Nantes opens a new bridge",
            author="Jeanne Martin",
            published=published,
        )
        opened.save_article(result.to_json(), feed=None, key=None, url=None, title=None, title_en=None, author=None, published=None)
        yield opened


def test_the_atom_feed_parses_with_each_entry_s_titles_summaries_and_links(library: Library, result: ArticleResult) -> None:
    articles = library.articles()
    data = atom_feed(
        articles,
        title="Passerelle: all feeds",
        feed_id=f"{SERVER}/feeds/all.atom",
        self_url=f"{SERVER}/feeds/all.atom",
        article_url=article_url,
    )
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and parsed.feed.title == "Passerelle: all feeds" and len(parsed.entries) == 2
    summary = result.summary
    assert summary is not None and summary.en.strip() and summary.fr.strip()
    for entry, article in zip(parsed.entries, articles, strict=True):
        assert entry.title == article.title
        assert entry.summary.strip() == " ".join(summary.en.split()) or entry.summary == summary.en
        content = entry.content[0].value
        assert summary.fr.strip()[:40] in content and summary.en.strip()[:40] in content
        links = {link.rel: link.href for link in entry.links}
        assert links["alternate"] == article_url(article)
        if article.url:
            assert links["related"] == article.url
    [first] = [entry for entry in parsed.entries if entry.title == "Nantes opens a new bridge"]
    assert first.author == "Jeanne Martin"
    assert first.published_parsed[:5] == (2025, 3, 1, 7, 30)
    assert len({entry.id for entry in parsed.entries}) == 2
    # The same article keeps its entry id from one fetch of the feed to the next.
    again = feedparser.parse(atom_feed(articles, title="t", feed_id="urn:x", self_url="http://h/f", article_url=article_url))
    assert [entry.id for entry in again.entries] == [entry.id for entry in parsed.entries]


def test_an_empty_feed_and_hostile_text_stay_valid_atom(tmp_path: Path, result: ArticleResult) -> None:
    with Library.open(LibrarySettings(tmp_path)) as library:
        empty = feedparser.parse(atom_feed([], title="none", feed_id="urn:none", self_url="http://h/f", article_url=article_url))
        assert not empty.bozo and empty.entries == []
        hostile = "Titre ]]> <script>alert(1)</script> \x01\x0b & « guillemets »"
        library.save_article(
            result.to_json(), feed=None, key=None, url=None, title=hostile, title_en=hostile, author=hostile, published=None
        )
        parsed = feedparser.parse(
            atom_feed(library.articles(), title=hostile, feed_id="urn:h", self_url="http://h/f", article_url=article_url)
        )
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries[0].title == "Titre ]]> <script>alert(1)</script>  & « guillemets »"


def test_the_digest_groups_the_day_s_articles_with_both_summaries_facts_and_links(library: Library, result: ArticleResult) -> None:
    since = datetime.now(UTC) - timedelta(hours=24)
    digest = digest_markdown(library.articles(since=since), since, article_url=article_url)
    summary = result.summary
    assert summary is not None
    assert digest.index("## ouest") < digest.index("## Saved from the page")
    assert " ".join(summary.en.split())[:40] in digest and " ".join(summary.fr.split())[:40] in digest
    assert f"({SERVER}/library/1)" in digest and f"({SERVER}/library/2)" in digest
    assert "Nantes inaugure un pont \\<neuf\\> & cyclable" in digest
    flagged = [fact for article in library.articles() for fact in article.flagged_facts]
    for fact in flagged:
        assert fact.message.split()[0] in digest
    assert ("**To check:**" in digest) == bool(flagged)
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert "No new articles." in digest_markdown(library.articles(), later, article_url=article_url)
