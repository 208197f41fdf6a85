"""The tables as SQLAlchemy Core sees them for queries. The migrations (``migrations/``) are
the history that builds them; a test checks the two agree."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

# The texts searched, in the order of the SQLite FTS5 table's columns.
SEARCHED = ("title_fr", "title_en", "source_text", "translation_text", "summary_en", "summary_fr")
FTS_TABLE = "articles_fts"
PG_SEARCH_INDEX = "ix_articles_search"  # PostgreSQL's GIN index on search.PG_DOCUMENT
PG_SEARCH_CONFIG = "passerelle_search"  # PostgreSQL's text search configuration: simple, unaccented


class UtcDateTime(TypeDecorator[datetime]):
    """Times stored in UTC and read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"a naive datetime ({value.isoformat()}) has no zone; pass an aware one (e.g. datetime.now(UTC))")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("added", UtcDateTime, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_ok", UtcDateTime),
    Column("last_error", Text),
    Column("last_error_at", UtcDateTime),
)

items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("key", Text, nullable=False),
    Column("link", Text),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("updated", UtcDateTime, nullable=False),
    UniqueConstraint("feed_id", "key", name="uq_items_feed_key"),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="SET NULL")),
    Column("key", Text),
    Column("url", Text),
    Column("title_fr", Text),
    Column("title_en", Text),
    Column("author", Text),
    Column("published", UtcDateTime),
    Column("added", UtcDateTime, nullable=False),
    Column("source_text", Text, nullable=False),
    Column("translation_text", Text, nullable=False),
    Column("summary_en", Text),
    Column("summary_fr", Text),
    Column("flagged_facts", JSON, nullable=False),
    Column("result", JSON, nullable=False),
    Column("source_language", String(8), nullable=False),
    UniqueConstraint("feed_id", "key", name="uq_articles_feed_key"),
    Index("ix_articles_added", "added"),
)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """What Alembic's autogenerate compares: not the SQLite full-text table and its shadow
    tables, nor PostgreSQL's expression index, which the migrations make by hand."""
    if name is None:
        return True
    return not ((type_ == "table" and name.startswith(FTS_TABLE)) or (type_ == "index" and name == PG_SEARCH_INDEX))
