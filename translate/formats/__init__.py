"""Documents that keep their form: HTML, Markdown, Word and subtitles in, the same kind of
file out, each block of text translated with its inline markup put back (see ``inline``)."""

from __future__ import annotations

from pathlib import PurePath

from .base import Form
from .docx import DocxForm
from .html import HtmlForm, translate_html
from .inline import Atom, Block, Close, Open, Part
from .markdown import MarkdownForm
from .subtitles import SrtForm, VttForm

FORMS: tuple[type[Form], ...] = (HtmlForm, MarkdownForm, DocxForm, SrtForm, VttForm)


def form_for(name: str) -> type[Form] | None:
    """The format a file name's extension says, or None for plain text."""
    suffix = PurePath(name).suffix.lower()
    return next((form for form in FORMS if suffix in form.suffixes), None)


__all__ = [
    "FORMS",
    "Atom",
    "Block",
    "Close",
    "DocxForm",
    "Form",
    "HtmlForm",
    "MarkdownForm",
    "Open",
    "Part",
    "SrtForm",
    "VttForm",
    "form_for",
    "translate_html",
]
