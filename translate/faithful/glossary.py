"""A user's glossary: terms translated their way (``source = target``, or ``source<TAB>target``)
or kept as they are (a lone ``source``), applied as protected spans so the model cannot change
them.

Terms match whole words only, whatever their case, also after a French elision ("l'OTAN",
"d'Ukraine"), the longest first when terms overlap.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidOptionError

COMMENT = "#"
# The one syntax: "source = target" (any spaces around "="), "source<TAB>target", or a lone
# "source" kept as written. "source: target" or "source -> target" look like terms to keep,
# and would silently never match: they are refused with their line.
SEPARATOR = re.compile(r"\t|\s*=\s*")
LOOKS_LIKE_A_SEPARATOR = re.compile(r"\S\s*(?::|->|=>|→)\s+\S")
SYNTAX = "write 'source = target' (or source<TAB>target), or 'source' alone to keep it as written"
# Bounded so that a pasted glossary cannot make every sentence's matching slow.
MAX_TERMS = 5_000
MAX_TERM_CHARS = 200


@dataclass(frozen=True)
class Term:
    source: str
    target: str | None  # None: keep the source as written


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    replacement: str


class Glossary:
    """Terms, and one compiled pattern that finds them all."""

    def __init__(self, terms: list[Term]) -> None:
        if len(terms) > MAX_TERMS:
            raise InvalidOptionError(f"the glossary has {len(terms):,} terms; at most {MAX_TERMS:,} are allowed")
        self.terms = {term.source.casefold(): term for term in terms}
        ordered = sorted(self.terms.values(), key=lambda term: len(term.source), reverse=True)
        alternatives = "|".join(_term_pattern(term.source) for term in ordered)
        self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) if ordered else None

    def __len__(self) -> int:
        return len(self.terms)

    def __bool__(self) -> bool:
        return bool(self.terms)

    @classmethod
    def parse(cls, text: str, name: str = "glossary") -> Glossary:
        """Lines of ``source = target`` (or ``source<TAB>target``) or ``source`` alone (kept
        as written); ``#`` starts a comment line. Anything else is refused with its line."""
        terms = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith(COMMENT):
                continue
            fields = SEPARATOR.split(line.strip(" \r"), maxsplit=1)
            if len(fields) == 1 and LOOKS_LIKE_A_SEPARATOR.search(line):
                raise InvalidOptionError(f"{name}, line {number}: {line.strip()!r} is not a glossary line; {SYNTAX}")
            if len(fields) == 2 and SEPARATOR.search(fields[1]):
                raise InvalidOptionError(f"{name}, line {number}: more than one separator; {SYNTAX}")
            source = " ".join(fields[0].split())
            target = " ".join(fields[1].split()) if len(fields) == 2 else None
            if not source or (target is not None and not target):
                raise InvalidOptionError(f"{name}, line {number}: an empty term; {SYNTAX}")
            if len(source) > MAX_TERM_CHARS:
                raise InvalidOptionError(f"{name}, line {number}: a term over {MAX_TERM_CHARS} characters")
            terms.append(Term(source, target))
        return cls(terms)

    @classmethod
    def load(cls, path: Path) -> Glossary:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InvalidOptionError(f"the glossary {path} cannot be read: {error}") from error
        return cls.parse(text, str(path))

    def fingerprint(self) -> str:
        """A digest of the terms, for keys of results that depend on them."""
        lines = sorted(f"{term.source}\t{term.target or ''}" for term in self.terms.values())
        return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]

    def reversed(self) -> Glossary:
        """The same terms the other way round (targets become sources), for the other direction."""
        return Glossary([Term(term.target, term.source) if term.target else term for term in self.terms.values()])

    def matches(self, text: str) -> Iterator[Match]:
        """Where terms occur in ``text``, left to right, never overlapping."""
        if self._pattern is None:
            return
        for found in self._pattern.finditer(text):
            term = self.terms[" ".join(found.group().split()).casefold()]
            yield Match(found.start(), found.end(), _replacement(term, found.group()))


def _term_pattern(source: str) -> str:
    """A term's words, any run of spaces between them."""
    return r"\s+".join(re.escape(word) for word in source.split())


def _replacement(term: Term, written: str) -> str:
    """The target; capitalised like the text when the text capitalises a lower-case term
    (at a sentence start, say). A term kept as is stays as written."""
    if term.target is None:
        return written
    if written[:1].isupper() and term.source[:1].islower() and term.target[:1].islower():
        return term.target[:1].upper() + term.target[1:]
    return term.target
