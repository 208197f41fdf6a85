"""The settings of every front end (web app, batch script, benchmark), in one place: defaults,
then the environment variables of ``ENVIRONMENT`` (read here and nowhere else), then the
options of the command line."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Mapping

from summarize import DEFAULT_LENGTH, DEFAULT_SUMMARY_MODEL, DEFAULT_SUMMARY_TRANSLATION_MODEL, LENGTH_PRESETS
from translate import BACKENDS, DEFAULT_MODEL, InvalidOptionError, ModelSetting, PasserelleError
from translate.faithful import Glossary

CONVERSIONS_SUBDIR = "ct2"  # under PASSERELLE_CACHE_DIR


class UsageError(PasserelleError):
    """The command line or the settings are wrong (exit status 2)."""


@dataclass(frozen=True)
class EnvVar:
    """An environment variable: the AppConfig field it sets and the option that overrides it."""

    name: str
    field: str
    help: str
    option: str | None = None  # the command-line option for the same setting, if any


ENVIRONMENT: tuple[EnvVar, ...] = (
    EnvVar("PASSERELLE_MODEL", "model", "translation model: registry name, hub id or directory", "--model"),
    EnvVar("PASSERELLE_SUMMARY_MODEL", "summary_model", "summarisation model", "--summary-model"),
    EnvVar(
        "PASSERELLE_SUMMARY_TRANSLATION_MODEL",
        "summary_translation_model",
        "English→French model for the French summary",
        "--summary-translation-model",
    ),
    EnvVar("PASSERELLE_BACKEND", "backend", f"inference engine: {', '.join(BACKENDS)}", "--backend"),
    EnvVar("PASSERELLE_DEVICE", "device", "auto, cpu or cuda[:N]", "--device"),
    EnvVar("PASSERELLE_THREADS", "threads", "CPU threads for the models (0: every core)", "--threads"),
    EnvVar("PASSERELLE_GLOSSARY", "glossary", "glossary file: source<TAB>target (or source: keep) lines", "--glossary"),
    EnvVar("PASSERELLE_CACHE_DIR", "cache_dir", "where converted models are kept (default ~/.cache/passerelle)"),
    EnvVar("PASSERELLE_AUTH", "auth", "user:password turns on the web app's login"),
)


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
    cache_dir: str | None = None
    auth: str | None = None  # "user:password"
    glossary: str | None = None  # a glossary file (French → English terms)
    summary_length: str = DEFAULT_LENGTH
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
            var.field: _from_text(var, environ[var.name]) for var in ENVIRONMENT if environ.get(var.name)
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        config = replace(cls(), **values)
        config.validate()
        return config

    def validate(self) -> None:
        if not isinstance(self.threads, int) or self.threads < 0:
            raise InvalidOptionError(f"threads must be 0 (every core) or a positive integer, got {self.threads!r}")
        if self.backend not in BACKENDS:
            raise InvalidOptionError(f"backend must be one of {list(BACKENDS)}, got {self.backend!r}")
        if self.summary_length not in LENGTH_PRESETS:
            raise InvalidOptionError(f"summary length must be one of {list(LENGTH_PRESETS)}, got {self.summary_length!r}")
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

    def conversions_dir(self) -> Path | None:
        """Where CTranslate2 conversions go (None: the library's default, ~/.cache)."""
        return Path(self.cache_dir).expanduser() / CONVERSIONS_SUBDIR if self.cache_dir else None


def model_setting(config_field: str) -> ModelSetting:
    """How a user chooses the model of ``config_field``: its option and its variable."""
    var = next(v for v in ENVIRONMENT if v.field == config_field)
    return ModelSetting(var.option or "", var.name)


_INT_FIELDS = frozenset(f.name for f in fields(AppConfig) if f.type in ("int", int))


def _from_text(var: EnvVar, raw: str) -> object:
    """An environment variable's text as the field's type, or an error naming the variable."""
    if var.field not in _INT_FIELDS:
        return raw.strip()
    try:
        return int(raw.strip())
    except ValueError:
        raise InvalidOptionError(f"{var.name} must be a whole number, got {raw!r}") from None
