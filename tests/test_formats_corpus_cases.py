"""The classes of failure that the formats' own libraries' test corpora found, as the
project's own cases (French written for the project), on a model with random weights:

- inline code comes back byte for byte, whatever its backticks and the spaces in it;
- inline HTML (and a code span) wrapped over lines keeps its line breaks and prefixes;
- emphasis next to punctuation or inside a word stays emphasis, on the right words;
- a document with nothing to translate comes back as it is, with a note, and counts as done;
- WebVTT as youtube-dl writes it (a timing line right after a cue's text, karaoke timestamps,
  class spans) is read as webvtt-py reads it, every timing and tag kept in place;
- subtitles in UTF-32 (and UTF-16) with their byte-order mark are read like UTF-8 ones.

``scripts/check_corpora.py`` runs the corpora themselves, by hand."""

from __future__ import annotations

import io
import json
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from passerelle.translate import Translator
from passerelle.translate.formats import DocxForm, MarkdownForm, SrtForm, VttForm
from passerelle.translate.formats.inline import Close, Open
from passerelle.translate.formats.markdown import render_parts
from passerelle.ui.article import ArticleOptions, LoadedModels, process_article, read_article_bytes
from passerelle.ui.batch import Status, discover, exit_status, run_local
from passerelle.ui.config import AppConfig

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def translator(marian_fr_en_dir: Path) -> Translator:
    return Translator(str(marian_fr_en_dir), backend="transformers", generation={"num_beams": 1, "max_new_tokens": 8})


def inline_tokens(text: str) -> list[Token]:
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    return [child for token in parser.parse(text) if token.type == "inline" for child in token.children or []]


def of_type(text: str, *kinds: str) -> list[tuple[str, str]]:
    """The inline tokens of these kinds, with their content (code, HTML) as markdown-it reads it."""
    return [(token.type, token.content) for token in inline_tokens(text) if token.type in kinds]


def marks(text: str) -> list[str]:
    """The emphasis, strong and strikethrough tokens, in order ("*" or "_" alike)."""
    return [token.type for token in inline_tokens(text) if token.type.startswith(("em_", "strong_", "s_"))]


# Inline code, byte for byte -----------------------------------------------------------------

CODE_SPANS = [
    "Tapez `` echo `date` `` dans le terminal du serveur.",  # two backticks around one
    "La balise ```` ``` ```` ouvre un bloc de code dans le texte.",  # four around three
    "Le motif `a   b` garde ses trois espaces entre les lettres.",  # spaces inside
    "L'option ``--dry-run`` ne change rien sur le disque.",  # two backticks, no backtick inside
    "Le nom `\u00a0espace\u00a0` commence par une espace insécable.",  # no-break spaces at its edges
    "Une commande `ls\n-l` coupée en deux lignes reste la même.",  # a line break inside
    "> Le maire a cité `rm -rf\n> /tmp` devant le conseil municipal.",  # inside a quote
    "- Voir ``a ` b`` puis `c`\n  et la suite de la liste.",  # inside a list item
    "| Commande | Rôle |\n|---|---|\n| `` `x` `` | La commande `a \\| b` du tableau |",  # table cells
]


@pytest.mark.parametrize("source", CODE_SPANS)
def test_code_spans_come_out_byte_for_byte(translator: Translator, source: str) -> None:
    out = MarkdownForm(source + "\n").translate(translator).decode("utf-8")
    assert of_type(out, "code_inline") == of_type(source, "code_inline")
    for span in re.findall(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", source, re.DOTALL):
        assert span[0] + span[1] + span[0] in out  # as written, line breaks and prefixes included


def test_the_model_reads_every_code_span_as_a_one_backtick_span() -> None:
    form = MarkdownForm("Tapez `` echo `date` `` puis ``ls   -l`` et `pwd`.\n")
    assert form.model_texts() == ["Tapez `echo 'date'` puis `ls -l` et `pwd`."]


def test_a_backtick_of_the_text_cannot_swallow_a_code_span(translator: Translator) -> None:
    form = MarkdownForm("Le signe \\` précède ``la commande`` du texte.\n")
    assert form.model_texts() == ["Le signe \u02cb précède `la commande` du texte."]  # the text's backtick reads as another sign
    assert of_type(form.translate(translator).decode("utf-8"), "code_inline") == [("code_inline", "la commande")]
    assert form.render([["The sign \u02cb comes before ", "`la commande`", "."]]).decode() == "The sign \\` comes before ``la commande``.\n"


# Markup over several lines ------------------------------------------------------------------

HTML_OVER_LINES = [
    'Le conseil <span\nclass="note">municipal</span> a voté le budget.',
    "Le maire <!-- une remarque\nsur deux lignes --> a parlé longtemps.",
    '> La ville <abbr\n> title="Lyon">de Lyon</abbr> rouvre ses écoles.',
    '- Les écoles <a\n  href="/ecoles">rouvrent</a> lundi matin.',
]


@pytest.mark.parametrize("source", HTML_OVER_LINES)
def test_inline_html_keeps_its_line_breaks(translator: Translator, source: str) -> None:
    out = MarkdownForm(source + "\n").translate(translator).decode("utf-8")
    assert of_type(out, "html_inline") == of_type(source, "html_inline")
    first = re.search(r"<[!a-z][^>]*\n[^>]*>", source)
    assert first is not None and first.group() in out  # with the next line's own prefix


def test_crlf_stays_inside_wrapped_markup() -> None:
    source = 'Le conseil <span\r\n  class="x">vote</span> ce soir.\r\n'
    form = MarkdownForm(source)
    out = form.render([["The council ", *form.blocks[0].parts[1:4], " tonight."]]).decode()
    assert out == 'The council <span\r\n  class="x">vote</span> tonight.\r\n'


# Emphasis next to punctuation or inside words -------------------------------------------------

EMPHASIS = [
    "Le vote pro-_(budget)_ est acquis.",
    "Le vote pro-__(budget)__ est acquis.",
    "Le mot anti*constitution*nel est long.",
    "Un **« grand »** débat a eu lieu.",
    "Le *(petit)* débat et le ~~vieux~~ budget.",
]


@pytest.mark.parametrize("source", EMPHASIS)
def test_emphasis_stays_emphasis(translator: Translator, source: str) -> None:
    out = MarkdownForm(source + "\n").translate(translator).decode("utf-8")
    assert marks(out) == marks(source)


def render_with(source: str, words: list[str]) -> str:
    """``source``'s one block rendered with ``words`` as its text runs, its marks and atoms kept."""
    form = MarkdownForm(source)
    texts = iter(words)
    return render_parts([next(texts) if isinstance(part, str) else part for part in form.blocks[0].parts])


@pytest.mark.parametrize(
    "source, words, expected",
    [
        ("pro-_(budget)_\n", ["pour", "budget"], "pour*budget*"),  # "_" cannot open inside a word: "*" can
        ("pro-_(budget)_\n", ["pour", "(budget)"], "pour(_budget_)"),  # nor can "*" before punctuation: it steps in
        ("pro-_(budget)_\n", ["pour ", "(budget)x"], "pour _(budget)x_"),  # readable as written: kept
        ("Le *(petit)* débat\n", ["The", "(small)", "debate"], "The(*small*)debate"),  # punctuation steps out
        ("Le *(petit <br> chat)* dort\n", ["The", "(small ", " cat)", "sleeps"], "The(*small <br> cat*)sleeps"),
        ("Le __grand__ débat\n", ["The", "big", "debate"], "The**big**debate"),
    ],
)
def test_a_delimiter_goes_where_markdown_reads_it(source: str, words: list[str], expected: str) -> None:
    out = render_with(source, words)
    assert out == expected and marks(out) == marks(source)


def test_a_mark_stays_on_the_word_it_marked() -> None:
    form = MarkdownForm("Le mot &#42;maire&#42; et le *maire* ici.\n")
    parts = form.assemble(form.model_texts(), lambda texts: list(texts))[0]
    assert render_parts(parts) == "Le mot \\*maire\\* et le *maire* ici."


def test_an_exclamation_mark_before_a_link_does_not_make_an_image() -> None:
    form = MarkdownForm("Bravo \\![le site][ref]\n\n[ref]: https://lyon.fr\n")
    link = [part for part in form.blocks[0].parts if isinstance(part, (Open, Close))]
    out = form.render([["Well done!", link[0], "the site", link[1]]]).decode()
    assert out.startswith("Well done\\![the site][ref]\n")
    assert [token.type for token in inline_tokens(out) if token.type in ("image", "link_open")] == ["link_open"]


# Nothing to translate -----------------------------------------------------------------------

TEXTLESS_MARKDOWN = {
    "code.md": "```python\nprint('bonjour')\n```\n\n    code indenté\n",
    "rules.md": "***\n\n---\n\n___\n",
    "html.md": '<div class="encart">\n<p>Bloc HTML</p>\n</div>\n',
    "refs.md": '[mairie]: https://lyon.fr "Le site"\n[ecoles]: /ecoles\n',
    "empty.md": "",
}


def tiny_png() -> bytes:
    """A 1x1 PNG, written here (no image library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")


def textless_word_files() -> dict[str, bytes]:
    """A blank document, a table of empty cells, a document with only an image."""
    files = {}
    for name, fill in (("blank.docx", None), ("cells.docx", "table"), ("image.docx", "image")):
        document = docx.Document()
        if fill == "table":
            document.add_table(rows=3, cols=2)
        elif fill == "image":
            document.add_picture(io.BytesIO(tiny_png()))
        out = io.BytesIO()
        document.save(out)
        files[name] = out.getvalue()
    return files


def word_structure(data: bytes) -> tuple[int, list[int], int]:
    document = docx.Document(io.BytesIO(data))
    return len(document.paragraphs), [len(table._cells) for table in document.tables], len(document.inline_shapes)


@pytest.mark.parametrize("name", sorted(TEXTLESS_MARKDOWN))
def test_markdown_without_text_comes_back_as_it_is(tiny_config: Callable[..., AppConfig], name: str) -> None:
    data = TEXTLESS_MARKDOWN[name].encode()
    article = read_article_bytes(data, name, 1_000_000, 100_000)
    assert article.form is not None and not article.form.translatable()
    result = process_article(article.text, LoadedModels(tiny_config()), ArticleOptions(summarize=False), name, form=article.form)
    assert result.file is not None and result.file.data == data
    assert result.translation.segments == [] and any("no text to translate" in warning for warning in result.warnings)


def test_a_folder_of_files_without_text_is_done(tmp_path: Path, tiny_config: Callable[..., AppConfig]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in TEXTLESS_MARKDOWN.items():
        (folder / name).write_text(text, encoding="utf-8")
    words = textless_word_files()
    for name, data in words.items():
        (folder / name).write_bytes(data)
    (folder / "article.md").write_text("Le conseil municipal a voté le budget.\n", encoding="utf-8")
    config, options, stream = tiny_config(batch_group=2), ArticleOptions(summarize=False, num_beams=1), io.StringIO()
    outcomes = run_local(discover([str(folder)], tmp_path / "out", config), LoadedModels(config), options, False, stream=stream)
    assert [outcome.status for outcome in outcomes] == [Status.DONE] * 9 and exit_status(outcomes) == 0
    for name, text in TEXTLESS_MARKDOWN.items():
        assert (tmp_path / "out" / name.replace(".md", ".en.md")).read_text(encoding="utf-8") == text
        record = json.loads((tmp_path / "out" / name.replace(".md", ".json")).read_text(encoding="utf-8"))
        assert record["segments"] == [] and any("no text to translate" in warning for warning in record["warnings"])
    for name, data in words.items():
        assert word_structure((tmp_path / "out" / name.replace(".docx", ".en.docx")).read_bytes()) == word_structure(data)
    assert stream.getvalue().count("nothing to translate, the file comes back as it is") == 8
    assert "0 failed" in stream.getvalue()
    again = run_local(discover([str(folder)], tmp_path / "out", config), LoadedModels(config), options, False, stream=io.StringIO())
    assert [outcome.status for outcome in again] == [Status.SKIPPED] * 9  # done, so a rerun skips them


def test_word_files_without_text_are_read_without_blocks() -> None:
    for name, data in textless_word_files().items():
        form = DocxForm.parse(data, name)
        assert not form.translatable() and word_structure(form.untouched()) == word_structure(data)


# WebVTT as youtube-dl writes it ---------------------------------------------------------------

KARAOKE = """WEBVTT
Kind: captions
Language: fr

00:01:10.000 --> 00:01:12.500 align:start position:0%
bonjour

00:01:12.500 --> 00:01:15.000 align:start position:0%
bonjour
<c.colorE5E5E5>à tous</c>
00:01:15.000 --> 00:01:17.000 align:start position:0%
ce<00:01:15.400><c> soir</c><c.colorCCCCCC><00:01:15.900><c> nous</c></c><00:01:16.300><c> parlons</c>

00:01:17.000 --> 00:01:19.000 align:start position:0%
ce soir<c.colorCCCCCC> nous parlons
 du budget</c>
"""


def vtt_cues(text: str) -> list[tuple[str, list[str]]]:
    """Each cue as webvtt-py reads it: its timing line, and the tags of its text in order. A
    block ends at an empty line, or where a line with "-->" follows a text or timing line."""
    cues: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if "-->" in line:
            cues.append((line, []))
        elif cues and line:
            cues[-1][1].extend(re.findall(r"<[^<>]+>", line))
    return cues


def test_a_timing_line_right_after_a_cues_text_starts_a_cue(translator: Translator) -> None:
    form = VttForm.parse(KARAOKE, "karaoke.vtt")
    assert len([item for item in form.items if not isinstance(item, str)]) == 4
    out = form.translate(translator).decode("utf-8")
    assert vtt_cues(out) == vtt_cues(KARAOKE)  # every timing, and every tag of every cue, in place
    assert "--&gt;" not in out and out.startswith("WEBVTT\nKind: captions\nLanguage: fr\n\n")
    assert not [word for word in ("bonjour", "soir", "parlons", "budget") if word in out]


def test_karaoke_cues_keep_their_timestamps_between_their_words() -> None:
    form = VttForm.parse(KARAOKE, "karaoke.vtt")
    karaoke = next(block for block in form.blocks if "<00:01:15.400>" in repr(block.parts))
    shouted = [part.upper() if isinstance(part, str) else part for part in karaoke.parts]
    out = form.render([shouted if block is karaoke else block.parts for block in form.blocks]).decode()
    assert "CE<00:01:15.400><c> SOIR</c><c.colorCCCCCC><00:01:15.900><c> NOUS</c></c><00:01:16.300><c> PARLONS</c>" in out


def test_a_timing_like_line_inside_a_cue_starts_a_cue(translator: Translator) -> None:
    timing = "00:00:04.000 --> 00:00:06.000"
    source = f"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nLe maire parle.\n{timing}\n{timing}\nIl a fini.\n"
    out = VttForm.parse(source, "ligne.vtt").translate(translator).decode("utf-8")
    assert [timing for timing, _ in vtt_cues(out)] == [timing for timing, _ in vtt_cues(source)]
    assert out.count("-->") == 3 and "&gt;" not in out


# Subtitles with a byte-order mark -------------------------------------------------------------

SRT = "1\n00:00:01,000 --> 00:00:03,000\nLe maire a parlé.\n\n2\n00:00:04,000 --> 00:00:06,000\nIl a fini.\n"
VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nLe maire a parlé.\n"


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be", "utf-16", "utf-16-be"])
@pytest.mark.parametrize("name, text", [("film.srt", SRT), ("film.vtt", VTT)])
def test_subtitles_with_a_byte_order_mark_are_read(name: str, text: str, encoding: str) -> None:
    data = text.encode(encoding)
    if not encoding.endswith(("32", "16")):  # the codecs named by byte order write no mark
        data = "\ufeff".encode(encoding) + data
    kind = SrtForm if name.endswith("srt") else VttForm
    article = read_article_bytes(data, name, 1_000_000, 100_000)
    assert article.form is not None and article.form.model_texts() == kind.parse(text, name).model_texts()
    assert any(encoding.replace("-le", "").replace("-be", "") in note for note in article.notes)
    assert kind.parse(data, name).untouched() == text.encode("utf-8")  # the Python API reads the mark too
