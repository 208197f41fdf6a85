"""The library's store: feeds, items a poll has seen, kept articles, search, on SQLite (and
on PostgreSQL when PASSERELLE_TEST_DATABASE_URL names one), and a kill -9 in the middle.

The articles are real ``ArticleResult`` values built by hand (no model needed here)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, make_url, text

from passerelle.summarize import FactCheck, Summary
from passerelle.translate import TranslationResult
from passerelle.translate.errors import InvalidOptionError
from passerelle.translate.faithful import Flag, FlagKind
from passerelle.translate.results import Segment
from passerelle.ui.article import ArticleResult
from passerelle.ui.library import (
    ArticleNotFoundError,
    FeedExistsError,
    FeedNotFoundError,
    ItemStateKind,
    Library,
    LibraryError,
    LibrarySettings,
)
from passerelle.ui.library.database import current_revision
from passerelle.ui.library.search import PG_SEARCH
from tests.helpers import ROOT

pytestmark = pytest.mark.unit

PG_URL_VAR = "PASSERELLE_TEST_DATABASE_URL"
PG_URL = os.environ.get(PG_URL_VAR, "").strip()
NEWEST = "v0002"
# The test sessions' zone on PostgreSQL: far from UTC, with a quarter-hour offset, so a time
# read back in the server's zone instead of UTC shows.
PG_SESSION_ZONE = "Pacific/Chatham"


def result_json(pairs: list[tuple[str, str]], summary: tuple[str, str] | None = None, *, flag: bool = False) -> dict[str, Any]:
    """An article's JSON as ArticleResult writes it, from (French, English) sentences."""
    segments = [Segment(0, fr, en) for fr, en in pairs]
    if flag:
        segments[0] = Segment(0, pairs[0][0], pairs[0][1], flags=(Flag(FlagKind.NUMBER_MISSING, "1 200"),))
    translation = TranslationResult(" ".join(en for _, en in pairs), segments, " ".join(fr for fr, _ in pairs), "tiny", "transformers")
    made = None
    if summary is not None:
        made = Summary(summary[0], summary[1], 1, "short", "bart", 0.1, check_en=FactCheck(2, ("Lyon",)), check_fr=FactCheck(2, ()))
    return ArticleResult(translation.source, translation, made).to_json()


HARBOUR = result_json(
    [
        (
            "Le port de Marseille accueille trois nouveaux cargos cette semaine.",
            "The port of Marseille welcomes three new cargo ships this week.",
        ),
        ("Les dockers ont voté une grève de deux jours.", "The dockers voted for a two-day strike."),
    ],
    ("Marseille harbour gets new ships; dockers strike.", "Le port de Marseille reçoit des cargos ; grève des dockers."),
    flag=True,
)
VINEYARD = result_json(
    [
        (
            "Les vendanges commencent tôt en Bourgogne à cause de la chaleur.",
            "The grape harvest starts early in Burgundy because of the heat.",
        )
    ],
)


def save(library: Library, result: dict[str, Any], feed: str | None = None, key: str | None = None) -> int:
    return library.save_article(
        result, feed=feed, key=key, url="https://example.org/a", title="Titre", title_en="Title", author="A. Auteur", published=None
    )


def _postgres_settings(tmp_path: Path) -> Iterator[LibrarySettings]:
    """A schema of its own on the test server (the only one on its search path, in a zone
    far from UTC), dropped afterwards. The unaccent extension goes in public first, where
    no test's schema drop takes it away from the others."""
    schema = f"passerelle_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(LibrarySettings(tmp_path, PG_URL).url())
    with admin.begin() as connection:
        connection.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public"))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-c search_path={schema} -c timezone={PG_SESSION_ZONE}"})
    try:
        yield LibrarySettings(tmp_path, url.render_as_string(hide_password=False))
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LibrarySettings]:
    if request.param == "sqlite":
        yield LibrarySettings(tmp_path / "data")
        return
    if not PG_URL:
        pytest.skip(f"no PostgreSQL to test on: set {PG_URL_VAR}=postgresql://user:password@host/db")
    yield from _postgres_settings(tmp_path)


@pytest.fixture
def library(settings: LibrarySettings) -> Iterator[Library]:
    opened = Library.open(settings)
    try:
        yield opened
    finally:
        opened.close()


def test_settings_come_from_the_environment_and_create_nothing(tmp_path: Path) -> None:
    settings = LibrarySettings.from_env({"XDG_DATA_HOME": str(tmp_path / "xdg")})
    assert settings.sqlite_path == tmp_path / "xdg" / "passerelle" / "library.sqlite3"
    assert not (tmp_path / "xdg").exists()
    settings = LibrarySettings.from_env({"PASSERELLE_DATA_DIR": str(tmp_path / "mine")})
    assert settings.url().get_backend_name() == "sqlite" and settings.sqlite_path.parent == tmp_path / "mine"
    team = LibrarySettings.from_env({"PASSERELLE_DATABASE_URL": "postgresql://reader:secret@db.example/passerelle"})
    assert team.url().drivername == "postgresql+psycopg"
    assert LibrarySettings.from_env({"PASSERELLE_DATABASE_URL": "postgres://db.example/p"}).url().drivername == "postgresql+psycopg"
    with pytest.raises(InvalidOptionError, match="postgresql:// or sqlite://"):
        LibrarySettings.from_env({"PASSERELLE_DATABASE_URL": "mysql://db.example/p"})
    with pytest.raises(InvalidOptionError, match="PASSERELLE_DATABASE_URL is not a database URL"):
        LibrarySettings.from_env({"PASSERELLE_DATABASE_URL": "not a url"})


def test_postgresql_without_its_driver_says_what_to_install(tmp_path: Path) -> None:
    try:
        import psycopg  # noqa: F401
    except ModuleNotFoundError:
        with pytest.raises(LibraryError, match=r"needs the psycopg driver: pip install 'passerelle\[postgres\]'"):
            Library.open(LibrarySettings(tmp_path, "postgresql://reader:secret@db.example/passerelle"))
    else:
        pytest.skip("psycopg is installed here")


def test_an_article_is_saved_read_and_deleted(library: Library) -> None:
    article_id = save(library, HARBOUR)
    article = library.get(article_id)
    assert (article.feed, article.title_en, article.author, article.source_language) == (None, "Title", "A. Auteur", "fr")
    assert article.summary_en == "Marseille harbour gets new ships; dockers strike."
    assert article.translation_text.startswith("The port of Marseille") and article.result == HARBOUR
    assert [(fact.where, fact.kind) for fact in article.flagged_facts] == [
        ("translation", "number_missing"),
        ("summary_en", "summary_unsupported"),
    ]
    assert article.added.tzinfo is not None
    library.delete(article_id)
    with pytest.raises(ArticleNotFoundError, match=f"no article {article_id}"):
        library.get(article_id)
    with pytest.raises(KeyError):
        library.delete(article_id)


def test_one_feed_item_saved_twice_is_stored_once(library: Library) -> None:
    library.add_feed("ouest", "https://example.org/ouest.xml")
    first = save(library, HARBOUR, "ouest", "guid-1")
    assert save(library, HARBOUR, "ouest", "guid-1") == first
    assert library.count() == 1
    state = library.item_state("ouest", "guid-1")
    assert state is not None and state.state == ItemStateKind.STORED
    assert library.keys_to_skip("ouest") == {"guid-1"}
    # Without a feed, a key (e.g. the article's link) is unique among feedless articles.
    assert save(library, VINEYARD, None, "https://example.org/v") == save(library, VINEYARD, None, "https://example.org/v")
    # The same key in another feed is another article.
    library.add_feed("sud", "https://example.org/sud.xml")
    assert save(library, HARBOUR, "sud", "guid-1") != first


def test_a_failed_item_is_retried_until_the_last_attempt(library: Library) -> None:
    library.add_feed("ouest", "https://example.org/ouest.xml")
    assert library.item_state("ouest", "page") is None
    for attempt in range(1, library.settings.max_attempts + 1):
        assert "page" not in library.keys_to_skip("ouest")
        state = library.record_failure("ouest", "page", "https://example.org/page", f"timeout {attempt}")
        assert (state.state, state.attempts, state.last_error) == (ItemStateKind.FAILED, attempt, f"timeout {attempt}")
    assert state.given_up and "page" in library.keys_to_skip("ouest")
    # A page that finally works is stored, and a late failure does not undo it.
    library.add_feed("sud", "https://example.org/sud.xml")
    library.record_failure("sud", "late", None, "503")
    save(library, VINEYARD, "sud", "late")
    stored = library.record_failure("sud", "late", None, "503 again")
    assert stored.state == ItemStateKind.STORED and library.keys_to_skip("sud") == {"late"}


def test_feeds_are_added_listed_fetched_and_removed(library: Library) -> None:
    library.add_feed("ouest", "https://example.org/ouest.xml")
    with pytest.raises(FeedExistsError, match="a feed named 'ouest' already exists"):
        library.add_feed("ouest", "https://example.org/other.xml")
    with pytest.raises(InvalidOptionError, match="reserved"):
        library.add_feed("all", "https://example.org/all.xml")
    library.record_fetch("ouest", etag='"v1"', last_modified="Mon, 01 Dec 2025 08:00:00 GMT", error=None)
    library.record_fetch("ouest", etag=None, last_modified=None, error="HTTP 500")
    feed = library.feed("ouest")
    assert (feed.etag, feed.last_error, feed.failing) == ('"v1"', "HTTP 500", True)
    library.record_fetch("ouest", etag='"v2"', last_modified=None, error=None)
    assert library.feed("ouest").etag == '"v2"' and not library.feed("ouest").failing
    article_id = save(library, HARBOUR, "ouest", "guid-1")
    library.remove_feed("ouest")
    assert library.feeds() == [] and library.get(article_id).feed is None
    with pytest.raises(FeedNotFoundError, match="no feed named 'ouest'"):
        library.keys_to_skip("ouest")


def test_articles_are_listed_newest_first_by_feed_and_since(library: Library) -> None:
    library.add_feed("ouest", "https://example.org/ouest.xml")
    ids = [save(library, HARBOUR, "ouest", "a"), save(library, VINEYARD), save(library, HARBOUR, "ouest", "b")]
    assert [a.id for a in library.articles()] == ids[::-1]
    assert [a.id for a in library.articles(feed="ouest")] == [ids[2], ids[0]]
    assert [a.id for a in library.articles(limit=1, offset=1)] == [ids[1]]
    assert library.articles(since=datetime.now(UTC) + timedelta(minutes=1)) == []


def test_search_finds_an_article_by_a_french_word_and_an_english_word(library: Library) -> None:
    harbour, vineyard = save(library, HARBOUR), save(library, VINEYARD)
    assert [a.id for a in library.search("dockers")] == [harbour]
    assert [a.id for a in library.search("vendanges")] == [vineyard]  # French
    assert [a.id for a in library.search("harvest")] == [vineyard]  # English
    assert [a.id for a in library.search("grève Marseille")] == [harbour]  # every word required
    assert library.search("vendanges Marseille") == []
    library.delete(vineyard)
    assert library.search("vendanges") == []


@pytest.mark.parametrize("query", ["greve", "GRÈVE", "grève", "Grève"])
def test_search_ignores_accents_and_case_on_either_database(library: Library, query: str) -> None:
    harbour = save(library, HARBOUR)  # "grève" in the French text and summary
    vineyard = save(library, VINEYARD)  # "Bourgogne", "tôt"
    assert [a.id for a in library.search(query)] == [harbour]
    assert [a.id for a in library.search("BOURGOGNE tot")] == [vineyard]


def test_times_keep_their_instant_whatever_the_zones(library: Library) -> None:
    published = datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/Paris"))  # 00:30 UTC, before the clocks change
    article_id = library.save_article(HARBOUR, feed=None, key=None, url=None, title=None, title_en=None, author=None, published=published)
    article = library.get(article_id)
    assert article.published == published and article.published is not None
    assert (article.published.tzinfo, article.published.hour, article.published.minute) == (UTC, 0, 30)
    assert article.added.tzinfo == UTC and abs(datetime.now(UTC) - article.added) < timedelta(minutes=5)
    # "since" compares instants: the same moment written in another zone still matches.
    assert [a.id for a in library.articles(since=article.added.astimezone(ZoneInfo("Asia/Kolkata")))] == [article_id]
    assert library.articles(since=article.added + timedelta(microseconds=1)) == []
    with pytest.raises(InvalidOptionError, match="needs a time zone"):
        library.articles(since=datetime(2026, 1, 1))


@pytest.mark.parametrize(
    "query", ['"OTAN', "OTAN AND", "OR", "NEAR(", "title_en:OTAN", "*", "^", "(", "'; DROP TABLE articles; --", "", "   "]
)
def test_query_syntax_is_never_an_error(library: Library, query: str) -> None:
    harbour = save(library, HARBOUR)
    assert library.search(query) == [] and library.count() == 1
    assert harbour in [a.id for a in library.search("a AND")]  # "The dockers voted for a ... strike"


@pytest.mark.parametrize("query", ['"Marseille', "dockers AND grève", "NEAR(dockers", "port:cargo", "^port*", "Marseille OR"])
def test_words_in_query_syntax_still_find_the_article(library: Library, query: str) -> None:
    harbour = save(library, HARBOUR)
    save(library, VINEYARD)
    assert [a.id for a in library.search(query)] == [harbour]


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    with Library.open(LibrarySettings(tmp_path)) as library:
        with library.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert current_revision(library.engine) == NEWEST
    # Opening again migrates nothing and keeps what is there.
    with Library.open(LibrarySettings(tmp_path)) as again:
        assert again.count() == 0


def test_the_tables_match_the_migrations(library: Library) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from passerelle.ui.library.schema import include_object, metadata

    with library.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include_object, "compare_type": False})
        assert compare_metadata(context, metadata) == []


WRITER = """
import sys
from passerelle.ui.library import Library, LibrarySettings
ARTICLE = {"source": "Les dockers de Marseille font grève.", "translation": "The Marseille dockers are on strike."}
library = Library.open(LibrarySettings(sys.argv[1], sys.argv[3] or None))
if "ouest" not in {feed.name for feed in library.feeds()}:
    library.add_feed("ouest", "https://example.org/ouest.xml")
skip = library.keys_to_skip("ouest")
for n in range(int(sys.argv[2])):
    if f"item-{n}" not in skip:
        library.save_article(ARTICLE, feed="ouest", key=f"item-{n}", url=None, title=None, title_en=None, author=None, published=None)
        print(n, flush=True)
"""


def test_a_writer_killed_mid_run_leaves_a_readable_library_and_a_rerun_stores_each_item_once(settings: LibrarySettings) -> None:
    items = 400
    command = [sys.executable, "-c", WRITER, str(settings.data_dir), str(items), settings.database_url or ""]
    writer = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    saved = [writer.stdout.readline().strip() for _ in range(20)]  # let it store a few, then kill it
    assert saved == [str(n) for n in range(20)]
    time.sleep(0.05)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    with Library.open(settings) as library:
        if library.engine.dialect.name == "sqlite":
            with library.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        stored_before = library.count()
        assert 20 <= stored_before < items
    rerun = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=True)
    assert len(rerun.stdout.split()) == items - stored_before
    with Library.open(settings) as library:
        keys = [str(a.key) for a in library.articles(limit=500)]
        assert sorted(keys) == sorted(f"item-{n}" for n in range(items))
        assert len(library.keys_to_skip("ouest")) == items
        assert library.search("dockers", limit=500) and len(library.search("dockers", limit=500)) == items


def test_postgresql_searches_the_expression_its_newest_migration_indexed() -> None:
    import importlib.util

    from passerelle.ui.library.schema import PG_SEARCH_CONFIG
    from passerelle.ui.library.search import PG_DOCUMENT

    (path,) = (ROOT / "ui" / "library" / "migrations" / "versions").glob(f"{NEWEST}_*.py")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert (migration.revision, migration.PG_DOCUMENT, migration.SEARCH_CONFIG) == (NEWEST, PG_DOCUMENT, PG_SEARCH_CONFIG)


def test_postgresql_search_uses_its_gin_index(tmp_path: Path) -> None:
    if not PG_URL:
        pytest.skip(f"no PostgreSQL to test on: set {PG_URL_VAR}=postgresql://user:password@host/db")
    for settings in _postgres_settings(tmp_path):
        with Library.open(settings) as library:
            save(library, HARBOUR)
            with library.engine.begin() as connection:
                connection.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny table is otherwise scanned
                plan = "\n".join(connection.execute(text(f"EXPLAIN {PG_SEARCH}"), {"words": "greve", "limit": 5}).scalars())
        assert "ix_articles_search" in plan, plan


OPENER = """
import sys
from passerelle.ui.library import Library, LibrarySettings
ARTICLE = {"source": "Les vendanges commencent.", "translation": "The harvest begins."}
with Library.open(LibrarySettings(sys.argv[1], sys.argv[2] or None)) as library:
    for _ in range(10):
        library.save_article(ARTICLE, feed=None, key=None, url=None, title=None, title_en=None, author=None, published=None)
"""


def test_processes_opening_a_new_library_at_once_create_it_once(settings: LibrarySettings) -> None:
    command = [sys.executable, "-c", OPENER, str(settings.data_dir), settings.database_url or ""]
    openers = [subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    errors = [opener.communicate(timeout=120)[1] for opener in openers]
    assert [opener.returncode for opener in openers] == [0, 0, 0, 0], errors
    with Library.open(settings) as library:
        assert library.count() == 40 and current_revision(library.engine) == NEWEST
