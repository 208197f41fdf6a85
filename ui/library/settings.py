"""Where the library lives, read once from the environment: a SQLite file under the data
directory by default, or a PostgreSQL server named by URL for a team or several servers."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from passerelle.translate.errors import InvalidOptionError

from ..config import AppConfig

DATA_DIR_VAR = "PASSERELLE_DATA_DIR"
DATABASE_URL_VAR = "PASSERELLE_DATABASE_URL"
SQLITE_FILE = "library.sqlite3"
MAX_ATTEMPTS = 3  # an article page that failed this many times is shown as failed, not retried
BUSY_TIMEOUT_SECONDS = 30.0  # how long a writer waits for another one on SQLite


def default_data_dir(environ: Mapping[str, str]) -> Path:
    """The user's data directory (XDG): ``$XDG_DATA_HOME/passerelle`` or
    ``~/.local/share/passerelle``."""
    base = environ.get("XDG_DATA_HOME", "").strip()
    return (Path(base).expanduser() if base else Path.home() / ".local" / "share") / "passerelle"


@dataclass(frozen=True)
class LibrarySettings:
    """The library's settings. Nothing is created until ``Library.open``."""

    data_dir: Path
    database_url: str | None = None  # None: SQLite in data_dir
    max_attempts: int = MAX_ATTEMPTS
    busy_timeout_seconds: float = BUSY_TIMEOUT_SECONDS

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        if self.max_attempts < 1:
            raise InvalidOptionError(f"max_attempts must be 1 or more (not {self.max_attempts})")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LibrarySettings:
        """From the environment, read by AppConfig with every other setting
        (``PASSERELLE_DATA_DIR``, ``PASSERELLE_DATABASE_URL``)."""
        return cls.from_config(AppConfig.from_env(environ), environ)

    @classmethod
    def from_config(cls, config: AppConfig, environ: Mapping[str, str] | None = None) -> LibrarySettings:
        """PostgreSQL by URL, else SQLite under the data directory (by default the user's,
        from ``environ``'s XDG_DATA_HOME). A wrong URL is named now, not at the first query."""
        environ = os.environ if environ is None else environ
        data_dir = Path(config.data_dir).expanduser() if config.data_dir else default_data_dir(environ)
        settings = cls(data_dir=data_dir, database_url=config.database_url)
        settings.url()
        return settings

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / SQLITE_FILE

    def url(self) -> URL:
        """The SQLAlchemy URL: ``postgresql://`` gets the psycopg 3 driver (the optional
        ``postgres`` extra); anything but SQLite or PostgreSQL is refused."""
        if self.database_url is None:
            return URL.create("sqlite", database=str(self.sqlite_path))
        try:
            url = make_url(self.database_url)
        except ArgumentError as error:
            raise InvalidOptionError(
                f"{DATABASE_URL_VAR} is not a database URL ({error}); e.g. postgresql://user:password@host/passerelle"
            ) from None
        backend, _, driver = url.drivername.partition("+")
        if backend == "postgres":  # the spelling Heroku and others hand out
            backend = "postgresql"
        if backend not in ("postgresql", "sqlite"):
            raise InvalidOptionError(f"{DATABASE_URL_VAR} must name postgresql:// or sqlite:// (not {backend}://)")
        if backend == "postgresql" and not driver:
            driver = "psycopg"
        return url.set(drivername=f"{backend}+{driver}" if driver else backend)
