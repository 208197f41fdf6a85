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
from .files import FileHandlers
from .gradio_api import API_NAME, ApiHandler
from .metrics import Metrics
from .options import DIRECTIONS, QUALITY_BEST, QUALITY_FAST, SUMMARY_CHOICES, glossary_text
from .render import (
    DIRECTION_TITLES,
    HEADER,
    PANE_CLASS,
    PLACEHOLDERS,
    human_bytes,
    idle_status,
    render_model_status,
    render_placeholder,
)
from .scratch import Scratch
from .sessions import SessionBounds
from .stream import StreamHandler

TITLE = "Passerelle — French → English"
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


def asset(name: str) -> str:
    """A file of ``ui/web/assets`` (the page's CSS and script), as text."""
    return resources.files(__package__).joinpath(ASSETS, name).read_text(encoding="utf-8")


def pane_title(title: str) -> str:
    return f'<div class="pane-title">{title}</div>'


def build_app(config: AppConfig, services: LoadedModels, scratch: Scratch, metrics: Metrics) -> gr.Blocks:
    """The page and the API, with the queue bounded by ``config``; not yet mounted. Its files
    live in ``scratch`` (which bounds them); finished articles are counted in ``metrics``."""
    file_handlers = FileHandlers(config)
    api = ApiHandler(config, services, metrics)
    extensions = " ".join(config.extensions)
    default_summary = next(k for k, v in SUMMARY_CHOICES.items() if v == config.summary_length)

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.HTML(HEADER, elem_id="app-title")
        model_status = gr.HTML(render_model_status(services.status()), elem_id="model-status")
        status_timer = gr.Timer(MODEL_STATUS_SECONDS)
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
                article_only = gr.Checkbox(
                    label="Web pages: the article only",
                    info="Leave out menus, headers and footers (the summary always does)",
                    value=False,
                    elem_id="article-only",
                )
                direction = gr.Radio(list(DIRECTIONS), value=next(iter(DIRECTIONS)), label="Direction", elem_id="direction")
                with gr.Row():
                    summary = gr.Radio(list(SUMMARY_CHOICES), value=default_summary, label="Summary")
                    quality = gr.Radio([QUALITY_FAST, QUALITY_BEST], value=QUALITY_BEST, label="Quality")
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
                button = gr.Button("Translate", variant="primary", elem_id="translate-button")
        with gr.Row(equal_height=True, elem_id="status-row"):
            with gr.Column(scale=4):
                status = gr.HTML(idle_status(), elem_id="status")
            download: dict[str, Any] = {"visible": False, "size": "sm", "scale": 0, "min_width": DOWNLOAD_BUTTON_WIDTH}
            markdown_file = gr.DownloadButton("⬇ Markdown", elem_id="download-md", **download)
            json_file = gr.DownloadButton("⬇ JSON", elem_id="download-json", **download)
            own_file = gr.DownloadButton("⬇ File", elem_id="download-file", **download)
        with gr.Row(elem_id="panes"):
            panes, titles = {}, {}
            for key, title in DIRECTION_TITLES["fr"].items():
                with gr.Column():
                    titles[key] = gr.HTML(pane_title(title))
                    panes[key] = gr.HTML(
                        render_placeholder(PLACEHOLDERS[key]), elem_id=f"pane-{key}", elem_classes=[PANE_CLASS], js_on_load=None
                    )
        # The uploads' texts go with the uploads themselves (the scratch root's time-to-live).
        files_state = gr.State({}, time_to_live=config.temp_ttl_seconds)
        loaded_state = gr.State(None, time_to_live=config.temp_ttl_seconds)

        file_outputs = [picker, text, files_state, loaded_state, status]
        files.upload(file_handlers.load, [files], file_outputs, api_visibility="private")
        files.clear(file_handlers.clear, None, file_outputs, api_visibility="private")
        picker.input(file_handlers.pick, [picker, files_state], [text, loaded_state], api_visibility="private")
        button.click(
            StreamHandler(config, services, scratch, metrics).run,
            [text, summary, quality, glossary, loaded_state, direction, article_only],
            [status, panes["original"], panes["translation"], panes["summary"], markdown_file, json_file, own_file],
            api_visibility="private",
            concurrency_id=CONCURRENCY_ID,
            show_progress="hidden",
        )

        def follow_direction(label: str) -> tuple[Any, ...]:
            """The panes' titles and the text box's label in the chosen direction."""
            source = DIRECTIONS.get(label, "fr")
            names = {**NAMES, AUTO: "French or English"}
            box = gr.Textbox(label=f"{names[source]} article", placeholder=f"Paste the {names[source]} text of an article here…")
            return (box, *(pane_title(DIRECTION_TITLES[source][key]) for key in titles))

        direction.change(follow_direction, [direction], [text, *titles.values()], api_visibility="private", queue=False)

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

        def refresh_status() -> tuple[str, Any]:
            """The models' state; the timer stops once every model is loaded or failed."""
            status = services.status()
            settled = all(item.state in (ModelState.READY, ModelState.FAILED) for item in status.values())
            return render_model_status(status), gr.Timer(active=not settled)

        status_outputs = [model_status, status_timer]
        demo.load(refresh_status, None, status_outputs, api_visibility="private", queue=False, show_progress="hidden")
        status_timer.tick(refresh_status, None, status_outputs, api_visibility="private", queue=False, show_progress="hidden")

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
