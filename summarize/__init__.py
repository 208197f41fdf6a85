"""Bilingual summaries of English articles (distilbart-cnn, then English→French MarianMT).

Nothing heavy happens at import time: models load when a ``Summarizer`` is built.
"""

import logging

from .config import (
    DEFAULT_LENGTH,
    DEFAULT_SUMMARY_MODEL,
    DEFAULT_SUMMARY_TRANSLATION_MODEL,
    LENGTH_PRESETS,
    LengthPreset,
    SummarizerSettings,
)
from .evidence import key_sentences
from .factcheck import FactCheck, check_english_summary, check_french_summary
from .summarizer import Summarizer, Summary, TokenBounds

logging.getLogger("passerelle").addHandler(logging.NullHandler())

__all__ = [
    "DEFAULT_LENGTH",
    "DEFAULT_SUMMARY_MODEL",
    "DEFAULT_SUMMARY_TRANSLATION_MODEL",
    "FactCheck",
    "LENGTH_PRESETS",
    "LengthPreset",
    "Summarizer",
    "SummarizerSettings",
    "Summary",
    "TokenBounds",
    "check_english_summary",
    "check_french_summary",
    "key_sentences",
]
