"""The server before its Gradio page exists (``passerelle ui`` listens first, then imports
Gradio): the API and a light page of its own answer, the page's other paths say "try again",
and the page takes over ``/`` once mounted. A real server on tiny models, over HTTP."""

from __future__ import annotations

import subprocess
import sys
from typing import Callable

import httpx
import pytest

from tests.helpers import free_port
from ui.article import Services
from ui.config import AppConfig
from ui.web import API_NAME, WebServer

pytestmark = pytest.mark.web

FRENCH = "Le conseil municipal a voté le budget mardi soir."


def test_before_the_page_the_api_and_a_light_page_answer(starting_server: WebServer) -> None:
    with httpx.Client(base_url=starting_server.url, timeout=120) as client:
        ready = client.get("/ready")
        assert ready.status_code == 200 and ready.json()["page"] == "loading"
        page = client.get("/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert page.headers["cache-control"] == "no-store"
        assert '"interactive": true' in page.text and "Translate and summarise" in page.text
        assert "gradio" not in page.text.lower()
        asset = client.get("/gradio_api/info")
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
        assert client.get("/gradio_api/info").status_code == 503
        starting_server.open_page()
        assert client.get("/ready").json()["page"] == "ready"
        page = client.get("/")
        assert page.status_code == 200 and "gradio" in page.text.lower() and "Translate and summarise" not in page.text
        info = client.get("/gradio_api/info")
        assert info.status_code == 200 and "/translate" in info.json()["named_endpoints"]
        assert client.get("/languages").status_code == 200  # the routes before the page still come first


def test_with_a_login_the_light_page_offers_no_form(tiny_config: Callable[..., AppConfig]) -> None:
    config = tiny_config(port=free_port(), auth="lectrice:une phrase de passe")
    server = WebServer(config, Services(config)).start(page=False)
    try:
        page = httpx.get(server.url, timeout=30)
        assert page.status_code == 200 and '"interactive": false' in page.text
    finally:
        server.close()


def test_the_web_module_does_not_import_gradio() -> None:
    """What lets the server answer before Gradio's seconds-long import."""
    code = "import sys, ui.web; print(*(name in sys.modules for name in ('gradio', 'pandas', 'fastapi')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]
