"""Bilingual summaries of English articles (distilbart-cnn, then English→French MarianMT).

Nothing heavy happens at import time: models load when a ``Summarizer`` is built.
"""

import logging

from .config import (
    DEFAULT_LENGTH,
    DEFAULT_SPEED,
    DEFAULT_SUMMARY_MODEL,
    DEFAULT_SUMMARY_TRANSLATION_MODEL,
    FAST_SUMMARY_MODEL,
    LENGTH_PRESETS,
    SUMMARY_SPEEDS,
    LengthPreset,
    SummarizerSettings,
    SummarySpeed,
    summary_speed,
)
from .evidence import key_sentences
from .factcheck import FactCheck, check_english_summary, check_french_summary
from .summarizer import Summarizer, Summary, TokenBounds

logging.getLogger("passerelle").addHandler(logging.NullHandler())

__all__ = [
    "DEFAULT_LENGTH",
    "DEFAULT_SPEED",
    "DEFAULT_SUMMARY_MODEL",
    "DEFAULT_SUMMARY_TRANSLATION_MODEL",
    "FAST_SUMMARY_MODEL",
    "FactCheck",
    "LENGTH_PRESETS",
    "LengthPreset",
    "SUMMARY_SPEEDS",
    "Summarizer",
    "SummarizerSettings",
    "Summary",
    "SummarySpeed",
    "TokenBounds",
    "check_english_summary",
    "check_french_summary",
    "key_sentences",
    "summary_speed",
]
