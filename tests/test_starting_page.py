"""The server before its Gradio page exists (``passerelle ui`` listens first, then imports
Gradio): the API and a light page of its own answer, the page's other paths say "try again",
and the page takes over ``/`` once mounted. A real server on tiny models, over HTTP."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable

import httpx
import pytest

from passerelle.ui.article import LoadedModels
from passerelle.ui.config import AppConfig
from passerelle.ui.web import API_NAME, WebServer
from tests.helpers import free_port

pytestmark = pytest.mark.web

FRENCH = "Le conseil municipal a voté le budget mardi soir."


def test_before_the_page_the_api_and_a_light_page_answer(starting_server: WebServer) -> None:
    with httpx.Client(base_url=starting_server.url, timeout=120) as client:
        ready = client.get("/ready")
        assert ready.status_code == 200 and ready.json()["page"] == "loading"
        page = client.get("/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert page.headers["cache-control"] == "no-store"
        assert "Translate and summarise" in page.text
        assert "gradio" not in page.text.lower()
        asset = client.get("/theme.css")
        assert asset.status_code == 503 and asset.headers["retry-after"] == "1"
        assert "starting" in asset.json()["error"]
        call = client.post(f"/gradio_api/call/{API_NAME}", json={"data": [FRENCH]})
        assert call.status_code == 503  # not "no such API": the page's API is on its way
        # What the light page sends: the REST API is up and translates with the loaded models.
        answer = client.post("/translate", json={"q": FRENCH, "source": "fr", "target": "en", "format": "text"})
        assert answer.status_code == 200 and answer.json()["translatedText"].strip()
        summary = client.post("/summarize", json={"q": FRENCH, "source": "fr"})
        assert summary.status_code == 200 and set(summary.json()["summary"]) == {"en", "fr"}


def test_the_page_takes_over_once_mounted(starting_server: WebServer) -> None:
    with httpx.Client(base_url=starting_server.url, timeout=120) as client:
        assert client.get("/theme.css").status_code == 503
        starting_server.open_page()
        assert client.get("/ready").json()["page"] == "ready"
        page = client.get("/")
        assert page.status_code == 200 and "gradio" in page.text.lower() and "Translate and summarise" not in page.text
        info = client.get("/gradio_api/info")
        assert info.status_code == 200 and "/translate" in info.json()["named_endpoints"]
        assert client.get("/languages").status_code == 200  # the routes before the page still come first


def test_with_a_login_strangers_get_the_login_form_and_signed_in_users_the_light_page(
    tiny_config: Callable[..., AppConfig],
) -> None:
    config = tiny_config(port=free_port(), auth="lectrice:une phrase de passe")
    server = WebServer(config, LoadedModels(config)).start(page=False)
    try:
        with httpx.Client(base_url=server.url, timeout=60) as browser:
            stranger = browser.get("/")
            assert stranger.status_code == 200 and 'id="login"' in stranger.text and "Translate and summarise" not in stranger.text
            assert browser.post("/translate", json={"q": FRENCH, "source": "fr", "target": "en"}).status_code == 401
            assert browser.post("/login", data={"username": "lectrice", "password": "une phrase de passe"}).status_code == 200
            assert "Translate and summarise" in browser.get("/").text
            assert browser.post("/translate", json={"q": FRENCH, "source": "fr", "target": "en"}).status_code == 200
    finally:
        server.close()


def test_gradio_client_connecting_the_moment_the_port_answers_waits_for_the_page(starting_server: WebServer) -> None:
    """A script that starts ``passerelle ui``, waits for the port, then connects."""
    from gradio_client import Client

    connected: dict[str, object] = {}

    def connect() -> None:
        try:
            connected["client"] = Client(starting_server.url, verbose=False)
        except Exception as error:  # noqa: BLE001  # reported by the assertion below
            connected["error"] = error

    thread = threading.Thread(target=connect)
    thread.start()
    time.sleep(1.0)  # the client is waiting on the page's config
    assert thread.is_alive() and not connected
    starting_server.open_page()
    thread.join(60)
    assert "error" not in connected, connected
    client = connected["client"]
    assert isinstance(client, Client)
    translation, *_ = client.predict(FRENCH, summary_length="none", api_name=f"/{API_NAME}")
    assert translation.strip()


def test_the_web_module_does_not_import_gradio() -> None:
    """What lets the server answer before Gradio's seconds-long import."""
    code = "import sys, passerelle.ui.web; print(*(name in sys.modules for name in ('gradio', 'pandas', 'fastapi')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]
