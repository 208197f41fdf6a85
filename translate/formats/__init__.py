"""Documents that keep their form: HTML, Markdown, Word and subtitles in, the same kind of
file out, each block of text translated with its inline markup put back (see ``inline``)."""

from __future__ import annotations

from pathlib import PurePath

from .base import Form
from .html import HtmlForm, translate_html
from .inline import Atom, Block, Close, Open, Part

FORMS: tuple[type[Form], ...] = (HtmlForm,)


def form_for(name: str) -> type[Form] | None:
    """The format a file name's extension says, or None for plain text."""
    suffix = PurePath(name).suffix.lower()
    return next((form for form in FORMS if suffix in form.suffixes), None)


__all__ = ["FORMS", "Atom", "Block", "Close", "Form", "HtmlForm", "Open", "Part", "form_for", "translate_html"]
