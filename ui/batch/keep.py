"""``--keep``: the batch run's results kept in the library, after the run, from the JSON each
job wrote (so the local engine and Ray keep the same way, and the driver alone opens the
library). An article read from a link is kept under its link (a second keep of it stores
nothing); a file's result is kept once per run that makes it (a file already done is skipped,
not kept again: ``--force`` redoes and keeps it)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..config import AppConfig
from .jobs import Outcome, Status

if TYPE_CHECKING:
    from ..library import Library


def open_library(config: AppConfig) -> Library:
    """The library the settings name (created or migrated when first opened)."""
    from ..library import Library, LibrarySettings

    return Library.open(LibrarySettings.from_config(config))


def keep_document(library: Library, document: dict[str, Any], author: str | None = None, published: datetime | None = None) -> int:
    """One result (``ArticleResult.to_json()``) kept outside any feed, under its link when it
    has one; its id in the library."""
    title = document.get("title") or {}
    return library.save_article(
        document,
        feed=None,
        key=document.get("source_url") or None,
        url=document.get("source_url") or None,
        title=title.get("source"),
        title_en=title.get("translation"),
        author=author,
        published=published,
    )


def keep_outcomes(outcomes: Sequence[Outcome], library: Library) -> tuple[list[int], list[str]]:
    """The ids kept, and what could not be kept (``input: why``), for each job made now, and
    each link already done (kept once, under its link)."""
    from ..library import LibraryError

    kept, failed = [], []
    for outcome in outcomes:
        job = outcome.job
        if not (outcome.status == Status.DONE or (outcome.status == Status.SKIPPED and job.url is not None)):
            continue
        try:
            document = json.loads(job.json_path.read_text(encoding="utf-8"))
            record = document.pop("job", {})
            published = datetime.fromisoformat(record["published"]) if record.get("published") else None
            kept.append(keep_document(library, document, record.get("author"), published))
        except (OSError, ValueError, LibraryError) as error:
            failed.append(f"{job.name}: not kept in the library: {error}")
    return kept, failed
