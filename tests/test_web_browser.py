"""The web app end to end in headless Chromium (Debian's, driven by Playwright): paste,
translate, watch the panes fill, find a sentence's counterpart, download the JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing (apt-get install -y chromium); Playwright's own browser download does not work here",
        allow_module_level=True,
    )
import playwright.sync_api as playwright_api  # noqa: E402

from passerelle.ui.article import LoadedModels  # noqa: E402
from passerelle.ui.config import AppConfig  # noqa: E402
from passerelle.ui.web import WebServer, serve  # noqa: E402
from passerelle.ui.web.render import ACTIVE_CLASS, FLAG_CLASS, KEY_CLASS, PINNED_CLASS, UNSURE_CLASS  # noqa: E402
from tests.helpers import free_port  # noqa: E402

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDE = {"width": 1440, "height": 1000}
NARROW = {"width": 700, "height": 1000}
NARROW_BREAKPOINT = 960  # assets/passerelle.css stacks the panes below this width
MODEL_TIMEOUT_MS = 300_000  # tiny models, but a busy CI machine
UI_TIMEOUT_MS = 30_000
ARTICLE = """# Le budget de Lyon

Le conseil municipal de Lyon a voté mardi soir un budget de 2,5 milliards d'euros. M. Dupont, maire adjoint, a défendu « un plan ambitieux ».

- Selon l'Insee, l'inflation a ralenti à 1,8 % sur un an.
- Les prix ont reculé <script>window.__pwned = 1</script> ${1+1}."""


@pytest.fixture(scope="module")
def app(tiny_config: Callable[..., AppConfig]) -> Iterator[tuple[str, LoadedModels]]:
    config = tiny_config(port=free_port(), concurrency_limit=2)
    services = LoadedModels(config)
    demo = serve(config, services)
    yield demo.local_url, services
    demo.close()


@pytest.fixture(scope="module")
def url(app: tuple[str, LoadedModels]) -> str:
    return app[0]


def sentence_count(services: LoadedModels, text: str) -> int:
    return services.translator().split(text).translatable_count()


@pytest.fixture(scope="module")
def browser() -> Iterator[playwright_api.Browser]:
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: playwright_api.Browser, url: str) -> Iterator[playwright_api.Page]:
    context = browser.new_context(viewport=WIDE, accept_downloads=True)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#translate-button", timeout=UI_TIMEOUT_MS)
    yield page
    context.close()


def seg_classes(page: playwright_api.Page, pane: str, number: int) -> list[str]:
    return page.eval_on_selector(f'#pane-{pane} .seg[data-seg="{number}"]', "el => [...el.classList]")


def test_translate_an_article_end_to_end(page: playwright_api.Page, app: tuple[str, LoadedModels], tmp_path: Path) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.fill("#article-text textarea", ARTICLE)
    page.get_by_label("Short").check()
    page.click("#translate-button")
    page.wait_for_selector("#status progress", timeout=UI_TIMEOUT_MS)  # visible progress at once

    page.wait_for_selector("#pane-original .seg", timeout=MODEL_TIMEOUT_MS)
    page.wait_for_selector("#pane-translation .seg", timeout=MODEL_TIMEOUT_MS)
    page.wait_for_selector("#pane-summary section.summary[lang=fr] p:not(.muted)", timeout=MODEL_TIMEOUT_MS)
    page.wait_for_selector("#status .progress-line.done", timeout=MODEL_TIMEOUT_MS)

    sentences = sentence_count(app[1], ARTICLE)
    assert page.locator("#pane-original .seg").count() == sentences
    assert page.locator("#pane-translation .seg").count() == sentences
    assert page.locator("#pane-original h2").inner_text() == "Le budget de Lyon"
    assert page.locator("#pane-original .li").count() == 2
    # Pasted markup stays text: shown literally, never run.
    assert "<script>window.__pwned = 1</script> ${1+1}" in page.locator("#pane-original").inner_text()
    assert page.evaluate("window.__pwned") is None and not dialogs

    page.hover('#pane-original .seg[data-seg="2"]')
    assert ACTIVE_CLASS in seg_classes(page, "translation", 2)
    assert ACTIVE_CLASS not in seg_classes(page, "translation", 1)
    page.hover('#pane-translation .seg[data-seg="3"]')
    assert ACTIVE_CLASS in seg_classes(page, "original", 3)
    assert ACTIVE_CLASS not in seg_classes(page, "translation", 2)
    page.click('#pane-original .seg[data-seg="1"]')
    assert PINNED_CLASS in seg_classes(page, "translation", 1)

    with page.expect_download(timeout=UI_TIMEOUT_MS) as download:
        page.click("#download-json")
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [s["source"] for s in data["segments"]][0] == "Le budget de Lyon"
    assert data["summary"]["en"] and data["translation"]
    # The sentences the summary rests on: underlined in both panes exactly as the JSON says.
    assert page.locator("#pane-summary .key-note").is_visible()
    keys = [index for index, segment in enumerate(data["segments"]) if segment["key"]]
    for pane in ("original", "translation"):
        marked = page.locator(f"#pane-{pane} .seg.{KEY_CLASS}").evaluate_all("spans => spans.map(s => s.dataset.seg)")
        assert sorted(int(number) for number in marked) == keys
    # The checks' flags: marked in the translation pane exactly as the JSON says, with why.
    flagged = [i for i, s in enumerate(data["segments"]) if any(f["kind"] != "low_confidence" for f in s["flags"])]
    unsure = [i for i, s in enumerate(data["segments"]) if any(f["kind"] == "low_confidence" for f in s["flags"])]
    assert flagged and unsure, "random weights drop names and are unsure of themselves"
    for css, expected in ((FLAG_CLASS, flagged), (UNSURE_CLASS, unsure)):
        numbers = page.locator(f"#pane-translation .seg.{css}").evaluate_all("spans => spans.map(s => s.dataset.seg)")
        assert sorted(int(number) for number in numbers) == expected
    first = data["segments"][flagged[0]]["flags"][0]["message"]
    title = page.locator(f'#pane-translation .seg[data-seg="{flagged[0]}"]').get_attribute("title")
    assert title and first[1:] in title
    assert f"{len(set(flagged) | set(unsure))} flagged" in page.locator("#status").inner_text()

    wide = tmp_path / "passerelle-wide.png"
    page.screenshot(path=str(wide), full_page=True)
    page.set_viewport_size(NARROW)
    original = page.locator("#pane-original").bounding_box()
    translation = page.locator("#pane-translation").bounding_box()
    assert original and translation
    assert abs(original["x"] - translation["x"]) < 2 and translation["y"] > original["y"] + original["height"] / 2
    page.screenshot(path=str(tmp_path / "passerelle-narrow.png"), full_page=True)
    print(f"screenshots: {wide} and {tmp_path / 'passerelle-narrow.png'}")


def test_empty_text_shows_a_clear_error(page: playwright_api.Page) -> None:
    page.click("#translate-button")
    error = page.wait_for_selector("#status .notice.error", timeout=UI_TIMEOUT_MS)
    assert "empty" in error.inner_text()


def test_non_french_text_warns_but_translates(page: playwright_api.Page) -> None:
    page.fill("#article-text textarea", "The city council approved the budget on Tuesday evening after a long debate.")
    page.get_by_label("None").check()
    page.get_by_label("Fast", exact=True).check()
    page.click("#translate-button")
    warning = page.wait_for_selector("#status .notice.warning", timeout=MODEL_TIMEOUT_MS)
    assert "not French" in warning.inner_text()
    page.wait_for_selector("#status .progress-line.done", timeout=MODEL_TIMEOUT_MS)
    assert page.locator("#pane-translation .seg").count() == 1


def test_several_files_become_a_list_of_articles(page: playwright_api.Page, tmp_path: Path) -> None:
    first, second = tmp_path / "premier.txt", tmp_path / "second.html"
    first.write_text("Le premier article parle du budget de Lyon.", encoding="utf-8")
    page_html = "<html><body><h1>Titre</h1><p>Le second article parle de Marseille.</p></body></html>"
    second.write_text(page_html, encoding="utf-8")
    page.set_input_files("#article-files input[type=file]", [str(first), str(second)])
    page.wait_for_function(
        "() => document.querySelector('#article-text textarea').value.includes('premier article')",
        timeout=UI_TIMEOUT_MS,
    )
    picker = page.get_by_label("Article to show")
    picker.click()
    page.get_by_role("option", name="second.html").click()
    page.wait_for_function(
        "() => document.querySelector('#article-text textarea').value.startsWith('# Titre')",
        timeout=UI_TIMEOUT_MS,
    )
    assert "HTML markup kept" in page.locator("#status").inner_text()


def test_a_missing_model_is_explained_once_beside_the_model_line(
    browser: playwright_api.Browser, tiny_config: Callable[..., AppConfig], tmp_path: Path
) -> None:
    config = tiny_config(port=free_port(), model=str(tmp_path / "no-such-model"))
    server = serve(config, LoadedModels(config))
    context = browser.new_context(viewport=WIDE)
    try:
        page = context.new_page()
        page.goto(server.local_url)
        page.wait_for_selector("#translate-button", timeout=UI_TIMEOUT_MS)
        page.fill("#article-text textarea", "Le conseil municipal a voté le budget.")
        page.click("#translate-button")  # the first use tries the model
        page.wait_for_selector("#status .notice.error", timeout=UI_TIMEOUT_MS)
        assert "model line at the top" in page.locator("#status").inner_text()
        line = page.wait_for_selector("#model-status .model.failed", timeout=UI_TIMEOUT_MS)
        assert "French → English" in line.inner_text()  # the direction chosen, in a reader's words
        fix = "PASSERELLE_MODEL"
        page.wait_for_function(f"() => document.querySelector('#model-status').innerText.includes('{fix}')", timeout=UI_TIMEOUT_MS)
        page.wait_for_timeout(500)  # a toast would have appeared by now
        assert page.locator("body").inner_text().count(fix) == 1
    finally:
        context.close()
        server.close()


def test_the_direction_switch_translates_english_into_french(page: playwright_api.Page) -> None:
    page.get_by_label("English → French").check()
    page.wait_for_function("() => document.querySelector('#panes').textContent.includes('Original · English')", timeout=UI_TIMEOUT_MS)
    assert "Traduction · français" in page.locator("#panes").text_content()
    page.fill("#article-text textarea", "The museum reopens on Saturday. Entry is free for students.")
    page.get_by_label("None").check()
    page.get_by_label("Fast", exact=True).check()
    page.click("#translate-button")
    page.wait_for_selector("#status .progress-line.done", timeout=MODEL_TIMEOUT_MS)
    assert page.locator("#pane-translation .seg").count() == 2
    assert page.locator("#status .notice.warning").count() == 0  # English text, English expected


def test_a_word_file_is_uploaded_and_its_translation_downloaded_as_word(page: playwright_api.Page, tmp_path: Path) -> None:
    import docx

    from tests.test_document_forms import build_docx

    source = build_docx(tmp_path / "lettre.docx")
    page.set_input_files("#article-files input[type=file]", [str(source)])
    page.wait_for_function(
        "() => document.querySelector('#article-text textarea').value.startsWith('# Le budget de la ville')", timeout=UI_TIMEOUT_MS
    )
    assert "Word layout kept" in page.locator("#status").inner_text()
    page.get_by_label("None").check()
    page.get_by_label("Fast", exact=True).check()
    page.click("#translate-button")
    page.wait_for_selector("#status .progress-line.done", timeout=MODEL_TIMEOUT_MS)
    button = page.locator("#download-file")
    assert button.is_visible() and "DOCX" in button.inner_text()
    with page.expect_download(timeout=UI_TIMEOUT_MS) as download:
        button.click()
    assert download.value.suggested_filename == "lettre.en.docx"
    translated = docx.Document(download.value.path())
    original = docx.Document(str(source))
    assert [p.style.name for p in translated.paragraphs] == [p.style.name for p in original.paragraphs]
    assert len(translated.tables) == 1 and "conseil" not in " ".join(p.text for p in translated.paragraphs)


# The starting page: a reader who opens Passerelle while its Gradio page is still being built
# can translate at once; the full page then takes over by itself, or with a link once the
# reader has typed something.
STARTING_FRENCH = "Le conseil municipal a voté le budget mardi soir.\n\nLes travaux commencent en mai."


def test_translate_on_the_starting_page_then_the_full_page_takes_over(starting_server: WebServer, browser: playwright_api.Browser) -> None:
    reader, typist, idle = browser.new_page(), browser.new_page(), browser.new_page()
    for page in reader, typist, idle:
        page.goto(starting_server.url, wait_until="load")
        page.wait_for_selector("#text", state="visible", timeout=UI_TIMEOUT_MS)
    reader.fill("#text", STARTING_FRENCH)
    reader.click("#summarize")
    reader.wait_for_function("() => document.querySelector('#summary').textContent.includes('Résumé')", timeout=UI_TIMEOUT_MS)
    translation = reader.text_content("#translation") or ""
    assert translation.strip() and "Working" not in translation
    assert reader.get_attribute("#translation", "class") == "pane"  # not an error
    typist.fill("#text", STARTING_FRENCH)

    starting_server.open_page()
    # Nothing on screen to lose: the full page takes over by itself, with any typed text.
    for page, text in ((idle, ""), (typist, STARTING_FRENCH)):
        page.wait_for_selector("#translate-button", timeout=UI_TIMEOUT_MS)
        page.wait_for_function("text => document.querySelector('#article-text textarea').value === text", arg=text, timeout=UI_TIMEOUT_MS)
    # A result on screen stays until the reader clicks; the text comes along then.
    reader.wait_for_selector("#status.ready a#open-full", timeout=UI_TIMEOUT_MS)
    assert reader.input_value("#text") == STARTING_FRENCH
    reader.click("#open-full")
    reader.wait_for_selector("#translate-button", timeout=UI_TIMEOUT_MS)
    reader.wait_for_function(
        "text => document.querySelector('#article-text textarea').value === text", arg=STARTING_FRENCH, timeout=UI_TIMEOUT_MS
    )
    reader.click("#translate-button")  # Gradio took the text in: the article translates
    reader.wait_for_selector("#pane-translation .seg", timeout=MODEL_TIMEOUT_MS)


def test_behind_a_login_the_page_signs_in_then_translates(browser: playwright_api.Browser, tiny_config: Callable[..., AppConfig]) -> None:
    config = tiny_config(port=free_port(), auth="lectrice:une phrase de passe")
    server = serve(config, LoadedModels(config))
    context = browser.new_context(viewport=WIDE)
    try:
        page = context.new_page()
        page.goto(server.local_url)
        page.wait_for_load_state("load")
        assert page.locator("#translate-button").count() == 0  # nothing of the page before signing in
        page.get_by_label("User name").fill("lectrice")
        page.get_by_label("Password").fill("pas la bonne")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_selector("#message:has-text('Incorrect credentials')", timeout=UI_TIMEOUT_MS)
        page.get_by_label("Password").fill("une phrase de passe")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_selector("#translate-button", timeout=UI_TIMEOUT_MS)
        page.fill("#article-text textarea", "Le maire a parlé devant le conseil.")
        page.get_by_label("None").check()
        page.click("#translate-button")
        page.wait_for_selector("#pane-translation .seg", timeout=MODEL_TIMEOUT_MS)
    finally:
        context.close()
        server.close()


def test_the_results_come_into_view_and_the_last_runs_warning_goes(browser: playwright_api.Browser, url: str) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector("#translate-button", timeout=UI_TIMEOUT_MS)
        page.fill("#article-text textarea", "The weather was getting worse over the harbour this morning.")
        page.get_by_label("None").check()
        page.click("#translate-button")
        page.wait_for_selector(".toast-body", timeout=MODEL_TIMEOUT_MS)  # "looks like English, not French"
        page.wait_for_selector("#status .progress-line.done", timeout=MODEL_TIMEOUT_MS)
        page.fill("#article-text textarea", "Le maire a parlé devant le conseil municipal hier soir.")
        page.click("#translate-button")
        page.wait_for_selector(".toast-body", state="detached", timeout=UI_TIMEOUT_MS)
        page.wait_for_selector("#pane-translation .seg", timeout=MODEL_TIMEOUT_MS)
        page.wait_for_function(
            "document.querySelector('#pane-translation').getBoundingClientRect().top < window.innerHeight - 100", timeout=UI_TIMEOUT_MS
        )
        reachable = page.locator(".pane-scroll[tabindex='0'][role='region']")
        assert reachable.count() == 3  # each pane's scrolling box, once
    finally:
        context.close()


def test_a_long_unbroken_string_wraps_on_the_starting_page(browser: playwright_api.Browser, starting_server: WebServer) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto(starting_server.url)
        page.fill("#text", "Lemairea" * 600)
        page.click("#translate")
        page.wait_for_function("document.getElementById('translation').textContent !== 'Working…'", timeout=MODEL_TIMEOUT_MS)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1400
    finally:
        context.close()


def pane_title(page: playwright_api.Page, pane: str) -> str:
    return page.locator(f"#panes > .column:has(#pane-{pane}) .pane-title").inner_text().strip()


def test_titles_tab_model_line_and_downloads_follow_english_to_french(page: playwright_api.Page, url: str) -> None:
    assert page.title() == "Passerelle — French → English"
    page.get_by_label("English → French").check()
    page.wait_for_function("() => document.title === 'Passerelle — English → French'", timeout=UI_TIMEOUT_MS)
    assert "English → French" in page.locator("#app-title h1").inner_text()
    line = page.locator("#model-status .model-line").inner_text()
    assert "English → French:" in line and "French → English:" not in line
    # The paths and the engine: one click away, not on the line.
    details = page.locator("#model-status details.model-details")
    assert not details.locator("ul").is_visible()
    details.locator("summary").click()
    assert details.locator("ul").is_visible()
    page.fill("#article-text textarea", "The museum reopens on Saturday.")
    page.get_by_label("None").check()
    page.get_by_label("Fast", exact=True).check()
    page.click("#translate-button")
    page.wait_for_selector("#status .progress-line.done", timeout=MODEL_TIMEOUT_MS)
    assert pane_title(page, "original") == "Original · English".upper()
    assert pane_title(page, "translation") == "Traduction · français".upper()
    assert page.title() == "Passerelle — English → French"
    button = page.locator("#download-md")
    assert "French" in button.inner_text()
    with page.expect_download(timeout=UI_TIMEOUT_MS) as download:
        button.click()
    assert download.value.suggested_filename == "article.fr.md"
    # Scripts find the REST API's own page from the header, not only Gradio's endpoint.
    link = page.get_by_role("link", name="REST API (LibreTranslate-compatible)")
    assert link.is_visible() and link.get_attribute("href") == "docs"
    assert page.request.get(url.rstrip("/") + "/docs").status == 200


def test_detect_mode_shows_the_language_found(page: playwright_api.Page) -> None:
    page.get_by_label("Detect").check()
    page.wait_for_function("() => document.title.includes('⇄')", timeout=UI_TIMEOUT_MS)
    assert "French → English:" in page.locator("#model-status").inner_text()  # both translators
    assert "English → French:" in page.locator("#model-status").inner_text()
    page.fill("#article-text textarea", "Le conseil municipal a voté le budget de la ville mardi soir après un long débat.")
    page.get_by_label("None").check()
    page.get_by_label("Fast", exact=True).check()
    page.click("#translate-button")
    page.wait_for_selector("#status .progress-line.done", timeout=MODEL_TIMEOUT_MS)
    assert pane_title(page, "original") == "ORIGINAL · FRENCH (DETECTED)"
    assert pane_title(page, "translation") == "TRANSLATION · ENGLISH"
    assert "French detected" in page.locator("#app-title").inner_text()
    page.wait_for_function("() => document.title === 'Passerelle — French → English (French detected)'", timeout=UI_TIMEOUT_MS)


def test_no_warning_of_the_last_run_stays_during_the_next(page: playwright_api.Page) -> None:
    page.fill("#article-text textarea", "The city council approved the budget on Tuesday evening after a long debate.")
    page.get_by_label("None").check()
    page.get_by_label("Fast", exact=True).check()
    page.click("#translate-button")
    page.wait_for_selector("#status .progress-line.done", timeout=MODEL_TIMEOUT_MS)
    assert page.locator("#status .notice.warning").count() == 1 and page.locator(".toast-body").count() >= 1
    page.fill("#article-text textarea", "Le maire a parlé devant le conseil municipal hier soir.")
    page.click("#translate-button")
    # Gone at once, while the second article is still being translated, not only at its end.
    page.wait_for_selector(".toast-body", state="detached", timeout=UI_TIMEOUT_MS)
    page.wait_for_function("() => !document.querySelector('#status .notice.warning')", timeout=UI_TIMEOUT_MS)
    assert not page.locator("#other-way").is_visible()
    page.wait_for_selector("#status .progress-line.done", timeout=MODEL_TIMEOUT_MS)
    assert page.locator("#status .notice.warning").count() == 0 and page.locator(".toast-body").count() == 0


def test_the_wrong_language_warning_offers_the_other_way(page: playwright_api.Page) -> None:
    page.fill("#article-text textarea", "The city council approved the budget on Tuesday evening after a long debate.")
    page.get_by_label("None").check()
    page.get_by_label("Fast", exact=True).check()
    page.click("#translate-button")
    other_way = page.wait_for_selector("#other-way", state="visible", timeout=MODEL_TIMEOUT_MS)
    assert "English → French" in other_way.inner_text()
    page.wait_for_selector("#status .progress-line.done", timeout=MODEL_TIMEOUT_MS)
    assert serious_violations(page) == []  # the warning and its button, for keyboards and screen readers too
    other_way.click()  # one click: the direction turns and the article is translated again
    page.wait_for_function("() => document.title === 'Passerelle — English → French'", timeout=UI_TIMEOUT_MS)
    assert page.get_by_label("English → French").is_checked()
    page.wait_for_selector("#status progress", timeout=UI_TIMEOUT_MS)  # it runs by itself
    page.wait_for_selector("#status .progress-line.done", timeout=MODEL_TIMEOUT_MS)
    assert page.locator("#status .notice.warning").count() == 0  # English read as English now
    assert pane_title(page, "original") == "Original · English".upper()
    assert not page.locator("#other-way").is_visible()


def test_several_files_are_all_translated_and_zipped(page: playwright_api.Page, tmp_path: Path) -> None:
    import zipfile

    first, second = tmp_path / "premier.txt", tmp_path / "second.html"
    first.write_text("Le premier article parle du budget de Lyon.", encoding="utf-8")
    second.write_text("<html><body><h1>Marseille</h1><p>Le second article parle du port.</p></body></html>", encoding="utf-8")
    page.fill("#article-text textarea", "Le maire a parlé.")
    page.get_by_label("None").check()
    page.get_by_label("Fast", exact=True).check()
    page.click("#translate-button")
    page.wait_for_selector("#status .progress-line.done", timeout=MODEL_TIMEOUT_MS)
    assert page.locator("#download-md").is_visible()

    page.set_input_files("#article-files input[type=file]", [str(first), str(second)])
    # The last result and its downloads leave the screen with the new files.
    page.wait_for_selector("#status .file-states", timeout=UI_TIMEOUT_MS)
    assert not page.locator("#download-md").is_visible() and page.locator("#pane-translation .seg").count() == 0
    states = page.locator("#status .file-states li")
    assert states.count() == 2 and "premier.txt: to translate" in states.nth(0).inner_text()
    assert "shown below" in states.nth(0).inner_text()
    page.click("#translate-button")
    page.wait_for_selector("#status .progress-line.done", timeout=MODEL_TIMEOUT_MS)
    status = page.locator("#status").inner_text()
    assert "2 of 2 articles translated" in status and "showing premier.txt" in status
    assert [states.nth(i).inner_text().split(" (")[0] for i in range(2)] == ["✓ premier.txt: translated", "✓ second.html: translated"]
    assert "premier article" in page.locator("#pane-original").inner_text()
    with page.expect_download(timeout=UI_TIMEOUT_MS) as download:
        page.click("#download-zip")
    with zipfile.ZipFile(download.value.path()) as archive:
        names = sorted(archive.namelist())
        assert json.loads(archive.read(next(n for n in names if n.endswith("second.en.json"))))["source_file"] == "second.html"
    # Each file's results in a folder of its own: Markdown, JSON, and the page in its own form.
    assert names == [
        "01-premier.txt/premier.en.json",
        "01-premier.txt/premier.en.md",
        "02-second.html/second.en.html",
        "02-second.html/second.en.json",
        "02-second.html/second.en.md",
    ]
    # Another file picked: its own result, said so.
    page.get_by_label("Article to show").click()
    page.get_by_role("option", name="second.html").click()
    page.wait_for_function("() => document.querySelector('#pane-original').innerText.includes('Marseille')", timeout=UI_TIMEOUT_MS)
    assert "shown below" in states.nth(1).inner_text() and "shown below" not in states.nth(0).inner_text()
    assert page.locator("#download-zip").is_visible()
    assert serious_violations(page) == []


SERIOUS = ("serious", "critical")


def serious_violations(page: playwright_api.Page) -> list[str]:
    """axe-core's audit of the page as it stands: its serious and critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    def audit() -> list[str]:
        violations = Axe().run(page).response["violations"]
        return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}" for v in violations if v["impact"] in SERIOUS]

    found = audit()
    if found:  # a component caught mid-update (faded while Gradio redraws it): what stays is real
        page.wait_for_timeout(1_500)
        found = audit()
    return found


def test_no_serious_accessibility_violation_empty_or_after_a_translation(page: playwright_api.Page) -> None:
    assert serious_violations(page) == []
    page.fill("#article-text textarea", "Le maire a parlé devant le conseil. Les prix ont augmenté de 2,5 % en un an.")
    page.click("#translate-button")
    page.wait_for_selector("#status .progress-line.done", timeout=MODEL_TIMEOUT_MS)
    assert serious_violations(page) == []
