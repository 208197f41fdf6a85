"""French ⇄ English translation of whole documents, sentence-aligned, never truncated.

Nothing happens at import time: models load when a ``Translator`` is built.
"""

import logging

from .config import DEFAULT_MODEL, TranslatorSettings
from .document import Document, split_document
from .engine import BACKENDS, Engine, GenerationOptions, LoadSettings
from .errors import (
    InputTextError,
    InvalidOptionError,
    ModelNotAvailableError,
    ModelSetting,
    PasserelleError,
)
from .results import Segment, TranslationEvent, TranslationResult, TranslationStats, last, results
from .sentences import SentenceSplitter, english_sentences, french_sentences
from .translator import Translator

logging.getLogger("passerelle").addHandler(logging.NullHandler())

__all__ = [
    "BACKENDS",
    "DEFAULT_MODEL",
    "Document",
    "Engine",
    "GenerationOptions",
    "InputTextError",
    "InvalidOptionError",
    "LoadSettings",
    "ModelNotAvailableError",
    "ModelSetting",
    "PasserelleError",
    "Segment",
    "SentenceSplitter",
    "TranslationEvent",
    "TranslationResult",
    "TranslationStats",
    "Translator",
    "TranslatorSettings",
    "english_sentences",
    "french_sentences",
    "last",
    "results",
    "split_document",
]
