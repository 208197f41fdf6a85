"""PostgreSQL searches without accents, as SQLite's FTS5 already does (``remove_diacritics``):
"greve" finds "grève". A text search configuration of our own runs words through the
``unaccent`` extension's dictionary, then ``simple``; the GIN index is rebuilt on it.
Nothing changes on SQLite.

Revision ID: v0002
Revises: v0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "v0002"
down_revision = "v0001"
branch_labels = None
depends_on = None

SEARCH_CONFIG = "passerelle_search"  # schema.PG_SEARCH_CONFIG as this revision made it
# search.PG_DOCUMENT, frozen here as this revision indexed it (a test checks they agree).
PG_DOCUMENT = (
    "coalesce(title_fr, '') || ' ' || coalesce(title_en, '') || ' ' || source_text || ' ' || "
    "translation_text || ' ' || coalesce(summary_en, '') || ' ' || coalesce(summary_fr, '')"
)


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    # unaccent is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    # It may already live in another schema than ours: name its dictionary by that schema.
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    found = op.get_bind().execute(sa.text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'"))
    unaccent_schema = found.scalar_one()
    op.execute(f"CREATE TEXT SEARCH CONFIGURATION {SEARCH_CONFIG} (COPY = pg_catalog.simple)")
    op.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {SEARCH_CONFIG} ALTER MAPPING FOR hword, hword_part, word WITH {unaccent_schema}.unaccent, simple"
    )
    op.execute("DROP INDEX ix_articles_search")
    op.execute(f"CREATE INDEX ix_articles_search ON articles USING gin (to_tsvector('{SEARCH_CONFIG}', {PG_DOCUMENT}))")


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_articles_search")
    op.execute(f"CREATE INDEX ix_articles_search ON articles USING gin (to_tsvector('simple', {PG_DOCUMENT}))")
    op.execute(f"DROP TEXT SEARCH CONFIGURATION {SEARCH_CONFIG}")  # the extension stays: others may use it
