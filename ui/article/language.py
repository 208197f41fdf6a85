"""Is this French? An offline check (lingua's bundled models) so users are warned, not blocked."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

# Languages a French-news reader is likely to paste by mistake; fewer languages, less memory.
CANDIDATES = ("FRENCH", "ENGLISH", "GERMAN", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH", "RUSSIAN", "UKRAINIAN", "ARABIC", "CHINESE")
SAMPLE_CHARS = 3000
MIN_FRENCH_CONFIDENCE = 0.5
MIN_GUESS_CONFIDENCE = 0.2  # below this, the detector is guessing: say "unknown"

_detector: Any = None
_lock = threading.Lock()


@dataclass(frozen=True)
class LanguageGuess:
    language: str  # lower-case English name, e.g. "french"
    confidence: float

    @property
    def is_french(self) -> bool:
        return self.language == "french" and self.confidence >= MIN_FRENCH_CONFIDENCE


def _get_detector() -> Any:
    global _detector
    with _lock:
        if _detector is None:
            from lingua import Language, LanguageDetectorBuilder

            languages = [getattr(Language, name) for name in CANDIDATES]
            _detector = LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()
        return _detector


def guess_language(text: str) -> LanguageGuess:
    """The most likely language of the start of ``text`` and the detector's confidence."""
    detector = _get_detector()
    values = detector.compute_language_confidence_values(text[:SAMPLE_CHARS])
    if not values:
        return LanguageGuess("unknown", 0.0)
    top = values[0]
    return LanguageGuess(top.language.name.lower(), float(top.value))


def french_warning(text: str) -> str | None:
    """A warning for the user when the text does not look French, else None."""
    guess = guess_language(text)
    if guess.is_french:
        return None
    if guess.language == "unknown" or guess.confidence < MIN_GUESS_CONFIDENCE:
        return "The language of this text could not be recognised; the translation may be poor."
    return (
        f"This text looks like {guess.language.capitalize()} (confidence {guess.confidence:.0%}), "
        "not French; the translation model expects French, so the result may be poor."
    )
