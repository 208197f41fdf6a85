"""What an article request may ask for, checked once for every front end (page, Gradio API,
REST API, batch command): an ``ArticleOptions`` that exists is valid, so the work on an article
never checks again, and every front end refuses the same values with the same limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from passerelle.summarize import DEFAULT_LENGTH, LENGTH_PRESETS
from passerelle.translate import InvalidOptionError
from passerelle.translate.faithful import Glossary
from passerelle.translate.languages import Language

from ..config import AppConfig
from .language import SOURCES

GREEDY_BEAMS = 1
MAX_BEAMS = 8  # beyond this, beam search costs much more for no better translation
DEFAULT_MAX_ALTERNATIVES = AppConfig.max_alternatives  # a server may set its own bound


class InvalidArticleOption(InvalidOptionError):
    """An option of an article request out of its range: ``option`` names it (the field of
    ``ArticleOptions``), so a front end can say it in its own words (LibreTranslate's, a flag's)."""

    def __init__(self, option: str, value: object, message: str) -> None:
        super().__init__(message)
        self.option = option
        self.value = value


@dataclass(frozen=True)
class ArticleOptions:
    """How to make one article (or a group of them). Built only valid: ``source`` one of
    ``SOURCES``, ``summary_length`` a preset, ``num_beams`` None (the model's) or 1 to
    ``MAX_BEAMS``, ``alternatives`` 0 to ``max_alternatives``; else ``InvalidArticleOption``."""

    summarize: bool = True
    summary_length: str = DEFAULT_LENGTH
    num_beams: int | None = None  # None: the model's default
    glossary: Glossary | None = None  # French → English terms (reversed for English → French)
    source: str = "fr"  # "fr", "en" or "auto" (detected per article)
    alternatives: int = 0  # other translations wanted besides the best (the REST API's)
    article_only: bool = False  # a web page reduced to its article before it is translated
    # The bound ``alternatives`` is checked against (the server's setting); not an option itself.
    max_alternatives: int = field(default=DEFAULT_MAX_ALTERNATIVES, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise InvalidArticleOption("source", self.source, f"source must be one of {', '.join(SOURCES)}, got {self.source!r}")
        if self.summary_length not in LENGTH_PRESETS:
            raise InvalidArticleOption(
                "summary_length",
                self.summary_length,
                f"summary length must be one of {', '.join(LENGTH_PRESETS)}, got {self.summary_length!r}",
            )
        beams = self.num_beams
        if beams is not None and (not _whole(beams) or not GREEDY_BEAMS <= beams <= MAX_BEAMS):
            raise InvalidArticleOption("num_beams", beams, f"beams must be between {GREEDY_BEAMS} (greedy) and {MAX_BEAMS}, got {beams!r}")
        if not _whole(self.alternatives) or not 0 <= self.alternatives <= self.max_alternatives:
            raise InvalidArticleOption(
                "alternatives",
                self.alternatives,
                f"alternatives must be between 0 and {self.max_alternatives}, got {self.alternatives!r}",
            )

    def generation(self) -> dict[str, Any]:
        options: dict[str, Any] = {"num_beams": self.num_beams} if self.num_beams else {}
        if self.alternatives:
            options["num_return_sequences"] = self.alternatives + 1
        return options

    def glossary_for(self, source: Language) -> Glossary | None:
        """The glossary the way ``source`` text is translated (it is written French → English)."""
        if self.glossary is None or source == "fr":
            return self.glossary
        return self.glossary.reversed()


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
