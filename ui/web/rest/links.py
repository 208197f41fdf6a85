"""Articles by their link, and keeping results, for the REST API: one guarded fetcher for the
server (made at the first link, so a server never asked for one never imports httpx's client
or trafilatura), the fetcher's errors with their own status, and the library the server's
library routes read."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool

from passerelle.translate import PasserelleError
from passerelle.translate.languages import Language

from ...article import ArticleOptions, ArticleResult, LoadedModels
from ...config import AppConfig
from ..guards import HttpError
from .errors import status_of
from .fields import Fields

if TYPE_CHECKING:
    from ...library import Library
    from ...sources import Fetcher, WebArticle


class Links:
    """The server's one fetcher and its way to the library; ``close`` at shutdown."""

    def __init__(self, config: AppConfig, library: Callable[[], Library] | None = None) -> None:
        self.config = config
        self._library = library  # the server's (shared with its library routes), else opened here
        self._own_library: Library | None = None
        self._fetcher: Fetcher | None = None
        self._lock = threading.Lock()

    def fetcher(self) -> Fetcher:
        with self._lock:
            if self._fetcher is None:
                from ...sources import Fetcher, FetchSettings

                self._fetcher = Fetcher(FetchSettings.from_config(self.config))
            return self._fetcher

    def library(self) -> Library:
        if self._library is not None:
            return self._library()
        with self._lock:
            if self._own_library is None:
                from ...batch.keep import open_library

                self._own_library = open_library(self.config)
            return self._own_library

    def close(self) -> None:
        with self._lock:
            if self._fetcher is not None:
                self._fetcher.close()
                self._fetcher = None
            if self._own_library is not None:
                self._own_library.close()
                self._own_library = None

    async def read(self, url: str) -> WebArticle:
        """The article at ``url``; the fetcher's refusals and failures as the API's errors,
        each with its own status (400 a refused address, 422 no article, 504 no answer in
        time, 502 the site failed, ...), over the character limit a 400."""
        from ...sources import BackingOffError, fetch_article

        try:
            page = await run_in_threadpool(fetch_article, self.fetcher(), url)
        except BackingOffError as error:
            raise HttpError(status_of(error), str(error), {"Retry-After": str(math.ceil(error.retry_after))}) from None
        except PasserelleError as error:
            raise HttpError(status_of(error), str(error)) from None
        if len(page.text) > self.config.max_chars:
            raise HttpError(
                400, f"Invalid request: the article at {page.final_url} ({len(page.text)}) exceeds text limit ({self.config.max_chars})"
            )
        return page

    async def keep(self, result: ArticleResult, page: WebArticle | None = None) -> int:
        """``result`` kept in the library (outside any feed; under its link when it has one)."""
        from ...batch.keep import keep_document

        def save() -> int:
            author, published = (page.author, page.published) if page is not None else (None, None)
            return keep_document(self.library(), result.to_json(), author, published)

        try:
            return await run_in_threadpool(save)
        except PasserelleError as error:
            raise HttpError(status_of(error), f"The result could not be kept in the library: {error}") from None


def one_of_text_or_link(fields: Fields, *names: str) -> str | None:
    """The request's ``url``, when it has one and none of the text fields ``names`` (both: a 400)."""
    url = fields.text("url")
    given = [name for name in names if fields.values.get(name) not in (None, "", [])]
    if url is not None and given:
        raise HttpError(400, f"Invalid request: give {given[0]} (a text) or url (a link to an article), not both")
    return url


def name_source(
    result: ArticleResult, page: WebArticle, services: LoadedModels, options: ArticleOptions, source: Language, caller: str
) -> None:
    """The result names its link and carries the page's title, translated in ``caller``'s
    turn at the models."""
    from ...batch.links import translate_titles

    result.source_url, result.title = page.final_url, page.title
    if page.title:
        with services.gate.slot(caller):
            result.title_translation = translate_titles([page.title], services, options, source)[0]


def link_answer(page: WebArticle, result: ArticleResult | None) -> dict[str, Any]:
    """What an answer about a link adds: ``source_url`` and ``title`` (the page's and
    translated; the page's twice when the article is already in the target language)."""
    title = None
    if page.title:
        title = {"source": page.title, "translation": result.title_translation if result is not None else page.title}
    return {"source_url": page.final_url, "title": title}
