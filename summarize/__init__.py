"""Bilingual summaries of English articles (distilbart-cnn, then English→French MarianMT).

Nothing heavy happens at import time: models load when a ``Summarizer`` is built.
"""

import logging

from .config import (
    DEFAULT_LENGTH,
    DEFAULT_SUMMARY_MODEL,
    DEFAULT_SUMMARY_TRANSLATION_MODEL,
    LENGTH_PRESETS,
    SUMMARY_MODEL_ENV_VAR,
    SUMMARY_TRANSLATION_MODEL_ENV_VAR,
    LengthPreset,
    SummarizerSettings,
    summary_model_from_env,
    summary_translation_model_from_env,
)
from .summarizer import Summarizer, Summary, TokenBounds, english_sentences

logging.getLogger("passerelle").addHandler(logging.NullHandler())

__all__ = [
    "DEFAULT_LENGTH",
    "DEFAULT_SUMMARY_MODEL",
    "DEFAULT_SUMMARY_TRANSLATION_MODEL",
    "LENGTH_PRESETS",
    "LengthPreset",
    "SUMMARY_MODEL_ENV_VAR",
    "SUMMARY_TRANSLATION_MODEL_ENV_VAR",
    "Summarizer",
    "SummarizerSettings",
    "Summary",
    "TokenBounds",
    "english_sentences",
    "summary_model_from_env",
    "summary_translation_model_from_env",
]
