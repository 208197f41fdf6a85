"""The front ends' settings: defaults, then environment variables, then explicit options."""

from __future__ import annotations

import pytest

from passerelle.translate.errors import InvalidOptionError
from passerelle.ui.config import AppConfig

pytestmark = pytest.mark.unit


def test_environment_then_overrides() -> None:
    environ = {"PASSERELLE_THREADS": " 3 ", "PASSERELLE_BACKEND": "transformers"}
    config = AppConfig.from_env(environ)
    assert (config.threads, config.backend, config.host) == (3, "transformers", "127.0.0.1")
    assert AppConfig.from_env(environ, threads=1).threads == 1


@pytest.mark.parametrize("raw, message", [("deux", "PASSERELLE_THREADS must be a whole number"), ("-2", "threads must be 0")])
def test_bad_thread_counts_are_named(raw: str, message: str) -> None:
    with pytest.raises(InvalidOptionError, match=message):
        AppConfig.from_env({"PASSERELLE_THREADS": raw})


def test_every_variable_of_the_table_sets_its_field() -> None:
    environ = {
        "PASSERELLE_MODEL": "/models/fr-en",
        "PASSERELLE_SUMMARY_MODEL": " /models/bart ",
        "PASSERELLE_SUMMARY_TRANSLATION_MODEL": "opus-mt-en-fr",
        "PASSERELLE_DEVICE": "cpu",
        "PASSERELLE_CACHE_DIR": "/var/cache/passerelle",
        "PASSERELLE_AUTH": "reader:secret",
    }
    config = AppConfig.from_env(environ)
    assert (config.model, config.summary_model, config.summary_translation_model) == ("/models/fr-en", "/models/bart", "opus-mt-en-fr")
    assert config.device == "cpu" and config.credentials() == ("reader", "secret")
    assert str(config.conversions_dir()) == "/var/cache/passerelle/ct2"
    assert AppConfig.from_env({}).conversions_dir() is None


@pytest.mark.parametrize(
    "environ, message",
    [({"PASSERELLE_AUTH": "nopassword"}, "user:password"), ({"PASSERELLE_BACKEND": "onnx"}, "backend must be one of")],
)
def test_bad_values_are_refused_with_the_rule(environ: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidOptionError, match=message):
        AppConfig.from_env(environ)


def test_limits_and_server_settings_come_from_the_environment() -> None:
    environ = {"PASSERELLE_MAX_CHARS": "5000", "PASSERELLE_SHUTDOWN_GRACE": "2.5", "PASSERELLE_ALLOWED_HOSTS": "a.example, b.example"}
    config = AppConfig.from_env(environ)
    assert (config.max_chars, config.shutdown_grace_seconds, config.allowed_hosts) == (5000, 2.5, ("a.example", "b.example"))
    with pytest.raises(InvalidOptionError, match="PASSERELLE_SHUTDOWN_GRACE must be a number"):
        AppConfig.from_env({"PASSERELLE_SHUTDOWN_GRACE": "dix"})


def test_the_docs_document_every_variable() -> None:
    from pathlib import Path

    from passerelle.ui.config import ENVIRONMENT

    docs = Path(__file__).resolve().parents[1] / "docs"
    documented = (docs / "service.md").read_text(encoding="utf-8") + (docs / "batch.md").read_text(encoding="utf-8")
    assert [var.name for var in ENVIRONMENT if f"`{var.name}`" not in documented] == []
