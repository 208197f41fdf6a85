"""Settings of the two front ends (web app and batch script), read from one place."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from typing import Mapping

from summarize.config import (
    DEFAULT_SUMMARY_MODEL,
    DEFAULT_SUMMARY_TRANSLATION_MODEL,
    SUMMARY_MODEL_ENV_VAR,
    SUMMARY_TRANSLATION_MODEL_ENV_VAR,
)
from translate.config import DEFAULT_MODEL, MODEL_ENV_VAR
from translate.errors import InvalidOptionError

# Environment variables a user may set; each names the AppConfig field it overrides.
ENVIRONMENT = {
    MODEL_ENV_VAR: "model",
    SUMMARY_MODEL_ENV_VAR: "summary_model",
    SUMMARY_TRANSLATION_MODEL_ENV_VAR: "summary_translation_model",
    "PASSERELLE_BACKEND": "backend",
    "PASSERELLE_DEVICE": "device",
    "PASSERELLE_THREADS": "threads",
}
AUTH_ENV_VAR = "PASSERELLE_AUTH"  # "user:password" turns on the web app's login


@dataclass(frozen=True)
class AppConfig:
    model: str = DEFAULT_MODEL
    summary_model: str = DEFAULT_SUMMARY_MODEL
    summary_translation_model: str = DEFAULT_SUMMARY_TRANSLATION_MODEL
    backend: str = "auto"
    device: str = "auto"
    # CPU threads for the models (per process, so per Ray actor); 0: every core, or
    # OMP_NUM_THREADS when set.
    threads: int = 0
    summary_length: str = "medium"
    # Inputs: bounded so one request cannot exhaust the machine.
    max_chars: int = 200_000
    max_file_bytes: int = 2_000_000
    max_files: int = 20
    # Web server.
    host: str = "127.0.0.1"
    port: int = 7860
    concurrency_limit: int = 1
    max_queue: int = 16
    temp_ttl_seconds: int = 3600
    extensions: tuple[str, ...] = field(default=(".txt", ".md", ".markdown", ".html", ".htm"))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> "AppConfig":
        """Defaults, then environment variables, then explicit (non-None) overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {
            name: _from_text(name, environ[var], var) for var, name in ENVIRONMENT.items() if environ.get(var)
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        config = replace(cls(), **values)
        config.validate()
        return config

    def validate(self) -> None:
        if not isinstance(self.threads, int) or self.threads < 0:
            raise InvalidOptionError(f"threads must be 0 (every core) or a positive integer, got {self.threads!r}")

    def auth(self, environ: Mapping[str, str] | None = None) -> tuple[str, str] | None:
        environ = os.environ if environ is None else environ
        raw = environ.get(AUTH_ENV_VAR, "")
        if not raw:
            return None
        user, sep, password = raw.partition(":")
        if not sep or not user or not password:
            raise ValueError(f"{AUTH_ENV_VAR} must look like 'user:password'")
        return user, password


_INT_FIELDS = frozenset(f.name for f in fields(AppConfig) if f.type in ("int", int))


def _from_text(name: str, raw: str, variable: str) -> object:
    """An environment variable's text as the field's type, or an error naming the variable."""
    if name not in _INT_FIELDS:
        return raw
    try:
        return int(raw.strip())
    except ValueError:
        raise InvalidOptionError(f"{variable} must be a whole number, got {raw!r}") from None
