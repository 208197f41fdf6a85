"""The library: every kept article and followed feed, in SQLite (by default) or PostgreSQL,
with full-text search, Atom feeds out and a digest. It knows nothing of Gradio or HTTP."""

from .atom import atom_feed
from .digest import digest_markdown
from .errors import ArticleNotFoundError, FeedExistsError, FeedNotFoundError, InvalidArticleError, LibraryError
from .records import Feed, FlaggedFact, ItemState, ItemStateKind, StoredArticle
from .settings import LibrarySettings
from .store import Library

__all__ = [
    "ArticleNotFoundError",
    "Feed",
    "FeedExistsError",
    "FeedNotFoundError",
    "FlaggedFact",
    "InvalidArticleError",
    "ItemState",
    "ItemStateKind",
    "Library",
    "LibraryError",
    "LibrarySettings",
    "StoredArticle",
    "atom_feed",
    "digest_markdown",
]
