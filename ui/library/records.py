"""What the library hands out: typed, frozen values, never database rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class ItemStateKind(StrEnum):
    STORED = "stored"
    FAILED = "failed"


@dataclass(frozen=True)
class Feed:
    """A followed feed and how its last fetches went (``etag``/``last_modified`` make the
    next fetch conditional)."""

    name: str
    url: str
    added: datetime
    etag: str | None = None
    last_modified: str | None = None
    last_ok: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None

    @property
    def failing(self) -> bool:
        """The last fetch failed (the error is newer than the last success)."""
        return self.last_error_at is not None and (self.last_ok is None or self.last_error_at > self.last_ok)


@dataclass(frozen=True)
class ItemState:
    """What a poll knows of one feed item: stored, or failed ``attempts`` times (retried at
    the next polls until ``given_up``)."""

    feed: str
    key: str
    link: str | None
    state: ItemStateKind
    attempts: int
    last_error: str | None
    updated: datetime
    given_up: bool = False


@dataclass(frozen=True)
class FlaggedFact:
    """A number or name a reader should check: in a translated sentence (``where`` is
    "translation") or in a summary ("summary_en", "summary_fr")."""

    where: str
    kind: str
    message: str
    source: str = ""  # the sentence of the original (translation flags)
    target: str = ""  # its translation

    def to_dict(self) -> dict[str, str]:
        return {"where": self.where, "kind": self.kind, "message": self.message, "source": self.source, "target": self.target}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FlaggedFact:
        return cls(**{key: str(data.get(key) or "") for key in ("where", "kind", "message", "source", "target")})


@dataclass(frozen=True)
class StoredArticle:
    """One kept article: what the library indexes, and the whole result JSON
    (``ArticleResult.to_json()``) to show it again as it was."""

    id: int
    feed: str | None  # None: saved from the page, API or batch script, or its feed was removed
    key: str | None
    url: str | None
    title_fr: str | None  # the original's title (French, or English for an English source)
    title_en: str | None  # its translation
    author: str | None
    published: datetime | None
    added: datetime
    source_text: str
    translation_text: str
    summary_en: str | None
    summary_fr: str | None
    flagged_facts: tuple[FlaggedFact, ...]
    result: dict[str, Any]
    source_language: str

    @property
    def title(self) -> str:
        """The English-side title to list it by: the translated title, else the original's,
        else the translation's first words."""
        for candidate in (self.title_en, self.title_fr):
            if candidate and candidate.strip():
                return candidate.strip()
        words = self.translation_text.split()
        return " ".join(words[:12]) + (" …" if len(words) > 12 else "") if words else f"Article {self.id}"

    @property
    def updated(self) -> datetime:
        return self.added
