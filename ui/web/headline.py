"""What the top of the page says and what the panes are called, in the direction actually
used: the header, the browser tab's title, the panes' titles and the model line follow the
Direction choice, and in Detect mode the language found. Pure functions of plain values, so
they are tested without a server; the page script (``assets/passerelle.js``) copies the
header's ``data-tab-title`` into the tab's title."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from passerelle.translate.languages import NAMES, Language, other

from ..article.language import AUTO
from ..article.models import ModelState, ModelStatus
from .render import render_notices

APP_NAME = "Passerelle"
# The REST API's own page (ui/web/rest/spec.py), relative: it works behind a path prefix too.
REST_DOCS_HREF = "docs"
REST_DOCS_TEXT = "REST API (LibreTranslate-compatible)"
OWN_NAMES = {"fr": "français", "en": "English"}  # each language as its readers write it
TRANSLATION_TITLES = {"en": "Translation · English", "fr": "Traduction · français"}  # by target
SUMMARY_TITLE = "Summary · résumé"
SHOWN_STATES = {
    ModelState.WAITING: "not loaded yet",
    ModelState.LOADING: "loading…",
    ModelState.READY: "ready",
    ModelState.FAILED: "not available",
}
STATE_SIGNS = {ModelState.WAITING: "○", ModelState.LOADING: "◌", ModelState.READY: "✓", ModelState.FAILED: "✗"}


def direction_label(source: str) -> str:
    """ "French → English" for ``fr``; both ways for ``auto``."""
    if source not in NAMES:
        return f"{NAMES['fr']} ⇄ {NAMES['en']}"
    return f"{NAMES[source]} → {NAMES[other(source)]}"  # type: ignore[arg-type]


@dataclass(frozen=True)
class Heading:
    """The direction of the page: the one chosen ("fr", "en" or "auto") and the language the
    article was read as, once known (the language detected in Detect mode)."""

    chosen: str = "fr"
    used: Language | None = None

    @property
    def source(self) -> str:
        return self.used or self.chosen

    @property
    def detected(self) -> bool:
        return self.chosen == AUTO and self.used is not None

    def direction(self) -> str:
        label = direction_label(self.source)
        return f"{label} ({NAMES[self.source]} detected)" if self.detected else label

    def tab_title(self) -> str:
        return f"{APP_NAME} — {self.direction()}"

    def header(self) -> str:
        """The page's title block: name, direction, what it does, the REST API's page."""
        if self.source in NAMES:
            does = f"{html.escape(direction_label(self.source))} translation of whole articles, with a bilingual summary."
            if self.detected:
                does = f"{NAMES[self.source]} detected: translated into {NAMES[other(self.source)]}, with a bilingual summary."  # type: ignore[arg-type]
        else:
            does = "Translation of whole French or English articles (the language is detected), with a bilingual summary."
        return (
            f'<div class="app-header" data-tab-title="{html.escape(self.tab_title())}">'
            f'<h1>{APP_NAME} <span class="direction">{html.escape(self.direction())}</span></h1>'
            f"<p>{html.escape(does)} Hover or click a sentence to find it in the other language.</p>"
            f'<p class="api-links">Scripts: <a href="{REST_DOCS_HREF}" target="_blank" rel="noopener">{REST_DOCS_TEXT}</a>'
            " · the Gradio API under “Use via API” at the bottom</p></div>"
        )

    def pane_titles(self) -> dict[str, str]:
        """Titles of the original, translation and summary panes."""
        if self.source not in NAMES:
            return {"original": "Original", "translation": "Translation · traduction", "summary": SUMMARY_TITLE}
        source: Language = "en" if self.source == "en" else "fr"
        original = f"Original · {NAMES[source]} (detected)" if self.detected else f"Original · {OWN_NAMES[source]}"
        return {"original": original, "translation": TRANSLATION_TITLES[other(source)], "summary": SUMMARY_TITLE}


def render_pane_title(title: str) -> str:
    return f'<div class="pane-title">{html.escape(title)}</div>'


@dataclass(frozen=True)
class ModelItem:
    """One model of the line: what it does ("French → English"), its short name, its state,
    and the full name the details give while it is not loaded."""

    role: str
    name: str
    status: ModelStatus
    full_name: str = ""


def short_name(model: str) -> str:
    """ "opus-mt-fr-en" for "Helsinki-NLP/opus-mt-fr-en" or a folder ending in it."""
    return model.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1] or model


def render_model_line(items: Sequence[ModelItem]) -> str:
    """One line in a reader's words ("French → English: opus-mt-fr-en · ready"), the paths and
    engine one click away, and what to do about a model that failed (once, below)."""
    shown, details, problems = [], [], []
    for item in items:
        state = item.status.state
        shown.append(
            f'<span class="model {state.value}">{STATE_SIGNS[state]} {html.escape(item.role)}: '
            f"{html.escape(item.name)} · {SHOWN_STATES[state]}</span>"
        )
        if state == ModelState.FAILED:
            problems.append(item.status.detail)
        else:
            detail = item.status.detail if state == ModelState.READY and item.status.detail else item.full_name or item.name
            details.append(f"<li>{html.escape(item.role)}: {html.escape(detail)}</li>")
    more = f'<details class="model-details"><summary>Model details</summary><ul>{"".join(details)}</ul></details>' if details else ""
    return f'<div class="model-line">{"".join(shown)}{more}</div>' + render_notices(errors=problems)
