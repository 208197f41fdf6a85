"""The benchmark's sections beyond the core ones, in the order ``run.py`` measures them
(after the whole article, before memory); ``report.py`` renders and checks them."""

from __future__ import annotations

from .page import SECTION as PAGE
from .sections import Section

EXTRA_SECTIONS: tuple[Section, ...] = (PAGE,)
