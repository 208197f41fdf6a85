"""Which language is this? An offline check (lingua's bundled models), so users are warned
rather than blocked, "auto" picks the direction, and the REST API's /detect answers."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from passerelle.translate.languages import LANGUAGES, NAMES, Language

# Languages a reader of French or English news is likely to paste; fewer languages, less memory.
CANDIDATES = ("FRENCH", "ENGLISH", "GERMAN", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH", "RUSSIAN", "UKRAINIAN", "ARABIC", "CHINESE")
SAMPLE_CHARS = 3000
MIN_CONFIDENCE = 0.5  # below this, the text is not taken to be in the expected language
MIN_GUESS_CONFIDENCE = 0.2  # below this, the detector is guessing: say "unknown"
AUTO = "auto"  # the source language as the text reads: detected per article
SOURCES: tuple[str, ...] = (*LANGUAGES, AUTO)  # what a user may choose to translate from

_detector: Any = None
_lock = threading.Lock()


@dataclass(frozen=True)
class LanguageGuess:
    language: str  # lower-case English name, e.g. "french"
    confidence: float  # 0 to 1
    code: str = ""  # ISO 639-1, e.g. "fr" ("" when unknown)

    def is_(self, language: Language) -> bool:
        return self.code == language and self.confidence >= MIN_CONFIDENCE


def _get_detector() -> Any:
    global _detector
    with _lock:
        if _detector is None:
            from lingua import Language as LinguaLanguage
            from lingua import LanguageDetectorBuilder

            languages = [getattr(LinguaLanguage, name) for name in CANDIDATES]
            _detector = LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()
        return _detector


def guesses(text: str) -> list[LanguageGuess]:
    """Every candidate language of the start of ``text``, most likely first."""
    values = _get_detector().compute_language_confidence_values(text[:SAMPLE_CHARS])
    return [LanguageGuess(value.language.name.lower(), float(value.value), value.language.iso_code_639_1.name.lower()) for value in values]


def guess_language(text: str) -> LanguageGuess:
    """The most likely language of the start of ``text`` and the detector's confidence."""
    found = guesses(text)
    return found[0] if found else LanguageGuess("unknown", 0.0)


def detect_source(text: str) -> tuple[Language, LanguageGuess]:
    """The language to translate from for "auto": English when the text reads as English
    rather than French, French otherwise (the product's first direction); and the guess."""
    found = [guess for guess in guesses(text) if guess.code in LANGUAGES]
    best = found[0] if found else LanguageGuess("french", 0.0, "fr")
    return ("en" if best.code == "en" else "fr"), best


def detect_served(text: str) -> tuple[list[LanguageGuess], LanguageGuess | None]:
    """The served languages (French, English), most likely first, with the detector's
    confidence in each; and the language the text is really in when it is neither (the
    detector is sure enough of another), else None."""
    found = guesses(text)
    served = [guess for guess in found if guess.code in LANGUAGES]
    elsewhere = found[0] if found and found[0].code not in LANGUAGES and found[0].confidence >= MIN_CONFIDENCE else None
    return served or [LanguageGuess(NAMES[code].lower(), 0.0, code) for code in LANGUAGES], elsewhere


def language_warning(text: str, expected: Language) -> str | None:
    """A warning for the user when the text does not look like ``expected``, else None."""
    guess = guess_language(text)
    if guess.is_(expected):
        return None
    if guess.language == "unknown" or guess.confidence < MIN_GUESS_CONFIDENCE:
        return "The language of this text could not be recognised; the translation may be poor."
    name = NAMES[expected]
    return (
        f"This text looks like {guess.language.capitalize()} (confidence {guess.confidence:.0%}), "
        f"not {name}; the translation model expects {name}, so the result may be poor."
    )
