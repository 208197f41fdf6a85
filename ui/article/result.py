"""One article's result as every front end hands it out: a typed value, its JSON and its
Markdown, and the events that carry it while it is made."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from summarize import DEFAULT_LENGTH
from translate import TranslationResult

if TYPE_CHECKING:
    from summarize import Summary

JSON_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ArticleOptions:
    summarize: bool = True
    summary_length: str = DEFAULT_LENGTH
    num_beams: int | None = None  # None: the model's default

    def generation(self) -> dict[str, Any]:
        return {"num_beams": self.num_beams} if self.num_beams else {}


@dataclass
class ArticleResult:
    source: str
    translation: TranslationResult
    summary: "Summary | None" = None
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)
    source_file: str | None = None
    # Indices of the segments the summary rests on (see summarize.evidence).
    key_sentences: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The JSON both front ends write and return; stable keys, documented in the README."""
        keys = set(self.key_sentences)
        return {
            "version": JSON_SCHEMA_VERSION,
            "source_file": self.source_file,
            "source": self.source,
            "translation": self.translation.text,
            "complete": self.translation.complete,
            "segments": [
                {"paragraph": s.paragraph, "source": s.source, "target": s.target, "key": index in keys}
                for index, s in enumerate(self.translation.segments)
            ],
            "summary": None
            if self.summary is None
            else {"en": self.summary.en, "fr": self.summary.fr, "chunks": self.summary.chunks, "length": self.summary.length},
            "models": self.models,
            "timings": self.timings,
            "stats": dict(vars(self.translation.stats)),
            "warnings": self.warnings,
        }

    def to_markdown(self) -> str:
        parts = [f"# Translation{f' of {self.source_file}' if self.source_file else ''}", "", self.translation.text.strip(), ""]
        if self.summary is not None:
            parts += [self.summary_markdown(), ""]
        return "\n".join(parts)

    def summary_markdown(self) -> str:
        """Both summaries, then the sentences of the original they rest on; empty without a
        summary."""
        if self.summary is None:
            return ""
        summary = self.summary
        parts = ["## Summary (English)", "", summary.en.strip(), "", "## Résumé (français)", "", summary.fr.strip()]
        if self.key_sentences:
            segments = self.translation.segments
            parts += ["", "## Key sentences of the original", ""]
            parts += [f"- {segments[i].source.strip()}" for i in self.key_sentences]
        return "\n".join(parts)


class Stage(StrEnum):
    TRANSLATING = "translating"
    SUMMARIZING = "summarizing"
    DONE = "done"


@dataclass(frozen=True)
class ArticleEvent:
    """A step of the work on one article. ``done``/``total`` count the current stage's work
    (translated pieces); ``result`` is set when there is something new to show (the split,
    each wave of translation, the English summary, the finished article)."""

    stage: Stage
    done: int
    total: int
    result: ArticleResult | None = None
