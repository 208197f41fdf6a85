"""Sentence splitters: consecutive slices that join back to the text, exactly.

sentencex (Wikimedia's maintained rule-based segmenter) does the work; French gets its
abbreviations and initials mended afterwards, and "…" before a capital ends a sentence.
"""

from __future__ import annotations

import re
from typing import Protocol

# French abbreviations after which a period does not end a sentence (lower-cased, no dot).
FRENCH_ABBREVIATIONS = frozenset(
    "m mm mme mmes mlle mlles dr pr me mgr st ste cf p pp vol chap art éd etc env ca av apr "
    "n no nº tél fig ex min max coll dir trad hab km cm kg".split()
)
_LAST_WORD = re.compile(r"([\w.-]+)\.\s*$")
# "…" then a capital (maybe after an opening quote) ends a sentence, as "..." does for
# sentencex, which does not know the single-character ellipsis.
_ELLIPSIS_END = re.compile(r"…\s+(?=[«\"“(]?\s*[A-ZÀ-ÖØ-Þ])")


class SentenceSplitter(Protocol):
    """Anything that cuts a text into consecutive slices that join back to it."""

    def __call__(self, text: str) -> list[str]: ...


def _sentencex(language: str, text: str) -> list[str] | None:
    """sentencex's slices, or None when they do not join back to ``text``."""
    from sentencex import segment

    raw = list(segment(language, text))
    return raw if "".join(raw) == text else None  # never trust a segmenter with our characters


def _is_abbreviation(sentence: str) -> bool:
    match = _LAST_WORD.search(sentence)
    if not match:
        return False
    last = match.group(1).rsplit("-", 1)[-1].rsplit(".", 1)[-1]
    # Initials ("J.", "J.-P.") and listed abbreviations ("M.", "Mme", "p.").
    is_initial = len(last) == 1 and last.isupper()
    return is_initial or last.lower() in FRENCH_ABBREVIATIONS


def french_sentences(text: str) -> list[str]:
    """French sentences; sentencex cuts after "M." or initials, so such a slice is glued to
    the next one."""
    raw = _sentencex("fr", text)
    if raw is None:
        return [text]
    merged: list[str] = []
    for sentence in raw:
        if merged and _is_abbreviation(merged[-1]):
            merged[-1] += sentence
        else:
            merged.append(sentence)
    return [part for sentence in merged for part in _split_after_ellipses(sentence)]


def english_sentences(text: str) -> list[str]:
    """English sentences by sentencex's English rules."""
    raw = _sentencex("en", text)
    return [text] if raw is None else raw


SPLITTERS: dict[str, SentenceSplitter] = {"fr": french_sentences, "en": english_sentences}


def _split_after_ellipses(sentence: str) -> list[str]:
    """``sentence`` cut after each "…" that ends a sentence, the whitespace kept before the cut."""
    parts, start = [], 0
    for match in _ELLIPSIS_END.finditer(sentence):
        parts.append(sentence[start : match.end()])
        start = match.end()
    if start < len(sentence) or not parts:
        parts.append(sentence[start:])
    return parts
