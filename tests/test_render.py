"""The panes' HTML: sentences numbered alike in both languages, key sentences marked, and the
JSON and Markdown results saying which sentences the summary rests on."""

from __future__ import annotations

import pytest

from passerelle.summarize import Summary
from passerelle.translate import Document, Segment, TranslationResult, split_document
from passerelle.ui.article import ArticleResult
from passerelle.ui.web.render import KEY_CLASS, render_original, render_summary, render_translation

pytestmark = pytest.mark.unit

FRENCH = "Le maire a parlé. Les prix montent.\n\nLa grève commence jeudi."
ENGLISH = ["The mayor spoke.", "Prices are rising.", "The strike starts on Thursday."]


def _article() -> tuple[ArticleResult, Document]:
    document = split_document(FRENCH)
    sources = [piece.text for _unit, piece in document.pieces()]
    segments = [Segment(0 if i < 2 else 1, source, target) for i, (source, target) in enumerate(zip(sources, ENGLISH))]
    translation = TranslationResult(
        " ".join(ENGLISH), segments, FRENCH, "tiny", "transformers", document=document, units_done=len(document.units)
    )
    summary = Summary(
        en="The strike starts on Thursday.", fr="La grève commence jeudi.", chunks=1, length="short", model="tiny", seconds=0.1
    )
    return ArticleResult(source=FRENCH, translation=translation, summary=summary, key_sentences=[2]), document


def test_key_sentences_are_marked_in_both_panes() -> None:
    result, document = _article()
    original = render_original(document, result.key_sentences)
    english = render_translation(result.translation, result.key_sentences)
    for pane, text in ((original, "La grève commence jeudi."), (english, "The strike starts on Thursday.")):
        assert f'<span class="seg {KEY_CLASS}" data-seg="2">{text}</span>' in pane
        assert pane.count(KEY_CLASS) == 1
    assert KEY_CLASS not in render_original(document)


def test_summary_pane_says_what_is_underlined() -> None:
    assert "rests on 1 sentence of the article" in render_summary("a", "b", key_count=1)
    assert "no sentence could be traced" in render_summary("a", "b", key_count=0)
    assert "key-note" not in render_summary("a", "b")


def test_json_and_markdown_name_the_key_sentences() -> None:
    result, _ = _article()
    assert [segment["key"] for segment in result.to_json()["segments"]] == [False, False, True]
    markdown = result.to_markdown()
    assert "## Key sentences of the original\n\n- La grève commence jeudi." in markdown


def test_titles_follow_the_direction_used() -> None:
    from passerelle.ui.web.headline import Heading

    english = Heading("en")
    assert english.tab_title() == "Passerelle — English → French"
    assert english.pane_titles()["original"] == "Original · English" and "English → French" in english.header()
    detected = Heading("auto", "fr")
    assert detected.pane_titles()["original"] == "Original · French (detected)"
    assert detected.tab_title() == "Passerelle — French → English (French detected)"
    assert Heading("auto").pane_titles()["original"] == "Original"
    assert 'href="docs"' in Heading().header() and "LibreTranslate-compatible" in Heading().header()


def test_the_model_line_speaks_plainly_with_the_details_one_click_away() -> None:
    from passerelle.ui.article.models import ModelState, ModelStatus
    from passerelle.ui.web.headline import ModelItem, render_model_line, short_name

    engine = "/models/opus-mt-fr-en (ctranslate2 int8_float32 cpu (2 workers x 1 thread))"
    ready = ModelItem("French → English", short_name("/models/opus-mt-fr-en/"), ModelStatus(ModelState.READY, engine))
    failed = ModelItem("Summary", "distilbart", ModelStatus(ModelState.FAILED, "Set PASSERELLE_SUMMARY_MODEL."))
    line = render_model_line([ready, failed])
    shown, details = line.split("<details", 1)
    assert "French → English: opus-mt-fr-en · ready" in shown and "ctranslate2" not in shown
    assert "ctranslate2 int8_float32 cpu" in details.split("</details>")[0]
    assert line.count("PASSERELLE_SUMMARY_MODEL") == 1  # the fix, said once


def test_each_uploaded_file_says_how_it_stands() -> None:
    from passerelle.ui.web.render import FileLine, FileState, render_file_states

    assert render_file_states([FileLine("seul.txt")]) == ""  # one file: the status line says it all
    html = render_file_states([FileLine("a.txt", FileState.DONE, "3 sentences", shown=True), FileLine("b<.txt", FileState.FAILED)])
    assert "✓ a.txt: translated (3 sentences)" in html and 'aria-current="true"' in html
    assert "✗ b&lt;.txt: failed" in html
