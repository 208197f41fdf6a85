"""The Passerelle web app (Gradio 6): paste or upload French articles, watch the English
translation arrive paragraph by paragraph next to the original, then read a bilingual summary.

The page's layout and wiring live here; each event's handler has a module of its own
(``files``, ``stream``, ``api``). One queued, named API endpoint (``/translate``) serves
scripts; the streaming UI event is private. Safe defaults: local address only, never a share
link, no REST route that skips the queue, bounded queue and uploads, no analytics, monitoring
or MCP.
"""

# No ``from __future__ import annotations`` here: ``gr.api`` reads the API function's return
# annotation at runtime to describe the endpoint's outputs.

from importlib import resources
from typing import Any

import gradio as gr

from passerelle.translate.languages import NAMES

from ..article import LoadedModels
from ..article.language import AUTO
from ..article.models import ModelState
from ..config import AppConfig
from .files import FileHandlers, chosen
from .gradio_api import API_NAME, ApiHandler
from .headline import Heading, ModelItem, direction_label, render_model_line, render_pane_title, short_name
from .library_view import LibraryOpener, LibraryView
from .metrics import Metrics
from .options import DIRECTIONS, QUALITY_BEST, QUALITY_FAST, SUMMARY_CHOICES, glossary_text
from .render import PANE_CLASS, PLACEHOLDERS, human_bytes, idle_status, render_placeholder
from .scratch import Scratch
from .sessions import SessionBounds
from .stream import StreamHandler
from .view import hidden

TITLE = Heading().tab_title()  # the script keeps the tab's title in step with the header
# The quality choice in a reader's words; its values stay those scripts already send.
QUALITY_CHOICES = [("Fast", QUALITY_FAST), ("Best (slower)", QUALITY_BEST)]
QUALITY_INFO = "Fast: one pass, for a quick read. Best: weighs several wordings of each sentence; takes longer."
CONCURRENCY_ID = "models"  # the UI and the API share the models, hence one limit
THEME = gr.themes.Soft(
    primary_hue="indigo",
    neutral_hue="slate",
    # System fonts: the app must work offline, without Google Fonts.
    font=["Inter", "ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
)
DOWNLOAD_BUTTON_WIDTH = 120
MODEL_STATUS_SECONDS = 2.0  # how often the page looks at the models' state until they settle
ASSETS = "assets"
MAX_LINK_CHARS = 2_000


def asset(name: str) -> str:
    """A file of ``ui/web/assets`` (the page's CSS and script), as text."""
    return resources.files(__package__).joinpath(ASSETS, name).read_text(encoding="utf-8")


def model_items(config: AppConfig, services: LoadedModels, source: str) -> list[ModelItem]:
    """The models the chosen direction uses ("auto": both translators), then the summary's."""
    status = services.status()
    translators = {
        "fr": (config.model, services.translator_status("fr")),
        "en": (config.summary_translation_model, services.translator_status("en")),
    }
    items = []
    for language in ("fr", "en"):
        if source in (language, AUTO):
            model, state = translators[language]
            items.append(ModelItem(direction_label(language), short_name(model), state, model))
    items.append(ModelItem("Summary", short_name(config.summary_model), status["summary"], config.summary_model))
    return items


def settled(items: list[ModelItem]) -> bool:
    return all(item.status.state in (ModelState.READY, ModelState.FAILED) for item in items)


def own_library(config: AppConfig) -> LibraryOpener:
    """A library opener of the page's own (opened once, at first use), for a page built
    without a server's."""
    opened: list[Any] = []

    def library() -> Any:
        if not opened:
            from ..library import Library, LibrarySettings

            opened.append(Library.open(LibrarySettings.from_config(config)))
        return opened[0]

    return library


def build_app(
    config: AppConfig, services: LoadedModels, scratch: Scratch, metrics: Metrics, library: LibraryOpener | None = None
) -> gr.Blocks:
    """The page and the API, with the queue bounded by ``config``; not yet mounted. Its files
    live in ``scratch`` (which bounds them); finished articles are counted in ``metrics``.
    ``library`` opens the server's library (at the Library tab's first use, or the first
    article kept); links are fetched by one fetcher made with the page."""
    from ..sources.fetch import Fetcher
    from ..sources.settings import FetchSettings

    library = library or own_library(config)
    fetcher = Fetcher(FetchSettings.from_config(config))
    library_view = LibraryView(config, library)
    file_handlers = FileHandlers(config)
    api = ApiHandler(config, services, metrics)
    extensions = " ".join(config.extensions)
    default_summary = next(k for k, v in SUMMARY_CHOICES.items() if v == config.summary_length)

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        header = gr.HTML(Heading().header(), elem_id="app-title")
        model_status = gr.HTML(render_model_line(model_items(config, services, "fr")), elem_id="model-status")
        status_timer = gr.Timer(MODEL_STATUS_SECONDS)
        with gr.Tabs(elem_id="tabs"):
            with gr.Tab("Translate", id="translate", elem_id="translate-tab"):
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
                        link = gr.Textbox(
                            label="Or an article's link",
                            placeholder="https://… (the page is fetched and reduced to its article)",
                            max_lines=1,
                            max_length=MAX_LINK_CHARS,
                            elem_id="article-url",
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
                        picker = gr.Dropdown(label="Article to show", choices=[], visible=False, interactive=True, elem_id="picker")
                        article_only = gr.Checkbox(
                            label="Web pages: the article only",
                            info="Leave out menus, headers and footers (the summary always does)",
                            value=False,
                            elem_id="article-only",
                        )
                        direction = gr.Radio(list(DIRECTIONS), value=next(iter(DIRECTIONS)), label="Direction", elem_id="direction")
                        with gr.Row():
                            summary = gr.Radio(list(SUMMARY_CHOICES), value=default_summary, label="Summary")
                            quality = gr.Radio(QUALITY_CHOICES, value=QUALITY_BEST, label="Quality", info=QUALITY_INFO, elem_id="quality")
                        with gr.Accordion("Glossary", open=bool(config.glossary), elem_id="glossary-box"):
                            glossary = gr.Textbox(
                                value=glossary_text(config),
                                label="Terms translated your way, one per line",
                                placeholder="OTAN = NATO\ngilets jaunes = yellow vests\nUkraine   (alone: kept as it is)",
                                info="source = target, or source<TAB>target, or a lone term to keep; whole words, any case.",
                                lines=3,
                                max_lines=8,
                                max_length=config.max_chars,
                                elem_id="glossary",
                            )
                        with gr.Row(equal_height=True):
                            keep = gr.Checkbox(label="Keep in the library", value=False, scale=1, elem_id="keep")
                            button = gr.Button("Translate", variant="primary", scale=2, elem_id="translate-button")
                with gr.Row(equal_height=True, elem_id="status-row"):
                    with gr.Column(scale=4):
                        status = gr.HTML(idle_status(), elem_id="status")
                    other_way = gr.Button("Translate the other way", visible=False, size="sm", scale=0, elem_id="other-way")
                    download: dict[str, Any] = {"visible": False, "size": "sm", "scale": 0, "min_width": DOWNLOAD_BUTTON_WIDTH}
                    markdown_file = gr.DownloadButton("⬇ Markdown", elem_id="download-md", **download)
                    json_file = gr.DownloadButton("⬇ JSON", elem_id="download-json", **download)
                    own_file = gr.DownloadButton("⬇ File", elem_id="download-file", **download)
                    zip_file = gr.DownloadButton("⬇ Download all (zip)", elem_id="download-zip", **download)
                with gr.Row(elem_id="panes"):
                    panes, titles = {}, {}
                    for key, title in Heading().pane_titles().items():
                        with gr.Column():
                            titles[key] = gr.HTML(render_pane_title(title))
                            panes[key] = gr.HTML(
                                render_placeholder(PLACEHOLDERS[key]), elem_id=f"pane-{key}", elem_classes=[PANE_CLASS], js_on_load=None
                            )
            with gr.Tab("Library", id="library", elem_id="library-tab") as library_tab:
                library_parts = library_view.build()
        # The uploads' texts and results go with the uploads themselves (the scratch root's time-to-live).
        uploads = gr.State(None, time_to_live=config.temp_ttl_seconds)
        opened = gr.State(None, time_to_live=config.temp_ttl_seconds)  # the library article shown
        library_view.wire(library_parts, opened, library_tab)

        # Every handler below the form sends the whole view (see view.VIEW_KEYS), in this order.
        view = [status, *panes.values(), markdown_file, json_file, own_file, zip_file, header, *titles.values(), other_way]
        file_outputs = [*view, uploads, picker, text]
        private: dict[str, Any] = {"api_visibility": "private"}
        files.upload(file_handlers.load, [files, direction, article_only], file_outputs, **private)
        files.clear(file_handlers.clear, [direction], file_outputs, **private)
        picker.input(file_handlers.pick, [picker, uploads, direction], file_outputs, **private)
        button.click(
            StreamHandler(config, services, scratch, metrics, fetcher=fetcher, library=library).run,
            [text, summary, quality, glossary, uploads, direction, article_only, link, keep],
            [*view, uploads],
            concurrency_id=CONCURRENCY_ID,
            show_progress="hidden",
            **private,
        )

        def follow_direction(label: str) -> tuple[Any, ...]:
            """The header, the panes' titles, the text box's label and the model line in the
            chosen direction; a warning's "other way" button goes."""
            source = chosen(label)
            heading = Heading(source)
            names = {**NAMES, AUTO: "French or English"}
            box = gr.Textbox(label=f"{names[source]} article", placeholder=f"Paste the {names[source]} text of an article here…")
            items = model_items(config, services, source)
            pane_titles = (render_pane_title(title) for title in heading.pane_titles().values())
            return (box, heading.header(), *pane_titles, hidden(), render_model_line(items), gr.Timer(active=not settled(items)))

        direction_outputs = [text, header, *titles.values(), other_way, model_status, status_timer]
        direction.change(follow_direction, [direction], direction_outputs, queue=False, show_progress="hidden", **private)

        def the_other_way(label: str) -> str:
            """The opposite of the chosen direction (the button shows only for French or English)."""
            return next(name for name, source in DIRECTIONS.items() if source == ("fr" if chosen(label) == "en" else "en"))

        # One click: the direction turns, then the article is translated again (by the
        # Translate button itself, so the page behaves as if the reader had pressed it).
        other_way.click(the_other_way, [direction], [direction], queue=False, show_progress="hidden", **private).then(
            None, None, None, js="() => { document.getElementById('translate-button')?.click(); }", **private
        )

        def translate(
            text: str, summary_length: str = config.summary_length, beams: int = 0, glossary: str = "", source: str = "fr"
        ) -> tuple[str, str, str, list[dict], list[str]]:
            """Article text → (translation, English summary, French summary,
            segments [{paragraph, source, target, flags, confidence, key}], warnings).
            summary_length: short|medium|long|none; beams: 1 = greedy, 0 = default;
            glossary: lines of "source = target" (or a lone term to keep);
            source: fr (French → English), en (English → French) or auto (detected)."""
            return api.run(text, summary_length, beams, glossary, source)

        gr.api(translate, api_name=API_NAME, concurrency_id=CONCURRENCY_ID)

        def refresh_status(label: str = "") -> tuple[str, Any]:
            """The models' state; the timer stops once every model shown is loaded or failed."""
            items = model_items(config, services, chosen(label))
            return render_model_line(items), gr.Timer(active=not settled(items))

        status_outputs = [model_status, status_timer]
        quiet: dict[str, Any] = {"queue": False, "show_progress": "hidden", **private}
        demo.load(refresh_status, None, status_outputs, **quiet)
        status_timer.tick(refresh_status, [direction], status_outputs, **quiet)

    # api_open=False: /gradio_api/run/... would otherwise run jobs outside the queue's limits.
    demo.queue(default_concurrency_limit=config.concurrency_limit, max_size=config.max_queue, api_open=False)
    # Gradio holds every session's state until 10,000 sessions: bounded in number and time.
    SessionBounds(demo, idle_seconds=config.temp_ttl_seconds).install()
    return demo


def mount_options(config: AppConfig) -> dict[str, Any]:
    """``gr.mount_gradio_app`` arguments with safe defaults: no share link (there is none when
    mounting), no monitoring, MCP, PWA or server-side rendering, no history in the browser."""
    return {
        "server_name": config.host,
        "server_port": config.port,
        # No login of Gradio's own: the server's access guard (ui/web/access.py) signs every
        # caller in before Gradio sees the request; ``GradioPage`` tells Gradio who it is.
        "auth": None,
        "max_file_size": config.max_file_bytes,
        "show_error": False,
        "enable_monitoring": False,
        "mcp_server": False,
        "pwa": False,
        "ssr_mode": False,
        "run_history": False,  # articles can be confidential: keep no history in the browser
        "footer_links": ["api"],
        "theme": THEME,
        "css": asset("passerelle.css"),
        "head": f"<script>\n{asset('passerelle.js')}</script>",
    }
