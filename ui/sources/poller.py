"""A poll of the followed feeds: each feed fetched (conditionally), its new items' article
pages fetched, translated and summarised in groups (the batch script's way: several articles
share the engines' batches), each article kept in the library in one transaction.

Nothing is lost and nothing is stored twice: an item is marked stored in the same transaction
as its article, and a feed's validators (ETag, Last-Modified) are recorded only after its items
are handled, so a poll killed at any point (``kill -9``) fetches the feed again next time and
stores only what is still missing. A feed that fails is recorded with its error and the others
go on; an article page that fails is retried at the next polls, then shown as failed.

With ``engine`` (``feeds run --engine ray``) the feeds are fetched and their new items found
here as ever, then every new item of the poll goes to the batch script's Ray engine as a link
job (pages fetched by the actors, in their turn), and each result is kept here, as it arrives,
from the JSON its job wrote in a temporary folder (``ui.batch.keep``); the same rules hold."""

from __future__ import annotations

import argparse
import logging
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from passerelle.translate import ModelNotAvailableError, PasserelleError
from passerelle.translate.languages import Language

from ..article import ArticleOptions, ArticleResult, ArticleText, LoadedModels
from ..article.language import detect_source
from ..article.many import process_many
from ..batch.links import name_sources
from ..config import AppConfig
from ..library import Feed as FollowedFeed
from ..library import Library
from .errors import BackingOffError
from .feeds import FeedItem, parse_feed
from .fetch import Fetcher, FetchResult
from .page import WebArticle, fetch_article

if TYPE_CHECKING:
    from ..batch.jobs import Outcome

logger = logging.getLogger("passerelle.sources")


@dataclass
class FeedReport:
    """What one poll did with one feed."""

    name: str
    unchanged: bool = False
    new: int = 0
    stored: int = 0
    failed: list[str] = field(default_factory=list)  # "link: why", one per article page that failed
    error: str | None = None  # the feed itself could not be fetched or read
    busy: bool = False  # another poll of this feed was under way
    deferred: int = 0  # items left for the next poll: their site is in its pause after errors
    retrying: int = 0  # failed items that the next poll tries again (not yet given up)

    def line(self) -> str:
        if self.busy:
            return f"{self.name}: skipped, another poll of it is under way"
        if self.error:
            return f"{self.name}: FAILED: {self.error}"
        if self.unchanged:
            return f"{self.name}: unchanged since the last poll"
        failed = f", {len(self.failed)} failed (retried at the next poll)" if self.failed else ""
        deferred = f", {self.deferred} left for the next poll (the site is pausing after errors)" if self.deferred else ""
        return f"{self.name}: {self.stored} of {self.new} new {_plural(self.new, 'article')} kept{failed}{deferred}"


@dataclass(frozen=True)
class _Fetched:
    item: FeedItem
    page: WebArticle


@dataclass(frozen=True)
class _Found:
    """A feed fetched and read: its new items wait to be made and kept."""

    feed: FollowedFeed
    answer: FetchResult
    new: list[FeedItem]
    report: FeedReport


class FeedPoller:
    """Polls the library's feeds with one fetcher and the process's models. Never two polls
    of one feed at once in a process: a poll that finds a feed busy skips it."""

    _busy: set[str] = set()  # feeds being polled in this process (the server's poller and a request)
    _busy_lock = threading.Lock()

    def __init__(
        self,
        library: Library,
        services: LoadedModels,
        fetcher: Fetcher,
        options: ArticleOptions,
        group: int | None = None,
        on_stored: Callable[[int], None] | None = None,
        engine: argparse.Namespace | None = None,
    ) -> None:
        """``engine``: the Ray engine's options (``ray_address``, ``actors``,
        ``gpus_per_actor``, ``batch_files``, as ``passerelle translate`` takes them) to make
        the articles on Ray; None makes them here, in groups of ``group``."""
        self.library = library
        self.services = services
        self.fetcher = fetcher
        self.options = options
        self.group = max(1, group if group is not None else services.config.batch_group)
        self.on_stored = on_stored
        self.engine = engine

    def poll(self, names: Sequence[str] | None = None) -> list[FeedReport]:
        """Each followed feed (or the ``names`` given) polled once, in order."""
        feeds = self.library.feeds() if names is None else [self.library.feed(name) for name in names]
        if self.engine is not None:
            return self._poll_on_ray(feeds, self.engine)
        return [self._poll_feed(feed) for feed in feeds]

    @staticmethod
    def _claim(name: str) -> bool:
        """Whether this poll may take feed ``name`` (no other poll of it is under way)."""
        with FeedPoller._busy_lock:
            if name in FeedPoller._busy:
                return False
            FeedPoller._busy.add(name)
            return True

    @staticmethod
    def _release(names: Sequence[str]) -> None:
        with FeedPoller._busy_lock:
            FeedPoller._busy.difference_update(names)

    def _poll_feed(self, feed: FollowedFeed) -> FeedReport:
        if not self._claim(feed.name):
            return FeedReport(feed.name, busy=True)
        try:
            return self._fetch_and_store(feed)
        finally:
            self._release([feed.name])

    def _fetch_and_store(self, feed: FollowedFeed) -> FeedReport:
        found = self._find_new(feed)
        if isinstance(found, FeedReport):
            return found
        for start in range(0, len(found.new), self.group):
            self._store_group(feed.name, found.new[start : start + self.group], found.report)
        return self._finish(found)

    def _find_new(self, feed: FollowedFeed) -> _Found | FeedReport:
        """The feed fetched (conditionally) and its items not kept yet; or its finished report
        when it is unchanged or failed."""
        report = FeedReport(feed.name)
        try:
            answer = self.fetcher.fetch(feed.url, kind="feed", etag=feed.etag, last_modified=feed.last_modified)
            if answer.not_modified:
                self.library.record_fetch(feed.name, etag=answer.etag, last_modified=answer.last_modified, error=None)
                report.unchanged = True
                return report
            parsed = parse_feed(answer.body, answer.final_url, answer.fetched_at)
        except PasserelleError as error:  # FetchError, FeedError: this feed's own, the others go on
            self.library.record_fetch(feed.name, etag=feed.etag, last_modified=feed.last_modified, error=str(error))
            report.error = str(error)
            logger.warning("feed %s: %s", feed.name, error)
            return report
        for note in parsed.notes:
            logger.info("feed %s: %s", feed.name, note)
        skip = self.library.keys_to_skip(feed.name)
        new = [item for item in parsed.items if item.key not in skip]
        report.new = len(new)
        return _Found(feed, answer, new, report)

    def _finish(self, found: _Found) -> FeedReport:
        """Last, once the new items are handled: a poll stopped before this point fetches the
        feed again, and skips what it kept. While an item waits for another try, the old
        validators stay, so the next poll gets the whole feed (not a 304) and tries it again."""
        feed, answer, report = found.feed, found.answer, found.report
        done = not report.deferred and not report.retrying
        etag, modified = (answer.etag, answer.last_modified) if done else (feed.etag, feed.last_modified)
        self.library.record_fetch(feed.name, etag=etag, last_modified=modified, error=None)
        return report

    def _poll_on_ray(self, feeds: Sequence[FollowedFeed], engine: argparse.Namespace) -> list[FeedReport]:
        """Every feed fetched and read here, then all their new items made in one Ray run
        (Ray starts once per poll, not per feed), each kept as it arrives; then each feed's
        validators recorded by the rule of :meth:`_finish`."""
        reports: dict[str, FeedReport] = {}
        claimed: list[str] = []
        try:
            waiting: list[_Found] = []
            for feed in feeds:
                if not self._claim(feed.name):
                    reports[feed.name] = FeedReport(feed.name, busy=True)
                    continue
                claimed.append(feed.name)
                found = self._find_new(feed)
                reports[feed.name] = found if isinstance(found, FeedReport) else found.report
                if not isinstance(found, FeedReport):
                    waiting.append(found)
            self._made_on_ray([(found, item) for found in waiting for item in found.new], engine)
            for found in waiting:
                self._finish(found)
        finally:
            self._release(claimed)
        return [reports[feed.name] for feed in feeds]

    def _made_on_ray(self, items: list[tuple[_Found, FeedItem]], engine: argparse.Namespace) -> None:
        """The items' links made by the batch script's Ray engine (link jobs, written in a
        temporary folder: on a cluster, ``TMPDIR`` must be a folder the workers share), each
        result kept, each failure recorded, as it arrives."""
        if not items:
            return
        from ..batch.jobs import Status, link_job, output_target
        from ..batch.keep import keep_document, read_finished
        from ..batch.ray_engine import run_ray_reported

        target = output_target(cast(str, self.options.source))
        run = argparse.Namespace(**{**vars(engine), "force": False})  # a fresh folder: nothing to skip
        with tempfile.TemporaryDirectory(prefix="passerelle-feeds-") as folder:
            # One folder per item: two feeds may share a link, never their outputs.
            jobs = [link_job(item.link, Path(folder) / str(number), target) for number, (_, item) in enumerate(items)]
            by_stem = {job.stem: entry for job, entry in zip(jobs, items, strict=True)}

            def keep(outcome: Outcome) -> None:
                found, item = by_stem[outcome.job.stem]
                name, report = found.feed.name, found.report
                if outcome.status == Status.FAILED:
                    if outcome.deferred:  # the site is resting after errors: the item waits, no attempt counted
                        report.deferred += 1
                    else:
                        self._failed(name, item, PasserelleError(outcome.error or "failed"), report)
                    return
                try:
                    finished = read_finished(outcome.job)
                except (OSError, ValueError) as error:
                    self._failed(name, item, PasserelleError(f"its result cannot be read: {error}"), report)
                    return
                author = item.author or finished.author
                published = item.published or finished.published
                article_id = keep_document(
                    self.library, finished.document, author, published, feed=name, key=item.key, title=item.title or None
                )
                self._stored(article_id, report)

            run_ray_reported(jobs, self.services.config, self.options, run, on_outcome=keep)

    def _store_group(self, feed: str, items: Sequence[FeedItem], report: FeedReport) -> None:
        fetched: list[_Fetched] = []
        for item in items:
            try:
                fetched.append(_Fetched(item, fetch_article(self.fetcher, item.link)))
            except BackingOffError:  # the site is resting after errors: the item waits, no attempt counted
                report.deferred += 1
            except PasserelleError as error:  # FetchError, PageError: retried at the next polls
                self._failed(feed, item, error, report)
        by_language: dict[Language, list[_Fetched]] = {}
        for entry in fetched:
            by_language.setdefault(self._source(entry.page.text), []).append(entry)
        for source, members in by_language.items():
            made = self._made(members, source, feed, report)
            # Each result names its link and carries its title, the group's titles translated in one run.
            name_sources([result for _, result in made], [entry.page for entry, _ in made], self.services, self.options)
            for entry, result in made:
                self._keep(feed, entry, result, report)

    def _made(self, members: list[_Fetched], source: Language, feed: str, report: FeedReport) -> list[tuple[_Fetched, ArticleResult]]:
        """The members' results, made together; if the group fails, each one alone (so an
        error stays its article's)."""
        articles = [ArticleText(entry.page.text) for entry in members]
        links = [entry.page.final_url for entry in members]
        try:
            results = process_many(articles, self.services, self.options, source, links, caller="feeds")
            return list(zip(members, results, strict=True))
        except ModelNotAvailableError:
            raise  # no article can be made: the whole poll says so, once
        except Exception as error:  # noqa: BLE001  # whichever article raised, it fails alone below
            if len(members) == 1:
                self._failed(feed, members[0].item, error, report)
                return []
            logger.info("feed %s: a group of %d articles failed (%s); each one alone now", feed, len(members), error)
            return [made for entry in members for made in self._made([entry], source, feed, report)]

    def _keep(self, feed: str, entry: _Fetched, result: ArticleResult, report: FeedReport) -> None:
        article_id = self.library.save_article(
            result.to_json(),
            feed=feed,
            key=entry.item.key,
            url=entry.page.final_url,
            title=result.title or entry.item.title or None,
            title_en=result.title_translation,
            author=entry.item.author or entry.page.author,
            published=entry.item.published or entry.page.published,
        )
        self._stored(article_id, report)

    def _stored(self, article_id: int, report: FeedReport) -> None:
        report.stored += 1
        if self.on_stored is not None:
            self.on_stored(article_id)

    def _source(self, text: str) -> Language:
        return detect_source(text)[0] if self.options.source == "auto" else cast(Language, self.options.source)

    def _failed(self, feed: str, item: FeedItem, error: BaseException, report: FeedReport) -> None:
        state = self.library.record_failure(feed, item.key, item.link, str(error))
        report.failed.append(f"{item.link}: {error}")
        report.retrying += not state.given_up
        level = logging.WARNING if isinstance(error, PasserelleError) else logging.ERROR  # ours, or a surprise
        logger.log(level, "feed %s: %s failed (attempt %d): %s", feed, item.link, state.attempts, error)


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else noun + "s"


class BackgroundPolls:
    """The server's poller (``--feeds-every``): a daemon thread that polls every feed, waits
    out the span, and again, until ``stop``; the library and fetcher are its own."""

    def __init__(self, config: AppConfig, services: LoadedModels, every_seconds: float) -> None:
        self.config = config
        self.services = services
        self.every = every_seconds
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="passerelle-feeds", daemon=True)

    def start(self) -> BackgroundPolls:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()

    def _run(self) -> None:
        from ..library import Library, LibrarySettings
        from .settings import FetchSettings

        options = ArticleOptions(summarize=True, summary_length=self.config.summary_length)
        with Library.open(LibrarySettings.from_config(self.config)) as library, Fetcher(FetchSettings.from_config(self.config)) as fetcher:
            poller = FeedPoller(library, self.services, fetcher, options)
            while not self.stopping.is_set():
                try:
                    for report in poller.poll():
                        logger.info("feeds: %s", report.line())
                except PasserelleError as error:  # a model missing, the database away: said, tried again later
                    logger.error("feeds: the poll stopped: %s", error)
                self.stopping.wait(self.every)
