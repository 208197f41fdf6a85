"""``--keep``: the batch run's results kept in the library, after the run, from the JSON each
job wrote (so the local engine and Ray keep the same way, and the driver alone opens the
library). An article read from a link is kept under its link (a second keep of it stores
nothing); a file's result is kept once per run that makes it (a file already done is skipped,
not kept again: ``--force`` redoes and keeps it)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..config import AppConfig
from .jobs import Job, Outcome, Status

if TYPE_CHECKING:
    from ..library import Library


def open_library(config: AppConfig) -> Library:
    """The library the settings name (created or migrated when first opened)."""
    from ..library import Library, LibrarySettings

    return Library.open(LibrarySettings.from_config(config))


@dataclass(frozen=True)
class Finished:
    """A job's result as its JSON holds it: the article result (``ArticleResult.to_json()``)
    and what the job's record kept of its page."""

    document: dict[str, Any]
    author: str | None = None
    published: datetime | None = None


def read_finished(job: Job) -> Finished:
    """The result ``job`` wrote; OSError or ValueError when it cannot be read."""
    document = json.loads(job.json_path.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError(f"{job.json_path}: not a result")
    record = document.pop("job", None) or {}
    published = datetime.fromisoformat(record["published"]) if record.get("published") else None
    return Finished(document, record.get("author"), published)


def keep_document(
    library: Library,
    document: dict[str, Any],
    author: str | None = None,
    published: datetime | None = None,
    *,
    feed: str | None = None,
    key: str | None = None,
    title: str | None = None,
) -> int:
    """One result (``ArticleResult.to_json()``) kept, in one transaction; its id in the
    library. Outside any feed it is kept under its link when it has one; a feed's item is
    kept under its ``key`` (``title``: the item's, when the page had none)."""
    titles = document.get("title") or {}
    link = document.get("source_url") or None
    return library.save_article(
        document,
        feed=feed,
        key=key if key is not None else link,
        url=link,
        title=titles.get("source") or title,
        title_en=titles.get("translation"),
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
            finished = read_finished(job)
            kept.append(keep_document(library, finished.document, finished.author, finished.published))
        except (OSError, ValueError, LibraryError) as error:
            failed.append(f"{job.name}: not kept in the library: {error}")
    return kept, failed
