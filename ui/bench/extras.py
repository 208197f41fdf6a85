"""The benchmark's sections beyond the core ones, in the order ``run.py`` measures them
(after the whole article, before memory); ``report.py`` renders and checks them. Those of
``NAMED_SECTIONS`` take minutes and are measured only when named (``--only soak``, ``--only feeds``)."""

from __future__ import annotations

from . import fast_article, feeds, many, page, shortlist, soak
from .sections import Section

EXTRA_SECTIONS: tuple[Section, ...] = (page.SECTION, fast_article.SECTION, shortlist.SECTION, many.SECTION)
NAMED_SECTIONS: tuple[Section, ...] = (soak.SECTION, feeds.SECTION)
ALL_SECTIONS: tuple[Section, ...] = EXTRA_SECTIONS + NAMED_SECTIONS
