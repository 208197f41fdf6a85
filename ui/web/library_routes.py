"""The library over HTTP: translated Atom feeds (``/feeds/NAME.atom``, ``/feeds/all.atom``),
kept articles as JSON (list, search, read, delete) and as a reading page, and the digest.

Every route sits behind the server's one middleware stack, so a login or required keys cover
them by construction (feed readers send a key as ``?api_key=``). The library is opened at the
first request, so a server that never serves it never loads the database driver."""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from passerelle.translate import InvalidOptionError, PasserelleError

from ..config import AppConfig, parse_span
from .guards import HttpError
from .rest.errors import status_of

if TYPE_CHECKING:
    from ..library import Library, StoredArticle

ATOM_TYPE = "application/atom+xml; charset=utf-8"
MARKDOWN_TYPE = "text/markdown; charset=utf-8"
FEED_ENTRIES = 50
DIGEST_ARTICLES = 500


class LibraryRoutes:
    """The routes, reading one library opened on first use."""

    def __init__(self, config: AppConfig) -> None:
        self.config = config
        self._library: Library | None = None
        self._opening = threading.Lock()

    def routes(self) -> list[Route]:
        return [
            Route("/feeds/{name}.atom", self._atom, methods=["GET"]),
            Route("/library/articles", self._list, methods=["GET"]),
            Route("/library/articles/{article_id}", self._article_json, methods=["GET", "DELETE"]),
            Route("/library/{article_id}", self._article_page, methods=["GET"]),
            Route("/digest", self._digest, methods=["GET"]),
            Route("/digest.md", self._digest, methods=["GET"]),
        ]

    def library(self) -> Library:
        with self._opening:
            if self._library is None:
                from ..library import Library, LibrarySettings

                self._library = Library.open(LibrarySettings.from_config(self.config))
            return self._library

    def close(self) -> None:
        with self._opening:
            if self._library is not None:
                self._library.close()
                self._library = None

    def links(self, request: Request) -> Callable[[StoredArticle], str]:
        """Where a reader opens a kept article: under PASSERELLE_PUBLIC_URL when set, else
        under the address this request came to (what the reader's feed reader uses)."""
        base = self.config.server_url() if self.config.public_url else str(request.base_url)

        def article_url(article: StoredArticle) -> str:
            return f"{base}library/{article.id}"

        return article_url

    async def _call(self, work: Any, *args: Any) -> Any:
        """``work`` in a thread (the database blocks); the library's errors as JSON with their
        own status (404 for an unknown feed or article, 400 for a bad query)."""
        try:
            return await run_in_threadpool(work, *args)
        except PasserelleError as error:
            raise HttpError(status_of(error), str(error)) from error

    # Feeds out --------------------------------------------------------------------------------

    async def _atom(self, request: Request) -> Response:
        name = request.path_params["name"]
        body = await self._call(self._atom_bytes, name, str(request.url.remove_query_params("api_key")), self.links(request))
        return Response(body, media_type=ATOM_TYPE)

    def _atom_bytes(self, name: str, self_url: str, article_url: Callable[[StoredArticle], str]) -> bytes:
        from ..library import atom_feed

        library = self.library()
        if name == "all":
            articles, title = library.articles(limit=FEED_ENTRIES), "Passerelle: every followed source, in English"
        else:
            feed = library.feed(name)  # 404 for an unknown name
            articles, title = library.articles(feed=feed.name, limit=FEED_ENTRIES), f"{feed.name}, in English (Passerelle)"
        return atom_feed(articles, title=title, feed_id=self_url, self_url=self_url, article_url=article_url)

    # Articles ---------------------------------------------------------------------------------

    async def _list(self, request: Request) -> JSONResponse:
        query = request.query_params
        try:
            limit = int(query.get("limit") or 50)
            offset = int(query.get("offset") or 0)
            since = _since(query.get("since"))
        except ValueError as error:
            raise HttpError(400, f"Invalid request: {error}") from None
        articles = await self._call(self._find, query.get("q", ""), query.get("feed") or None, since, limit, offset)
        link = self.links(request)
        return JSONResponse({"articles": [self._summary_json(article, link) for article in articles]})

    def _find(self, text: str, feed: str | None, since: datetime | None, limit: int, offset: int) -> list[StoredArticle]:
        library = self.library()
        if not text.strip():
            return library.articles(feed=feed, since=since, limit=limit, offset=offset)
        found = library.search(text, limit=limit + offset)[offset:]
        return [article for article in found if (feed is None or article.feed == feed) and (since is None or article.added >= since)]

    async def _article_json(self, request: Request) -> Response:
        article_id = _article_id(request)
        if request.method == "DELETE":
            await self._call(lambda: self.library().delete(article_id))
            return Response(status_code=204)
        article = await self._call(lambda: self.library().get(article_id))
        return JSONResponse(self._summary_json(article, self.links(request)) | {"result": article.result})

    def _summary_json(self, article: StoredArticle, link: Callable[[StoredArticle], str]) -> dict[str, Any]:
        return {
            "id": article.id,
            "feed": article.feed,
            "title": article.title,
            "title_original": article.title_fr,
            "title_translated": article.title_en,
            "url": article.url,
            "author": article.author,
            "published": article.published.isoformat() if article.published else None,
            "added": article.added.isoformat(),
            "source_language": article.source_language,
            "summary_en": article.summary_en,
            "summary_fr": article.summary_fr,
            "flagged_facts": [fact.to_dict() for fact in article.flagged_facts],
            "link": link(article),
        }

    async def _article_page(self, request: Request) -> HTMLResponse:
        article_id = _article_id(request)
        article = await self._call(lambda: self.library().get(article_id))
        return HTMLResponse(article_page(article))

    # Digest -----------------------------------------------------------------------------------

    async def _digest(self, request: Request) -> Response:
        from ..library import digest_markdown

        try:
            since = _since(request.query_params.get("since") or "24h")
        except ValueError as error:
            raise HttpError(400, f"Invalid request: {error}") from None
        assert since is not None
        articles = await self._call(lambda: self.library().articles(since=since, limit=DIGEST_ARTICLES))
        text = digest_markdown(articles, since, article_url=self.links(request))
        if request.url.path.endswith(".md"):
            return Response(text, media_type=MARKDOWN_TYPE, headers={"Content-Disposition": 'attachment; filename="digest.md"'})
        return HTMLResponse(_page("Digest", markdown_html(text)))


def _article_id(request: Request) -> int:
    """The article number of the path (a 404 for anything else, as for an unknown number)."""
    text = request.path_params["article_id"]
    if not text.isdigit():
        raise HttpError(404, f"no article {text!r} in the library: articles are numbered (see /library/articles)")
    return int(text)


def _since(value: str | None) -> datetime | None:
    """A span back from now (``24h``) or an ISO moment; ValueError saying which forms work."""
    if not value:
        return None
    try:
        return datetime.now(UTC) - timedelta(seconds=parse_span(value))
    except InvalidOptionError:
        pass
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"since is a span like 24h or 7d, or a date like 2026-12-01T08:00+01:00; got {value!r}") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def markdown_html(text: str) -> str:
    """Markdown as HTML, raw HTML in it escaped (titles and summaries come from the web)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).render(text)


def article_page(article: StoredArticle) -> str:
    """A kept article as it was made: the original, its translation, both summaries."""

    def pane(title: str, text: str | None, lang: str) -> str:
        paragraphs = "".join(f"<p>{html.escape(part)}</p>" for part in (text or "").split("\n\n") if part.strip())
        return f'<section lang="{lang}"><h2>{html.escape(title)}</h2>{paragraphs or "<p><em>none</em></p>"}</section>'

    target = "fr" if article.source_language == "en" else "en"
    original = f'<p>Original: <a href="{html.escape(article.url)}">{html.escape(article.url)}</a></p>' if article.url else ""
    facts = "".join(f"<li>{html.escape(fact.message)}</li>" for fact in article.flagged_facts)
    body = (
        f"{original}"
        f'<div class="panes">{pane("Original", article.source_text, article.source_language)}'
        f"{pane('Translation', article.translation_text, target)}"
        f"<section><h2>Summary</h2>{pane('English', article.summary_en, 'en')}{pane('Français', article.summary_fr, 'fr')}</section></div>"
        + (f"<h2>Facts to check</h2><ul>{facts}</ul>" if facts else "")
    )
    return _page(article.title, body)


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} · Passerelle</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:80rem;padding:0 1rem;color:#1a1a1a}"
        ".panes{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:1.5rem}"
        "section h2{font-size:1rem;text-transform:uppercase;letter-spacing:.05em;color:#333}a{color:#0b57d0}</style>"
        f"</head><body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>"
    )
