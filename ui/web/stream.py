"""The page's Translate button: the original at once, the translation wave by wave, then the
summary, then download links, with a progress line that never stands still."""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import gradio as gr

from passerelle.translate import ModelNotAvailableError, PasserelleError
from passerelle.translate.formats import form_for

from ..article import (
    ArticleEvent,
    ArticleInputError,
    ArticleResult,
    ArticleText,
    LoadedModels,
    Stage,
    article_stream,
    clean_text,
    read_article_file,
)
from ..config import AppConfig
from .background import Tick, background_events
from .metrics import Metrics
from .options import DIRECTIONS, GREEDY_BEAMS, NO_SUMMARY, QUALITY_FAST, SUMMARY_CHOICES, article_options, user_error
from .render import (
    PLACEHOLDERS,
    Progress,
    ProgressState,
    render_notices,
    render_original,
    render_placeholder,
    render_progress,
    render_summary,
    render_translation,
)
from .scratch import Scratch

logger = logging.getLogger("passerelle.web")

PASTED_NAME = "The pasted text"
MODEL_MISSING = "A model is not available here: what to do is on the model line at the top of the page."
HEARTBEAT_SECONDS = 1.0  # the page's clock ticks at least this often during long steps
Frame = tuple[Any, ...]  # one value per output: status, three panes, three downloads


class StreamHandler:
    """Translates one article for the page, yielding every output after each step."""

    def __init__(self, config: AppConfig, services: LoadedModels, scratch: Scratch, metrics: Metrics) -> None:
        self.config = config
        self.services = services
        self.scratch = scratch
        self.metrics = metrics

    def run(
        self,
        text: str,
        summary_label: str,
        quality: str,
        glossary: str,
        loaded: dict[str, str] | None,
        direction: str,
        article_only: bool = False,
    ) -> Iterator[Frame]:
        """Errors are shown in the page and raised as gr.Error (a toast)."""
        started = time.perf_counter()
        source_file = loaded["name"] if loaded and loaded.get("text") == text else None
        beams = GREEDY_BEAMS if quality == QUALITY_FAST else None  # None: the model's own beams
        source = DIRECTIONS.get(direction, "fr")
        options = article_options(self.config, SUMMARY_CHOICES.get(summary_label, NO_SUMMARY), beams, glossary, source)
        frame = _FrameBuilder(options.summarize)
        try:
            article = self._article(text, source_file, loaded, article_only)
        except ArticleInputError as error:
            yield frame.failed(str(error))
            raise user_error(str(error)) from error
        frame.notes = article.notes
        if not self.services.translator_loaded(source):
            yield frame.update(progress=Progress("Loading the translation model (only slow the first time)…"))
        result: ArticleResult | None = None
        stage = Stage.TRANSLATING
        events = background_events(
            lambda: article_stream(article.text, self.services, options, source_file, form=article.form), HEARTBEAT_SECONDS
        )
        try:
            for event in events:
                elapsed = time.perf_counter() - started
                if isinstance(event, Tick):
                    yield frame.update(progress=replace(frame.progress, seconds=elapsed))
                    continue
                stage, result = event.stage, event.result or result
                yield from self._show(frame, event, elapsed)
        except PasserelleError as error:  # the errors users can act on, with their own message
            if result is None or stage != Stage.SUMMARIZING:
                # A missing model's fix is on the model line at the top of the page: once is enough.
                missing = isinstance(error, ModelNotAvailableError)
                yield frame.failed(MODEL_MISSING if missing else str(error))
                raise user_error(str(error), duration=None, toast=not missing) from error
            # The translation is done and worth keeping: report the summary's failure only.
            logger.warning("summary failed: %s", error)
            result.summary = None  # an English summary without its French is not offered as one
            gr.Warning("The summary failed; the translation is complete.")
            frame.errors = [f"Summary failed: {error}"]
            frame.update(summary=render_summary(None, None, "No summary: see the error above."))
        except Exception:
            logger.exception("translation failed")
            yield frame.failed("Something went wrong on the server; the details are in its log.")
            raise
        finally:
            events.close()
        assert result is not None
        self.metrics.observe(result)
        yield frame.finished(result, time.perf_counter() - started, *self.scratch.write(result))

    def _article(self, text: str | None, source_file: str | None, loaded: dict[str, str] | None, article_only: bool) -> ArticleText:
        """The text box's article; an uploaded file's own form (HTML, Word, subtitles...) when
        the box still holds that file's text, to write the translation back in it (a web
        page reduced to its article when ``article_only``)."""
        path = loaded.get("path") if loaded and source_file else None
        if path and form_for(path) is not None:
            return read_article_file(Path(path), self.config.max_file_bytes, self.config.max_chars, article_only)
        return clean_text(text or "", source_file or PASTED_NAME, self.config.max_chars)

    def _show(self, frame: _FrameBuilder, event: ArticleEvent, elapsed: float) -> Iterator[Frame]:
        result = event.result
        if result is not None and result.warnings and not frame.warnings:
            gr.Warning(html.escape(result.warnings[0], quote=False))
            frame.warnings = result.warnings
        if event.stage == Stage.TRANSLATING:
            progress = Progress("Translating…", event.done, event.total, elapsed)
            if result is None:
                yield frame.update(progress=progress)
            elif result.translation.units_done == 0:  # the split: show the original at once
                yield frame.update(
                    progress=progress,
                    original=render_original(result.translation.document) if result.translation.document else "",
                    translation=render_placeholder("Translating the first paragraphs…"),
                )
            else:
                yield frame.update(progress=progress, translation=render_translation(result.translation))
        elif event.stage == Stage.SUMMARIZING and result is not None and result.summary is not None:
            yield frame.update(
                progress=Progress("Translating the summary into French…", seconds=elapsed),
                summary=render_summary(result.summary.en, None, "Translating the summary into French…"),
            )
        elif event.stage == Stage.SUMMARIZING:
            yield frame.update(
                progress=Progress("Summarising the translation…", seconds=elapsed),
                summary=render_placeholder("Summarising in English, then translating the summary into French…"),
            )


class _FrameBuilder:
    """Holds the current value of every output, so each yield sends them all (Gradio only
    transmits what changed)."""

    def __init__(self, summarize: bool) -> None:
        self.progress = Progress("Starting…")
        self.original = render_placeholder(PLACEHOLDERS["original"])
        self.translation = render_placeholder(PLACEHOLDERS["translation"])
        waiting = "Waiting for the translation…" if summarize else "No summary was requested."
        self.summary = render_placeholder(waiting)
        self.warnings: list[str] = []
        self.notes: list[str] = []
        self.errors: list[str] = []
        self.files: tuple[Any, ...] = (gr.update(visible=False),) * 3

    def update(self, **values: Any) -> Frame:
        for key, value in values.items():
            setattr(self, key, value)
        return self.frame()

    def frame(self) -> Frame:
        status = render_progress(self.progress) + render_notices(self.warnings, self.notes, self.errors)
        return (status, self.original, self.translation, self.summary, *self.files)

    def failed(self, message: str) -> Frame:
        self.errors = [message]
        return self.update(progress=Progress(message.splitlines()[0], state=ProgressState.ERROR))

    def finished(self, result: ArticleResult, seconds: float, markdown: Path, data: Path, translated: Path | None) -> Frame:
        translation, summary = result.translation, result.summary
        if summary is not None:
            keys = result.key_sentences
            checks = {"en": summary.check_en, "fr": summary.check_fr}
            self.summary = render_summary(summary.en, summary.fr, key_count=len(keys), checks=checks)
            if keys and translation.document is not None:  # underline what the summary rests on
                self.original = render_original(translation.document, keys)
                self.translation = render_translation(translation, keys)
        own = gr.update(visible=False)
        if translated is not None and result.file is not None:
            own = gr.update(value=str(translated), visible=True, label=f"⬇ {result.file.suffix.lstrip('.').upper()}")
        self.files = (gr.update(value=str(markdown), visible=True), gr.update(value=str(data), visible=True), own)
        flagged = result.checks()["flagged_sentences"]
        done = f"Done: {len(translation.segments)} sentences translated"
        done += f" · {flagged} flagged (underlined in red: hover for why)" if flagged else " · no sentence flagged"
        return self.update(progress=Progress(done, seconds=seconds, state=ProgressState.DONE))
