"""The page's Library tab: the kept articles newest first, by feed or by search (French or
English words), one opened in three panes as it was made (from its stored result JSON), an
"open as a page" link, and a delete that asks first.

The library is opened at the tab's first use, through the server's one opener, so the page
starts as fast without it; a SQLite library that does not exist yet is not created just to
say it is empty."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import gradio as gr

from passerelle.translate import PasserelleError

from ..config import AppConfig
from .headline import Heading, render_pane_title
from .render import PANE_CLASS, render_placeholder, render_stored

if TYPE_CHECKING:
    from ..library import Library, StoredArticle

logger = logging.getLogger("passerelle.web")

ALL_FEEDS = "all"
FROM_PAGE = "kept by hand"  # the feed column of an article kept from the page, API or script
EMPTY = "Nothing kept yet: follow feeds with <code>passerelle feeds add</code>, see docs/sources.md."
NOTHING_FOUND = "No kept article holds every one of these words."
LIST_LIMIT = 200
TITLE_CHARS = 110
READER_PLACEHOLDERS = {
    "original": "Choose an article above to read it here as it was made.",
    "translation": "Its translation appears here.",
    "summary": "Its summaries appear here.",
}
LibraryOpener = Callable[[], "Library"]


def row_label(article: StoredArticle) -> str:
    """One line of the list: title, feed, date kept."""
    title = article.title if len(article.title) <= TITLE_CHARS else article.title[: TITLE_CHARS - 1].rstrip() + "…"
    return f"{title} · {article.feed or FROM_PAGE} · {article.added:%Y-%m-%d %H:%M}"


def render_article_head(article: StoredArticle) -> str:
    """What the opened article is: its title, feed, dates, its original link and its page."""
    facts = [f"Feed: {html.escape(article.feed or FROM_PAGE)}", f"kept {article.added:%Y-%m-%d %H:%M} UTC"]
    if article.published is not None:
        facts.append(f"published {article.published:%Y-%m-%d}")
    if article.author:
        facts.append(f"by {html.escape(article.author)}")
    links = [f'<a href="library/{article.id}" target="_blank" rel="noopener" id="library-page-link">Open as a page</a>']
    if article.url:
        url = html.escape(article.url)
        links.insert(0, f'Original: <a href="{url}" target="_blank" rel="noopener noreferrer nofollow">{url}</a>')
    original_title = ""
    if article.title_fr and article.title_fr.strip() != article.title:
        original_title = f'<p class="muted" lang="{html.escape(article.source_language)}">{html.escape(article.title_fr)}</p>'
    return (
        f'<div class="library-article"><h2>{html.escape(article.title)}</h2>{original_title}'
        f'<p class="muted">{" · ".join(facts)}</p><p>{" · ".join(links)}</p></div>'
    )


def message(text: str, kind: str = "note") -> str:
    return f'<div class="notice {kind}" role="status">{text}</div>'


@dataclass
class LibraryComponents:
    """The tab's components, for the events to name."""

    feed: Any
    query: Any
    search: Any
    status: Any
    articles: Any
    head: Any
    delete: Any
    confirm: Any
    confirm_text: Any
    confirm_yes: Any
    confirm_no: Any
    titles: dict[str, Any]
    panes: dict[str, Any]


class LibraryView:
    """The Library tab's handlers; ``opener`` opens the library (once, for the whole server)."""

    def __init__(self, config: AppConfig, opener: LibraryOpener) -> None:
        self.config = config
        self.opener = opener

    def library(self) -> Library | None:
        """The library; None for a SQLite one not created yet (nothing was ever kept)."""
        from ..library import LibrarySettings

        settings = LibrarySettings.from_config(self.config)
        if settings.database_url is None and not settings.sqlite_path.exists():
            return None
        return self.opener()

    # Layout -----------------------------------------------------------------------------------

    def build(self) -> LibraryComponents:
        """The tab's content, in the Blocks context of the caller (inside its gr.Tab)."""
        with gr.Row(equal_height=False):
            feed = gr.Dropdown(
                label="Feed", choices=[("All feeds", ALL_FEEDS)], value=ALL_FEEDS, interactive=True, scale=1, elem_id="library-feed"
            )
            query = gr.Textbox(
                label="Search (French or English words)",
                placeholder="e.g. budget, conseil, council",
                max_lines=1,
                max_length=500,
                scale=3,
                elem_id="library-search",
            )
            search = gr.Button("Search", scale=0, elem_id="library-search-button")
        status = gr.HTML(message("Open this tab to see the kept articles."), elem_id="library-status")
        articles = gr.Radio(label="Kept articles, newest first", choices=[], visible=False, elem_id="library-list")
        head = gr.HTML("", elem_id="library-head")
        delete = gr.Button("Delete this article", variant="stop", visible=False, size="sm", elem_id="library-delete")
        with gr.Row(visible=False, elem_id="library-confirm") as confirm:
            confirm_text = gr.HTML("")
            confirm_yes = gr.Button("Yes, delete it", variant="stop", size="sm", scale=0, elem_id="library-confirm-delete")
            confirm_no = gr.Button("Cancel", size="sm", scale=0, elem_id="library-cancel")
        titles, panes = {}, {}
        with gr.Row(elem_id="library-panes"):
            for key, title in Heading().pane_titles().items():
                with gr.Column():
                    titles[key] = gr.HTML(render_pane_title(title))
                    panes[key] = gr.HTML(render_placeholder(READER_PLACEHOLDERS[key]), elem_id=f"library-{key}", elem_classes=[PANE_CLASS])
        return LibraryComponents(
            feed, query, search, status, articles, head, delete, confirm, confirm_text, confirm_yes, confirm_no, titles, panes
        )

    def wire(self, c: LibraryComponents, selected: Any, tab: Any) -> None:
        """The tab's events: listed when opened, searched, filtered; an article opened,
        deleted after a confirmation."""
        quiet: dict[str, Any] = {"show_progress": "hidden", "api_visibility": "private"}
        listing = [c.feed, c.status, c.articles]
        reader = [c.head, c.delete, c.confirm, *c.titles.values(), *c.panes.values(), selected]
        tab.select(self.show_list, [c.feed, c.query], listing, **quiet)
        c.search.click(self.show_list, [c.feed, c.query], listing, **quiet)
        c.query.submit(self.show_list, [c.feed, c.query], listing, **quiet)
        c.feed.input(self.show_list, [c.feed, c.query], listing, **quiet)
        c.articles.input(self.open_article, [c.articles], [c.status, *reader], **quiet)
        c.delete.click(self.ask_delete, [selected], [c.confirm, c.confirm_text], **quiet)
        c.confirm_no.click(lambda: gr.update(visible=False), None, [c.confirm], queue=False, **quiet)
        c.confirm_yes.click(self.delete_article, [selected, c.feed, c.query], [*listing, *reader], **quiet)

    # Handlers ---------------------------------------------------------------------------------

    def show_list(self, feed: str | None, query: str | None) -> tuple[Any, str, Any]:
        """The feed choices, a line on what is listed, the articles (newest first, or the
        search's best first)."""
        try:
            library = self.library()
            if library is None:
                return gr.update(), message(EMPTY), gr.update(choices=[], value=None, visible=False)
            names = [found.name for found in library.feeds()]
            feed = feed if feed in names else ALL_FEEDS
            chosen = None if feed == ALL_FEEDS else feed
            words = (query or "").strip()
            if words:
                found = [article for article in library.search(words, limit=LIST_LIMIT) if chosen is None or article.feed == chosen]
            else:
                found = library.articles(feed=chosen, limit=LIST_LIMIT)
        except PasserelleError as error:
            return gr.update(), message(html.escape(str(error)), "error"), gr.update()
        feeds = gr.update(choices=[("All feeds", ALL_FEEDS), *((name, name) for name in names)], value=feed)
        if not found:
            text = NOTHING_FOUND if words else (EMPTY if chosen is None else f"Nothing kept from {html.escape(chosen)} yet.")
            return feeds, message(text), gr.update(choices=[], value=None, visible=False)
        what = f"{len(found)} article{'s' if len(found) != 1 else ''}"
        what += f" holding “{html.escape(words)}”, best first" if words else ", newest first"
        what += f" · feed {html.escape(chosen)}" if chosen else ""
        choices = [(row_label(article), str(article.id)) for article in found]
        return feeds, message(what + ". Choose one to read it."), gr.update(choices=choices, value=None, visible=True)

    def open_article(self, article_id: str | None) -> tuple[Any, ...]:
        """The article in the three panes as it was made, with its head and a delete button."""
        if not article_id:
            return (gr.skip(),) * 11
        try:
            library = self.library()
            if library is None:
                raise LookupError(EMPTY)
            article = library.get(int(article_id))
        except (PasserelleError, LookupError, ValueError) as error:
            return (message(html.escape(str(error)), "error"), *self._closed())
        original, translation, summary = render_stored(article.result)
        titles = Heading(article.source_language).pane_titles()
        return (
            gr.skip(),
            render_article_head(article),
            gr.update(visible=True),
            gr.update(visible=False),
            *(render_pane_title(titles[key]) for key in ("original", "translation", "summary")),
            original,
            translation,
            summary,
            article.id,
        )

    def ask_delete(self, article_id: int | None) -> tuple[Any, str]:
        if article_id is None:
            return gr.update(visible=False), ""
        library = self.library()
        title = library.get(article_id).title if library is not None else str(article_id)
        return gr.update(visible=True), f"<p><strong>Delete “{html.escape(title)}” from the library?</strong> This cannot be undone.</p>"

    def delete_article(self, article_id: int | None, feed: str | None, query: str | None) -> tuple[Any, ...]:
        """Removes the article, then lists the rest; the panes empty."""
        if article_id is None:
            return (gr.skip(),) * 3 + self._closed()
        try:
            library = self.library()
            if library is None:
                raise LookupError(EMPTY)
            title = library.get(article_id).title
            library.delete(article_id)
        except (PasserelleError, LookupError) as error:
            feeds, _, listed = self.show_list(feed, query)
            return (feeds, message(html.escape(str(error)), "error"), listed, *self._closed())
        feeds, status, listed = self.show_list(feed, query)
        status = message(f"Deleted “{html.escape(title)}”.") + status
        return (feeds, status, listed, *self._closed())

    @staticmethod
    def _closed() -> tuple[Any, ...]:
        """No article open: the head empty, no delete, placeholders in the panes."""
        titles = Heading().pane_titles()
        return (
            "",
            gr.update(visible=False),
            gr.update(visible=False),
            *(render_pane_title(titles[key]) for key in ("original", "translation", "summary")),
            *(render_placeholder(READER_PLACEHOLDERS[key]) for key in ("original", "translation", "summary")),
            None,
        )
