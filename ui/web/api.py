"""The named ``/translate`` endpoint that scripts call through ``gradio_client``."""

from __future__ import annotations

from typing import Any

from translate import PasserelleError

from ..article import ArticleInputError, Services, clean_text, process_article
from ..config import AppConfig
from .options import article_options, user_error

API_NAME = "translate"


class ApiHandler:
    def __init__(self, config: AppConfig, services: Services) -> None:
        self.config = config
        self.services = services

    def run(
        self, text: str, summary_length: str, beams: int, glossary: str = ""
    ) -> tuple[str, str, str, list[dict[str, Any]]]:
        options = article_options(self.config, summary_length, beams or None, glossary)
        try:
            article = clean_text(text or "", "text", self.config.max_chars)
            result = process_article(article.text, self.services, options)
        except (ArticleInputError, PasserelleError) as error:
            raise user_error(str(error), page=False) from error
        summary = result.summary
        segments = result.to_json()["segments"]
        return result.translation.text, summary.en if summary else "", summary.fr if summary else "", segments
