"""Numbers written in digits, from one language's conventions to the other's, by rule.

French writes "2,5" for 2.5, "780 000" (with a space, a non-breaking or a narrow one) for
780,000, "12,5 %" for 12.5%, "780 000 €" for €780,000, "1er" for 1st, "20 h 30" for 20:30.
A model trusted with these gets them right most of the time; Passerelle takes them out of
its hands: each number is found here, rewritten in the target language's conventions, and
put back after translation.

``number_values`` reads the numbers of a text as values, so a translation can be checked
against its source whatever the writing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..languages import Language

# Spaces French puts between digit groups: plain, no-break, narrow no-break, thin.
GROUP_SPACES = " \u00a0\u202f\u2009"
_SPACE = f"[{GROUP_SPACES}]"
_MINUS = "[-−]"
# What French puts between digit groups and before "%" or "€" when Passerelle writes it.
FRENCH_GROUP = "\u202f"
FRENCH_UNIT_SPACE = "\u00a0"

# --- French → English ------------------------------------------------------------------------
# An integer with digit groups ("780 000"), or plain digits, then an optional decimal part
# (French comma, or an English point already); never in the middle of a word or a number.
_FRENCH_NUMBER = rf"(?<![\w.,]){_MINUS}?(?:\d{{1,3}}(?:{_SPACE}\d{{3}})+|\d+)(?:,\d+|\.\d+)?(?![\w]|[.,]\d)"
# Units written after the number in French and before it (currencies) or glued (%, °) in English.
_CURRENCY_SUFFIXES = {"€": "€", "$": "$", "£": "£", "M€": "€{}m", "Md€": "€{}bn", "Mds€": "€{}bn", "k€": "€{}k"}
_FRENCH_UNIT = r"(?P<unit>Mds€|Md€|M€|k€|€|\$|£|%|°C|°F|°)"
FRENCH_NUMBER = re.compile(rf"(?P<number>{_FRENCH_NUMBER})(?:{_SPACE}?{_FRENCH_UNIT})?")
# French ordinals in digits: 1er, 1re, 1ère, 2e, 2ème, 2nd, 3e...
FRENCH_ORDINAL = re.compile(r"(?<![\w.,])(?P<number>\d+)(?P<suffix>er|re|ère|ème|e|nd|nde)(?!\w)")
# Times with minutes: 20h30, 8 h 05.
FRENCH_TIME = re.compile(rf"(?<![\w.,])(?P<hours>[01]?\d|2[0-3]){_SPACE}?h{_SPACE}?(?P<minutes>[0-5]\d)(?!\w)")

# --- English → French ------------------------------------------------------------------------
# Numbers in English: 780,000 / 2.5 / -3 (a comma only between digit groups of three); a unit
# may follow ("1.5m", "10km"), but not more digits.
_ENGLISH_NUMBER = r"(?<![\w.,])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\d|[.,]\d)"
ENGLISH_NUMBER = re.compile(_ENGLISH_NUMBER)
ENGLISH_AMOUNT = re.compile(rf"(?P<currency>[€$£])?(?P<number>{_ENGLISH_NUMBER})(?:(?P<scale>bn|m|k)(?!\w)|(?P<unit>%|°C|°F|°))?")
ENGLISH_ORDINAL = re.compile(r"(?<![\w.,])(?P<number>\d+)(?:st|nd|rd|th)(?!\w)")
ENGLISH_TIME = re.compile(r"(?<![\w.,:])(?P<hours>[01]?\d|2[0-3]):(?P<minutes>[0-5]\d)(?![\w:])")
_FRENCH_SCALES = {"bn": "Md", "m": "M", "k": "k"}


@dataclass(frozen=True)
class Localized:
    """A number as it is written in the source text, and as the target language writes it."""

    start: int
    end: int
    source: str
    target: str


def english_digits(french: str) -> str:
    """A French number in English digits: groups by commas, the decimal mark a point."""
    text = re.sub(_SPACE, "", french).replace("−", "-")
    negative = text.startswith("-")
    text = text.lstrip("-")
    whole, _, decimals = text.replace(",", ".").partition(".")
    grouped = f"{int(whole):,}" if len(whole) > 4 or (len(whole) == 4 and re.search(_SPACE, french)) else whole
    return ("-" if negative else "") + grouped + (f".{decimals}" if decimals else "")


def french_digits(english: str) -> str:
    """An English number in French digits: groups by narrow no-break spaces, a decimal comma."""
    negative = english.startswith("-")
    whole, _, decimals = english.lstrip("-").replace(",", "").partition(".")
    grouped = f"{int(whole):,}".replace(",", FRENCH_GROUP) if len(whole) > 4 or "," in english else whole
    return ("-" if negative else "") + grouped + (f",{decimals}" if decimals else "")


def english_ordinal(number: str) -> str:
    value = int(number)
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def _collect(text: str, candidates: list[tuple[int, int, str]]) -> list[Localized]:
    """The candidates in order, an earlier one winning any overlap."""
    found: list[Localized] = []
    for start, end, target in candidates:
        if not any(start < item.end and item.start < end for item in found):
            found.append(Localized(start, end, text[start:end], target))
    return sorted(found, key=lambda item: item.start)


def _french_to_english(text: str) -> list[Localized]:
    candidates = [(m.start(), m.end(), f"{int(m['hours']):02d}:{m['minutes']}") for m in FRENCH_TIME.finditer(text)] + [
        (m.start(), m.end(), english_ordinal(m["number"])) for m in FRENCH_ORDINAL.finditer(text)
    ]
    for match in FRENCH_NUMBER.finditer(text):
        digits, unit = english_digits(match["number"]), match["unit"]
        if unit is None:
            english = digits
        elif unit in _CURRENCY_SUFFIXES:
            form = _CURRENCY_SUFFIXES[unit]
            sign, value = ("-", digits[1:]) if digits.startswith("-") else ("", digits)
            english = sign + (form.format(value) if "{}" in form else form + value)
        else:
            english = digits + unit
        candidates.append((match.start(), match.end(), english))
    return _collect(text, candidates)


def _english_to_french(text: str) -> list[Localized]:
    candidates = [(m.start(), m.end(), f"{int(m['hours'])} h {m['minutes']}") for m in ENGLISH_TIME.finditer(text)] + [
        (m.start(), m.end(), f"{m['number']}{'er' if m['number'] == '1' else 'e'}") for m in ENGLISH_ORDINAL.finditer(text)
    ]
    for match in ENGLISH_AMOUNT.finditer(text):
        digits, currency, scale, unit = french_digits(match["number"]), match["currency"], match["scale"], match["unit"]
        if currency and scale:
            french = f"{digits}{FRENCH_UNIT_SPACE}{_FRENCH_SCALES[scale]}{currency}"
        elif currency:
            french = f"{digits}{FRENCH_UNIT_SPACE}{currency}"
        elif unit:
            french = f"{digits}{FRENCH_UNIT_SPACE}{unit}"
        elif scale:
            continue  # "10km", "5m": a unit the model translates, not a number to rewrite
        else:
            french = digits
        candidates.append((match.start(), match.end(), french))
    return _collect(text, candidates)


def localize(text: str, source: Language = "fr") -> list[Localized]:
    """Every number, time and ordinal written in digits in ``text`` (written in ``source``),
    with its form in the other language, in order and without overlaps."""
    return _french_to_english(text) if source == "fr" else _english_to_french(text)


def value(english: str) -> str:
    """The canonical value of an English number ("780,000" and "780000" are "780000")."""
    text = english.replace(",", "")
    negative = text.startswith("-")
    whole, _, decimals = text.lstrip("-").partition(".")
    decimals = decimals.rstrip("0")
    canonical = (whole.lstrip("0") or "0") + (f".{decimals}" if decimals else "")
    return ("-" if negative and canonical != "0" else "") + canonical


def _english_items(text: str) -> list[tuple[str, str]]:
    items = [(match.group(), value(match["number"])) for match in ENGLISH_ORDINAL.finditer(text)]
    rest = ENGLISH_ORDINAL.sub(lambda match: " " * len(match.group()), text).replace(":", " ")
    return items + [(match.group(), value(match.group())) for match in ENGLISH_NUMBER.finditer(rest)]


def number_items(text: str, language: Language) -> list[tuple[str, str]]:
    """The numbers written in digits in ``text``: (as written, value), ordinals and the parts
    of times included."""
    if language == "en":
        return _english_items(text)
    return [(item.source, number) for item in localize(text, "fr") for _, number in _english_items(item.target)]


def number_values(text: str, language: Language) -> list[str]:
    """The values of the numbers written in digits in ``text``."""
    return [number for _, number in number_items(text, language)]
