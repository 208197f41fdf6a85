"""The front ends' settings: defaults, then environment variables, then explicit options."""

from __future__ import annotations

import pytest

from translate.errors import InvalidOptionError
from ui.config import AppConfig


def test_environment_then_overrides() -> None:
    environ = {"PASSERELLE_THREADS": " 3 ", "PASSERELLE_BACKEND": "transformers"}
    config = AppConfig.from_env(environ)
    assert (config.threads, config.backend, config.host) == (3, "transformers", "127.0.0.1")
    assert AppConfig.from_env(environ, threads=1).threads == 1


@pytest.mark.parametrize("raw, message", [("deux", "PASSERELLE_THREADS must be a whole number"), ("-2", "threads must be 0")])
def test_bad_thread_counts_are_named(raw: str, message: str) -> None:
    with pytest.raises(InvalidOptionError, match=message):
        AppConfig.from_env({"PASSERELLE_THREADS": raw})
