"""What every document format shares: blocks split one unit each, inline marks placed or
translated run by run, a web page reduced to its article, and the article pipeline writing
the file back in its own format (on tiny models with random weights)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from passerelle.translate import Translator
from passerelle.translate.document import split_blocks
from passerelle.translate.formats import Block, Close, HtmlForm, Open
from passerelle.translate.formats.inline import place, place_all
from passerelle.ui.article import ArticleOptions, LoadedModels, process_article, read_article_bytes
from passerelle.ui.config import AppConfig

PAGE = """<!DOCTYPE html><html><head><title>Le budget</title></head><body>
<header><nav><a href="/">Accueil</a> <a href="/politique">Politique</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>Le conseil municipal vote le budget</h1>
<p>Le conseil municipal de Lyon a voté <b>un budget de 780 millions d'euros</b> lundi soir, après un long débat sur les transports.</p>
<p>Le maire a défendu une hausse des investissements dans les crèches et les transports en commun de la ville.</p>
<p>L'opposition a dénoncé une augmentation de la dette et a voté contre le texte, adopté par cinquante voix contre vingt.</p>
</article></main>
<footer><p>© Journal de Lyon. Tous droits réservés. Mentions légales du site.</p></footer></body></html>"""


def bold(before: str, inside: str, after: str) -> tuple[Block, Open, Close]:
    opening = Open("<b>", "</b>")
    closing = Close(opening)
    return Block([before, opening, inside, closing, after]), opening, closing


@pytest.mark.unit
def test_every_text_is_one_unit_whatever_it_looks_like() -> None:
    texts = ["# pas un titre", "```", "- pas une liste", "Deux phrases. Ici\n\n  et là."]
    document = split_blocks(texts)
    assert len(document.units) == len(texts)
    assert document.source() == "# pas un titre\n\n```\n\n- pas une liste\n\nDeux phrases. Ici et là."
    assert [len(unit.pieces) for unit in document.units] == [1, 1, 1, 2]


@pytest.mark.unit
def test_a_mark_goes_around_its_words_or_their_translation() -> None:
    block, opening, closing = bold("Le ", "chat", " dort.")
    assert place(block, "The cat sleeps.", {"chat": "cat"}) == ["The ", opening, "cat", closing, " sleeps."]
    assert place(block, "The chat sleeps.", {}) == ["The ", opening, "chat", closing, " sleeps."]
    assert place(block, "It sleeps.", {"chat": "cat"}) is None


@pytest.mark.unit
def test_a_mark_that_cannot_be_placed_is_translated_run_by_run() -> None:
    block, opening, closing = bold("Le ", "chat", " dort.")
    asked: list[Sequence[str]] = []

    def translate_many(texts: Sequence[str]) -> list[str]:
        asked.append(list(texts))
        return [text.upper() for text in texts]

    placed = place_all([block], ["It sleeps."], translate_many)
    assert placed == [["LE ", opening, "CHAT", closing, " DORT."]]  # every tag where it was, edges kept
    assert asked == [["chat"], ["Le", "dort."]]  # the mark's words first, then the runs not yet known


@pytest.mark.unit
def test_nested_or_unclosed_marks_are_never_moved() -> None:
    outer = Open("<b>", "</b>")
    inner = Open("<i>", "</i>")
    nested = Block(["Le ", outer, "très ", inner, "grand", Close(inner), " chat", Close(outer), " dort."])
    assert place(nested, "The very big cat sleeps.", {}) is None
    unclosed = Block(["Le ", Open("<b>", "</b>"), "chat"])
    assert place(unclosed, "The cat", {"chat": "cat"}) is None


@pytest.mark.unit
def test_a_page_is_reduced_to_its_article_when_asked() -> None:
    whole = read_article_bytes(PAGE.encode(), "page.html", 1_000_000, 100_000)
    article = read_article_bytes(PAGE.encode(), "page.html", 1_000_000, 100_000, article_only=True)
    assert "Accueil" in whole.text and "Mentions légales" in whole.text
    assert "Accueil" not in article.text and "Mentions légales" not in article.text
    assert "780 millions" in article.text and "only the page's article is translated" in article.notes
    assert whole.form is not None and whole.form.summary_blocks() == {
        i for i, text in enumerate(whole.form.model_texts()) if "conseil" in text or "maire" in text or "opposition" in text
    }


@pytest.mark.model
def test_translate_texts_gives_one_translation_per_text(marian_fr_en_dir: Path) -> None:
    translator = Translator(str(marian_fr_en_dir), backend="transformers", generation={"num_beams": 1, "max_new_tokens": 6})
    texts = ["Le maire a parlé. Il a voté.", "—", "# Le budget", "```"]
    out = translator.translate_texts(texts)
    assert len(out) == 4 and out[1] == "—" and all(text.strip() for text in out)
    assert out[0] != texts[0] and out[2] != texts[2]


@pytest.mark.model
def test_the_pipeline_writes_the_page_back_and_summarises_its_article(tiny_config: Callable[..., AppConfig]) -> None:
    services = LoadedModels(tiny_config())
    form = HtmlForm(PAGE)
    result = process_article(form.article_text(), services, ArticleOptions(summary_length="short"), "page.html", form=form)
    assert result.file is not None and result.file.kind == "html" and result.file.suffix == ".html"
    out = result.file.data.decode()
    assert out.count("<p>") == PAGE.count("<p>") and out.count("<b>") == 1 and '<a href="/politique">' in out
    assert "conseil municipal" not in out  # translated
    record = result.to_json()
    assert record["format"] == "html" and len(record["segments"]) >= len(form.model_texts())
    assert result.summary is not None and result.summary.en.strip()
