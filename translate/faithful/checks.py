"""What a reader is told about each sentence: numbers or names of the original missing from
the translation, numbers the model added, spans it garbled (and that were saved another
way), a model unsure of itself. Flags are hints a reader can check, never silent edits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from ..languages import Language, other
from .names import name_in, names
from .numbers import number_values
from .spans import Span


class FlagKind(StrEnum):
    NUMBER_MISSING = "number_missing"
    NUMBER_ADDED = "number_added"
    NAME_MISSING = "name_missing"
    SPAN_RESCUED = "span_rescued"
    LOW_CONFIDENCE = "low_confidence"


EXPLANATIONS = {
    FlagKind.NUMBER_MISSING: "the number {} of the original is not in the translation",
    FlagKind.NUMBER_ADDED: "the translation has a number, {}, that the original does not",
    FlagKind.NAME_MISSING: "the name {} of the original is not in the translation",
    FlagKind.SPAN_RESCUED: "the model garbled {}; the text around it was translated separately",
    FlagKind.LOW_CONFIDENCE: "the model was unsure of this sentence (mean log-probability {})",
}


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    detail: str

    @property
    def message(self) -> str:
        return EXPLANATIONS[self.kind].format(self.detail)

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind.value, "detail": self.detail, "message": self.message}


def check_sentence(source: str, target: str, protected: Sequence[Span] = (), language: Language = "fr") -> list[Flag]:
    """Numbers and names of a sentence (in ``language``) against its translation. Names
    inside ``protected`` spans are not looked for: those came out as the rule wrote them."""
    flags: list[Flag] = []
    source_numbers = Counter(number_values(source, language))
    target_numbers = Counter(number_values(target, other(language)))
    flags += [Flag(FlagKind.NUMBER_MISSING, number) for number in sorted(source_numbers - target_numbers)]
    flags += [Flag(FlagKind.NUMBER_ADDED, number) for number in sorted(target_numbers - source_numbers)]
    unprotected = list(source)
    for span in protected:
        unprotected[span.start : span.end] = " " * (span.end - span.start)
    found = names("".join(unprotected), language)
    missing = [name for name in dict.fromkeys(found) if not name_in(name, target, language)]
    flags += [Flag(FlagKind.NAME_MISSING, name) for name in missing]
    return flags
