"""Markdown, Word and subtitles in, the same kind of file out, on a model with random
weights: the structure out equals the structure in (block tokens and table cells, paragraph
and table counts, run formatting and link targets, cue numbers and timings), every block is
translated, protected spans survive inside the markup, and hostile files are refused."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from markdown_it import MarkdownIt

from passerelle.translate import InputTextError, Translator
from passerelle.translate.formats import DocxForm, MarkdownForm, Open, SrtForm, VttForm, form_for
from passerelle.translate.formats.cue_layout import spread, wrap
from passerelle.translate.formats.markdown import render_parts

MARKDOWN = """---
titre: Le budget
---
# Le budget de *Lyon*

Le conseil a voté [un budget](https://lyon.fr/budget "Le site") de 780 000 € hier,
après un **long débat**. Tapez `pip install passerelle` pour essayer.

```python
print("garder ce code")
```

| Ville | Décision |
|-------|----------|
| Lyon | Le budget est voté |

> Le maire a parlé longtemps.

- Les écoles restent ouvertes.
- Les transports sont suspendus.
"""

SUBTITLES = """1
00:00:01,000 --> 00:00:03,500
Bonjour à tous, et bienvenue

2
00:00:03,600 --> 00:00:06,000
<i>dans cette émission sur le budget.</i>

3
00:00:09,000 --> 00:00:11,000
Le maire va parler.
"""


@pytest.fixture(scope="module")
def translator(marian_fr_en_dir: Path) -> Translator:
    return Translator(str(marian_fr_en_dir), backend="transformers", generation={"num_beams": 1, "max_new_tokens": 8})


def block_types(text: str) -> list[str]:
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return [token.type for token in parser.parse(text) if token.type != "inline"]


def french_words(text: str) -> set[str]:
    return {word for word in ("conseil", "écoles", "transports", "maire", "Décision", "Bonjour", "émission") if word in text}


# Markdown ---------------------------------------------------------------------------------


@pytest.mark.model
def test_markdown_keeps_its_structure(translator: Translator) -> None:
    form = MarkdownForm.parse(MARKDOWN.encode(), "article.md")
    assert len(form.model_texts()) == 9  # title, paragraph, 4 cells, quote, 2 items (no front matter, no code)
    out = form.translate(translator).decode()
    assert block_types(out) == block_types(MARKDOWN)
    assert out.startswith("---\ntitre: Le budget\n---\n# ")
    for verbatim in ('```python\nprint("garder ce code")\n```', "`pip install passerelle`", '](https://lyon.fr/budget "Le site")'):
        assert verbatim in out  # fmt: skip
    rows = [line for line in out.splitlines() if line.startswith("|")]
    assert len(rows) == 3 and all(row.count("|") == 3 for row in rows)  # the table's rows and cells
    assert "780,000" in out  # the number, in English conventions, inside the markup
    assert not french_words(out)


@pytest.mark.unit
def test_markdown_marks_are_parts_and_the_model_text_is_escaped() -> None:
    form = MarkdownForm("Le **long** débat sur [le site](https://x.fr).\n")
    parts = form.blocks[0].parts
    assert parts[0] == "Le " and isinstance(parts[1], Open) and parts[1].markup == "**" and parts[2] == "long"
    assert form.blocks[0].model_text() == "Le long débat sur le site."
    # Whatever the model writes, it cannot make emphasis, links or a title; code spans stay.
    assert render_parts(["# *a* [b](c) `d` <e>"]) == r"\# \*a\* \[b\](c) `d` \<e\>"
    assert render_parts(["1. item"]) == r"1\. item"


# Subtitles --------------------------------------------------------------------------------


@pytest.mark.model
def test_subtitles_keep_numbers_and_timings(translator: Translator) -> None:
    form = SrtForm.parse(SUBTITLES.encode(), "film.srt")
    assert form.model_texts() == ["Bonjour à tous, et bienvenue dans cette émission sur le budget.", "Le maire va parler."]
    out = form.translate(translator).decode()
    timings = re.compile(r"^\d+$|^\d\d:\d\d:\d\d,\d{3} --> .*$", re.M)
    assert timings.findall(out) == timings.findall(SUBTITLES)
    cues = [cue.splitlines() for cue in out.strip().split("\n\n")]
    assert len(cues) == 3
    # The two cues of the first sentence share its one translation, their words in order.
    sentence = translator.translate_texts(form.model_texts())[0]
    spoken = " ".join(line for cue in cues[:2] for line in cue[2:])
    assert re.sub(r"</?i>", "", spoken).split() == sentence.split()
    assert all(len(line) <= 42 for cue in cues for line in cue[2:] if " " in line)
    assert not french_words(out)


@pytest.mark.model
def test_webvtt_keeps_its_header_notes_and_settings(translator: Translator) -> None:
    vtt = "WEBVTT - essai\n\nNOTE une note\n\nintro\n00:01.000 --> 00:03.000 align:start\nBonjour à tous.\n"
    out = VttForm.parse(vtt, "film.vtt").translate(translator).decode()
    assert out.startswith("WEBVTT - essai\n\nNOTE une note\n\nintro\n00:01.000 --> 00:03.000 align:start\n")
    assert "Bonjour" not in out


@pytest.mark.unit
def test_a_sentence_is_spread_over_its_cues_between_words() -> None:
    text = "Hello everyone, and welcome to this programme devoted to the budget of the city."
    parts = spread(text, [28, 40, 10])
    assert len(parts) == 3 and all(parts) and " ".join(parts) == text
    assert spread("Two words", [10, 10, 10]) == ["Two", "words", ""]
    assert wrap("a" * 20 + " " + "b" * 30) == ["a" * 20, "b" * 30]
    assert all(len(line) <= 42 for line in wrap(" ".join(["mot"] * 40)))


@pytest.mark.unit
@pytest.mark.parametrize(
    "text, message",
    [
        ("", "no subtitle cue"),
        ("1\n00:00:01,000 -> 00:00:02,000\nx\n", "line 1: a cue without a timing line"),
        ("1\n00:00:01,000 --> 00:00:0x,000\nx\n", "line 2: the timing"),
        ("1\n00:00:05,000 --> 00:00:02,000\nx\n", "ends before it starts"),
    ],
)
def test_broken_subtitles_are_refused(text: str, message: str) -> None:
    with pytest.raises(InputTextError, match=message):
        SrtForm.parse(text, "film.srt")
    with pytest.raises(InputTextError, match="starts with WEBVTT"):
        VttForm.parse("1\n00:01.000 --> 00:02.000\nx\n", "film.vtt")


# Word -------------------------------------------------------------------------------------


def build_docx(path: Path) -> Path:
    """A small Word file: a title, formatted runs, a list, a table, a link, header and footer."""
    document = docx.Document()
    document.add_heading("Le budget de la ville", level=1)
    paragraph = document.add_paragraph("Le conseil municipal a voté ")
    paragraph.add_run("un budget").bold = True
    paragraph.add_run(" de 780 000 € lundi soir, après un ")
    paragraph.add_run("long").italic = True
    paragraph.add_run(" débat.")
    document.add_paragraph("Les écoles restent ouvertes.", style="List Bullet")
    document.add_paragraph("Les transports sont suspendus.", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for i, row in enumerate(table.rows):
        for j, cell in enumerate(row.cells):
            cell.text = f"Le maire parle de la ligne {i + j} du tableau."
    linked = document.add_paragraph("Voir le ")
    target = linked.part.relate_to("https://lyon.fr/budget", RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink, run, text = OxmlElement("w:hyperlink"), OxmlElement("w:r"), OxmlElement("w:t")
    hyperlink.set(qn("r:id"), target)
    text.text = "site de la mairie"
    run.append(text)
    hyperlink.append(run)
    linked._p.append(hyperlink)
    linked.add_run(" pour les détails.")
    section = document.sections[0]
    section.header.paragraphs[0].text = "Le journal du lundi"
    section.footer.paragraphs[0].text = "Les droits sont réservés."
    document.save(path)
    return path


@pytest.mark.model
def test_word_keeps_its_structure_and_formatting(translator: Translator, tmp_path: Path) -> None:
    source = build_docx(tmp_path / "article.docx")
    form = DocxForm.parse(source.read_bytes(), "article.docx")
    assert form_for("Article.DOCX") is DocxForm and len(form.model_texts()) == 11
    before, after = docx.Document(source), docx.Document(io.BytesIO(form.translate(translator)))
    assert [p.style.name for p in after.paragraphs] == [p.style.name for p in before.paragraphs]
    assert len(after.tables) == 1 and len(after.tables[0]._cells) == 4
    runs = [run for paragraph in after.paragraphs for run in paragraph.runs]
    assert any(run.bold for run in runs) and any(run.italic for run in runs)
    assert [link.address for p in after.paragraphs for link in p.hyperlinks] == ["https://lyon.fr/budget"]
    everything = "\n".join(
        [p.text for p in after.paragraphs]
        + [cell.text for cell in after.tables[0]._cells]
        + [after.sections[0].header.paragraphs[0].text, after.sections[0].footer.paragraphs[0].text]
    )
    assert not french_words(everything) and "journal" not in everything and "780,000" in everything


def zipped(members: dict[str, bytes], level: int = 6) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.unit
@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: b"ceci n'est pas un zip", "not a zip package"),
        (lambda: b"\xd0\xcf\x11\xe0" + b"\0" * 600, "old Word .doc"),
        (lambda: zipped({"word/document.xml": b"\0" * 210_000_000}, level=9), "zip bomb"),
        (lambda: zipped({"autre.xml": b"<a/>"}), "no word/document.xml"),
        (
            lambda: zipped({"word/document.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'}),
            "DOCTYPE",
        ),
    ],
)
def test_hostile_word_files_are_refused_quickly(make: object, message: str) -> None:
    data = make()  # type: ignore[operator]
    started = time.perf_counter()
    with pytest.raises(InputTextError, match=message):
        DocxForm.parse(data, "piege.docx")
    assert time.perf_counter() - started < 2
