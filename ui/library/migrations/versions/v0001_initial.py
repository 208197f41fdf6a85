"""The library's first schema: feeds, their items, articles, and full-text search over
both languages (SQLite FTS5 kept in sync by triggers; a PostgreSQL GIN index).

Revision ID: v0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "v0001"
down_revision = None
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)
COLUMNS = "title_fr, title_en, source_text, translation_text, summary_en, summary_fr"
# search.PG_DOCUMENT, frozen here as this revision built it (a test checks they agree).
PG_DOCUMENT = (
    "coalesce(title_fr, '') || ' ' || coalesce(title_en, '') || ' ' || source_text || ' ' || "
    "translation_text || ' ' || coalesce(summary_en, '') || ' ' || coalesce(summary_fr, '')"
)


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("added", TIME, nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_ok", TIME),
        sa.Column("last_error", sa.Text),
        sa.Column("last_error_at", TIME),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("link", sa.Text),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("updated", TIME, nullable=False),
        sa.UniqueConstraint("feed_id", "key", name="uq_items_feed_key"),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="SET NULL")),
        sa.Column("key", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("title_fr", sa.Text),
        sa.Column("title_en", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("published", TIME),
        sa.Column("added", TIME, nullable=False),
        sa.Column("source_text", sa.Text, nullable=False),
        sa.Column("translation_text", sa.Text, nullable=False),
        sa.Column("summary_en", sa.Text),
        sa.Column("summary_fr", sa.Text),
        sa.Column("flagged_facts", sa.JSON, nullable=False),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("source_language", sa.String(8), nullable=False),
        sa.UniqueConstraint("feed_id", "key", name="uq_articles_feed_key"),
    )
    op.create_index("ix_articles_added", "articles", ["added"])
    if op.get_context().dialect.name == "sqlite":
        _sqlite_search()
    else:
        op.execute(f"CREATE INDEX ix_articles_search ON articles USING gin (to_tsvector('simple', {PG_DOCUMENT}))")


def _sqlite_search() -> None:
    """An external-content FTS5 table (the texts are stored once, in ``articles``) that
    triggers keep in step in the writer's own transaction."""
    new = ", ".join(f"new.{c}" for c in COLUMNS.split(", "))
    old = ", ".join(f"old.{c}" for c in COLUMNS.split(", "))
    op.execute(
        f"CREATE VIRTUAL TABLE articles_fts USING fts5({COLUMNS}, content='articles', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        f"CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN INSERT INTO articles_fts(rowid, {COLUMNS}) VALUES (new.id, {new}); END"
    )
    forget = f"INSERT INTO articles_fts(articles_fts, rowid, {COLUMNS}) VALUES ('delete', old.id, {old});"
    op.execute(f"CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN {forget} END")
    op.execute(
        f"CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN {forget} "
        f"INSERT INTO articles_fts(rowid, {COLUMNS}) VALUES (new.id, {new}); END"
    )


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for trigger in ("articles_fts_insert", "articles_fts_delete", "articles_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    op.drop_table("articles")
    op.drop_table("items")
    op.drop_table("feeds")
