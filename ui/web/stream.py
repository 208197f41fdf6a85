"""The page's Translate button: the original at once, the translation wave by wave, then the
summary, then download links, with a progress line that never stands still. Several uploaded
files are translated one after another, each one's state in the status, then zipped; the
header and titles follow the direction used (the language detected in Detect mode)."""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from passerelle.translate import ModelNotAvailableError, PasserelleError
from passerelle.translate.formats import form_for
from passerelle.translate.languages import Language, other

from ..article import (
    ArticleEvent,
    ArticleInputError,
    ArticleOptions,
    ArticleResult,
    ArticleText,
    LoadedModels,
    Stage,
    article_stream,
    clean_text,
    read_article_file,
)
from ..article.language import AUTO, guess_language
from ..config import AppConfig
from .background import Tick, background_events
from .files import Uploads, file_lines, shown_file, stored_result, view_of, zip_results
from .headline import Heading
from .metrics import Metrics
from .options import DIRECTIONS, GREEDY_BEAMS, NO_SUMMARY, QUALITY_FAST, SUMMARY_CHOICES, article_options, user_error
from .render import (
    FileState,
    Progress,
    ProgressState,
    render_original,
    render_placeholder,
    render_source_link,
    render_summary,
    render_translation,
)
from .scratch import Scratch
from .view import Frame, PageView, download_labels, other_way_button

if TYPE_CHECKING:
    from ..library import Library
    from ..sources.fetch import Fetcher

logger = logging.getLogger("passerelle.web")

PASTED_NAME = "The pasted text"
MODEL_MISSING = "A model is not available here: what to do is on the model line at the top of the page."
HEARTBEAT_SECONDS = 1.0  # the page's clock ticks at least this often during long steps
Written = tuple[Path, Path, Path | None]  # an article's Markdown, JSON and own-format files


@dataclass(frozen=True)
class Origin:
    """Where an article came from, for the library: its link and the page's metadata."""

    link: str | None = None
    title: str | None = None
    author: str | None = None
    published: Any = None  # a datetime with its time zone, or None


class StreamHandler:
    """Translates the article (or every uploaded article) for the page, yielding every output
    after each step: the view (see ``view.VIEW_KEYS``), then the uploads."""

    def __init__(
        self,
        config: AppConfig,
        services: LoadedModels,
        scratch: Scratch,
        metrics: Metrics,
        *,
        fetcher: Fetcher | None = None,
        library: Callable[[], Library] | None = None,
    ) -> None:
        self.config = config
        self.services = services
        self.scratch = scratch
        self.metrics = metrics
        self.fetcher = fetcher  # links are refused without one
        self.library = library  # "Keep in the library" is refused without one

    def run(
        self,
        text: str,
        summary_label: str,
        quality: str,
        glossary: str,
        uploads: Uploads | None,
        direction: str,
        article_only: bool = False,
        link: str = "",
        keep: bool = False,
    ) -> Iterator[Frame]:
        """Errors are shown in the page and raised as gr.Error (a toast). A link, when given,
        is the article (fetched, reduced to its article); ``keep`` saves each finished result
        in the library."""
        started = time.perf_counter()
        link = (link or "").strip()
        beams = GREEDY_BEAMS if quality == QUALITY_FAST else None  # None: the model's own beams
        source = DIRECTIONS.get(direction, "fr")
        options = article_options(self.config, SUMMARY_CHOICES.get(summary_label, NO_SUMMARY), beams, glossary, source)
        loaded = None if link else shown_file(uploads, text)
        if uploads and loaded and len(uploads["files"]) > 1:
            yield from self._all(uploads, options, article_only, started, keep)
            return
        view = PageView(heading=Heading(source), summarize=options.summarize, progress=Progress("Starting…"), tail=(gr.skip(),))
        view.clear_panes()
        origin = Origin()
        try:
            if link:
                text, origin = yield from self._fetch(view, link)
            result, written = yield from self._article(view, text, loaded, options, article_only, started, origin)
        except ModelNotAvailableError as error:  # its fix is on the model line at the top: once is enough
            raise user_error(str(error), duration=None, toast=False) from error
        except ArticleInputError as error:
            raise user_error(str(error)) from error
        except PasserelleError as error:  # the errors users can act on, with their own message
            raise user_error(str(error), duration=None) from error
        if keep:
            self._keep(view, result, origin if origin.title else _pasted_origin(text, origin))
        if uploads and loaded:  # the only uploaded file: its result is kept with it
            uploads = {**uploads, "results": {loaded["name"]: stored_result(view, FileState.DONE, "", written)}, "zip": None}
            view.tail = (uploads,)
        yield view.update(progress=_done(result, time.perf_counter() - started))

    def _all(self, uploads: Uploads, options: ArticleOptions, article_only: bool, started: float, keep: bool = False) -> Iterator[Frame]:
        """Every uploaded article, one after another; one that fails is marked so and the
        next one goes on (a missing model stops them all: it would fail each one)."""
        uploads = {**uploads, "results": {}, "zip": None}  # a new run: the last one's results go
        names = list(uploads["files"])
        view = PageView(summarize=options.summarize, tail=(gr.skip(),))
        for number, name in enumerate(names, 1):
            loaded = uploads["files"][name]
            view.heading, view.warnings, view.notes, view.errors = Heading(options.source), [], [], []
            view.prefix = f"{name} ({number} of {len(names)}): "
            view.progress = Progress("Starting…")
            view.files = file_lines(uploads, translating=name)
            view.clear_panes()
            try:
                result, written = yield from self._article(view, loaded["text"], loaded, options, article_only, started)
            except ModelNotAvailableError as error:
                raise user_error(str(error), duration=None, toast=False) from error
            except (ArticleInputError, PasserelleError) as error:
                uploads["results"][name] = stored_result(view, FileState.FAILED, str(error).splitlines()[0], None)
                continue
            detail = _plural(len(result.translation.segments), "sentence")
            if keep:
                self._keep(view, result, _pasted_origin(loaded["text"], Origin()))
            uploads["results"][name] = stored_result(view, FileState.DONE, detail, written)
        uploads["zip"] = zip_results(self.scratch, uploads)
        final = view_of(uploads, options.source)
        translated = sum(1 for stored in uploads["results"].values() if stored["state"] == FileState.DONE)
        label = f"Done: {translated} of {len(names)} articles translated · showing {uploads['shown']} (pick another above)"
        final.progress = Progress(label, seconds=time.perf_counter() - started, state=ProgressState.DONE)
        final.tail = (uploads,)
        yield final.frame()

    def _article(
        self,
        view: PageView,
        text: str,
        loaded: dict[str, str] | None,
        options: ArticleOptions,
        article_only: bool,
        started: float,
        origin: Origin | None = None,
    ) -> Generator[Frame, None, tuple[ArticleResult, Written]]:
        """One article into ``view``, frame by frame; its result and files. Raises the
        errors users can act on once the view says them."""
        source_file = loaded["name"] if loaded else None
        try:
            article = self._read(text, loaded, article_only)
        except ArticleInputError as error:
            yield view.failed(str(error))
            raise
        view.notes = article.notes
        if not self.services.translator_loaded(options.source):
            yield view.update(progress=Progress("Loading the translation model (only slow the first time)…"))
        result: ArticleResult | None = None
        stage = Stage.TRANSLATING
        events = background_events(
            lambda: article_stream(article.text, self.services, options, source_file, form=article.form), HEARTBEAT_SECONDS
        )
        try:
            for event in events:
                elapsed = time.perf_counter() - started
                if isinstance(event, Tick):
                    yield view.update(progress=replace(view.progress or Progress(""), seconds=elapsed))
                    continue
                stage, result = event.stage, event.result or result
                yield from self._show(view, event, elapsed, article.text, source_file)
        except PasserelleError as error:
            if result is None or stage != Stage.SUMMARIZING:
                missing = isinstance(error, ModelNotAvailableError)
                yield view.failed(MODEL_MISSING if missing else str(error))
                raise
            # The translation is done and worth keeping: report the summary's failure only.
            logger.warning("summary failed: %s", error)
            result.summary = None  # an English summary without its French is not offered as one
            gr.Warning("The summary failed; the translation is complete.")
            view.errors = [f"Summary failed: {error}"]
            view.summary = render_summary(None, None, "No summary: see the error above.")
        except Exception:
            logger.exception("translation failed")
            yield view.failed("Something went wrong on the server; the details are in its log.")
            raise
        finally:
            events.close()
        assert result is not None
        self.metrics.observe(result)
        if origin is not None and origin.link:  # the downloads name the link and the page's title
            result.source_url, result.title = origin.link, origin.title
            result.title_translation = _title_translation(result.to_json()) if origin.title else None
        written = self.scratch.write(result)
        _finish(view, result, written)
        return result, written

    def _fetch(self, view: PageView, link: str) -> Generator[Frame, None, tuple[str, Origin]]:
        """The article at ``link`` as the text to translate (its title as a heading), the
        original pane naming its link. Fetch errors are said in the page, then raised as
        input errors are (refused addresses, no article, time-outs)."""
        from ..sources.errors import FetchError, PageError
        from ..sources.page import fetch_article

        yield view.update(progress=Progress(f"Fetching {link}…"))
        try:
            if self.fetcher is None:
                raise ArticleInputError("This page cannot fetch links; paste the article's text instead.")
            article = fetch_article(self.fetcher, link)
        except (FetchError, PageError, ArticleInputError) as error:
            yield view.failed(str(error))
            raise ArticleInputError(str(error)) from error
        view.source = render_source_link(article.final_url)
        text = f"# {article.title}\n\n{article.text}" if article.title else article.text
        return text, Origin(article.final_url, article.title, article.author, article.published)

    def _keep(self, view: PageView, result: ArticleResult, origin: Origin) -> None:
        """Saves a finished result in the library; the status says where, or why not (the
        translation stays on screen either way)."""
        from sqlalchemy.exc import SQLAlchemyError

        if self.library is None:
            view.errors = [*view.errors, "Not kept: this page has no library."]
            return
        data = result.to_json()
        title_en = _title_translation(data) if origin.title else None
        try:
            number = self.library().save_article(
                data,
                feed=None,
                key=origin.link,
                url=origin.link,
                title=origin.title,
                title_en=title_en,
                author=origin.author,
                published=origin.published,
            )
        except (PasserelleError, SQLAlchemyError, OSError) as error:
            logger.warning("keeping an article failed: %s", error)
            view.errors = [*view.errors, f"Not kept in the library: {error}"]
            return
        view.notes = [*view.notes, f"Kept in the library (article {number}): see the Library tab."]

    def _read(self, text: str | None, loaded: dict[str, str] | None, article_only: bool) -> ArticleText:
        """The text box's article; an uploaded file's own form (HTML, Word, subtitles...) when
        the box still holds that file's text, to write the translation back in it (a web
        page reduced to its article when ``article_only``)."""
        path = loaded.get("path") if loaded else None
        if path and form_for(path) is not None:
            return read_article_file(Path(path), self.config.max_file_bytes, self.config.max_chars, article_only)
        return clean_text(text or "", (loaded or {}).get("name") or PASTED_NAME, self.config.max_chars)

    def _show(self, view: PageView, event: ArticleEvent, elapsed: float, text: str, source_file: str | None) -> Iterator[Frame]:
        result = event.result
        if result is not None:
            view.heading = Heading(view.heading.chosen, result.source_language)
            if result.warnings and not view.warnings:
                first = html.escape(result.warnings[0], quote=False)
                gr.Warning(f"{html.escape(source_file)}: {first}" if source_file and view.files else first)
                view.warnings = result.warnings
                view.other_way = self._other_way(view, text)
        if event.stage == Stage.TRANSLATING:
            progress = Progress("Translating…", event.done, event.total, elapsed)
            if result is None:
                yield view.update(progress=progress)
            elif result.translation.units_done == 0:  # the split: show the original at once
                yield view.update(
                    progress=progress,
                    original=render_original(result.translation.document) if result.translation.document else "",
                    translation=render_placeholder("Translating the first paragraphs…"),
                )
            else:
                yield view.update(progress=progress, translation=render_translation(result.translation))
        elif event.stage == Stage.SUMMARIZING and result is not None and result.summary is not None:
            yield view.update(
                progress=Progress("Translating the summary into French…", seconds=elapsed),
                summary=render_summary(result.summary.en, None, "Translating the summary into French…"),
            )
        elif event.stage == Stage.SUMMARIZING:
            yield view.update(
                progress=Progress("Summarising the translation…", seconds=elapsed),
                summary=render_placeholder("Summarising in English, then translating the summary into French…"),
            )

    @staticmethod
    def _other_way(view: PageView, text: str) -> object:
        """The "Translate the other way" button when the text reads as the language the chosen
        direction translates into (one article, a direction chosen, not detected)."""
        chosen = view.heading.chosen
        if view.files or chosen == AUTO or chosen not in ("fr", "en"):
            return view.other_way
        source: Language = "en" if chosen == "en" else "fr"
        return other_way_button(source) if guess_language(text).is_(other(source)) else view.other_way


def _finish(view: PageView, result: ArticleResult, written: Written) -> None:
    """The finished article in ``view``: key sentences underlined, downloads offered."""
    translation, summary = result.translation, result.summary
    if summary is not None:
        keys = result.key_sentences
        checks = {"en": summary.check_en, "fr": summary.check_fr}
        view.summary = render_summary(summary.en, summary.fr, key_count=len(keys), checks=checks)
        if keys and translation.document is not None:  # underline what the summary rests on
            view.original = render_original(translation.document, keys)
            view.translation = render_translation(translation, keys)
    markdown, data, translated = written
    labels = download_labels(result.target_language, result.file.suffix if result.file is not None else None)
    own = gr.update(visible=False)
    if translated is not None and result.file is not None:
        own = gr.update(value=str(translated), visible=True, label=labels[2])
    view.downloads = (
        gr.update(value=str(markdown), visible=True, label=labels[0]),
        gr.update(value=str(data), visible=True, label=labels[1]),
        own,
    )


def _pasted_origin(text: str, origin: Origin) -> Origin:
    """A pasted article's title: its first line when written as a heading (``# Title``)."""
    first = next((line.strip() for line in (text or "").splitlines() if line.strip()), "")
    title = first.lstrip("#").strip() if first.startswith("#") else None
    return replace(origin, title=title or None)


def _title_translation(data: dict[str, Any]) -> str | None:
    """The translation of the article's first paragraph (its title, a heading), from its JSON."""
    segments = data.get("segments") or []
    if not segments:
        return None
    first = segments[0].get("paragraph")
    words = " ".join(str(s.get("target") or "").strip() for s in segments if s.get("paragraph") == first)
    return words.strip() or None


def _done(result: ArticleResult, seconds: float) -> Progress:
    flagged = result.checks()["flagged_sentences"]
    done = f"Done: {_plural(len(result.translation.segments), 'sentence')} translated"
    done += f" · {flagged} flagged (underlined in red: hover for why)" if flagged else " · no sentence flagged"
    return Progress(done, seconds=seconds, state=ProgressState.DONE)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
