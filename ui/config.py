"""The settings of every front end (web app, batch script, benchmark), in one place: defaults,
then the environment variables of ``ENVIRONMENT`` (read here and nowhere else), then the
options of the command line."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from passerelle.summarize import (
    DEFAULT_LENGTH,
    DEFAULT_SPEED,
    DEFAULT_SUMMARY_MODEL,
    DEFAULT_SUMMARY_TRANSLATION_MODEL,
    LENGTH_PRESETS,
    SUMMARY_SPEEDS,
)
from passerelle.translate import BACKENDS, DEFAULT_MODEL, InvalidOptionError, ModelSetting, PasserelleError
from passerelle.translate.faithful import Glossary

CONVERSIONS_SUBDIR = "ct2"
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")  # under PASSERELLE_CACHE_DIR


class UsageError(PasserelleError):
    """The command line or the settings are wrong (exit status 2)."""

    http_status = 400
    exit_code = 2


@dataclass(frozen=True)
class EnvVar:
    """An environment variable: the AppConfig field it sets and the option that overrides it."""

    name: str
    field: str
    help: str
    option: str | None = None  # the command-line option for the same setting, if any
    server_only: bool = False  # the option belongs to ``passerelle ui`` only


ENVIRONMENT: tuple[EnvVar, ...] = (
    EnvVar("PASSERELLE_MODEL", "model", "translation model: registry name, hub id or directory", "--model"),
    EnvVar("PASSERELLE_SUMMARY_MODEL", "summary_model", "summarisation model", "--summary-model"),
    EnvVar(
        "PASSERELLE_SUMMARY_SPEED",
        "summary_speed",
        "summaries: default, or fast (distilbart-cnn-12-3 unless a summary model is named, 3 beams)",
        "--summary-speed",
    ),
    EnvVar(
        "PASSERELLE_SUMMARY_TRANSLATION_MODEL",
        "summary_translation_model",
        "English→French model: the French summary, and English articles translated into French",
        "--summary-translation-model",
    ),
    EnvVar("PASSERELLE_BACKEND", "backend", f"inference engine: {', '.join(BACKENDS)}", "--backend"),
    EnvVar("PASSERELLE_DEVICE", "device", "auto, cpu or cuda[:N]", "--device"),
    EnvVar("PASSERELLE_THREADS", "threads", "CPU threads for the models (0: every core)", "--threads"),
    EnvVar(
        "PASSERELLE_SHORTLIST",
        "shortlist",
        "vocabulary shortlist for the French→English model (CTranslate2), from `passerelle shortlist build`",
        "--shortlist",
    ),
    EnvVar(
        "PASSERELLE_GLOSSARY",
        "glossary",
        "glossary file: lines of 'source = target' (or source<TAB>target), or 'source' alone to keep it",
        "--glossary",
    ),
    EnvVar("PASSERELLE_CACHE_DIR", "cache_dir", "where converted models are kept (default ~/.cache/passerelle)"),
    EnvVar("PASSERELLE_AUTH", "auth", "user:password turns on the web app's login"),
    EnvVar("PASSERELLE_ALLOWED_HOSTS", "allowed_hosts", "comma-separated names the server answers to (e.g. its public name)"),
    EnvVar("PASSERELLE_ALLOWED_ORIGINS", "allowed_origins", "comma-separated web origins allowed to call the server"),
    EnvVar(
        "PASSERELLE_TRUSTED_PROXIES",
        "trusted_proxies",
        "comma-separated addresses of reverse proxies whose X-Forwarded-For/-Proto are believed (none by default)",
    ),
    EnvVar("PASSERELLE_METRICS_TOKEN", "metrics_token", "a token that reads /metrics (Authorization: Bearer TOKEN) without the login"),
    EnvVar("PASSERELLE_SESSION_SECONDS", "session_ttl_seconds", "how long a sign-in on the page lasts (43,200: 12 hours)"),
    EnvVar("PASSERELLE_HOST", "host", "address the server listens on (127.0.0.1: this machine only)", "--host", True),
    EnvVar("PASSERELLE_PORT", "port", "the server's port (7860)", "--port", True),
    EnvVar("PASSERELLE_BATCH_GROUP", "batch_group", "articles the batch script makes together (4; 1: one after another)"),
    EnvVar("PASSERELLE_MAX_CHARS", "max_chars", "longest article, in characters (200,000)"),
    EnvVar("PASSERELLE_MAX_FILE_BYTES", "max_file_bytes", "largest input file, in bytes (2,000,000)"),
    EnvVar("PASSERELLE_MAX_FILES", "max_files", "files per upload request (20)"),
    EnvVar("PASSERELLE_MAX_REQUEST_BYTES", "max_request_bytes", "largest request body other than uploads (1,000,000)"),
    EnvVar("PASSERELLE_CONCURRENCY", "concurrency_limit", "articles translated at once by the server (1)"),
    EnvVar("PASSERELLE_MAX_QUEUE", "max_queue", "articles waiting before new ones are refused (16)"),
    EnvVar("PASSERELLE_MAX_LOGIN_FAILURES", "max_login_failures", "wrong logins per client before a lockout (5 in 5 min)"),
    EnvVar("PASSERELLE_LOGIN_LOCKOUT_SECONDS", "login_lockout_seconds", "how long a lockout lasts (300)"),
    EnvVar(
        "PASSERELLE_SHUTDOWN_GRACE", "shutdown_grace_seconds", "seconds running jobs get on SIGTERM/SIGINT (10)", "--shutdown-grace", True
    ),
    EnvVar("PASSERELLE_API_KEYS", "api_keys", "comma-separated keys the REST API accepts"),
    EnvVar("PASSERELLE_API_KEYS_FILE", "api_keys_file", "file of REST API keys: one per line, optionally KEY<TAB>requests per minute"),
    EnvVar("PASSERELLE_REQUIRE_API_KEY", "require_api_key", "1: REST calls without a known key are refused (403)"),
    EnvVar("PASSERELLE_API_RATE_LIMIT", "api_requests_per_minute", "REST requests per minute per client or key (0: no limit)"),
    EnvVar("PASSERELLE_DATA_DIR", "data_dir", "where the library of kept articles lives (default ~/.local/share/passerelle)"),
    EnvVar("PASSERELLE_DATABASE_URL", "database_url", "postgresql://... keeps the library in PostgreSQL instead of SQLite"),
    EnvVar("PASSERELLE_FETCH_ALLOW", "fetch_allow", "comma-separated hosts or networks fetched from although not public"),
    EnvVar(
        "PASSERELLE_FEEDS_EVERY", "feeds_every", "poll the followed feeds in the background this often (e.g. 15m)", "--feeds-every", True
    ),
    EnvVar("PASSERELLE_PUBLIC_URL", "public_url", "the server's address as readers reach it, for links in feeds and digests"),
)
SPAN_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class AppConfig:
    model: str = DEFAULT_MODEL
    summary_model: str = DEFAULT_SUMMARY_MODEL
    summary_translation_model: str = DEFAULT_SUMMARY_TRANSLATION_MODEL
    # A SUMMARY_SPEEDS name: its beams, and its model unless summary_model is given (from_env
    # puts the speed's model in summary_model when the environment and options name none).
    summary_speed: str = DEFAULT_SPEED
    backend: str = "auto"
    device: str = "auto"
    # CPU threads for the models (per process, so per Ray actor); 0: every core, or
    # OMP_NUM_THREADS when set.
    threads: int = 0
    cache_dir: str | None = None
    auth: str | None = None  # "user:password"
    glossary: str | None = None  # a glossary file (French → English terms)
    # A vocabulary map for the French→English model only (CTranslate2's use_vmap); None: off.
    shortlist: str | None = None
    summary_length: str = DEFAULT_LENGTH
    # The batch script makes this many articles together: their sentences share the
    # translator's batches, their chunks the summariser's (see ui/article/many.py); 1: one
    # article after another.
    batch_group: int = 4
    # Inputs: bounded so one request cannot exhaust the machine.
    max_chars: int = 200_000
    max_file_bytes: int = 2_000_000
    max_files: int = 20
    extensions: tuple[str, ...] = field(default=(".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".srt", ".vtt"))
    # A model that failed to load is not tried again before this many seconds.
    model_retry_seconds: float = 300.0
    # Web server.
    host: str = "127.0.0.1"
    port: int = 7860
    concurrency_limit: int = 1
    max_queue: int = 16
    # Names the server answers to, besides the address it listens on ("*": any; for a server
    # behind a reverse proxy, its public name). Other Host headers get 400 (DNS rebinding).
    allowed_hosts: tuple[str, ...] = ()
    # Web origins allowed to call the server from a page of theirs (CORS, and state-changing
    # requests); none by default: only the server's own page.
    allowed_origins: tuple[str, ...] = ()
    # Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (uvicorn's
    # forwarded_allow_ips); from anyone else, those headers are ignored: they would let a
    # client choose its own address and dodge the login lockout and the rate limits.
    trusted_proxies: tuple[str, ...] = ()
    # A token for Prometheus to read /metrics with when a login guards the server (None: the login).
    metrics_token: str | None = None
    session_ttl_seconds: float = 43_200.0
    # Bodies are refused (413) over these sizes, before they are read.
    max_request_bytes: int = 1_000_000
    # Wrong logins: after this many within the window, that client waits out the lockout.
    max_login_failures: int = 5
    login_window_seconds: float = 300.0
    login_lockout_seconds: float = 300.0
    # On SIGTERM or SIGINT, running jobs get this long to finish before they are stopped.
    shutdown_grace_seconds: float = 10.0
    # The LibreTranslate-compatible REST API: optional keys (required only when asked), and
    # requests per minute per key or client (0: no limit), off for a local instance.
    api_keys: tuple[str, ...] = ()
    api_keys_file: str | None = None
    require_api_key: bool = False
    api_requests_per_minute: int = 0
    max_alternatives: int = 3
    # Following sources: the library (None: SQLite under the user's data directory), the hosts
    # opened to the fetcher besides public ones, the background poll, and the public address
    # (None: http://host:port/) that feeds and digests link to.
    data_dir: str | None = None
    database_url: str | None = None
    fetch_allow: tuple[str, ...] = ()
    feeds_every: str | None = None
    public_url: str | None = None
    # The server's temporary files (uploads, downloads): their lifetime and bounds.
    temp_ttl_seconds: int = 3600
    max_temp_files: int = 2000
    max_temp_bytes: int = 500_000_000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> AppConfig:
        """Defaults, then environment variables, then explicit (non-None) overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {var.field: _from_text(var, environ[var.name]) for var in ENVIRONMENT if environ.get(var.name)}
        values.update({k: v for k, v in overrides.items() if v is not None})
        speed = str(values.get("summary_speed", DEFAULT_SPEED))
        if "summary_model" not in values and speed in SUMMARY_SPEEDS:
            values["summary_model"] = SUMMARY_SPEEDS[speed].model
        config = replace(cls(), **values)
        config.validate()
        return config

    def validate(self) -> None:
        if not isinstance(self.threads, int) or self.threads < 0:
            raise InvalidOptionError(f"threads must be 0 (every core) or a positive integer, got {self.threads!r}")
        if not isinstance(self.batch_group, int) or self.batch_group < 1:
            raise InvalidOptionError(f"batch group must be a positive number of articles, got {self.batch_group!r}")
        if self.backend not in BACKENDS:
            raise InvalidOptionError(f"backend must be one of {list(BACKENDS)}, got {self.backend!r}")
        if self.shortlist and self.backend == "transformers":
            raise InvalidOptionError(
                "a vocabulary shortlist (PASSERELLE_SHORTLIST, --shortlist) needs the CTranslate2 backend; "
                "use backend auto or ctranslate2, or leave the shortlist out"
            )
        if self.shortlist and not Path(self.shortlist).expanduser().is_file():
            raise InvalidOptionError(
                f"no vocabulary shortlist at {self.shortlist} (PASSERELLE_SHORTLIST, --shortlist); "
                "make one with `passerelle shortlist build`"
            )
        if self.summary_length not in LENGTH_PRESETS:
            raise InvalidOptionError(f"summary length must be one of {list(LENGTH_PRESETS)}, got {self.summary_length!r}")
        if self.summary_speed not in SUMMARY_SPEEDS:
            raise InvalidOptionError(
                f"summary speed (--summary-speed, PASSERELLE_SUMMARY_SPEED) must be one of "
                f"{list(SUMMARY_SPEEDS)}, got {self.summary_speed!r}"
            )
        if self.feeds_every:
            parse_span(self.feeds_every)
        self.credentials()

    def credentials(self) -> tuple[str, str] | None:
        """The web login from ``auth``, or None when the login is off."""
        if not self.auth:
            return None
        user, sep, password = self.auth.partition(":")
        if not sep or not user or not password:
            raise InvalidOptionError("PASSERELLE_AUTH must look like 'user:password'")
        return user, password

    def load_glossary(self) -> Glossary | None:
        """The glossary file's terms (None without one); a bad file is a clear error."""
        return Glossary.load(Path(self.glossary).expanduser()) if self.glossary else None

    @property
    def max_upload_bytes(self) -> int:
        """The largest upload request: every file at its limit, and room for the form."""
        return self.max_files * self.max_file_bytes + self.max_request_bytes

    def hosts(self) -> list[str]:
        """The Host header values the server accepts (ports aside)."""
        loopback = ["127.0.0.1", "localhost", "::1", "[::1]"]
        own = loopback if self.host in loopback else [self.host]
        return ["*"] if self.host in ("0.0.0.0", "::") and not self.allowed_hosts else [*own, *self.allowed_hosts]

    def conversions_dir(self) -> Path | None:
        """Where CTranslate2 conversions go (None: the library's default, ~/.cache)."""
        return Path(self.cache_dir).expanduser() / CONVERSIONS_SUBDIR if self.cache_dir else None

    def server_url(self) -> str:
        """The server's address for links readers follow (feeds, digests)."""
        if self.public_url:
            return self.public_url.rstrip("/") + "/"
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}/"


def parse_span(text: str) -> float:
    """Seconds in a span written like ``15m``, ``24h``, ``7d`` or ``30s`` (``--every``,
    ``--since``, PASSERELLE_FEEDS_EVERY)."""
    value, unit = text.strip()[:-1], text.strip()[-1:].lower()
    if unit not in SPAN_UNITS or not value.isdigit() or int(value) == 0:
        raise InvalidOptionError(f"a span is a whole number and a unit (s, m, h or d), like 15m, 24h or 7d; got {text!r}")
    return float(int(value) * SPAN_UNITS[unit])


def model_setting(config_field: str) -> ModelSetting:
    """How a user chooses the model of ``config_field``: its option and its variable."""
    var = next(v for v in ENVIRONMENT if v.field == config_field)
    return ModelSetting(var.option or "", var.name)


_FIELD_TYPES = {f.name: str(f.type) for f in fields(AppConfig)}


def setting_type(config_field: str) -> type:
    """The Python type of a setting given as text (an option or a variable)."""
    return {"int": int, "float": float}.get(_FIELD_TYPES[config_field], str)


def _from_text(var: EnvVar, raw: str) -> object:
    """An environment variable's text as the field's type, or an error naming the variable."""
    kind = _FIELD_TYPES[var.field]
    if kind.startswith("tuple"):
        return tuple(item.strip() for item in raw.split(",") if item.strip())
    if kind == "bool":
        value = raw.strip().lower()
        if value not in TRUE_WORDS + FALSE_WORDS:
            raise InvalidOptionError(f"{var.name} must be 1 or 0 (true or false), got {raw!r}")
        return value in TRUE_WORDS
    if kind not in ("int", "float"):
        return raw.strip()
    try:
        return int(raw.strip()) if kind == "int" else float(raw.strip())
    except ValueError:
        what = "a whole number" if kind == "int" else "a number"
        raise InvalidOptionError(f"{var.name} must be {what}, got {raw!r}") from None
