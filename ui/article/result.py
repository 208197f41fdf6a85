"""One article's result as every front end hands it out: a typed value, its JSON and its
Markdown, and the events that carry it while it is made."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from passerelle.translate import TranslationResult
from passerelle.translate.faithful import FlagKind
from passerelle.translate.languages import Language, other

if TYPE_CHECKING:
    from passerelle.summarize import Summary

JSON_SCHEMA_VERSION = 2


@dataclass(frozen=True)
class TranslatedFile:
    """The input file translated in its own format (HTML, Markdown, Word, subtitles)."""

    kind: str
    suffix: str
    media_type: str
    data: bytes


@dataclass
class ArticleResult:
    source: str
    translation: TranslationResult
    summary: Summary | None = None
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)
    source_file: str | None = None
    # Indices of the segments the summary rests on (see summarize.evidence).
    key_sentences: list[int] = field(default_factory=list)
    source_language: Language = "fr"
    file: TranslatedFile | None = None  # for an input with a form of its own
    # An article read from the web: the link it was read at (after redirects), and its title
    # as the page gives it and translated (None: not a web article, or a page without one).
    source_url: str | None = None
    title: str | None = None
    title_translation: str | None = None

    @property
    def target_language(self) -> Language:
        return other(self.source_language)

    def to_json(self) -> dict[str, Any]:
        """The JSON both front ends write and return; stable keys, documented in the README."""
        keys = set(self.key_sentences)
        return {
            "version": JSON_SCHEMA_VERSION,
            "source_file": self.source_file,
            "source_url": self.source_url,
            "title": None if self.title is None else {"source": self.title, "translation": self.title_translation},
            "source": self.source,
            "source_language": self.source_language,
            "format": self.file.kind if self.file is not None else "text",
            "target_language": self.target_language,
            "translation": self.translation.text,
            "complete": self.translation.complete,
            "segments": [segment.to_dict() | {"key": index in keys} for index, segment in enumerate(self.translation.segments)],
            "checks": self.checks(),
            "summary": None if self.summary is None else self._summary_json(),
            "models": self.models,
            "timings": self.timings,
            "stats": dict(vars(self.translation.stats)),
            "warnings": self.warnings,
        }

    def checks(self) -> dict[str, Any]:
        """How many sentences carry flags, by kind of flag."""
        segments = self.translation.segments
        kinds = {kind.value: sum(any(f.kind == kind for f in s.flags) for s in segments) for kind in FlagKind}
        return {"flagged_sentences": sum(bool(s.flags) for s in segments), "by_kind": kinds}

    def _summary_json(self) -> dict[str, Any]:
        summary = self.summary
        assert summary is not None
        checks = {"en": summary.check_en, "fr": summary.check_fr}
        return {
            "en": summary.en,
            "fr": summary.fr,
            "chunks": summary.chunks,
            "length": summary.length,
            "check": {language: check.to_dict() if check else None for language, check in checks.items()},
        }

    def to_markdown(self) -> str:
        """The translation, then the summaries and the flagged sentences; an article read from
        the web is headed by its translated title and names its link."""
        if self.title_translation or self.title:
            heading = f"# {self.title_translation or self.title}"
        else:
            heading = f"# Translation{f' of {self.source_file}' if self.source_file else ''}"
        parts = [heading, ""]
        if self.source_url:
            parts += [f"Source: <{self.source_url}>" + (f" ({self.title})" if self.title and self.title_translation else ""), ""]
        parts += [self.translation.text.strip(), ""]
        if self.summary is not None:
            parts += [self.summary_markdown(), ""]
        flagged = self.checks_markdown()
        if flagged:
            parts += [flagged, ""]
        return "\n".join(parts)

    def checks_markdown(self) -> str:
        """The sentences with flags, each with what was found; empty when none."""
        flagged = [segment for segment in self.translation.segments if segment.flags]
        if not flagged:
            return ""
        lines = ["## Checks", "", f"{len(flagged)} of {len(self.translation.segments)} sentences flagged:", ""]
        for segment in flagged:
            messages = "; ".join(flag.message for flag in segment.flags)
            lines.append(f"- {segment.source.strip()} → {segment.target.strip()} ({messages})")
        return "\n".join(lines)

    def summary_markdown(self) -> str:
        """Both summaries, then the sentences of the original they rest on; empty without a
        summary."""
        if self.summary is None:
            return ""
        summary = self.summary
        parts = ["## Summary (English)", "", summary.en.strip(), "", "## Résumé (français)", "", summary.fr.strip()]
        for title, check in (("English summary", summary.check_en), ("French summary", summary.check_fr)):
            if check is not None and check.unsupported:
                found = ", ".join(check.unsupported)
                parts += ["", f"Not found in the text it summarises ({title}, precision {check.precision:.0%}): {found}"]
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
