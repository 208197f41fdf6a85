"""The LibreTranslate-compatible REST API on a real server with the tiny models: plain HTTP
for every shape and error, and third-party clients from PyPI, unmodified."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import gradio_client
import httpx
import pytest

from passerelle.ui.article import LoadedModels
from passerelle.ui.config import AppConfig
from passerelle.ui.web import API_NAME, serve
from tests.corpus import FRENCH_LINES
from tests.helpers import free_port

pytestmark = pytest.mark.web

MAX_CHARS = 3_000
FRENCH = "Le conseil municipal a voté le budget mardi soir."
FRENCH_ARTICLE = "Le maire a parlé.\n\nLes prix du pain ont augmenté de 2,5 % en un an."
ENGLISH = "The city council approved the budget on Tuesday evening after a long debate."


@pytest.fixture(scope="module")
def server(tiny_config: Callable[..., AppConfig]) -> Iterator[tuple[str, LoadedModels]]:
    config = tiny_config(port=free_port(), max_chars=MAX_CHARS)
    services = LoadedModels(config)
    running = serve(config, services)
    yield running.url.rstrip("/"), services
    running.close()


@pytest.fixture(scope="module")
def url(server: tuple[str, LoadedModels]) -> str:
    return server[0]


def post(url: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.post(f"{url}{path}", timeout=120, **kwargs)


def assert_error(response: httpx.Response, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    assert words in response.json()["error"], response.json()
    assert "Traceback" not in response.text


def test_translate_a_string_from_a_json_body(url: str) -> None:
    answer = post(url, "/translate", json={"q": FRENCH_ARTICLE, "source": "fr", "target": "en"}).json()
    assert set(answer) == {"translatedText"}
    assert isinstance(answer["translatedText"], str) and answer["translatedText"].count("\n\n") == 1  # paragraphs kept


def test_a_list_in_gives_a_list_out(url: str) -> None:
    answer = post(url, "/translate", json={"q": [FRENCH, "Le maire a parlé.", ""], "source": "fr", "target": "en"}).json()
    assert isinstance(answer["translatedText"], list) and len(answer["translatedText"]) == 3
    assert answer["translatedText"][2] == ""


@pytest.mark.parametrize("how", ["form", "query"])
def test_form_bodies_and_query_strings_are_read(url: str, how: str) -> None:
    fields = {"q": FRENCH, "source": "fr", "target": "en"}
    response = post(url, "/translate", data=fields) if how == "form" else post(url, "/translate", params=fields)
    assert response.status_code == 200 and response.json()["translatedText"].strip()


def test_auto_detects_the_direction(url: str) -> None:
    french = post(url, "/translate", json={"q": FRENCH, "source": "auto", "target": "en"}).json()
    assert french["detectedLanguage"]["language"] == "fr" and 0 < french["detectedLanguage"]["confidence"] <= 100
    english = post(url, "/translate", json={"q": ENGLISH, "source": "auto", "target": "fr"}).json()
    assert english["detectedLanguage"]["language"] == "en" and english["translatedText"] != ENGLISH
    same = post(url, "/translate", json={"q": ENGLISH, "source": "auto", "target": "en"}).json()
    assert same["translatedText"] == ENGLISH  # already in the target language: given back as it is
    batch = post(url, "/translate", json={"q": [FRENCH, ENGLISH], "source": "auto", "target": "en"}).json()
    assert [d["language"] for d in batch["detectedLanguage"]] == ["fr", "en"]


def test_html_keeps_its_markup(url: str) -> None:
    markup = '<p>Le maire a <b>parlé</b> hier. <a href="https://lyon.fr">Le site</a></p><pre>garder</pre>'
    answer = post(url, "/translate", json={"q": markup, "source": "fr", "target": "en", "format": "html"}).json()
    out = answer["translatedText"]
    assert out.startswith("<p>") and "<b>" in out and '<a href="https://lyon.fr">' in out and out.endswith("</p><pre>garder</pre>")
    assert "Le maire" not in out
    english = "<p>The <b>museum</b> reopens on Saturday after two years of work.</p>"
    detected = post(url, "/translate", json={"q": english, "source": "auto", "target": "fr", "format": "html"}).json()
    assert detected["detectedLanguage"]["language"] == "en" and detected["translatedText"].startswith("<p>")


def test_english_to_french(url: str) -> None:
    answer = post(url, "/translate", json={"q": ENGLISH, "source": "en", "target": "fr"}).json()
    assert answer["translatedText"].strip() and answer["translatedText"] != ENGLISH


def test_alternatives_when_asked(url: str) -> None:
    answer = post(url, "/translate", json={"q": FRENCH, "source": "fr", "target": "en", "alternatives": 2}).json()
    alternatives = answer["alternatives"]
    assert isinstance(alternatives, list) and 1 <= len(alternatives) <= 2, answer  # beam search always has runners-up
    for alternative in alternatives:
        assert isinstance(alternative, str) and alternative.strip() and alternative != answer["translatedText"]
    plain = post(url, "/translate", json={"q": FRENCH, "source": "fr", "target": "en"}).json()
    assert "alternatives" not in plain


def test_aligned_segments_on_request(url: str) -> None:
    answer = post(url, "/translate", json={"q": FRENCH_ARTICLE, "source": "fr", "target": "en", "segments": True}).json()
    assert [s["paragraph"] for s in answer["segments"]] == [0, 1]
    assert all(set(s) >= {"source", "target", "flags", "confidence"} for s in answer["segments"])


@pytest.mark.parametrize(
    "fields, status, words",
    [
        ({"source": "fr", "target": "en"}, 400, "missing q parameter"),
        ({"q": FRENCH, "target": "en"}, 400, "missing source parameter"),
        ({"q": FRENCH, "source": "de", "target": "en"}, 400, "de is not supported"),
        ({"q": FRENCH, "source": "fr", "target": "fr"}, 400, "is not available as a target language"),
        ({"q": FRENCH, "source": "fr", "target": "en", "alternatives": "deux"}, 400, "alternatives parameter is not a number"),
        ({"q": FRENCH, "source": "fr", "target": "en", "alternatives": 50}, 400, "alternatives parameter must be <="),
        ({"q": FRENCH, "source": "fr", "target": "en", "format": "xml"}, 400, "xml format is not supported"),
        ({"q": "Le maire. " * 400, "source": "fr", "target": "en"}, 400, "exceeds text limit"),
        ({"q": [FRENCH, 3], "source": "fr", "target": "en"}, 400, "q must be a string or a list of strings"),
    ],
)
def test_bad_requests_get_400_and_a_message(url: str, fields: dict[str, Any], status: int, words: str) -> None:
    assert_error(post(url, "/translate", json=fields), status, words)


def test_bad_json_and_oversized_bodies(url: str) -> None:
    assert_error(post(url, "/translate", content=b"{q:", headers={"content-type": "application/json"}), 400, "Invalid JSON format")
    assert_error(post(url, "/translate", content=b"[1, 2]", headers={"content-type": "application/json"}), 400, "Invalid JSON format")
    huge = {"q": "x" * 2_000_000, "source": "fr", "target": "en"}
    assert_error(post(url, "/translate", json=huge), 413, "the limit is")


def test_detect_languages_and_settings(url: str) -> None:
    detected = post(url, "/detect", data={"q": FRENCH}).json()
    assert detected[0]["language"] == "fr" and detected[0]["confidence"] > 50
    assert_error(post(url, "/detect", data={}), 400, "missing q parameter")
    languages = httpx.get(f"{url}/languages").json()
    assert languages == [
        {"code": "en", "name": "English", "targets": ["fr"]},
        {"code": "fr", "name": "French", "targets": ["en"]},
    ]
    settings = httpx.get(f"{url}/frontend/settings").json()
    assert settings["charLimit"] == MAX_CHARS and ".txt" in settings["supportedFilesFormat"]
    assert settings["language"]["source"]["code"] == "fr" and settings["keyRequired"] is False
    assert httpx.get(f"{url}/health").json() == {"status": "ok"}


def test_translate_file_then_download_it(url: str, tmp_path: Path) -> None:
    files = {"file": ("budget.txt", FRENCH_ARTICLE.encode(), "text/plain")}
    answer = post(url, "/translate_file", data={"source": "fr", "target": "en"}, files=files).json()
    link = answer["translatedFileUrl"]
    assert link.startswith(f"{url}/download_file/") and link.endswith(".budget.en.txt")
    download = httpx.get(link)
    assert download.status_code == 200 and download.text.count("\n\n") == 1
    assert 'filename="budget.en.txt"' in download.headers["content-disposition"]
    assert_error(httpx.get(f"{url}/download_file/{'0' * 32}.budget.en.txt"), 404, "No such file")
    assert httpx.get(f"{url}/download_file/..%2F..%2Fetc%2Fpasswd").status_code == 404
    wrong = post(
        url, "/translate_file", data={"source": "fr", "target": "en"}, files={"file": ("a.exe", b"MZ", "application/octet-stream")}
    )
    assert_error(wrong, 400, "file format not supported")
    binary = post(url, "/translate_file", data={"source": "fr", "target": "en"}, files={"file": ("a.txt", bytes(range(256)), "text/plain")})
    assert binary.status_code == 400 and "error" in binary.json()


def test_a_word_file_comes_back_as_a_word_file(url: str, tmp_path: Path) -> None:
    import docx

    from tests.test_document_forms import build_docx

    source = build_docx(tmp_path / "lettre.docx")
    files = {"file": ("lettre.docx", source.read_bytes(), "application/octet-stream")}
    link = post(url, "/translate_file", data={"source": "fr", "target": "en"}, files=files).json()["translatedFileUrl"]
    assert link.endswith(".lettre.en.docx")
    translated = docx.Document(io.BytesIO(httpx.get(link).content))
    assert len(translated.paragraphs) == len(docx.Document(str(source)).paragraphs)
    assert "conseil" not in " ".join(p.text for p in translated.paragraphs)
    page = {"file": ("page.html", "<p>Le maire a <b>parlé</b> hier.</p>".encode(), "text/html")}
    html_link = post(url, "/translate_file", data={"source": "fr", "target": "en"}, files=page).json()["translatedFileUrl"]
    assert httpx.get(html_link).text.startswith("<p>") and "<b>" in httpx.get(html_link).text
    from tests.test_formats import PAGE

    whole = {"file": ("page.html", PAGE.encode(), "text/html")}
    answer = post(url, "/translate_file", data={"source": "fr", "target": "en", "article_only": "true"}, files=whole).json()
    article = httpx.get(answer["translatedFileUrl"]).text
    assert "<nav>" not in article and "<footer>" not in article and article.count("<p>") == 3


def test_summarize_gives_both_summaries(url: str) -> None:
    answer = post(url, "/summarize", json={"q": FRENCH_ARTICLE, "length": "short"}).json()
    assert answer["summary"]["en"].strip() and answer["summary"]["fr"].strip() and answer["sourceLanguage"] == "fr"
    english = post(url, "/summarize", json={"q": ENGLISH, "source": "en"}).json()
    assert english["sourceLanguage"] == "en" and english["summary"]["fr"].strip()
    assert_error(post(url, "/summarize", json={"q": FRENCH, "length": "epic"}), 400, "length must be one of")


def test_libretranslatepy_unmodified(url: str) -> None:
    from libretranslatepy import LibreTranslateAPI

    client = LibreTranslateAPI(url)
    assert client.translate(FRENCH, "fr", "en").strip()
    assert client.translate(ENGLISH, "en", "fr").strip()
    assert client.detect(FRENCH)[0]["language"] == "fr"
    assert {language["code"] for language in client.languages()} == {"fr", "en"}


def test_deep_translator_unmodified(url: str) -> None:
    from deep_translator import LibreTranslator

    # deep-translator sends every field in the query string, and always some key.
    translator = LibreTranslator(source="fr", target="en", api_key="any", custom_url=f"{url}/")
    assert translator.translate(FRENCH).strip()
    assert all(text.strip() for text in translator.translate_batch([FRENCH, "Le maire a parlé."]))


def test_api_calls_cannot_starve_the_page(server: tuple[str, LoadedModels]) -> None:
    url, services = server
    finished: dict[str, float] = {}
    lock = threading.Lock()

    def rest_call(index: int) -> None:
        # Distinct articles of several sentences: nothing comes from the translator's cache.
        article = "\n\n".join(FRENCH_LINES[(index * 3 + i) % len(FRENCH_LINES)] for i in range(8))
        post(url, "/translate", json={"q": article, "source": "fr", "target": "en"})
        with lock:
            finished[f"api-{index}"] = time.monotonic()

    client = gradio_client.Client(f"{url}/", verbose=False)
    with ThreadPoolExecutor(8) as pool:
        calls = [pool.submit(rest_call, i) for i in range(8)]
        time.sleep(0.3)  # the burst is in line first
        client.predict("Le musée rouvre ses portes samedi.", "none", 1, api_name=f"/{API_NAME}")
        finished["page"] = time.monotonic()
        for call in calls:
            call.result()
    later = [name for name, at in finished.items() if name != "page" and at > finished["page"]]
    assert len(later) >= 4, finished  # the page waited for about one API call, not the whole burst
    assert services.gate.waiting() == 0


@pytest.fixture(scope="module")
def keyed_url(tiny_config: Callable[..., AppConfig], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    keys = tmp_path_factory.mktemp("keys") / "keys.txt"
    keys.write_text("# key and its requests per minute\nlecteur-rapide 100\nlecteur-lent\t2\n", encoding="utf-8")
    config = tiny_config(port=free_port(), api_keys_file=str(keys), require_api_key=True, api_requests_per_minute=3)
    running = serve(config, LoadedModels(config))
    yield running.url.rstrip("/")
    running.close()


def test_keys_are_required_when_asked(keyed_url: str) -> None:
    fields = {"q": FRENCH, "source": "fr", "target": "en"}
    assert_error(post(keyed_url, "/translate", json=fields), 403, "get an API key")
    assert_error(post(keyed_url, "/translate", json={**fields, "api_key": "inconnue"}), 403, "Invalid API key")
    assert post(keyed_url, "/translate", json={**fields, "api_key": "lecteur-rapide"}).status_code == 200
    assert httpx.get(f"{keyed_url}/frontend/settings").json()["keyRequired"] is True


def test_each_key_has_its_rate(keyed_url: str) -> None:
    fields = {"q": "Le maire a parlé.", "source": "fr", "target": "en", "api_key": "lecteur-lent"}
    assert [post(keyed_url, "/translate", data=fields).status_code for _ in range(2)] == [200, 200]
    limited = post(keyed_url, "/translate", data=fields)
    assert_error(limited, 429, "Slowdown")
    assert int(limited.headers["retry-after"]) > 0
    assert post(keyed_url, "/detect", data={"q": FRENCH, "api_key": "lecteur-rapide"}).status_code == 200
