"""Full-text search on either database from one plain query: the user's words, never their
syntax (a stray quote, ``AND`` or ``NEAR(`` is just a word), every word required, best
matches first."""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

from .schema import FTS_TABLE, PG_SEARCH_CONFIG

MAX_WORDS = 32  # a pasted paragraph is not a query
_WORD = re.compile(r"\w+")
# The document PostgreSQL indexes (the newest migration's GIN index is on exactly this
# expression, in the PG_SEARCH_CONFIG configuration: accents ignored, as FTS5 does here).
PG_DOCUMENT = (
    "coalesce(title_fr, '') || ' ' || coalesce(title_en, '') || ' ' || source_text || ' ' || "
    "translation_text || ' ' || coalesce(summary_en, '') || ' ' || coalesce(summary_fr, '')"
)

# plainto_tsquery reads no operators: every word is a word, all of them required. The WHERE
# repeats the indexed expression word for word, so the planner can use the GIN index.
_VECTOR = f"to_tsvector('{PG_SEARCH_CONFIG}', {PG_DOCUMENT})"
PG_SEARCH = (
    f"SELECT id FROM articles, plainto_tsquery('{PG_SEARCH_CONFIG}', :words) AS query "
    f"WHERE {_VECTOR} @@ query ORDER BY ts_rank({_VECTOR}, query) DESC, id DESC LIMIT :limit"
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
        rows = connection.execute(text(PG_SEARCH), {"words": " ".join(found), "limit": limit})
    return [int(row[0]) for row in rows]
