"""Following sources: one guarded fetcher for links, feeds and robots.txt; feeds and OPML
lists parsed into typed items; article pages reduced to their article. Nothing here stores
or translates (see ui/library and the poller)."""

from .errors import (
    BackingOffError,
    BlockedURLError,
    ContentTypeError,
    FeedError,
    FetchError,
    FetchTimeoutError,
    PageError,
    RobotsDisallowedError,
    TooLargeError,
)
from .feeds import Feed, FeedItem, parse_feed, parse_opml
from .fetch import Fetcher, FetchResult
from .guard import AllowList, check_url
from .page import WebArticle, extract_article, fetch_article
from .settings import FetchSettings

__all__ = [
    "AllowList",
    "BackingOffError",
    "BlockedURLError",
    "ContentTypeError",
    "Feed",
    "FeedError",
    "FeedItem",
    "FetchError",
    "FetchResult",
    "FetchSettings",
    "FetchTimeoutError",
    "Fetcher",
    "PageError",
    "RobotsDisallowedError",
    "TooLargeError",
    "WebArticle",
    "check_url",
    "extract_article",
    "fetch_article",
    "parse_feed",
    "parse_opml",
]
