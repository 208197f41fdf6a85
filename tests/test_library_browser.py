"""The page's Library tab and link field in headless Chromium (Debian's, driven by Playwright):
articles made by the tiny models and kept, found by a French or an English word, opened in the
three panes, deleted after a confirmation; an article read from a link served on 127.0.0.1,
kept with the page's checkbox; the errors of a link said once."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from passerelle.ui.article import ArticleOptions, ArticleResult, LoadedModels, process_article
from passerelle.ui.config import AppConfig
from passerelle.ui.library import Library, LibrarySettings
from passerelle.ui.web import WebServer, serve
from passerelle.ui.web.library_view import EMPTY, LibraryView
from tests.helpers import free_port

# The browser tests' module skips where Debian's Chromium is missing, and so this one with it.
from tests.test_web_browser import (
    MODEL_TIMEOUT_MS,
    UI_TIMEOUT_MS,
    WIDE,
    browser,  # noqa: F401  # the same browser fixture
    playwright_api,
    serious_violations,
)

pytestmark = pytest.mark.browser

SCHOOLS = """# Les écoles de Grenoble

Le conseil municipal de Grenoble a voté lundi un budget de 40 millions d'euros pour rénover les écoles. Les travaux commenceront en septembre."""
HARVEST = """# Les vendanges en Bourgogne

Les vignerons de Bourgogne ont commencé les vendanges avec deux semaines d'avance. La récolte s'annonce abondante malgré la chaleur de l'été."""
PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>La rivière de Nantes</title></head><body>
<nav><a href="/">Accueil</a> <a href="/sport">Sport</a> <a href="/meteo">Météo</a></nav>
<main><article><h1>La rivière de Nantes</h1>
<p>La ville de Nantes a présenté mardi un plan pour nettoyer la rivière qui traverse le centre. Les habitants pourront de nouveau s'y baigner dans trois ans, selon la mairie.</p>
<p>Le projet coûtera douze millions d'euros. Les associations de pêcheurs saluent une décision attendue depuis longtemps par les riverains du quartier.</p>
</article></main>
<footer>© Journal de l'Ouest · Mentions légales · Contact</footer></body></html>"""
LIST_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Rubriques</title></head><body>
<nav><a href="/a">Politique</a> <a href="/b">Économie</a></nav></body></html>"""


@pytest.fixture(scope="module")
def config(tiny_config: Callable[..., AppConfig], tmp_path_factory: pytest.TempPathFactory) -> AppConfig:
    data = tmp_path_factory.mktemp("library-data")
    return tiny_config(port=free_port(), concurrency_limit=2, data_dir=str(data), fetch_allow=("127.0.0.1",))


@pytest.fixture(scope="module")
def server(config: AppConfig) -> Iterator[WebServer]:
    server = serve(config, LoadedModels(config))
    yield server
    server.close()


@pytest.fixture(scope="module")
def results(config: AppConfig) -> dict[str, ArticleResult]:
    """Real results of the tiny models on the project's own French articles."""
    services = LoadedModels(config)
    options = ArticleOptions(summary_length="short")
    return {name: process_article(text, services, options) for name, text in (("schools", SCHOOLS), ("harvest", HARVEST))}


def keep(config: AppConfig, result: ArticleResult, title: str, title_en: str) -> int:
    with Library.open(LibrarySettings.from_config(config)) as library:
        return library.save_article(
            result.to_json(), feed=None, key=None, url=None, title=title, title_en=title_en, author=None, published=None
        )


@pytest.fixture(scope="module")
def kept(config: AppConfig, results: dict[str, ArticleResult]) -> dict[str, int]:
    return {
        "schools": keep(config, results["schools"], "Les écoles de Grenoble", "Grenoble schools renovated"),
        "harvest": keep(config, results["harvest"], "Les vendanges en Bourgogne", "Burgundy grape harvest"),
    }


@pytest.fixture
def page(browser: playwright_api.Browser, server: WebServer) -> Iterator[playwright_api.Page]:  # noqa: F811  # the fixture imported above
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    page.goto(server.local_url, wait_until="load")
    page.wait_for_selector("#translate-button", timeout=UI_TIMEOUT_MS)
    yield page
    context.close()


def open_library(page: playwright_api.Page) -> None:
    page.get_by_role("tab", name="Library").click()
    page.wait_for_selector("#library-list label", timeout=UI_TIMEOUT_MS)


def search(page: playwright_api.Page, words: str) -> list[str]:
    """The titles listed after a search (each row starts with its title), once the list shows
    as many rows as the status line counts."""
    page.fill("#library-search textarea, #library-search input", words)
    page.click("#library-search-button")
    page.wait_for_function(
        """words => {
            const status = document.querySelector('#library-status').innerText;
            if (!status.includes(words)) return false;
            const count = parseInt(status, 10);
            return count === document.querySelectorAll('#library-list label').length;
        }""",
        arg=words,
        timeout=UI_TIMEOUT_MS,
    )
    return [label.split(" · ")[0] for label in page.locator("#library-list label").all_inner_texts()]


def test_an_empty_library_says_how_to_fill_it_and_is_not_created(tmp_path: Path, tiny_config: Callable[..., AppConfig]) -> None:
    config = tiny_config(data_dir=str(tmp_path / "none-yet"))
    opened: list[Library] = []

    def opener() -> Library:
        opened.append(Library.open(LibrarySettings.from_config(config)))
        return opened[-1]

    view = LibraryView(config, opener)
    _, status, listed = view.show_list("all", "")
    assert EMPTY in status and listed["visible"] is False
    assert opened == [] and not (tmp_path / "none-yet").exists()


def test_search_by_a_french_or_an_english_word_and_read_it_in_three_panes(page: playwright_api.Page, kept: dict[str, int]) -> None:
    open_library(page)
    titles = [label.split(" · ")[0] for label in page.locator("#library-list label").all_inner_texts()]
    assert titles[:2] == ["Burgundy grape harvest", "Grenoble schools renovated"]  # newest first
    assert "kept by hand" in page.locator("#library-list label").first.inner_text()

    assert search(page, "vendanges") == ["Burgundy grape harvest"]  # French, in the original
    assert search(page, "écoles") == ["Grenoble schools renovated"]
    assert search(page, "schools") == ["Grenoble schools renovated"]  # English, in the translated title
    page.locator("#library-list label").first.click()
    page.wait_for_selector("#library-original .seg", timeout=UI_TIMEOUT_MS)
    assert "Le conseil municipal de Grenoble" in page.locator("#library-original").inner_text()
    assert page.locator("#library-translation .seg").count() == page.locator("#library-original .seg").count()
    assert page.locator("#library-summary section.summary[lang=en] p").count() >= 1
    assert page.locator("#library-summary section.summary[lang=fr] p").count() >= 1
    link = page.locator("#library-page-link")
    assert link.get_attribute("href") == f"library/{kept['schools']}"
    assert serious_violations(page) == []


def test_delete_asks_first_then_removes_the_article(
    page: playwright_api.Page, config: AppConfig, results: dict[str, ArticleResult], kept: dict[str, int]
) -> None:
    doomed = keep(config, results["harvest"], "Les vendanges à supprimer", "Harvest to delete")
    open_library(page)
    assert search(page, "supprimer") == ["Harvest to delete"]
    page.locator("#library-list label").first.click()
    page.wait_for_selector("#library-original .seg", timeout=UI_TIMEOUT_MS)
    page.click("#library-delete")
    page.wait_for_selector("#library-confirm-delete", state="visible", timeout=UI_TIMEOUT_MS)
    assert "Harvest to delete" in page.locator("#library-confirm").inner_text()
    page.click("#library-cancel")
    page.wait_for_selector("#library-confirm-delete", state="hidden", timeout=UI_TIMEOUT_MS)
    with Library.open(LibrarySettings.from_config(config)) as library:
        assert library.get(doomed).title == "Harvest to delete"  # cancelled: still there

    page.click("#library-delete")
    page.click("#library-confirm-delete")
    page.wait_for_selector("#library-status :text('Deleted')", timeout=UI_TIMEOUT_MS)
    assert page.locator("#library-list label").count() == 0
    assert page.locator("#library-original .seg").count() == 0
    with Library.open(LibrarySettings.from_config(config)) as library:
        assert [article.id for article in library.search("supprimer")] == []
        assert {kept["schools"], kept["harvest"]} <= {article.id for article in library.articles()}


class ArticleSite(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802  (http.server's name)
        pages = {"/riviere.html": PAGE, "/liste.html": LIST_PAGE}
        if self.path not in pages:
            self.send_error(404)
            return
        body = pages[self.path].encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        return


@pytest.fixture
def site() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ArticleSite)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_an_article_by_its_link_is_translated_and_kept(page: playwright_api.Page, site: str, config: AppConfig) -> None:
    link = f"{site}/riviere.html"
    page.fill("#article-url textarea, #article-url input", link)
    page.check("#keep input")
    page.click("#translate-button")
    page.wait_for_selector("#status .progress-line.done", timeout=MODEL_TIMEOUT_MS)
    original = page.locator("#pane-original")
    assert original.locator("h2").inner_text() == "La rivière de Nantes"
    assert "nettoyer la rivière" in original.inner_text()
    assert "Accueil" not in original.inner_text() and "Mentions légales" not in original.inner_text()  # the article only
    assert original.locator(".source-link a").get_attribute("href") == link
    assert page.locator("#pane-translation .seg").count() == original.locator(".seg").count()
    assert "Kept in the library" in page.locator("#status").inner_text()
    with Library.open(LibrarySettings.from_config(config)) as library:
        found = library.search("rivière")
        assert [article.url for article in found] == [link]
        assert found[0].title_fr == "La rivière de Nantes" and found[0].title_en
        assert found[0].result["source_url"] == link  # the downloads name it too (the same JSON)


@pytest.mark.parametrize(
    ("link", "said"),
    [
        ("http://127.0.0.2/article.html", "127.0.0.2"),  # loopback, not opened by fetch_allow
        ("ftp://127.0.0.1/article.html", "ftp"),
        ("/liste.html", "article text"),  # a page without an article
    ],
)
def test_a_link_that_cannot_be_read_is_said_once(page: playwright_api.Page, site: str, link: str, said: str) -> None:
    page.fill("#article-url textarea, #article-url input", site + link if link.startswith("/") else link)
    page.click("#translate-button")
    page.wait_for_selector("#status .progress-line.error", timeout=UI_TIMEOUT_MS)
    assert said in page.locator("#status .notice.error").inner_text()
    assert page.locator("#status .notice.error").count() == 1
    assert page.locator("#pane-original .seg").count() == 0
