"""The two languages Passerelle translates between, and what belongs to each."""

from __future__ import annotations

from typing import Literal, get_args

Language = Literal["fr", "en"]
LANGUAGES: tuple[str, ...] = get_args(Language)
NAMES: dict[str, str] = {"fr": "French", "en": "English"}


def other(language: Language) -> Language:
    """The language a text in ``language`` is translated into."""
    return "en" if language == "fr" else "fr"
