"""The facts a reader should check, read from an article's result JSON: translated sentences
with flags (numbers or names missing or added) and summary facts not found in the text."""

from __future__ import annotations

from typing import Any

from .records import FlaggedFact

SUMMARY_SIDES = {"en": "summary_en", "fr": "summary_fr"}


def flagged_facts(result: dict[str, Any]) -> list[FlaggedFact]:
    facts = []
    for segment in result.get("segments") or []:
        for flag in segment.get("flags") or []:
            facts.append(
                FlaggedFact(
                    where="translation",
                    kind=str(flag.get("kind", "")),
                    message=str(flag.get("message", "")),
                    source=str(segment.get("source", "")).strip(),
                    target=str(segment.get("target", "")).strip(),
                )
            )
    summary = result.get("summary") or {}
    for language, where in SUMMARY_SIDES.items():
        check = (summary.get("check") or {}).get(language) or {}
        for written in check.get("unsupported") or []:
            message = f"{written} is not in the text the summary rests on"
            facts.append(FlaggedFact(where=where, kind="summary_unsupported", message=message, target=str(written)))
    return facts
