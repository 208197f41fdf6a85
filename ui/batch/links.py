"""Links among the batch script's inputs (``passerelle translate https://... -o out/``): each
link is a job named from its host and path, whose page is fetched when its turn comes (by the
process's one guarded fetcher, so a Ray actor fetches its own), reduced to its article and
translated like a text file. A link already done with the same settings is skipped without
being fetched again (``--force`` fetches and redoes it)."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from passerelle.translate.languages import Language

from ..article import ArticleOptions, ArticleResult, LoadedModels
from ..config import AppConfig
from .files import job_key
from .jobs import Job, is_link, link_job, link_stem

if TYPE_CHECKING:
    from ..sources import Fetcher, FetchSettings, WebArticle

_fetchers: dict[FetchSettings, Fetcher] = {}
_fetchers_lock = threading.Lock()


def process_fetcher(config: AppConfig) -> Fetcher:
    """This process's fetcher for ``config`` (made once; it is thread-safe and keeps no
    connection open between requests, so nothing needs closing)."""
    from ..sources import Fetcher, FetchSettings

    settings = FetchSettings.from_config(config)
    with _fetchers_lock:
        fetcher = _fetchers.get(settings)
        if fetcher is None:
            fetcher = _fetchers[settings] = Fetcher(settings)
        return fetcher


def fetch_link(url: str, config: AppConfig) -> WebArticle:
    """The article at ``url``; FetchError subclasses and PageError say why not."""
    from ..sources import fetch_article

    return fetch_article(process_fetcher(config), url)


def link_key(job: Job, config: AppConfig, options: ArticleOptions) -> str:
    """What a link's finished outputs depend on: the link, the language asked for, the models
    and the options (not the page: it is not fetched again to find out)."""
    assert job.url is not None, "a link job has its link"
    data = f"link\0{job.url}\0{job.target or ''}".encode()
    return job_key(data, config, options, cast(Language, options.source))


def done_link(job: Job, key: str) -> Job | None:
    """The job as it was done (its target settled) when its JSON has ``key`` and its
    translation is there; None otherwise."""
    try:
        previous = json.loads(job.json_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(previous, dict) or previous.get("job", {}).get("key") != key:
        return None
    target = previous.get("target_language")
    if target not in ("fr", "en"):
        return None
    done = Job(job.name, job.stem, job.ext, target=cast(Language, target), url=job.url)
    return done if done.translation_path.exists() else None


def page_record(page: WebArticle) -> dict[str, Any]:
    """What the batch JSON's ``job`` record keeps of a page beside the result: who wrote it
    and when (``--keep`` stores them in the library)."""
    return {
        "author": page.author,
        "published": page.published.isoformat() if page.published else None,
        "fetched": page.fetched_at.isoformat(timespec="seconds"),
    }


def name_sources(
    results: Sequence[ArticleResult], pages: Sequence[WebArticle | None], services: LoadedModels, options: ArticleOptions
) -> None:
    """Each result of a web page names its link and carries its title, translated (the
    titles of a group in one run, in the direction of their articles)."""
    titled = [(result, page) for result, page in zip(results, pages, strict=True) if page is not None]
    for result, page in titled:
        result.source_url, result.title = page.final_url, page.title
    by_source: dict[Language, list[ArticleResult]] = {}
    for result, _ in titled:
        if result.title:
            result.title_translation = translated_lead(result, result.title)
            if result.title_translation is None:  # not the article's first line: translated on its own
                by_source.setdefault(result.source_language, []).append(result)
    for source, members in by_source.items():
        translated = translate_titles([cast(str, result.title) for result in members], services, options, source)
        for result, title in zip(members, translated, strict=True):
            result.title_translation = title


def translated_lead(result: ArticleResult, title: str) -> str | None:
    """The title's translation when the article begins with it (trafilatura keeps a page's
    heading as its first paragraph): already made, so no second run for it."""
    segments = result.translation.segments
    if not segments:
        return None
    lead = [segment for segment in segments if segment.paragraph == segments[0].paragraph]
    if " ".join(" ".join(segment.source for segment in lead).split()) != " ".join(title.split()):
        return None
    return " ".join(segment.target.strip() for segment in lead)


def translate_titles(titles: list[str], services: LoadedModels, options: ArticleOptions, source: Language) -> list[str]:
    """Titles translated from ``source``, in one run, with the options' beams and glossary."""
    translator = services.translator(source)
    return translator.translate_texts(titles, options.generation(), options.glossary_for(source))


__all__ = [
    "done_link",
    "fetch_link",
    "is_link",
    "link_job",
    "link_key",
    "link_stem",
    "name_sources",
    "page_record",
    "process_fetcher",
    "translate_titles",
]
