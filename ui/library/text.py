"""Text made safe for XML 1.0: lxml refuses control characters and lone surrogates, which a
scraped page can carry."""

from __future__ import annotations

import re

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def excerpt(text: str, limit: int = 400) -> str:
    """The first ``limit`` characters, cut at a word and marked when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"
