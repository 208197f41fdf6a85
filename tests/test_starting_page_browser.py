"""The starting page in headless Chromium (Debian's, driven by Playwright): a reader who opens
Passerelle while its Gradio page is still being built can translate at once, and the full page
takes over by itself, or with a link once the reader has typed something."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing (apt-get install -y chromium); Playwright's own browser download does not work here",
        allow_module_level=True,
    )
import playwright.sync_api as playwright_api  # noqa: E402

from tests.helpers import free_port  # noqa: E402
from tests.test_web_browser import CHROMIUM_ARGS, UI_TIMEOUT_MS  # noqa: E402
from ui.article import Services  # noqa: E402
from ui.config import AppConfig  # noqa: E402
from ui.web import WebServer  # noqa: E402

pytestmark = pytest.mark.browser

FRENCH = "Le conseil municipal a voté le budget mardi soir.\n\nLes travaux commencent en mai."


@pytest.fixture()
def server(tiny_config: Callable[..., AppConfig]) -> Iterator[WebServer]:
    config = tiny_config(port=free_port())
    services = Services(config)
    services.warm_up()
    started = WebServer(config, services).start(page=False)
    yield started
    started.close()


@pytest.fixture()
def browser() -> Iterator[playwright_api.Browser]:
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


def test_translate_on_the_starting_page_then_the_full_page_takes_over(
    server: WebServer, browser: playwright_api.Browser
) -> None:
    reader, idle = browser.new_page(), browser.new_page()
    for page in reader, idle:
        page.goto(server.url, wait_until="load")
        page.wait_for_selector("#text", state="visible", timeout=UI_TIMEOUT_MS)
    reader.fill("#text", FRENCH)
    reader.click("#summarize")
    reader.wait_for_function(
        "() => document.querySelector('#summary').textContent.includes('Résumé')", timeout=UI_TIMEOUT_MS
    )
    translation = reader.text_content("#translation") or ""
    assert translation.strip() and "Working" not in translation
    assert reader.get_attribute("#translation", "class") == "pane"  # not an error

    server.open_page()
    idle.wait_for_selector("#translate-button", timeout=UI_TIMEOUT_MS)  # reloaded by itself: Gradio's page
    reader.wait_for_selector("#status.ready a[href='/']", timeout=UI_TIMEOUT_MS)  # typed text is not thrown away
    assert reader.input_value("#text") == FRENCH
    reader.click("#status a")
    reader.wait_for_selector("#translate-button", timeout=UI_TIMEOUT_MS)
