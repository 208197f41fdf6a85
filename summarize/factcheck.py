"""A summary's facts against the text it summarises: every number and name of the English
summary must occur in the English translation (entity-level precision: summarisers are known
to invent figures), and every one of the French summary in the English summary. What cannot be
found is listed, never removed: the reader decides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from passerelle.translate.faithful.names import name_in, names
from passerelle.translate.faithful.numbers import number_items, number_values
from passerelle.translate.languages import Language


@dataclass(frozen=True)
class FactCheck:
    """How many facts (numbers and names) were checked, and those not found, as the summary
    writes them (so a page can mark them)."""

    checked: int
    unsupported: tuple[str, ...]

    @property
    def precision(self) -> float:
        """The share of facts found (1.0 when there is nothing to check)."""
        return 1.0 if not self.checked else round((self.checked - len(self.unsupported)) / self.checked, 3)

    def to_dict(self) -> dict[str, Any]:
        return {"checked": self.checked, "unsupported": list(self.unsupported), "precision": self.precision}


def check_facts(text: str, language: Language, reference: str, reference_language: Language) -> FactCheck:
    """The numbers and names of ``text``, looked for in ``reference`` (numbers by value,
    names in either language's form)."""
    available = set(number_values(reference, reference_language))
    distinct: dict[str, str] = {}
    for written, value in number_items(text, language):
        distinct.setdefault(value, written)  # the first writing of each value
    unsupported = [written for value, written in distinct.items() if value not in available]
    distinct_names = list(dict.fromkeys(names(text, language)))
    unsupported += [name for name in distinct_names if not name_in(name, reference, language)]
    return FactCheck(len(distinct) + len(distinct_names), tuple(unsupported))


def check_english_summary(summary: str, translation: str) -> FactCheck:
    """The English summary's numbers and names, looked for in the English translation."""
    return check_facts(summary, "en", translation, "en")


def check_french_summary(summary_fr: str, summary_en: str) -> FactCheck:
    """The French summary's numbers (read in French conventions) and names, looked for in the
    English summary it translates."""
    return check_facts(summary_fr, "fr", summary_en, "en")
