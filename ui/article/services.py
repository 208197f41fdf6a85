"""The models a process uses, each loaded once on first use and shared by every request."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Callable, TypeVar

from translate import ModelNotAvailableError, PasserelleError, Translator, TranslatorSettings
from translate.languages import Language

from ..config import AppConfig, model_setting

if TYPE_CHECKING:
    from summarize import Summarizer

logger = logging.getLogger("passerelle.ui")

T = TypeVar("T")


def _pointing_at(config_field: str, load: Callable[[], T]) -> T:
    """``load()``, its missing-model error telling which option and variable choose the model."""
    try:
        return load()
    except ModelNotAvailableError as error:
        raise error.for_setting(model_setting(config_field)) from error


class Services:
    """The translation model, and the summary model with its English→French translator."""

    def __init__(self, config: AppConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._translator: Translator | None = None
        self._summarizer: "Summarizer | None" = None

    def translator(self) -> Translator:
        with self._lock:
            if self._translator is None:
                self._translator = self._load_translator("model", "fr")
            return self._translator

    def summarizer(self) -> "Summarizer":
        from summarize import Summarizer, SummarizerSettings

        with self._lock:
            if self._summarizer is None:
                config = self.config
                english_french = self._load_translator("summary_translation_model", "en")
                self._summarizer = _pointing_at("summary_model", lambda: Summarizer(
                    config.summary_model,
                    device=config.device,
                    backend=config.backend,
                    length=config.summary_length,
                    settings=SummarizerSettings(threads=config.threads),
                    translator=english_french,
                    cache_dir=config.conversions_dir(),
                ))  # fmt: skip
            return self._summarizer

    def _load_translator(self, config_field: str, source: Language) -> Translator:
        """The Translator of the model named by ``config_field``, which reads ``source``."""
        config = self.config
        return _pointing_at(config_field, lambda: Translator(
            getattr(config, config_field),
            device=config.device,
            backend=config.backend,
            settings=TranslatorSettings(threads=config.threads),
            source=source,
            cache_dir=config.conversions_dir(),
        ))  # fmt: skip

    def translator_loaded(self) -> bool:
        return self._translator is not None

    def warm_up(self, summarize: bool = True) -> None:
        """Load the models before the first request (the web app does it in the background at
        start); a missing model is logged now and reported again to whoever asks for it."""
        try:
            self.translator()
            if summarize:
                self.summarizer()
        except PasserelleError as error:
            logger.warning("%s", error)

    def model_names(self, summarize: bool) -> dict[str, str]:
        translator = self.translator()
        names = {"translation": translator.model_name, "backend": translator.engine.describe()}
        if summarize:
            names["summary"] = self.config.summary_model
            names["summary_translation"] = self.config.summary_translation_model
        return names
