"""French → English translation of whole documents, sentence-aligned, never truncated.

Nothing happens at import time: models load when a ``Translator`` is built.
"""

import logging

from .config import DEFAULT_MODEL, GenerationOptions, TranslatorSettings
from .errors import InputTextError, InvalidOptionError, ModelNotAvailableError, PasserelleError
from .translator import Segment, TranslationProgress, TranslationResult, TranslationStats, Translator

logging.getLogger("passerelle").addHandler(logging.NullHandler())

__all__ = [
    "DEFAULT_MODEL",
    "GenerationOptions",
    "InputTextError",
    "InvalidOptionError",
    "ModelNotAvailableError",
    "PasserelleError",
    "Segment",
    "TranslationProgress",
    "TranslationResult",
    "TranslationStats",
    "Translator",
    "TranslatorSettings",
]
