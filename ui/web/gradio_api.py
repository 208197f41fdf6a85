"""The named ``/translate`` endpoint that scripts call through ``gradio_client``."""

from __future__ import annotations

from typing import Any

from passerelle.translate import PasserelleError

from ..article import ArticleInputError, LoadedModels, clean_text, process_article
from ..config import AppConfig
from .metrics import Metrics
from .options import article_options, parse_whole_number, user_error

API_NAME = "translate"


class ApiHandler:
    def __init__(self, config: AppConfig, services: LoadedModels, metrics: Metrics) -> None:
        self.config = config
        self.services = services
        self.metrics = metrics

    def run(
        self, text: str, summary_length: str, beams: Any, glossary: str = "", source: str = "fr"
    ) -> tuple[str, str, str, list[dict[str, Any]], list[str]]:
        """The article's translation, both summaries, the segments and the warnings (what the
        page says about the input: not French, HTML removed...)."""
        options = article_options(self.config, summary_length, whole_number(beams, "beams") or None, glossary, source or "fr")
        try:
            article = clean_text(text or "", "text", self.config.max_chars)
            result = process_article(article.text, self.services, options)
        except (ArticleInputError, PasserelleError) as error:
            raise user_error(str(error), page=False) from error
        result.warnings[:0] = article.notes
        self.metrics.observe(result)
        summary = result.summary
        en, fr = (summary.en, summary.fr) if summary else ("", "")
        return result.translation.text, en, fr, result.to_json()["segments"], result.warnings


def whole_number(value: Any, name: str) -> int:
    """An integer parameter as clients send it (3, 3.0 or "3"), or a clear 400-style error."""
    try:
        return parse_whole_number(value)
    except ValueError:
        raise user_error(f"{name} must be a whole number, got {value!r}.", page=False) from None
