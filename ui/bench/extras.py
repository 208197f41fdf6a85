"""The benchmark's sections beyond the core ones, in the order ``run.py`` measures them
(after the whole article, before memory); ``report.py`` renders and checks them."""

from __future__ import annotations

from . import fast_article, many, page, shortlist
from .sections import Section

EXTRA_SECTIONS: tuple[Section, ...] = (page.SECTION, fast_article.SECTION, shortlist.SECTION, many.SECTION)
