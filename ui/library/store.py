"""The library's one interface: feeds and what their polls have seen, kept articles, search.
Front ends (page, REST API, batch script, poller) read and write only through ``Library``;
it knows nothing of Gradio or HTTP.

Removing a feed forgets its items (so re-adding it fetches them again) but keeps its
articles, which lose their feed (``StoredArticle.feed`` is None). Deleting an article keeps
its item stored, so a poll does not bring it back."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from passerelle.translate.errors import InvalidOptionError

from . import schema
from .database import advisory_lock, make_engine, migrate, reading, writing
from .errors import ArticleNotFoundError, FeedExistsError, FeedNotFoundError, InvalidArticleError
from .facts import flagged_facts
from .records import Feed, FlaggedFact, ItemState, ItemStateKind, StoredArticle
from .search import search_ids
from .settings import LibrarySettings

MAX_PAGE = 500  # articles per read, at most
MAX_FEED_NAME = 200
RESERVED_NAMES = ("all",)  # /feeds/all.atom is every feed together

_ARTICLE_COLUMNS = [*schema.articles.c, schema.feeds.c.name.label("feed_name")]


def _now() -> datetime:
    return datetime.now(UTC)


class Library:
    """Kept articles and followed feeds, in SQLite or PostgreSQL. Safe to share between
    threads; several processes may open the same database."""

    def __init__(self, engine: Engine, settings: LibrarySettings) -> None:
        self._engine = engine
        self.settings = settings

    @classmethod
    def open(cls, settings: LibrarySettings | None = None) -> Library:
        """Open the library (``LibrarySettings.from_env()`` by default), creating it or
        migrating it to the newest schema."""
        settings = settings or LibrarySettings.from_env()
        engine = make_engine(settings)
        migrate(engine)
        return cls(engine, settings)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def engine(self) -> Engine:
        return self._engine

    # Feeds

    def add_feed(self, name: str, url: str) -> Feed:
        name = _check_feed_name(name)
        if not url.strip():
            raise InvalidOptionError("a feed needs a URL")
        try:
            with writing(self._engine) as connection:
                existing = connection.execute(select(schema.feeds.c.url).where(schema.feeds.c.name == name)).scalar()
                if existing is not None:
                    raise FeedExistsError(name, existing)
                connection.execute(insert(schema.feeds).values(name=name, url=url.strip(), added=_now()))
        except IntegrityError:  # another process added it between our look and our insert
            raise FeedExistsError(name, self.feed(name).url) from None
        return self.feed(name)

    def remove_feed(self, name: str) -> None:
        with writing(self._engine) as connection:
            feed_id = self._feed_id(connection, name)
            connection.execute(delete(schema.feeds).where(schema.feeds.c.id == feed_id))

    def feeds(self) -> list[Feed]:
        with reading(self._engine) as connection:
            rows = connection.execute(select(schema.feeds).order_by(schema.feeds.c.name))
            return [_feed(row) for row in rows]

    def feed(self, name: str) -> Feed:
        with reading(self._engine) as connection:
            row = connection.execute(select(schema.feeds).where(schema.feeds.c.name == name)).first()
            if row is None:
                raise FeedNotFoundError(name, self._feed_names(connection))
            return _feed(row)

    def record_fetch(self, name: str, *, etag: str | None, last_modified: str | None, error: str | None) -> None:
        """Note a fetch of feed ``name``: a success keeps its validators for the next
        conditional request; a failure keeps the old ones and records the error."""
        now = _now()
        values: dict[str, Any] = (
            {"etag": etag, "last_modified": last_modified, "last_ok": now} if error is None else {"last_error": error, "last_error_at": now}
        )
        with writing(self._engine) as connection:
            feed_id = self._feed_id(connection, name)
            connection.execute(update(schema.feeds).where(schema.feeds.c.id == feed_id).values(**values))

    # Items

    def item_state(self, feed: str, key: str) -> ItemState | None:
        with reading(self._engine) as connection:
            feed_id = self._feed_id(connection, feed)
            items = schema.items
            row = connection.execute(select(items).where(items.c.feed_id == feed_id, items.c.key == key)).first()
            return None if row is None else self._item(feed, row)

    def keys_to_skip(self, feed: str) -> set[str]:
        """The items of ``feed`` a poll leaves alone: stored, or failed too often."""
        items = schema.items
        with reading(self._engine) as connection:
            feed_id = self._feed_id(connection, feed)
            done = (items.c.state == ItemStateKind.STORED.value) | (items.c.attempts >= self.settings.max_attempts)
            return set(connection.execute(select(items.c.key).where(items.c.feed_id == feed_id, done)).scalars())

    def record_failure(self, feed: str, key: str, link: str | None, error: str) -> ItemState:
        """One more failed attempt at item ``key`` (an item already stored stays stored)."""
        items = schema.items
        with writing(self._engine) as connection:
            feed_id = self._feed_id(connection, feed)
            values = {"feed_id": feed_id, "key": key, "link": link, "state": ItemStateKind.FAILED.value}
            changes = {"attempts": items.c.attempts + 1, "last_error": error, "link": link, "updated": _now()}
            statement = _insert(connection)(items).values(**values, attempts=1, last_error=error, updated=_now())
            statement = statement.on_conflict_do_update(
                index_elements=[items.c.feed_id, items.c.key], set_=changes, where=items.c.state != ItemStateKind.STORED.value
            )
            connection.execute(statement)
            row = connection.execute(select(items).where(items.c.feed_id == feed_id, items.c.key == key)).one()
            return self._item(feed, row)

    # Articles

    def save_article(
        self,
        result_json: dict[str, Any],
        *,
        feed: str | None,
        key: str | None,
        url: str | None,
        title: str | None,
        title_en: str | None,
        author: str | None,
        published: datetime | None,
    ) -> int:
        """Keep one article (``ArticleResult.to_json()``) and, for a feed item, mark the item
        stored, in one transaction. A second save of the same (feed, key) stores nothing and
        returns the first one's id. ``title`` is the original's title, ``title_en`` its
        translation."""
        if published is not None and published.tzinfo is None:
            raise InvalidArticleError(f"published ({published.isoformat()}) needs a time zone, e.g. datetime(..., tzinfo=UTC)")
        source, translation = result_json.get("source"), result_json.get("translation")
        if not isinstance(source, str) or not isinstance(translation, str):
            raise InvalidArticleError("save_article takes an article result (ArticleResult.to_json()), with its source and translation")
        summary = result_json.get("summary") or {}
        articles = schema.articles
        with writing(self._engine) as connection:
            feed_id = None if feed is None else self._feed_id(connection, feed)
            if key is not None:
                advisory_lock(connection, zlib.crc32(f"{feed_id}\0{key}".encode()))
                found = connection.execute(
                    select(articles.c.id).where(articles.c.feed_id.is_not_distinct_from(feed_id), articles.c.key == key)
                ).scalar()
                if found is not None:
                    self._mark_stored(connection, feed_id, key, url)
                    return int(found)
            row = {
                "feed_id": feed_id,
                "key": key,
                "url": url,
                "title_fr": title,
                "title_en": title_en,
                "author": author,
                "published": published,
                "added": _now(),
                "source_text": source,
                "translation_text": translation,
                "summary_en": summary.get("en"),
                "summary_fr": summary.get("fr"),
                "flagged_facts": [fact.to_dict() for fact in flagged_facts(result_json)],
                "result": result_json,
                "source_language": str(result_json.get("source_language") or "fr"),
            }
            article_id = connection.execute(insert(articles).values(**row).returning(articles.c.id)).scalar_one()
            self._mark_stored(connection, feed_id, key, url)
            return int(article_id)

    def articles(self, *, feed: str | None = None, since: datetime | None = None, limit: int = 50, offset: int = 0) -> list[StoredArticle]:
        """Kept articles, newest first (by when they were kept)."""
        articles = schema.articles
        query = _article_select().order_by(articles.c.added.desc(), articles.c.id.desc())
        query = query.limit(_bounded(limit)).offset(max(0, offset))
        with reading(self._engine) as connection:
            if feed is not None:
                query = query.where(articles.c.feed_id == self._feed_id(connection, feed))
            if since is not None:
                if since.tzinfo is None:
                    raise InvalidOptionError(f"since ({since.isoformat()}) needs a time zone, e.g. datetime.now(UTC) - timedelta(hours=24)")
                query = query.where(articles.c.added >= since)
            return [_article(row) for row in connection.execute(query)]

    def search(self, query: str, limit: int = 50) -> list[StoredArticle]:
        """Articles holding every word of ``query`` (French or English; titles, texts and
        summaries), best first. The query is words only: quotes and operators are ignored."""
        with reading(self._engine) as connection:
            ids = search_ids(connection, query, _bounded(limit))
            rows = {row.id: row for row in connection.execute(_article_select().where(schema.articles.c.id.in_(ids)))} if ids else {}
            return [_article(rows[i]) for i in ids if i in rows]

    def get(self, article_id: int) -> StoredArticle:
        with reading(self._engine) as connection:
            row = connection.execute(_article_select().where(schema.articles.c.id == article_id)).first()
        if row is None:
            raise ArticleNotFoundError(article_id)
        return _article(row)

    def delete(self, article_id: int) -> None:
        with writing(self._engine) as connection:
            deleted = connection.execute(delete(schema.articles).where(schema.articles.c.id == article_id)).rowcount
        if not deleted:
            raise ArticleNotFoundError(article_id)

    def count(self) -> int:
        with reading(self._engine) as connection:
            return int(connection.execute(select(func.count()).select_from(schema.articles)).scalar_one())

    # Helpers

    def _feed_id(self, connection: Connection, name: str) -> int:
        found = connection.execute(select(schema.feeds.c.id).where(schema.feeds.c.name == name)).scalar()
        if found is None:
            raise FeedNotFoundError(name, self._feed_names(connection))
        return int(found)

    @staticmethod
    def _feed_names(connection: Connection) -> list[str]:
        return list(connection.execute(select(schema.feeds.c.name).order_by(schema.feeds.c.name)).scalars())

    def _mark_stored(self, connection: Connection, feed_id: int | None, key: str | None, link: str | None) -> None:
        if feed_id is None or key is None:
            return
        items = schema.items
        stored = {"state": ItemStateKind.STORED.value, "last_error": None, "updated": _now()}
        statement = _insert(connection)(items).values(feed_id=feed_id, key=key, link=link, attempts=0, **stored)
        connection.execute(statement.on_conflict_do_update(index_elements=[items.c.feed_id, items.c.key], set_=stored))

    def _item(self, feed: str, row: Row[Any]) -> ItemState:
        state = ItemStateKind(row.state)
        given_up = state == ItemStateKind.FAILED and row.attempts >= self.settings.max_attempts
        return ItemState(feed, row.key, row.link, state, row.attempts, row.last_error, row.updated, given_up)


def _check_feed_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_FEED_NAME or "/" in name or not name.isprintable():
        raise InvalidOptionError(f"a feed name is 1 to {MAX_FEED_NAME} printable characters without '/' (not {name!r})")
    if name.lower() in RESERVED_NAMES:
        raise InvalidOptionError(f"{name!r} is reserved (/feeds/all.atom is every feed together); choose another name")
    return name


def _bounded(limit: int) -> int:
    return max(1, min(int(limit), MAX_PAGE))


def _insert(connection: Connection) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (both databases spell it alike)."""
    return sqlite.insert if connection.dialect.name == "sqlite" else postgresql.insert


def _article_select() -> Any:
    joined = schema.articles.outerjoin(schema.feeds, schema.articles.c.feed_id == schema.feeds.c.id)
    return select(*_ARTICLE_COLUMNS).select_from(joined)


def _feed(row: Row[Any]) -> Feed:
    return Feed(row.name, row.url, row.added, row.etag, row.last_modified, row.last_ok, row.last_error, row.last_error_at)


def _article(row: Row[Any]) -> StoredArticle:
    facts: Sequence[dict[str, Any]] = row.flagged_facts or []
    return StoredArticle(
        id=row.id,
        feed=row.feed_name,
        key=row.key,
        url=row.url,
        title_fr=row.title_fr,
        title_en=row.title_en,
        author=row.author,
        published=row.published,
        added=row.added,
        source_text=row.source_text,
        translation_text=row.translation_text,
        summary_en=row.summary_en,
        summary_fr=row.summary_fr,
        flagged_facts=tuple(FlaggedFact.from_dict(fact) for fact in facts),
        result=row.result,
        source_language=row.source_language,
    )
