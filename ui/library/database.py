"""The engine and its rules: SQLite in WAL mode with foreign keys on and real transactions
(``BEGIN IMMEDIATE`` for writers, so two writers queue instead of failing), PostgreSQL by
URL; and the schema brought to the newest revision by Alembic when the library opens."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text

from .errors import LibraryError
from .settings import LibrarySettings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
WRITE = "passerelle_write"  # execution option: this transaction writes
# One PostgreSQL advisory lock for migrations, one per article key for saves.
MIGRATION_LOCK = zlib.crc32(b"passerelle.library.migrate")


def make_engine(settings: LibrarySettings) -> Engine:
    """An engine for ``settings``; the SQLite file's directory is made here, not before."""
    url = settings.url()
    if url.get_backend_name() != "sqlite":
        try:
            return create_engine(url, pool_pre_ping=True)
        except ModuleNotFoundError as missing:
            raise LibraryError(
                f"{url.render_as_string(hide_password=True)} needs the {missing.name} driver: pip install 'passerelle[postgres]'"
            ) from None
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": settings.busy_timeout_seconds})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite opens transactions only before DML and never for DDL: turn that off and say
    # BEGIN ourselves (below), so migrations and saves are whole transactions.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # A writer takes the write lock at BEGIN: a reader that later writes could otherwise
    # meet SQLITE_BUSY with no wait (its snapshot is stale), whatever the busy timeout.
    immediate = connection.get_execution_options().get(WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed on success, rolled back on any error."""
    with engine.connect() as connection:
        connection.execution_options(**{WRITE: True})
        with connection.begin():
            yield connection


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """One read transaction (one consistent snapshot)."""
    with engine.connect() as connection, connection.begin():
        yield connection


def advisory_lock(connection: Connection, key: int) -> None:
    """On PostgreSQL, hold a transaction-wide lock on ``key`` (SQLite's BEGIN IMMEDIATE
    already lets one writer in at a time)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision, in one transaction that concurrent openers
    wait for (the second finds nothing left to do)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    with writing(engine) as connection:
        advisory_lock(connection, MIGRATION_LOCK)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def current_revision(engine: Engine) -> str | None:
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
