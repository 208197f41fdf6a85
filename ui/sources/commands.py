"""``passerelle feeds ...`` and ``passerelle digest``: follow feeds, poll them, read the day's
articles. The parsers are added to the ``passerelle`` command by ``ui/cli.py``."""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..batch.engine_options import add_engine_arguments
from ..config import AppConfig, parse_span

if TYPE_CHECKING:  # the library's database driver loads only for these commands
    from ..library import Library, StoredArticle

logger = logging.getLogger("passerelle.sources")

EXIT_FAILED = 1
DEFAULT_DIGEST_SPAN = "24h"


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], settings: Callable[[argparse.ArgumentParser], None]
) -> None:
    """The ``feeds`` and ``digest`` commands; ``settings`` adds the model and engine options."""
    feeds = commands.add_parser("feeds", help="follow feeds: their new articles translated, summarised and kept in the library")
    actions = feeds.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="follow a feed (RSS or Atom), checked by fetching it once")
    add.add_argument("url", help="the feed's address")
    add.add_argument("--name", help="a short name for it (default: its site's name, e.g. lemonde.fr)")
    add.add_argument("--no-check", action="store_true", help="add it without fetching it first")
    opml = actions.add_parser("import", help="follow every feed of an OPML file (exported by feed readers)")
    opml.add_argument("file", type=Path, help="the OPML file")
    actions.add_parser("list", help="each feed: its address, when it last worked, its last error")
    remove = actions.add_parser("remove", help="stop following a feed (its kept articles stay in the library)")
    remove.add_argument("name")
    run = actions.add_parser("run", help="poll the feeds: new articles fetched, translated, summarised and kept")
    run.add_argument("names", nargs="*", metavar="NAME", help="only these feeds (default: every one)")
    when = run.add_mutually_exclusive_group()
    when.add_argument("--once", action="store_true", help="poll once and stop (the default)")
    when.add_argument("--every", metavar="SPAN", help="poll again after this long (e.g. 15m, 1h) until Ctrl-C")
    run.add_argument("--source", choices=("fr", "en", "auto"), default="fr", help="the feeds' language (default fr; auto: per article)")
    run.add_argument("--no-summary", action="store_true", help="translate only")
    add_engine_arguments(run, "articles")  # the batch script's, same names and meanings (a large backlog on Ray)
    settings(run)

    digest = commands.add_parser("digest", help="the articles kept lately, by feed, with both summaries and their flagged facts")
    digest.add_argument("--since", default=DEFAULT_DIGEST_SPAN, metavar="SPAN", help="how far back (default 24h; e.g. 12h, 7d)")
    digest.add_argument("-o", "--output", type=Path, help="write the Markdown here (default: print it)")


def cmd_feeds(args: argparse.Namespace, config: AppConfig) -> int:
    from ..library import Library, LibrarySettings

    with Library.open(LibrarySettings.from_config(config)) as library:
        if args.action == "add":
            return _add(library, config, args.url, args.name, check=not args.no_check)
        if args.action == "import":
            return _import(library, args.file)
        if args.action == "list":
            return _list(library)
        if args.action == "remove":
            library.remove_feed(args.name)
            print(f"{args.name}: no longer followed (its articles stay in the library)")
            return 0
        return _run(library, config, args)


def _add(library: Library, config: AppConfig, url: str, name: str | None, check: bool) -> int:
    from .feeds import parse_feed
    from .fetch import Fetcher
    from .guard import AllowList, check_url
    from .settings import FetchSettings

    check_url(url, AllowList.parse(config.fetch_allow))  # a link that can never be fetched is refused now
    title = ""
    if check:
        with Fetcher(FetchSettings.from_config(config)) as fetcher:
            answer = fetcher.fetch(url, kind="feed")
            parsed = parse_feed(answer.body, answer.final_url, answer.fetched_at)
        title = f": {parsed.title or 'untitled'}, {len(parsed.items)} items now"
    feed = library.add_feed(name or feed_name(url), url)
    print(f"{feed.name}: following {feed.url}{title}")
    return 0


def _import(library: Library, path: Path) -> int:
    from ..library import FeedExistsError
    from .feeds import parse_opml

    found = parse_opml(path.read_bytes())
    taken = {feed.name for feed in library.feeds()}
    added = 0
    for title, url in found:
        if any(feed.url == url for feed in library.feeds()):
            print(f"{url}: already followed")
            continue
        name = unique_name(title or feed_name(url), taken)
        try:
            library.add_feed(name, url)
        except FeedExistsError as error:
            print(f"{url}: {error}")
            continue
        taken.add(name)
        added += 1
        print(f"{name}: following {url}")
    print(f"{added} of {len(found)} feeds added from {path}")
    return 0


def _list(library: Library) -> int:
    feeds = library.feeds()
    if not feeds:
        print("No feed followed yet: passerelle feeds add URL")
        return 0
    for feed in feeds:
        worked = feed.last_ok.strftime("%Y-%m-%d %H:%M UTC") if feed.last_ok else "never"
        state = f"FAILING since {feed.last_error_at:%Y-%m-%d %H:%M UTC}: {feed.last_error}" if feed.failing else "ok"
        print(f"{feed.name}\t{feed.url}\tlast worked: {worked}\t{state}")
    return 0


def _run(library: Library, config: AppConfig, args: argparse.Namespace) -> int:
    from ..article import ArticleOptions, LoadedModels
    from .fetch import Fetcher
    from .poller import FeedPoller
    from .settings import FetchSettings

    every = parse_span(args.every) if args.every else None
    options = ArticleOptions(summarize=not args.no_summary, summary_length=config.summary_length, source=args.source)
    services = LoadedModels(config)  # on Ray: only its settings here, the actors load the models
    with Fetcher(FetchSettings.from_config(config)) as fetcher:
        poller = FeedPoller(library, services, fetcher, options, engine=_ray_engine(args))
        while True:
            started = time.monotonic()
            reports = poller.poll(args.names or None)
            for report in reports:
                print(report.line(), flush=True)
            failed = any(report.error or report.failed for report in reports)
            if every is None:
                return EXIT_FAILED if failed else 0
            time.sleep(max(0.0, every - (time.monotonic() - started)))


def _ray_engine(args: argparse.Namespace) -> argparse.Namespace | None:
    """The Ray engine's options for ``--engine ray`` (their sizes checked now, before any
    feed is fetched); None for the local engine."""
    if args.engine != "ray":
        return None
    from ..batch.ray_engine import check_sizes

    check_sizes(args.actors, args.gpus_per_actor, args.batch_files)
    return argparse.Namespace(
        ray_address=args.ray_address,
        actors=args.actors,
        gpus_per_actor=args.gpus_per_actor,
        batch_files=args.batch_files,
        verbose=bool(getattr(args, "verbose", False)),
    )


def cmd_digest(args: argparse.Namespace, config: AppConfig) -> int:
    from ..library import Library, LibrarySettings, digest_markdown

    since = datetime.now(UTC) - timedelta(seconds=parse_span(args.since))
    with Library.open(LibrarySettings.from_config(config)) as library:
        articles = library.articles(since=since, limit=500)
    text = digest_markdown(articles, since, article_url=article_link(config))
    if args.output is None:
        print(text)
        return 0
    partial = args.output.with_name(args.output.name + ".part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(args.output)
    print(f"{args.output}: {len(articles)} articles since {since:%Y-%m-%d %H:%M UTC}")
    return 0


def article_link(config: AppConfig) -> Callable[[StoredArticle], str]:
    """Where readers open a kept article's whole translation on this server."""
    base = config.server_url()

    def url(article: StoredArticle) -> str:
        return f"{base}library/{article.id}"

    return url


def feed_name(url: str) -> str:
    """A feed's default name: its site (``www.lemonde.fr`` → ``lemonde.fr``)."""
    host = (urlsplit(url).hostname or "feed").lower()
    return host.removeprefix("www.")


def unique_name(name: str, taken: set[str]) -> str:
    """``name`` made safe as a feed name (letters, digits, ``.-_``) and not in ``taken``."""
    cleaned = "".join(ch if ch.isalnum() or ch in ".-_" else "-" for ch in name.strip()).strip("-.")[:60] or "feed"
    candidate, number = cleaned, 2
    while candidate in taken:
        candidate, number = f"{cleaned}-{number}", number + 1
    return candidate
