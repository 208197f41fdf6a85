"""The Passerelle web app (Gradio 6): paste or upload French articles, watch the English
translation arrive paragraph by paragraph next to the original, then read a bilingual summary.

One queued, named API endpoint (``/translate``) serves scripts; the streaming UI event is
private. Safe defaults: local address only, never a share link, no REST route that skips the
queue, bounded queue and uploads, no analytics, monitoring or MCP.
"""

# No ``from __future__ import annotations`` here: ``gr.api`` reads the API function's return
# annotation at runtime to describe the endpoint's outputs.

import html
import logging
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator

import gradio as gr

from translate import PasserelleError
from translate.segment import Document

from .config import AppConfig
from .downloads import DownloadStore, clean_interval, remove_dead_servers_files
from .inputs import ArticleInputError, clean_text, read_article_file
from .pipeline import ArticleOptions, ArticleResult, ArticleUpdate, Services, iter_article, process_article
from .render import (
    CSS,
    HEAD,
    HEADER,
    PANE_CLASS,
    PANE_TITLES,
    PLACEHOLDERS,
    Progress,
    human_bytes,
    render_notices,
    render_original,
    render_placeholder,
    render_progress,
    render_summary,
    render_translation,
)
from .streaming import Emit, background_events

logger = logging.getLogger("passerelle.web")

TITLE = "Passerelle — French → English"
API_NAME = "translate"
CONCURRENCY_ID = "models"  # the UI and the API share the models, hence one limit
NO_SUMMARY = "none"
SUMMARY_CHOICES = {"Short": "short", "Medium": "medium", "Long": "long", "None": NO_SUMMARY}
QUALITY_FAST = "Fast (greedy)"
QUALITY_BEST = "Best (beam search)"  # the model's own number of beams (4 for opus-mt)
GREEDY_BEAMS = 1
MAX_BEAMS = 8
PASTED_NAME = "The pasted text"
HEARTBEAT_SECONDS = 1.0  # the page's clock ticks at least this often during long steps
THEME = gr.themes.Soft(
    primary_hue="indigo",
    neutral_hue="slate",
    # System fonts: the app must work offline, without Google Fonts.
    font=["Inter", "ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
)
DOWNLOAD_BUTTON_WIDTH = 120

Frame = tuple[Any, ...]  # one value per output of the streaming event


def user_error(message: str, *, page: bool = True, duration: float | None = 10) -> gr.Error:
    """A gr.Error whose text stays text: Gradio renders error messages as HTML, and ours can
    quote file names and input. On the page, newlines become line breaks."""
    escaped = html.escape(message, quote=False)
    return gr.Error(escaped.replace("\n", "<br>") if page else escaped, duration=duration, print_exception=False)


def article_options(config: AppConfig, summary: str, beams: int | None) -> ArticleOptions:
    if summary != NO_SUMMARY and summary not in SUMMARY_CHOICES.values():
        raise user_error(f"Unknown summary length {summary!r}; use one of {', '.join(SUMMARY_CHOICES.values())}.")
    if beams is not None and not GREEDY_BEAMS <= beams <= MAX_BEAMS:
        raise user_error(f"beams must be between {GREEDY_BEAMS} and {MAX_BEAMS} (or 0 for the default).")
    return ArticleOptions(
        summarize=summary != NO_SUMMARY,
        summary_length=summary if summary != NO_SUMMARY else config.summary_length,
        num_beams=beams,
    )


class WebHandlers:
    """The functions behind the page's events, bound to one config and one set of models."""

    def __init__(self, config: AppConfig, services: Services, downloads: DownloadStore) -> None:
        self.config = config
        self.services = services
        self.downloads = downloads

    # -- inputs -----------------------------------------------------------------------

    def load_files(self, paths: list[str] | None) -> tuple[Any, ...]:
        """Uploaded files → the article picker, the first article in the text box, notes."""
        if not paths:
            return self.clear_files()
        if len(paths) > self.config.max_files:
            message = f"{len(paths)} files is more than the limit of {self.config.max_files}; upload fewer at once."
            return gr.update(choices=[], value=None, visible=False), gr.skip(), {}, None, idle_status(errors=[message])
        texts: dict[str, str] = {}
        errors: list[str] = []
        notes: list[str] = []
        for raw in paths:
            path = Path(raw)
            name = _unique(path.name, texts)
            if path.suffix.lower() not in self.config.extensions:
                errors.append(f"{path.name}: not a supported file type ({', '.join(self.config.extensions)})")
                continue
            try:
                article = read_article_file(path, self.config.max_file_bytes, self.config.max_chars)
            except ArticleInputError as error:
                errors.append(str(error).replace(str(path), path.name))
                continue
            texts[name] = article.text
            notes += [f"{name}: {note}" for note in article.notes]
        status = idle_status(errors=errors, notes=notes)
        if not texts:
            return gr.update(choices=[], value=None, visible=False), gr.skip(), {}, None, status
        first = next(iter(texts))
        picker = gr.update(choices=list(texts), value=first, visible=len(texts) > 1)
        return picker, texts[first], texts, {"name": first, "text": texts[first]}, status

    def clear_files(self) -> tuple[Any, ...]:
        return gr.update(choices=[], value=None, visible=False), gr.skip(), {}, None, idle_status()

    def pick(self, name: str | None, texts: dict[str, str]) -> tuple[Any, Any]:
        if not name or name not in texts:
            return gr.skip(), None
        return texts[name], {"name": name, "text": texts[name]}

    # -- streaming translation (the page) ---------------------------------------------

    def stream(self, text: str, summary_label: str, quality: str, loaded: dict[str, str] | None) -> Iterator[Frame]:
        """Translate with visible progress: the original at once, then the translation wave
        by wave, then the summary, then download links; a ticking clock in between. Errors
        are shown in the page and raised as gr.Error (a toast)."""
        started = time.perf_counter()
        source_file = loaded["name"] if loaded and loaded.get("text") == text else None
        beams = GREEDY_BEAMS if quality == QUALITY_FAST else None  # None: the model's own beams
        options = article_options(self.config, SUMMARY_CHOICES.get(summary_label, NO_SUMMARY), beams)
        frame = _FrameBuilder(options.summarize)
        try:
            article = clean_text(text or "", source_file or PASTED_NAME, self.config.max_chars)
        except ArticleInputError as error:
            yield frame.failed(str(error))
            raise user_error(str(error)) from error
        frame.notes = article.notes
        if not self.services.translator_loaded():
            yield frame.update(progress=Progress("Loading the translation model (only slow the first time)…"))

        def work(emit: Emit) -> None:
            document = self.services.translator().split(article.text)
            emit("document", document)
            on_batch = lambda done, total: emit("progress", (done, total))  # noqa: E731
            for update in iter_article(
                article.text, self.services, options, source_file, on_batch, document=document
            ):
                emit("update", update)

        document: Document | None = None
        result: ArticleResult | None = None
        stage = "loading"
        try:
            for kind, payload in background_events(work, HEARTBEAT_SECONDS):
                elapsed = time.perf_counter() - started
                if kind == "document":
                    document, stage = payload, "translating"
                    total = document.translatable_count()
                    yield frame.update(
                        progress=Progress("Translating…", 0, total, elapsed),
                        original=render_original(document),
                        translation=render_placeholder("Translating the first paragraphs…"),
                    )
                elif kind == "progress":
                    done, total = payload
                    yield frame.update(progress=Progress("Translating…", done, total, elapsed))
                elif kind == "update":
                    yield from self._show_update(frame, document, payload, elapsed)
                    result, stage = payload.result, payload.stage
                else:  # a tick: only the clock moves
                    yield frame.update(progress=replace(frame.progress, seconds=elapsed))
        except PasserelleError as error:  # the errors users can act on, with their own message
            if result is None or stage != "summarizing":
                yield frame.failed(str(error))
                raise user_error(str(error), duration=None) from error
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
        assert result is not None
        markdown, data = self.downloads.write(result)
        yield frame.finished(result, document, time.perf_counter() - started, markdown, data)

    def _show_update(
        self, frame: "_FrameBuilder", document: Document | None, update: ArticleUpdate, elapsed: float
    ) -> Iterator[Frame]:
        result = update.result
        if result.warnings and not frame.warnings:
            gr.Warning(html.escape(result.warnings[0], quote=False))
        frame.warnings = result.warnings
        if update.stage == "translating" and document is not None:
            done = len(result.translation.segments)
            yield frame.update(
                progress=Progress("Translating…", done, document.translatable_count(), elapsed),
                translation=render_translation(document, result.translation.segments, update.done),
            )
        elif update.stage == "summarizing" and result.summary is not None:
            yield frame.update(
                progress=Progress("Translating the summary into French…", seconds=elapsed),
                summary=render_summary(result.summary.en, None, "Translating the summary into French…"),
            )
        elif update.stage == "summarizing":
            yield frame.update(
                progress=Progress("Summarising the translation…", seconds=elapsed),
                summary=render_placeholder("Summarising in English, then translating the summary into French…"),
            )

    # -- the API ----------------------------------------------------------------------

    def api(self, text: str, summary_length: str, beams: int) -> tuple[str, str, str, list[dict[str, Any]]]:
        options = article_options(self.config, summary_length, beams or None)
        try:
            article = clean_text(text or "", "text", self.config.max_chars)
            result = process_article(article.text, self.services, options)
        except (ArticleInputError, PasserelleError) as error:
            raise user_error(str(error), page=False) from error
        summary = result.summary
        segments = result.to_json()["segments"]
        return result.translation.text, summary.en if summary else "", summary.fr if summary else "", segments


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
        self.files: tuple[Any, Any] = (gr.update(visible=False), gr.update(visible=False))

    def update(self, **values: Any) -> Frame:
        for key, value in values.items():
            setattr(self, key, value)
        return self.frame()

    def frame(self) -> Frame:
        status = render_progress(self.progress) + render_notices(self.warnings, self.notes, self.errors)
        return (status, self.original, self.translation, self.summary, *self.files)

    def failed(self, message: str) -> Frame:
        self.errors = [message]
        return self.update(progress=Progress(message.splitlines()[0], state="error"))

    def finished(
        self, result: ArticleResult, document: Document | None, seconds: float, markdown: Path, data: Path
    ) -> Frame:
        if result.summary is not None:
            keys = result.key_sentences
            self.summary = render_summary(result.summary.en, result.summary.fr, key_count=len(keys))
            if keys and document is not None:  # underline what the summary rests on
                self.original = render_original(document, keys)
                self.translation = render_translation(document, result.translation.segments, len(document.units), keys)
        sentences = len(result.translation.segments)
        self.files = (gr.update(value=str(markdown), visible=True), gr.update(value=str(data), visible=True))
        return self.update(progress=Progress(f"Done: {sentences} sentences translated", seconds=seconds, state="done"))


def idle_status(errors: list[str] | None = None, notes: list[str] | None = None) -> str:
    """The status line before any translation: what to do, and what is wrong with the files."""
    progress = Progress("Paste an article or upload files, then press Translate.", state="idle")
    return render_progress(progress) + render_notices(errors=errors or (), notes=notes or ())


def _unique(name: str, taken: dict[str, str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    return candidate


def build_app(config: AppConfig, services: Services) -> gr.Blocks:
    """The page and the API, with the queue bounded by ``config``; not yet launched."""
    remove_dead_servers_files()
    downloads = DownloadStore(config.temp_ttl_seconds)
    downloads.start()
    handlers = WebHandlers(config, services, downloads)
    extensions = " ".join(config.extensions)
    default_summary = next(k for k, v in SUMMARY_CHOICES.items() if v == config.summary_length)
    interval = int(clean_interval(config.temp_ttl_seconds))

    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(interval, config.temp_ttl_seconds)) as demo:
        gr.HTML(HEADER, elem_id="app-title")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                text = gr.Textbox(
                    label="French article",
                    placeholder="Paste the French text of an article here…",
                    lines=12,
                    max_lines=16,
                    max_length=config.max_chars,
                    elem_id="article-text",
                )
            with gr.Column(scale=2):
                files = gr.File(
                    label="…or upload articles",
                    file_count="multiple",
                    file_types=list(config.extensions),
                    type="filepath",
                    height=120,
                    elem_id="article-files",
                )
                limits = f"Up to {config.max_files} files · {extensions} · {human_bytes(config.max_file_bytes)} each"
                gr.HTML(f'<div class="hint">{limits}</div>')
                picker = gr.Dropdown(label="Article to translate", choices=[], visible=False, interactive=True)
                with gr.Row():
                    summary = gr.Radio(list(SUMMARY_CHOICES), value=default_summary, label="Summary")
                    quality = gr.Radio([QUALITY_FAST, QUALITY_BEST], value=QUALITY_BEST, label="Quality")
                button = gr.Button("Translate", variant="primary", elem_id="translate-button")
        with gr.Row(equal_height=True, elem_id="status-row"):
            with gr.Column(scale=4):
                status = gr.HTML(idle_status(), elem_id="status")
            download = {"visible": False, "size": "sm", "scale": 0, "min_width": DOWNLOAD_BUTTON_WIDTH}
            markdown_file = gr.DownloadButton("⬇ Markdown", elem_id="download-md", **download)
            json_file = gr.DownloadButton("⬇ JSON", elem_id="download-json", **download)
        with gr.Row(elem_id="panes"):
            panes = {}
            for key, title in PANE_TITLES.items():
                with gr.Column():
                    gr.HTML(f'<div class="pane-title">{title}</div>')
                    panes[key] = gr.HTML(
                        render_placeholder(PLACEHOLDERS[key]), elem_id=f"pane-{key}", elem_classes=[PANE_CLASS], js_on_load=None
                    )
        files_state = gr.State({})
        loaded_state = gr.State(None)

        file_outputs = [picker, text, files_state, loaded_state, status]
        files.upload(handlers.load_files, [files], file_outputs, api_visibility="private")
        files.clear(handlers.clear_files, None, file_outputs, api_visibility="private")
        picker.input(handlers.pick, [picker, files_state], [text, loaded_state], api_visibility="private")
        button.click(
            handlers.stream,
            [text, summary, quality, loaded_state],
            [status, panes["original"], panes["translation"], panes["summary"], markdown_file, json_file],
            api_visibility="private",
            concurrency_id=CONCURRENCY_ID,
            show_progress="hidden",
        )

        def translate(
            text: str, summary_length: str = config.summary_length, beams: int = 0
        ) -> tuple[str, str, str, list[dict]]:
            """French article text → (English translation, English summary, French summary,
            segments [{paragraph, source, target}]). summary_length: short|medium|long|none;
            beams: 1 = greedy, 0 = default."""
            return handlers.api(text, summary_length, beams)

        gr.api(translate, api_name=API_NAME, concurrency_id=CONCURRENCY_ID)

    # api_open=False: /gradio_api/run/... would otherwise run jobs outside the queue's limits.
    demo.queue(default_concurrency_limit=config.concurrency_limit, max_size=config.max_queue, api_open=False)
    return demo


def launch_options(config: AppConfig) -> dict[str, Any]:
    """``Blocks.launch`` arguments with safe defaults (Gradio 6: theme, css and head go here)."""
    return {
        "server_name": config.host,
        "server_port": config.port,
        "share": False,
        "auth": config.auth(),
        "auth_message": "Passerelle: please sign in.",
        "max_file_size": config.max_file_bytes,
        "show_error": False,
        "enable_monitoring": False,
        "mcp_server": False,
        "pwa": False,
        "ssr_mode": False,
        "run_history": False,  # articles can be confidential: keep no history in the browser
        "footer_links": ["api"],
        "theme": THEME,
        "css": CSS,
        "head": HEAD,
    }


def serve(config: AppConfig, services: Services | None = None, **launch_overrides: Any) -> gr.Blocks:
    """Start the server without blocking; the running app's URL is ``.local_url``."""
    if launch_overrides.get("share"):
        raise ValueError("Passerelle never opens a public share link; put it behind your own proxy instead.")
    demo = build_app(config, services or Services(config))
    demo.launch(**{**launch_options(config), **launch_overrides, "prevent_thread_lock": True})
    return demo


def launch(config: AppConfig, services: Services | None = None, **launch_overrides: Any) -> None:
    """Serve the app until interrupted (what ``passerelle ui`` runs); models load in the
    background meanwhile, so the first request does not wait for them."""
    services = services or Services(config)
    threading.Thread(target=services.warm_up, name="passerelle-warm-up", daemon=True).start()
    demo = serve(config, services, **launch_overrides)
    demo.block_thread()
