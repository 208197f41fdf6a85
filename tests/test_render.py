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
