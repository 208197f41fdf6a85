"""Full-text search on either database from one plain query: the user's words, never their
syntax (a stray quote, ``AND`` or ``NEAR(`` is just a word), every word required, best
matches first."""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

from .schema import FTS_TABLE

MAX_WORDS = 32  # a pasted paragraph is not a query
_WORD = re.compile(r"\w+")
# The document PostgreSQL indexes (the migration's GIN index is on exactly this expression).
PG_DOCUMENT = (
    "coalesce(title_fr, '') || ' ' || coalesce(title_en, '') || ' ' || source_text || ' ' || "
    "translation_text || ' ' || coalesce(summary_en, '') || ' ' || coalesce(summary_fr, '')"
)


OPERATORS = {"AND", "OR", "NOT", "NEAR"}  # FTS5's, dropped so that "dockers AND strike" means both words


def words(query: str) -> list[str]:
    """The query's words (letters and digits of any script), at most ``MAX_WORDS``."""
    return [word for word in _WORD.findall(query) if word not in OPERATORS][:MAX_WORDS]


def fts5_expression(query: str) -> str | None:
    """An FTS5 MATCH expression requiring each word, each quoted as a string (so no word is
    read as an operator or a column filter); None when there is no word."""
    found = words(query)
    return " ".join('"' + word.replace('"', '""') + '"' for word in found) or None


def search_ids(connection: Connection, query: str, limit: int) -> list[int]:
    """The ids of the best ``limit`` articles for ``query``, best first."""
    if connection.dialect.name == "sqlite":
        expression = fts5_expression(query)
        if expression is None:
            return []
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match ORDER BY rank, rowid DESC LIMIT :limit"
        rows = connection.execute(text(sql), {"match": expression, "limit": limit})
    else:
        found = words(query)
        if not found:
            return []
        # plainto_tsquery reads no operators: every word is a word, all of them required.
        sql = (
            f"SELECT id FROM articles, plainto_tsquery('simple', :words) AS query "
            f"WHERE to_tsvector('simple', {PG_DOCUMENT}) @@ query "
            f"ORDER BY ts_rank(to_tsvector('simple', {PG_DOCUMENT}), query) DESC, id DESC LIMIT :limit"
        )
        rows = connection.execute(text(sql), {"words": " ".join(found), "limit": limit})
    return [int(row[0]) for row in rows]
