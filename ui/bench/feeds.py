"""Bench section "feeds" (measured only when named: ``passerelle bench --only feeds``): does
following a feed cost next to nothing beside the models? A local site (127.0.0.1, a
``ThreadingHTTPServer`` in the run's temporary directory) serves ``feeds_articles`` French
articles as news pages (menu, footer) and one RSS feed listing them all; ``FeedPoller.poll``,
the code of ``passerelle feeds run``, fetches the feed, fetches each page (robots.txt first),
reduces it to its article, translates and summarises the articles in groups and keeps each in a
fresh SQLite library. Against it, the batch script's local engine (``run_local``) makes the same
articles from ``.txt`` files, with the same options, group size and models (the "many"
section's services: output lengths fixed, the summariser reading an English stand-in).

The paths take turns, the best run of each kept; the target is the poll's articles per minute
within 10 % of the batch script's. Fetching (robots.txt, the feed, the pages), extraction
(trafilatura, timed again on the same pages after the run) and the library's calls are timed
on their own: what following a feed adds outside the models. The poll also translates each
article's title on its own (the batch script translates it as the file's first line only).
"""

from __future__ import annotations

import contextlib
import html
import io
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

from ..article import ArticleOptions
from ..batch import Status, discover, run_local
from ..config import AppConfig
from ..library import Feed, Library, LibrarySettings
from ..sources import Fetcher, FetchResult, FetchSettings, extract_article
from ..sources.fetch import Kind
from ..sources.page import page_text
from ..sources.poller import FeedPoller
from .code_paths import ARTICLE_LENGTH
from .machine import load_average
from .many import batch_services, many_articles
from .sections import BenchContext, Check, Section
from .setup import BenchSettings
from .table import cell, plural, table, times

PATHS = ("batch", "feeds")
FEED_NAME = "gazette"
FEED_FILE = "fil.xml"
WARM_FEED_FILE = "chauffe.xml"
ROBOTS = "User-agent: *\nAllow: /\n"
PUBLISHED = datetime(2026, 12, 1, 6, tzinfo=UTC)


class _QuietPages(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """``folder`` served on 127.0.0.1 (a free port) while the block runs; its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietPages, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, name="bench-feeds-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def tidy(text: str) -> str:
    """Paragraphs separated by one blank line, spaces single: the text a page's article
    extraction gives back, so that the file and the page hold the same article."""
    paragraphs = [" ".join(part.split()) for part in text.split("\n\n") if part.strip()]
    return "\n\n".join(paragraphs) + "\n"


def news_page(text: str) -> str:
    """The article as a news site serves it: its first paragraph the title, a menu, a footer."""
    title, *body = text.strip().split("\n\n")
    paragraphs = "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in body)
    return (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{html.escape(title)} | La Gazette</title></head>'
        '<body><nav><a href="/">Accueil</a> <a href="/region">Région</a> <a href="/sport">Sport</a></nav>'
        f"<article><h1>{html.escape(title)}</h1>{paragraphs}</article>"
        "<footer>© La Gazette, tous droits réservés. Mentions légales.</footer></body></html>"
    )


def rss(base: str, items: Sequence[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed of ``(guid, page, title)`` items."""
    entries = "".join(
        f"<item><title>{html.escape(title)}</title><link>{base}{page}</link>"
        f'<guid isPermaLink="false">{guid}</guid>'
        f"<pubDate>{format_datetime(PUBLISHED + timedelta(minutes=index))}</pubDate></item>"
        for index, (guid, page, title) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>La Gazette</title>'
        f"<link>{base}</link><description>Les nouvelles du jour</description>{entries}</channel></rss>"
    )


def publish(site: Path, base: str, texts: Sequence[str]) -> None:
    """The site: robots.txt, a page per article, the feed of them all and a warm-up feed of one."""
    (site / "articles").mkdir(parents=True, exist_ok=True)
    (site / "robots.txt").write_text(ROBOTS, encoding="utf-8")
    items = []
    for index, text in enumerate(texts):
        page = f"articles/{index:02d}.html"
        (site / page).write_text(news_page(text), encoding="utf-8")
        items.append((f"gazette-{index}", page, text.split("\n\n")[0]))
    (site / FEED_FILE).write_text(rss(base, items), encoding="utf-8")
    (site / WARM_FEED_FILE).write_text(rss(base, [("chauffe-0", *items[0][1:])]), encoding="utf-8")


class TimedFetcher(Fetcher):
    """The product's fetcher, timed; the article pages it got are kept to time extraction."""

    def __init__(self, settings: FetchSettings) -> None:
        super().__init__(settings)
        self.seconds, self.fetches = 0.0, 0
        self.pages: list[FetchResult] = []

    def fetch(self, url: str, kind: Kind = "page", etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        started = time.perf_counter()
        try:
            result = super().fetch(url, kind, etag, last_modified)
        finally:
            self.seconds += time.perf_counter() - started
            self.fetches += 1
        if kind == "page":
            self.pages.append(result)
        return result

    def extract_seconds(self) -> float:
        """Extraction of every page fetched, as ``fetch_article`` does it, timed now."""
        started = time.perf_counter()
        for result in self.pages:
            extract_article(page_text(result), result.url, result.final_url, fetched_at=result.fetched_at)
        return time.perf_counter() - started


class TimedLibrary(Library):
    """The product's library, its calls from the poller timed."""

    seconds = 0.0

    def _timed(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return method(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started

    def feed(self, name: str) -> Feed:
        return cast(Feed, self._timed(super().feed, name))

    def keys_to_skip(self, feed: str) -> set[str]:
        return cast(set[str], self._timed(super().keys_to_skip, feed))

    def record_fetch(self, name: str, **kwargs: Any) -> None:
        self._timed(super().record_fetch, name, **kwargs)

    def save_article(self, result_json: dict[str, Any], **kwargs: Any) -> int:
        return cast(int, self._timed(super().save_article, result_json, **kwargs))


@dataclass
class PollRun:
    seconds: float
    fetch: float
    extract: float
    store: float
    fetches: int
    same_texts: int  # kept articles whose source text is their file's


def poll_once(
    ctx: BenchContext, base: str, feed_file: str, data_dir: Path, options: ArticleOptions, group: int, texts: Sequence[str]
) -> PollRun:
    """One ``feeds run --once`` of a fresh library following ``feed_file``; every item kept."""
    services = batch_services(ctx, group)
    library = cast(TimedLibrary, TimedLibrary.open(LibrarySettings(data_dir=data_dir)))
    fetcher = TimedFetcher(FetchSettings(allow=("127.0.0.1",)))
    with library, fetcher:
        library.add_feed(FEED_NAME, base + feed_file)
        poller = FeedPoller(library, services, fetcher, options, group)
        started = time.perf_counter()
        (report,) = poller.poll([FEED_NAME])
        seconds = time.perf_counter() - started
        if report.error or report.failed or report.stored != report.new:
            raise RuntimeError(f"the feeds path failed: {report.line()} {report.error or report.failed[:3]}")
        kept = library.articles(feed=FEED_NAME, limit=len(texts) + 1)
        files = {text.strip() for text in texts}
        same = sum(1 for article in kept if article.source_text.strip() in files)
        return PollRun(seconds, fetcher.seconds, fetcher.extract_seconds(), library.seconds, fetcher.fetches, same)


def batch_once(ctx: BenchContext, folder: Path, out: Path, options: ArticleOptions, group: int) -> tuple[float, int]:
    """The batch script's local engine on the folder (discovery included): seconds, sentences."""
    services = batch_services(ctx, group)
    started = time.perf_counter()
    outcomes = run_local(discover([str(folder)], out, services.config), services, options, True, group, io.StringIO())
    seconds = time.perf_counter() - started
    failed = [outcome.error for outcome in outcomes if outcome.status != Status.DONE]
    if failed:
        raise RuntimeError(f"the batch path failed: {failed[:3]}")
    return seconds, sum(outcome.pieces for outcome in outcomes)


def measure(ctx: BenchContext) -> dict[str, Any]:
    settings = ctx.settings
    group = settings.many_group or AppConfig().batch_group
    texts = [tidy(text) for text in many_articles(ctx.texts.articles, settings.feeds_articles, settings.many_article_sentences)]
    root = ctx.workdir / "feeds"
    folder = root / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    for index, text in enumerate(texts):
        (folder / f"article{index:02d}.txt").write_text(text, encoding="utf-8")
    options = ArticleOptions(summarize=True, summary_length=ARTICLE_LENGTH, num_beams=settings.target_beams, source="fr")
    with serving(root / "site") as base:
        publish(root / "site", base, texts)
        batch_once(ctx, folder / "article00.txt", root / "warm-up-batch", options, 1)
        poll_once(ctx, base, WARM_FEED_FILE, root / "warm-up-library", options, group, texts)
        load_before = load_average()
        batch: list[tuple[float, int]] = []
        polls: list[PollRun] = []
        for turn, name in enumerate(PATHS * settings.feeds_repeats):
            if name == "batch":
                batch.append(batch_once(ctx, folder, root / f"batch-{turn}", options, group))
            else:
                polls.append(poll_once(ctx, base, FEED_FILE, root / f"library-{turn}", options, group, texts))
    batch_seconds, sentences = min(batch)
    poll = min(polls, key=lambda run: run.seconds)
    per_minute = {"batch": len(texts) * 60 / batch_seconds, "feeds": len(texts) * 60 / poll.seconds}
    outside = poll.fetch + poll.extract + poll.store
    return {
        "articles": len(texts),
        "group": group,
        "words": round(sum(len(text.split()) for text in texts) / len(texts)),
        "sentences": sentences,
        "repeats": settings.feeds_repeats,
        "english_tokens": settings.article_english_tokens,
        "seconds": {"batch": round(batch_seconds, 2), "feeds": round(poll.seconds, 2)},
        "articles_per_minute": {name: round(rate, 2) for name, rate in per_minute.items()},
        "ratio": round(per_minute["feeds"] / per_minute["batch"], 3),
        "outside_models": {
            "fetch_seconds": round(poll.fetch, 3),
            "extract_seconds": round(poll.extract, 3),
            "store_seconds": round(poll.store, 3),
            "seconds": round(outside, 3),
            "share": round(outside / poll.seconds, 4),
        },
        "fetches": poll.fetches,
        "same_texts": poll.same_texts,
        "load": [load_before, load_average()],
    }


def lines(section: dict[str, Any], report: dict[str, Any]) -> list[str]:
    group, rate, seconds = section["group"], section["articles_per_minute"], section["seconds"]
    outside = section["outside_models"]
    target = report["settings"]["targets"]["feeds_vs_batch"]
    verdict = "met" if section["ratio"] >= target else "MISSED"
    rows = [
        ("path", "seconds", "articles/min"),
        (f"feeds run: fetch, extract, translate, summarise, keep (groups of {group})", seconds["feeds"], rate["feeds"]),
        (f"batch script, the same articles as .txt files (--group {group})", seconds["batch"], rate["batch"]),
    ]
    return [
        "",
        f"Feeds: one RSS feed of {plural(section['articles'], 'new article')} of ~{section['words']} words"
        f" ({section['sentences']} sentences) on a local site, with summaries (of a {section['english_tokens']}-token"
        f" English stand-in each), kept in a fresh SQLite library; best of {section['repeats']}:",
        *table(rows),
        f"  feeds / batch script: {times(section['ratio'])} (target >= {cell(target)}x, within 10 %): {verdict};"
        f" {section['same_texts']} of {section['articles']} kept texts identical to their files",
        f"  outside the models: fetch {outside['fetch_seconds']} s ({section['fetches']} requests), extract"
        f" {outside['extract_seconds']} s, library {outside['store_seconds']} s = {outside['seconds']} s"
        f" ({cell(round(outside['share'] * 100, 2))} % of the poll); load {section['load'][0]} -> {section['load'][1]}",
    ]


def checks(section: dict[str, Any], settings: BenchSettings) -> list[Check]:
    return [
        Check("feeds run vs the batch script on the same articles, articles/min", section["ratio"], ">=", settings.targets.feeds_vs_batch)
    ]


SECTION = Section("feeds", measure, lines, checks)
