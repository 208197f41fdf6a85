"""One article's way through Passerelle, shared by the web app and the batch script: French
text in, translation (+ bilingual summary) out, as a typed result, JSON and Markdown."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator

from summarize.evidence import key_sentences
from translate import PasserelleError, TranslationResult, Translator, TranslatorSettings
from translate.segment import Document
from translate.translator import ProgressCallback

from .config import AppConfig
from .language import french_warning

if TYPE_CHECKING:
    from summarize import Summarizer, Summary

logger = logging.getLogger("passerelle.ui")

JSON_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ArticleOptions:
    summarize: bool = True
    summary_length: str = "medium"
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
            "stats": {k: v for k, v in vars(self.translation.stats).items()},
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
        parts = [summary_markdown(self.summary)]
        if self.key_sentences:
            segments = self.translation.segments
            parts += ["", "## Key sentences of the original", ""]
            parts += [f"- {segments[i].source.strip()}" for i in self.key_sentences]
        return "\n".join(parts)


def summary_markdown(summary: "Summary") -> str:
    return "\n".join(["## Summary (English)", "", summary.en.strip(), "", "## Résumé (français)", "", summary.fr.strip()])


@dataclass(frozen=True)
class ArticleUpdate:
    """A step of the work on one article, with the result so far (for streaming)."""

    stage: str  # "translating" | "summarizing" | "done"
    done: int
    total: int
    result: ArticleResult


class Services:
    """The models a process uses, each loaded once on first use and shared by all requests."""

    def __init__(self, config: AppConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._translator: Translator | None = None
        self._summarizer: "Summarizer | None" = None

    def translator(self) -> Translator:
        with self._lock:
            if self._translator is None:
                self._translator = Translator(
                    self.config.model,
                    device=self.config.device,
                    backend=self.config.backend,
                    settings=TranslatorSettings(threads=self.config.threads),
                )
            return self._translator

    def summarizer(self) -> "Summarizer":
        from summarize import Summarizer, SummarizerSettings

        with self._lock:
            if self._summarizer is None:
                self._summarizer = Summarizer(
                    self.config.summary_model,
                    self.config.summary_translation_model,
                    device=self.config.device,
                    backend=self.config.backend,
                    length=self.config.summary_length,
                    settings=SummarizerSettings(threads=self.config.threads),
                )
            return self._summarizer

    def translator_loaded(self) -> bool:
        return self._translator is not None

    def warm_up(self, summarize: bool = True) -> None:
        """Load the models before the first request (the web app does it in the background at
        start); a missing model is logged now and reported again to whoever asks for it."""
        try:
            self.translator()
            if summarize:
                self.summarizer()
        except PasserelleError as error:
            logger.warning("%s", error)

    def model_names(self, summarize: bool) -> dict[str, str]:
        names = {"translation": self.translator().model_name, "backend": self.translator().backend.describe()}
        if summarize:
            names["summary"] = self.config.summary_model
            names["summary_translation"] = self.config.summary_translation_model
        return names


def iter_article(
    text: str,
    services: Services,
    options: ArticleOptions = ArticleOptions(),
    source_file: str | None = None,
    progress: ProgressCallback | None = None,
    stream: bool = True,
    document: Document | None = None,
) -> Iterator[ArticleUpdate]:
    """Translate, then summarise, yielding the growing result after each step; ``document``
    is the translator's split of ``text`` when the caller already made it."""
    started = time.perf_counter()
    warning = french_warning(text)
    translator = services.translator()
    result: ArticleResult | None = None
    for step in translator.translate_iter(text, options.generation(), progress, stream, document):
        result = ArticleResult(
            source=text,
            translation=step.result,
            warnings=[warning] if warning else [],
            models=services.model_names(options.summarize),
            source_file=source_file,
        )
        result.timings["translate_s"] = round(time.perf_counter() - started, 3)
        yield ArticleUpdate("translating", step.units_done, step.units_total, result)
    assert result is not None
    if options.summarize:
        yield ArticleUpdate("summarizing", 0, 1, result)
        summary_started = time.perf_counter()
        for summary in services.summarizer().summarize_iter(result.translation.text, options.summary_length):
            result.summary = summary
            if not summary.complete:  # the English summary, while the French is made
                yield ArticleUpdate("summarizing", 0, 1, result)
        assert result.summary is not None and result.summary.complete
        targets = [segment.target for segment in result.translation.segments]
        result.key_sentences = key_sentences(result.summary.en, targets)
        result.timings["summarize_s"] = round(time.perf_counter() - summary_started, 3)
    result.timings["total_s"] = round(time.perf_counter() - started, 3)
    yield ArticleUpdate("done", 1, 1, result)


def process_article(
    text: str,
    services: Services,
    options: ArticleOptions = ArticleOptions(),
    source_file: str | None = None,
    progress: ProgressCallback | None = None,
) -> ArticleResult:
    """The finished result of ``iter_article``."""
    last: ArticleUpdate | None = None
    # Nobody watches partial results here: no streaming waves, so batches stay full.
    for last in iter_article(text, services, options, source_file, progress, stream=False):
        pass
    assert last is not None
    return last.result
