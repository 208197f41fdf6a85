"""Markdown in, Markdown out, on a model with random weights: the block structure out is the
structure in (block tokens, table rows and cells, hard breaks), front matter, code, link
targets, images and autolinks come out byte for byte, every paragraph is translated, marks
stay around words, and no markup can come from the model's text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from passerelle.translate import Translator
from passerelle.translate.formats.inline import Atom, Close, Open
from passerelle.translate.formats.markdown import MarkdownForm

pytestmark = pytest.mark.model

FRONT_MATTER = "---\ntitre: Rapport annuel\ntags: [budget, lyon]\n---\n"
FENCE = '```bash\necho "ne pas traduire ce code"\n```\n'
INDENTED = "    code indenté gardé tel quel\n"
LINK_TARGET = '](https://lyon.fr/ecoles?a=1&b=2 "Les écoles de la ville")'

DOCUMENT = (
    FRONT_MATTER + "# Le conseil de *Lyon* se réunit\n\n"
    "Le conseil municipal a voté **un budget important** hier soir,\n"
    "après un _long débat_ sur [les écoles" + LINK_TARGET + ".\n"
    "Tapez `pip install passerelle` pour essayer.\n\n" + FENCE + "\n" + INDENTED + "\n"
    "| Ville | Décision prise |\n"
    "|:------|---------------:|\n"
    "| Lyon | Les *transports* sont suspendus |\n"
    "| Paris | La mairie reste ouverte |\n\n"
    "> Le maire a parlé longtemps\n"
    "> devant les habitants.\n\n"
    "1. Les écoles restent ouvertes.\n"
    "2. Les ~~autobus~~ tramways circulent normalement.\n\n"
    "- Voir <https://lyon.fr/plan> et ![une carte](img/carte.png) ici.\n"
    "- Une première ligne  \n"
    "  puis une deuxième ligne.\n\n"
    "***\n\n"
    '<div class="note">\nBloc HTML gardé\n</div>\n'
)
# Words of the prose only (not of the front matter, the code or the HTML block).
FRENCH = ("conseil", "réunit", "municipal", "débat", "Tapez", "essayer", "Décision", "suspendus", "mairie",
          "longtemps", "habitants", "restent", "circulent", "première", "deuxième")  # fmt: skip


@pytest.fixture(scope="module")
def translator(marian_fr_en_dir: Path) -> Translator:
    return Translator(str(marian_fr_en_dir), backend="transformers", generation={"num_beams": 1, "max_new_tokens": 8})


@pytest.fixture(scope="module")
def translated(translator: Translator) -> str:
    return MarkdownForm.parse(DOCUMENT.encode(), "rapport.md").translate(translator).decode("utf-8")


def tokens(text: str) -> list[Token]:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)


def structure(text: str) -> list[tuple[str, str]]:
    """The block tokens (type and tag) in order: headings' levels, lists, table cells."""
    return [(token.type, token.tag) for token in tokens(text) if token.type != "inline"]


def inline_types(text: str) -> list[str]:
    return [child.type for token in tokens(text) if token.type == "inline" for child in token.children or []]


def prose(text: str) -> str:
    """The output without its verbatim pieces (front matter, code, HTML block)."""
    for verbatim in (FRONT_MATTER, FENCE, INDENTED, '<div class="note">\nBloc HTML gardé\n</div>\n'):
        text = text.replace(verbatim, "")
    return text


def render_one(source: str, *parts: str | Open | Close | Atom) -> str:
    """``source``'s single block rendered with ``parts`` as its translation."""
    form = MarkdownForm(source)
    assert len(form.blocks) == 1
    return form.render([list(parts)]).decode("utf-8")


# On the model -----------------------------------------------------------------------------


def test_the_block_structure_is_kept(translated: str) -> None:
    assert structure(translated) == structure(DOCUMENT)
    rows = [token for token in tokens(translated) if token.type == "tr_open"]
    cells = [token for token in tokens(translated) if token.type in ("th_open", "td_open")]
    assert len(rows) == 3 and len(cells) == 6
    table = [line for line in translated.splitlines() if line.startswith("|")]
    assert len(table) == 4 and all(line.count("|") == 3 for line in table) and table[1] == "|:------|---------------:|"
    assert inline_types(translated).count("hardbreak") == 1  # the break stays, in its list item


def test_verbatim_pieces_come_out_byte_for_byte(translated: str) -> None:
    assert translated.startswith(FRONT_MATTER + "# ")
    for verbatim in (
        FENCE,
        INDENTED,
        LINK_TARGET,
        "`pip install passerelle`",
        "<https://lyon.fr/plan>",
        "![une carte](img/carte.png)",
        "\n***\n",
        '<div class="note">\nBloc HTML gardé\n</div>\n',
    ):
        assert verbatim in translated  # fmt: skip
    assert "\n> " in translated and "\n1. " in translated and "\n2. " in translated and "\n- " in translated


def test_marks_stay_around_words(translated: str) -> None:
    for mark in (r"\*[^*\s]", r"\*\*[^*\s][^*]*\*\*", r"_[^_\s][^_]*_", r"~~[^~\s][^~]*~~", r"\[[^\]]+" + re.escape(LINK_TARGET)):
        assert re.search(mark, translated), mark
    types = inline_types(translated)
    assert {"em_open", "strong_open", "s_open", "link_open", "code_inline", "image"} <= set(types)


def test_every_paragraph_is_translated(translated: str) -> None:
    text = prose(translated)
    assert [word for word in FRENCH if word in text] == []


def test_translate_end_to_end_gives_one_text_per_paragraph_and_cell(translator: Translator) -> None:
    source = "Le maire a parlé.\n\nLes écoles restent *ouvertes*.\n\n| Ville | Avis |\n|---|---|\n| Lyon | Bon |\n"
    form = MarkdownForm.parse(source, "court.md")
    assert form.model_texts() == ["Le maire a parlé.", "Les écoles restent ouvertes.", "Ville", "Avis", "Lyon", "Bon"]
    out = form.translate(translator)
    assert isinstance(out, bytes)
    assert structure(out.decode("utf-8")) == structure(source)
    assert "maire" not in out.decode("utf-8") and "écoles" not in out.decode("utf-8")


# Parsing ----------------------------------------------------------------------------------


def test_a_line_becomes_text_marks_and_atoms() -> None:
    form = MarkdownForm(
        'Le **long** débat sur [le _site_](<https://x.fr/a b> "Le titre"), voir `ls -l` et ![carte](a.png)  \nfin &amp; <br>\n'
    )
    parts = form.blocks[0].parts
    strong, link, em = parts[1], parts[5], parts[7]
    assert isinstance(strong, Open) and (strong.markup, strong.closing) == ("**", "**")
    assert isinstance(link, Open) and (link.markup, link.closing) == ("[", '](<https://x.fr/a b> "Le titre")')
    assert isinstance(em, Open) and (em.markup, em.closing) == ("_", "_")
    assert [part if isinstance(part, str) else type(part).__name__ for part in parts] == [
        "Le ", "Open", "long", "Close", " débat sur ", "Open", "le ", "Open", "site", "Close", "Close", ", voir ",
        "`ls -l`", " et ", "Atom", " ", "Atom", "fin & ", "Atom"]  # fmt: skip
    assert [part.markup for part in parts if isinstance(part, Atom)] == ["![carte](a.png)", "  \n", "<br>"]
    assert parts[3].opening is strong and parts[9].opening is em and parts[10].opening is link
    assert form.blocks[0].model_text() == "Le long débat sur le site, voir `ls -l` et fin &"


def test_blocks_markers_and_verbatim_lines() -> None:
    source = FRONT_MATTER + "## Titre\n\nSous-titre\n---\n\n- un\n- deux\n\n  suite\n\n> cité\n\n```\ncode\n```\n"
    form = MarkdownForm(source)
    assert form.model_texts() == ["Titre", "Sous-titre", "un", "deux", "suite", "cité"]
    assert form.markers() == ["## ", "## ", "- ", "- ", "", ""]
    assert form.render([block.parts for block in form.blocks]).decode() == source  # untranslated: as it was


def test_reference_links_keep_their_label_or_become_inline() -> None:
    form = MarkdownForm('Voir [le site][ref] et [ref].\n\n[ref]: https://x.fr "Titre"\n')
    closings = [part.closing for part in form.blocks[0].parts if isinstance(part, Open)]
    assert closings == ["][ref]", '](https://x.fr "Titre")']


# Rendering --------------------------------------------------------------------------------


def test_a_wrapped_paragraph_becomes_one_line_in_place() -> None:
    form = MarkdownForm("> - Le maire a parlé\n>   devant les habitants.\n\nFin\n")
    out = form.render([["The mayor spoke."], form.blocks[1].parts]).decode()
    assert out == "> - The mayor spoke.\n\nFin\n"


def test_a_hard_break_keeps_its_line_and_prefix() -> None:
    form = MarkdownForm("> Une ligne\\\n> puis une autre.\n")
    parts = ["One line", " ", *[part for part in form.blocks[0].parts if isinstance(part, Atom)], "- then another."]
    assert form.render([parts]).decode() == "> One line \\\n> \\- then another.\n"


def test_model_text_cannot_make_markup() -> None:
    out = render_one("Le *chat* dort.\n", "*not emphasis* __nor strong__ [no link](http://evil.example) <b>x</b> `code` ~~s~~ &amp;")
    assert set(inline_types(out)) == {"text"}
    assert "http://evil.example" in out  # still there, as text
    for line_start in ("# Title", "- item", "+ item", "1. item", "2) item", "> quote", "---", "==="):
        out = render_one("Texte.\n", line_start)
        assert structure(out) == [("paragraph_open", "p"), ("paragraph_close", "p")], line_start


def test_only_the_sources_code_spans_stay_code() -> None:
    out = render_one("Tapez `ls -l` ici.\n", "Type `ls -l` here, not `rm -rf`.")
    code = [
        child.content for token in tokens(out) if token.type == "inline" for child in token.children or [] if child.type == "code_inline"
    ]
    assert code == ["ls -l"] and r"\`rm -rf\`" in out


def test_marks_render_as_written_and_text_inside_is_escaped() -> None:
    form = MarkdownForm("Le **long** débat.\n")
    strong = form.blocks[0].parts[1]
    assert isinstance(strong, Open)
    out = form.render([["The ", strong, "long *", Close(strong), " debate."]]).decode()
    assert out == "The **long \\*** debate.\n"
    assert inline_types(out).count("strong_open") == 1


def test_a_table_cell_cannot_split_its_row_and_a_title_keeps_its_closing() -> None:
    out = render_one("| Ville |\n|---|\n", "a | b")
    assert out == "| a \\| b |\n|---|\n" and sum(token.type == "th_open" for token in tokens(out)) == 1
    out = render_one("| `a \\| b` |\n|---|\n", "`a | b`")
    assert out == "| `a \\| b` |\n|---|\n"
    assert render_one("# Le titre #\n", "Number #") == "# Number \\# #\n"
    assert render_one("# Le titre\n", "Number #") == "# Number \\#\n"


def test_line_endings_and_front_matter_are_kept() -> None:
    source = "---\r\ntitre: Essai\r\n---\r\nLe maire\r\na parlé.\r\n\r\n```\r\ncode\r\n```\r\n"
    form = MarkdownForm.parse(source.encode("utf-8"), "essai.md")
    assert form.model_texts() == ["Le maire a parlé."]
    assert form.render([["The mayor spoke."]]) == b"---\r\ntitre: Essai\r\n---\r\nThe mayor spoke.\r\n\r\n```\r\ncode\r\n```\r\n"
