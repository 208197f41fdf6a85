"""Protected spans: the parts of a sentence a reader cannot afford to see changed, found by
rule. Each comes out as it went in (URLs, e-mail addresses, phone numbers, handles,
hashtags, inline code, link targets), or as the rule writes it (numbers in the target
language's conventions, glossary terms)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from ..languages import Language
from .glossary import Glossary
from .numbers import localize


class SpanKind(StrEnum):
    CODE = "code"
    LINK_TARGET = "link_target"
    URL = "url"
    EMAIL = "email"
    HANDLE = "handle"
    HASHTAG = "hashtag"
    PHONE = "phone"
    GLOSSARY = "glossary"
    NUMBER = "number"


@dataclass(frozen=True)
class Span:
    """``source`` is ``text[start:end]``; ``replacement`` is what the translation shows."""

    start: int
    end: int
    kind: SpanKind
    source: str
    replacement: str


_TRAILING_PUNCTUATION = ".,;:!?)»”\"'’"
_DOMAINS = r"(?:fr|com|org|net|eu|int|io|info|be|ch|ca|lu|de|uk|es|it|gouv\.fr)"
# Kinds found by a pattern alone, most specific first: an earlier kind wins an overlap.
PATTERNS: tuple[tuple[SpanKind, re.Pattern[str]], ...] = (
    (SpanKind.CODE, re.compile(r"`[^`\n]+`")),
    (SpanKind.LINK_TARGET, re.compile(r"\]\([^()\s]+(?:\s+\"[^\"]*\")?\)")),
    (SpanKind.URL, re.compile(r"\b(?:https?://|ftp://|www\.)[^\s<>\"«»]+", re.IGNORECASE)),
    (SpanKind.EMAIL, re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    (SpanKind.URL, re.compile(rf"(?<![\w@./-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.{_DOMAINS}(?:/[^\s<>\"«»]*)?(?![\w@])", re.IGNORECASE)),
    (SpanKind.HANDLE, re.compile(r"(?<![\w@])@[A-Za-z0-9_]{1,30}(?!\w)")),
    (SpanKind.HASHTAG, re.compile(r"(?<![\w#&])#[^\W\d_]\w*")),
    # International (+33 6 12 34 56 78, +1 212 555 0100) and French national (06 12 34 56 78).
    (SpanKind.PHONE, re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .\u00a0-]?\(?\d{1,4}\)?){2,5}(?!\w)")),
    (SpanKind.PHONE, re.compile(r"(?<![\w+])0[1-9](?:[ .\u00a0-]?\d{2}){4}(?!\w)")),
)


def find_spans(text: str, glossary: Glossary | None = None, source: Language = "fr") -> list[Span]:
    """The protected spans of ``text`` (written in ``source``), in order, never overlapping."""
    spans: list[Span] = []

    def add(start: int, end: int, kind: SpanKind, replacement: str | None = None) -> None:
        if any(start < span.end and span.start < end for span in spans):
            return
        source = text[start:end]
        spans.append(Span(start, end, kind, source, source if replacement is None else replacement))

    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if kind == SpanKind.URL:
                end = start + len(match.group().rstrip(_TRAILING_PUNCTUATION))
            add(start, end, kind)
    if glossary:
        for term in glossary.matches(text):
            add(term.start, term.end, SpanKind.GLOSSARY, term.replacement)
    for number in localize(text, source):
        add(number.start, number.end, SpanKind.NUMBER, number.target)
    return sorted(spans, key=lambda span: span.start)
