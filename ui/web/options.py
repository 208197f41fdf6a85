"""What a request may ask for (summary length, quality) and how its errors reach the user."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from passerelle.summarize import LENGTH_PRESETS
from passerelle.translate import InvalidOptionError
from passerelle.translate.faithful import Glossary

from ..article import ArticleOptions
from ..article.language import AUTO
from ..article.options import GREEDY_BEAMS as GREEDY_BEAMS  # the page's "fast": ArticleOptions' own bound
from ..config import AppConfig

if TYPE_CHECKING:  # the REST API reads this module before Gradio is imported, if ever
    import gradio as gr

NO_SUMMARY = "none"
# Radio labels → summary lengths, in the presets' order, then "no summary".
SUMMARY_CHOICES = {name.capitalize(): name for name in LENGTH_PRESETS} | {NO_SUMMARY.capitalize(): NO_SUMMARY}
QUALITY_FAST = "Fast (greedy)"
QUALITY_BEST = "Best (beam search)"  # the model's own number of beams (4 for opus-mt)
# Radio labels → the language translated from ("auto": detected per article).
DIRECTIONS = {"French → English": "fr", "English → French": "en", "Detect": AUTO}


def user_error(message: str, *, page: bool = True, duration: float | None = 10, toast: bool = True) -> gr.Error:
    """A gr.Error whose text stays text: Gradio renders error messages as HTML, and ours can
    quote file names and input. On the page, newlines become line breaks. Without ``toast``,
    only API clients see it (the page already shows it elsewhere)."""
    import gradio as gr

    escaped = html.escape(message, quote=False)
    text = escaped.replace("\n", "<br>") if page else escaped
    return gr.Error(text, duration=duration, visible=toast, print_exception=False)


def article_options(config: AppConfig, summary: str, beams: int | None, glossary: str = "", source: str = "fr") -> ArticleOptions:
    """A request's options (``summary`` "none": no summary), or a gr.Error saying which one
    is wrong: ArticleOptions checks them, as for every front end."""
    try:
        return ArticleOptions(
            summarize=summary != NO_SUMMARY,
            summary_length=summary if summary != NO_SUMMARY else config.summary_length,
            num_beams=beams,
            glossary=Glossary.parse(glossary or "", "the glossary") or None,
            source=source,
        )
    except InvalidOptionError as error:
        hint = {"summary_length": f" (or {NO_SUMMARY})", "num_beams": " (or 0 for the model's default)"}
        raise user_error(f"{error}{hint.get(getattr(error, 'option', ''), '')}") from error


def parse_whole_number(value: Any, default: int = 0) -> int:
    """An integer as clients send it (3, 3.0 or "3"; absent or blank: ``default``), or
    ValueError: each API says so in its own way."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise ValueError(value)
    number = float(str(value).strip())
    if not number.is_integer():
        raise ValueError(value)
    return int(number)


def glossary_text(config: AppConfig) -> str:
    """The glossary file of the settings, to fill the page's glossary box (empty without one)."""
    if not config.glossary:
        return ""
    config.load_glossary()  # a bad file stops the server at start, with the line at fault
    return Path(config.glossary).expanduser().read_text(encoding="utf-8")
