"""Spans out of the model's reach: each is replaced by a numbered placeholder before the
model reads the sentence and put back (in its English form) after. A model that drops,
repeats or garbles a placeholder does not get the last word: the sentence is then cut at the
spans, the text between them translated piece by piece, and the spans set between the pieces,
so every span is in the translation, in order, whatever the weights."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .spans import Span


class Placeholders:
    """Placeholders written from one format ("ZX{n}"); found again even when the model puts
    spaces inside them or changes their case."""

    def __init__(self, template: str) -> None:
        prefix, marker, suffix = template.partition("{n}")
        if not marker or not (prefix + suffix).strip():
            raise ValueError(f"a placeholder template needs text and {{n}}, got {template!r}")
        self.template = template
        spaced = lambda text: r"\s*".join(re.escape(ch) for ch in text if not ch.isspace())  # noqa: E731
        closing = rf"\s*{spaced(suffix)}" if suffix.strip() else ""
        self.pattern = re.compile(rf"{spaced(prefix)}\s*(\d+){closing}", re.IGNORECASE)

    def make(self, number: int) -> str:
        return self.template.format(n=number)


@dataclass(frozen=True)
class Masked:
    """A sentence with its spans replaced by placeholders 1, 2, ... in order."""

    source: str
    text: str
    spans: tuple[Span, ...]

    def restore(self, output: str, placeholders: Placeholders) -> str | None:
        """``output`` with each placeholder replaced by its span's English form; None unless
        every placeholder is there exactly once (it was dropped, repeated or garbled)."""
        found = list(placeholders.pattern.finditer(output))
        if sorted(int(match[1]) for match in found) != list(range(1, len(self.spans) + 1)):
            return None
        restored, cursor = [], 0
        for match in found:
            restored += [output[cursor : match.start()], self.spans[int(match[1]) - 1].replacement]
            cursor = match.end()
        return "".join(restored) + output[cursor:]

    def fragments(self) -> list[str | Span]:
        """The source cut at its spans: text, span, text, ... (empty texts left out)."""
        parts: list[str | Span] = []
        cursor = 0
        for span in self.spans:
            if span.start > cursor:
                parts.append(self.source[cursor : span.start])
            parts.append(span)
            cursor = span.end
        if cursor < len(self.source):
            parts.append(self.source[cursor:])
        return parts


def mask(text: str, spans: Sequence[Span], placeholders: Placeholders) -> Masked:
    parts, cursor = [], 0
    for number, span in enumerate(spans, start=1):
        parts += [text[cursor : span.start], placeholders.make(number)]
        cursor = span.end
    return Masked(text, "".join(parts) + text[cursor:], tuple(spans))


def translatable(fragment: str) -> bool:
    return any(ch.isalnum() for ch in fragment)


def assemble(parts: Sequence[str | Span], translations: dict[str, str]) -> str:
    """The fallback translation: each text fragment's translation (keeping the spaces around
    it), each span's English form, in the source's order."""
    out = []
    for part in parts:
        if isinstance(part, Span):
            out.append(part.replacement)
        elif translatable(part):
            lead = " " if part[:1].isspace() else ""
            trail = " " if part[-1:].isspace() else ""
            out.append(lead + translations[part.strip()].strip() + trail)
        else:
            out.append(part)
    return "".join(out).strip()
