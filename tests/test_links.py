"""Articles by their link over the REST API, on a real server with the tiny models: a local
news site (127.0.0.1, opened with ``AppConfig(fetch_allow=("127.0.0.1",))``) serves French
article pages among menus and footers; /translate and /summarize take ``url`` (JSON, form or
query string), read only the article, and answer its link and its title, translated; the
fetcher's refusals and failures come back as ``{"error": ...}`` with their own status; ``keep``
stores the result in the library the server's library routes read."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from passerelle.ui.article import LoadedModels
from passerelle.ui.config import AppConfig
from passerelle.ui.web import serve
from passerelle.ui.web.rest import RestError
from passerelle.ui.web.rest.links import Links
from tests.helpers import free_port
from tests.links_site import ARTICLES, FOOTER_WORDS, MENU_WORDS, Site, serve_site

pytestmark = pytest.mark.web


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serve_site(tmp_path_factory.mktemp("site")) as running:
        yield running


@pytest.fixture(scope="module")
def url(tiny_config: Callable[..., AppConfig], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("data")
    config = tiny_config(port=free_port(), fetch_allow=("127.0.0.1",), data_dir=str(data), database_url=None)
    running = serve(config, LoadedModels(config))
    yield running.url.rstrip("/")
    running.close()


def post(url: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.post(f"{url}{path}", timeout=180, **kwargs)


def assert_error(response: httpx.Response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    message = response.json()["error"]
    assert all(word in message for word in words), message
    assert "Traceback" not in response.text


def test_translate_reads_the_article_at_a_link(url: str, site: Site) -> None:
    link = site.link("a")
    answer = post(url, "/translate", json={"url": link, "source": "fr", "target": "en", "segments": True})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["source_url"] == link
    title, paragraphs = ARTICLES["a"]
    assert body["title"]["source"] == title and body["title"]["translation"].strip()
    assert body["translatedText"].strip() and body["translatedText"].count("\n\n") == len(paragraphs)  # its heading, its paragraphs
    read = " ".join(segment["source"] for segment in body["segments"])
    assert "Villeurbanne" in read and "usagers" in read  # the article, to its last paragraph
    assert MENU_WORDS not in read and FOOTER_WORDS not in read and "Bellecour" not in read  # and nothing else
    assert "library_id" not in body


@pytest.mark.parametrize("how", ["form", "query"])
def test_a_link_in_a_form_or_the_query_string(url: str, site: Site, how: str) -> None:
    fields = {"url": site.link("b"), "source": "auto", "target": "en"}
    response = post(url, "/translate", data=fields) if how == "form" else post(url, "/translate", params=fields)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["source_url"] == site.link("b") and body["detectedLanguage"]["language"] == "fr"
    assert body["title"]["source"] == ARTICLES["b"][0]


def test_summarize_a_link_and_keep_it(url: str, site: Site) -> None:
    link = site.link("b")
    answer = post(url, "/summarize", json={"url": link, "length": "short", "keep": True})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["summary"]["en"].strip() and body["summary"]["fr"].strip() and body["sourceLanguage"] == "fr"
    assert body["source_url"] == link and body["title"]["source"] == ARTICLES["b"][0]
    kept = httpx.get(f"{url}/library/articles/{body['library_id']}", timeout=30).json()
    assert kept["url"] == link and kept["feed"] is None and kept["title_original"] == ARTICLES["b"][0]
    assert kept["title_translated"] == body["title"]["translation"]
    assert kept["result"]["source_url"] == link and kept["result"]["title"]["source"] == ARTICLES["b"][0]
    assert kept["summary_en"] == body["summary"]["en"]
    again = post(url, "/summarize", json={"url": link, "length": "short", "keep": True}).json()
    assert again["library_id"] == body["library_id"]  # kept under its link: once


def test_keep_a_text_translated_from_q(url: str) -> None:
    text = "Le musée des Confluences prolonge son exposition sur les volcans jusqu'en janvier."
    body = post(url, "/translate", json={"q": text, "source": "fr", "target": "en", "keep": "true"}).json()
    kept = httpx.get(f"{url}/library/articles/{body['library_id']}", timeout=30).json()
    assert kept["url"] is None and kept["result"]["source"] == text and kept["result"]["source_url"] is None
    listed = post(url, "/translate", json={"q": [text, ""], "source": "fr", "target": "en", "keep": True}).json()
    assert isinstance(listed["library_id"][0], int) and listed["library_id"][1] is None  # nothing translated, nothing kept


def test_a_text_and_a_link_together_are_refused(url: str, site: Site) -> None:
    fields = {"q": "Bonjour.", "url": site.link("a"), "source": "fr", "target": "en"}
    assert_error(post(url, "/translate", json=fields), 400, "not both")
    assert_error(post(url, "/summarize", json={"text": "Bonjour.", "url": site.link("a")}), 400, "not both")


@pytest.mark.parametrize(
    ("link", "status", "words"),
    [
        ("http://192.168.1.20/article.html", 400, ("refused", "PASSERELLE_FETCH_ALLOW")),
        ("http://10.0.0.7:8080/", 400, ("refused",)),
        ("file:///etc/passwd", 400, ("only http:// and https://",)),
        ("liste", 422, ("article text in the page",)),
        ("absente", 502, ("404",)),
    ],
)
def test_a_link_that_cannot_be_read_says_why(url: str, site: Site, link: str, status: int, words: tuple[str, ...]) -> None:
    target = link if ":" in link else site.link(link)
    assert_error(post(url, "/translate", json={"url": target, "source": "fr", "target": "en"}), status, *words)
    assert_error(post(url, "/summarize", params={"url": target}), status, *words)


def test_format_html_does_not_apply_to_a_link(url: str, site: Site) -> None:
    assert_error(post(url, "/translate", json={"url": site.link("a"), "source": "fr", "target": "en", "format": "html"}), 400, "format")


def test_without_the_allow_list_the_local_site_is_refused(site: Site) -> None:
    """The server's own fetcher, as a server without PASSERELLE_FETCH_ALLOW makes it."""
    links = Links(AppConfig())
    try:
        with pytest.raises(RestError) as refused:
            asyncio.run(links.read(site.link("a")))
        assert refused.value.status == 400 and "127.0.0.1" in refused.value.message and "refused" in refused.value.message
    finally:
        links.close()
