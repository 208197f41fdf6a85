"""Faithful by construction: what can be guaranteed whatever the model does (protected spans,
numbers in English conventions, glossary terms) and what is flagged for the reader (numbers
or names missing, a model unsure of itself).

``Protector`` is what the Translator uses: it masks a sentence's spans, puts them back into
the model's output, and says which sentences must be translated around their spans instead.
"""

from __future__ import annotations

from collections.abc import Callable

from ..languages import Language
from .checks import Flag, FlagKind, check_sentence
from .glossary import Glossary, Term
from .masking import Masked, Placeholders, assemble, mask, translatable
from .spans import Span, SpanKind, find_spans


class Protector:
    """Masks and restores the protected spans of sentences written in ``source``, with one
    placeholder format."""

    def __init__(self, placeholder: str, enabled: bool = True, source: Language = "fr") -> None:
        self.placeholders = Placeholders(placeholder)
        self.enabled = enabled
        self.source = source

    def mask(self, text: str, glossary: Glossary | None = None) -> Masked:
        """``text`` with its spans replaced by placeholders (none when protection is off)."""
        spans = find_spans(text, glossary, self.source) if self.enabled else []
        return mask(text, spans, self.placeholders)

    def ranges(self, glossary: Glossary | None = None) -> Callable[[str], list[tuple[int, int]]]:
        """A ``keep_whole`` function for the document model: a text's span ranges."""

        def keep_whole(text: str) -> list[tuple[int, int]]:
            spans = find_spans(text, glossary, self.source) if self.enabled else []
            return [(span.start, span.end) for span in spans]

        return keep_whole

    def restore(self, masked: Masked, output: str) -> str | None:
        """The output with the spans back, or None when the model garbled a placeholder."""
        return masked.restore(output, self.placeholders) if masked.spans else output


__all__ = [
    "Flag",
    "FlagKind",
    "Glossary",
    "Masked",
    "Placeholders",
    "Protector",
    "Span",
    "SpanKind",
    "Term",
    "assemble",
    "check_sentence",
    "find_spans",
    "mask",
    "translatable",
]
