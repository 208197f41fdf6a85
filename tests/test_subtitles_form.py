"""Subtitles in, subtitles out (SubRip and WebVTT), on a model with random weights: cue
numbers, identifiers, timings, settings, notes and blank lines come out byte for byte; a
sentence over several cues is translated as one block and spread back over its cues between
words; lines are wrapped for reading; broken files are refused naming their line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from passerelle.translate import InputTextError, Translator
from passerelle.translate.formats import subtitles
from passerelle.translate.formats.cue_layout import LINE_WIDTH, spread, wrap
from passerelle.translate.formats.subtitles import SrtForm, SubtitleForm, VttForm

pytestmark = pytest.mark.model

DIALOGUE = """1
00:00:01,000 --> 00:00:02,800
Tu as vu Claire

2
00:00:02,900 --> 00:00:04,500
<i>à la gare ce matin ?</i>

3
00:00:05,000 --> 00:00:07,000
- Non, elle était déjà partie.
- Dommage.


4
00:00:07,200 --> 00:00:08,000
♪♪

5
00:00:11,000 --> 00:00:13,000
{\\an8}Le train de Lyon a du retard

6
00:00:16,000 --> 00:00:18,500
parce que la neige bloque les voies.
"""

WEBVTT = """WEBVTT - Kind: captions

NOTE écrit à la main
pour les essais

STYLE
::cue(.jaune) { color: yellow }

accueil
00:00:01.000 --> 00:00:03.000 align:start line:90%
<v Marie>Bonjour à tous,

00:00:03.100 --> 00:00:05.000 position:10%
et merci d'être venus &amp; restés.

fin
00:00:06.000 --> 00:00:08.000
<c.jaune>Au revoir.</c>
"""

FRENCH = ("Claire", "gare", "matin", "Dommage", "partie", "Lyon a du", "neige", "voies", "Bonjour", "merci", "revoir")


@pytest.fixture(scope="module")
def translator(marian_fr_en_dir: Path) -> Translator:
    return Translator(str(marian_fr_en_dir), backend="transformers", generation={"num_beams": 1, "max_new_tokens": 8})


def chunks(text: str) -> list[list[str]]:
    """The file's blocks of lines (between blank lines)."""
    return [chunk.split("\n") for chunk in re.split(r"\n(?:[ \t]*\n)+", text.strip("\n"))]


def heads(text: str) -> list[str]:
    """Every line that is not a cue's text: numbers, identifiers, timings, header, notes."""
    kept = []
    for chunk in chunks(text):
        timed = next((i for i, line in enumerate(chunk) if "-->" in line), len(chunk) - 1)
        kept += chunk[: timed + 1]
    return kept


def blank_lines(text: str) -> list[int]:
    """How many blank lines separate each pair of blocks."""
    return [gap.count("\n") - 1 for gap in re.findall(r"\n(?:[ \t]*\n)+", text.strip("\n"))]


def cue_texts(text: str) -> list[str]:
    """Each cue's text (its lines after the timing), in order."""
    out = []
    for chunk in chunks(text):
        timed = next((i for i, line in enumerate(chunk) if "-->" in line), None)
        if timed is not None:
            out.append("\n".join(chunk[timed + 1 :]))
    return out


def bare(text: str) -> str:
    return re.sub(r"<[^<>]*>|\{\\[^{}]*\}", "", text)


# Structure --------------------------------------------------------------------------------


def test_srt_numbers_timings_and_blank_lines_come_out_unchanged(translator: Translator) -> None:
    out = SrtForm.parse(DIALOGUE.encode(), "film.srt").translate(translator).decode("utf-8")
    assert heads(out) == heads(DIALOGUE)  # every number and timing, in order, as written
    assert len(cue_texts(out)) == len(cue_texts(DIALOGUE)) == 6
    assert blank_lines(out) == blank_lines(DIALOGUE)  # the double blank line after cue 3 too
    assert cue_texts(out)[3] == "♪♪"  # nothing to translate: kept
    assert cue_texts(out)[4].startswith("{\\an8}")  # a cue's position stays with it


def test_crlf_is_accepted_and_kept(translator: Translator) -> None:
    source = DIALOGUE.replace("\n", "\r\n").encode()
    out = SrtForm.parse(source, "film.srt").translate(translator)
    assert b"\n" not in out.replace(b"\r\n", b"")  # every line ends as the file's lines do
    assert heads(out.decode().replace("\r\n", "\n")) == heads(DIALOGUE)


@pytest.mark.parametrize("form, source", [(SrtForm, DIALOGUE), (SrtForm, DIALOGUE.replace("\n", "\r\n")), (VttForm, WEBVTT)])
def test_a_file_handed_back_untranslated_is_the_same_bytes(form: type[SubtitleForm], source: str) -> None:
    parsed = form.parse(source.encode(), "film")
    assert parsed.render([block.parts for block in parsed.blocks]) == source.encode()


def test_webvtt_keeps_its_header_notes_identifiers_and_settings(translator: Translator) -> None:
    form = VttForm.parse(WEBVTT.encode(), "film.vtt")
    assert form.model_texts() == ["Bonjour à tous, et merci d'être venus & restés.", "Au revoir."]
    out = form.translate(translator).decode("utf-8")
    assert heads(out) == heads(WEBVTT)
    assert out.startswith("WEBVTT - Kind: captions\n\nNOTE écrit à la main\npour les essais\n\nSTYLE\n::cue(.jaune)")
    assert "accueil\n00:00:01.000 --> 00:00:03.000 align:start line:90%\n<v Marie>" in out
    assert "\nfin\n00:00:06.000 --> 00:00:08.000\n<c.jaune>" in out and out.rstrip().endswith("</c>")
    assert blank_lines(out) == blank_lines(WEBVTT)


# Blocks -----------------------------------------------------------------------------------


def test_a_sentence_over_two_cues_is_one_block() -> None:
    form = SrtForm.parse(DIALOGUE, "film.srt")
    assert form.model_texts() == [
        "Tu as vu Claire à la gare ce matin ?",  # two cues, one sentence, tags removed
        "- Non, elle était déjà partie. - Dommage.",  # the two lines of one cue
        "Le train de Lyon a du retard",  # unfinished, but 3 s of silence follow
        "parce que la neige bloque les voies.",
    ]
    assert [len(block.tag) for block in form.blocks] == [2, 1, 1, 1]


def test_a_block_stops_at_its_cue_cap() -> None:
    cues = "\n".join(
        f"{n}\n00:00:{n:02d},000 --> 00:00:{n:02d},900\net puis encore un mot\n" for n in range(1, subtitles.MAX_BLOCK_CUES + 3)
    )
    form = SrtForm.parse(cues, "long.srt")
    assert [len(block.tag) for block in form.blocks] == [subtitles.MAX_BLOCK_CUES, 2]


def test_a_sentence_is_spread_over_its_cues_in_proportion() -> None:
    text = "I saw Claire at the station this morning, but she had already left for Lyon."
    parts = spread(text, [20, 20, 40])
    assert len(parts) == 3 and all(parts)
    assert " ".join(parts) == text  # cut between words only, nothing lost or reordered
    assert len(parts[2]) > len(parts[0]) and len(parts[2]) > len(parts[1])  # the longest cue gets the most
    assert spread("Yes", [10, 10]) == ["Yes", ""]  # fewer words than cues: the last go empty
    assert spread("Oh well", [1, 50]) == ["Oh", "well"]  # every cue gets a word when there are enough
    assert spread("", [5, 5]) == ["", ""]


def test_lines_are_wrapped_for_reading() -> None:
    assert wrap("Short and sweet.") == ["Short and sweet."]
    two = wrap("I saw Claire at the station this morning, but she had left.")
    assert len(two) == 2 and all(len(line) <= LINE_WIDTH for line in two)
    assert abs(len(two[0]) - len(two[1])) <= 10  # balanced, not a full line and a stub
    many = wrap(" ".join(["word"] * 40))
    assert len(many) > 2 and all(len(line) <= LINE_WIDTH for line in many)
    assert wrap("x" * 50) == ["x" * 50]  # a word longer than a line cannot be cut


def test_the_translation_is_spread_and_wrapped_cue_by_cue() -> None:
    form = SrtForm.parse(DIALOGUE, "film.srt")
    english = [
        "Did you see Claire at the train station this morning, before the long and rainy trip to the south?",
        "- No, she had already left. - Too bad.",
        "The train from Lyon is late",
        "because the snow is blocking the tracks.",
    ]
    out = form.render([[text] for text in english]).decode()
    texts = cue_texts(out)
    first, second = bare(texts[0]).split(), bare(texts[1]).split()
    assert first and second and first + second == english[0].split()
    assert texts[1].startswith("<i>") and texts[1].endswith("</i>")  # the whole-cue tag comes back
    assert texts[2] == "- No, she had already left.\n- Too bad."  # one speaker per line
    assert texts[4] == "{\\an8}The train from Lyon is late"
    assert all(len(bare(line)) <= LINE_WIDTH for text in texts for line in text.split("\n"))
    assert all(len(text.split("\n")) <= 2 for text in texts)


def test_the_model_cannot_add_markup() -> None:
    srt = SrtForm.parse(DIALOGUE, "film.srt")
    out = srt.render([["<b>Bold</b> {\\an1}move --> here"]] * len(srt.blocks)).decode()
    assert "<b>" not in out and "{\\an1}" not in out and out.count("-->") == 6
    vtt = VttForm.parse(WEBVTT, "film.vtt")
    out = vtt.render([["<b>Bold</b> & co"]] * len(vtt.blocks)).decode()
    assert "<b>" not in out and "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in out


# End to end -------------------------------------------------------------------------------


def test_every_cue_is_translated(translator: Translator) -> None:
    form = SrtForm.parse(DIALOGUE, "film.srt")
    translations = translator.translate_texts(form.model_texts())
    out = form.translate(translator).decode()
    texts = [bare(text) for text in cue_texts(out)]
    assert not [word for word in FRENCH if word in "\n".join(texts)]
    # Each block's cues hold its translation's words, in order, nothing added or lost.
    spoken = [" ".join(texts[0:2]), texts[2], texts[4], texts[5]]
    assert [" ".join(text.split()) for text in spoken] == [" ".join(t.split()) for t in translations]
    assert all(texts[i].strip() for i in (0, 2, 4, 5))  # a block's first cue always has words


# Broken files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "no subtitle cue"),
        ("\n\n", "no subtitle cue"),
        ("1\n00:00:01,000 -> 00:00:02,000\nSalut\n", "line 1: a cue without a timing line"),
        ("1\n00:00:01,000 --> 00:00:0x,000\nSalut\n", "line 2: the timing"),
        ("1\n00:00:01,000 --> 00:00:02,000\nSalut\n\n2\n00:75:01,000 --> 00:75:02,000\nToi\n", "line 6: the timing"),
        ("1\n00:00:01,000-->00:00:02,000garbage\nSalut\n", "line 2: the timing"),
        ("1\n00:00:05,000 --> 00:00:02,000\nSalut\n", "line 2: the cue ends before it starts"),
        ("1\n00:00:01,000 --> 00:00:02,000\nSalut\n\nune ligne perdue\n", "line 5: a cue without a timing line"),
    ],
)
def test_broken_srt_is_refused(text: str, message: str) -> None:
    with pytest.raises(InputTextError, match=message):
        SrtForm.parse(text, "film.srt")


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "line 1: a WebVTT file starts with WEBVTT"),
        (DIALOGUE, "line 1: a WebVTT file starts with WEBVTT"),  # a SubRip file is not WebVTT
        ("WEBVTTX\n\n00:01.000 --> 00:02.000\nSalut\n", "line 1: a WebVTT file starts with WEBVTT"),
        ("WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nSalut\n", "line 3: the timing"),  # a comma is SubRip's
    ],
)
def test_broken_webvtt_is_refused(text: str, message: str) -> None:
    with pytest.raises(InputTextError, match=message):
        VttForm.parse(text, "film.vtt")


def test_webvtt_blocks_are_read_as_its_parsers_read_them() -> None:
    """A timing line starts a cue right after the header or a cue's text; a whitespace-only
    line is text, not a blank line; a block with no timing is kept as it is (players skip it)."""
    source = "WEBVTT\n00:01.000 --> 00:02.000\nBonjour.\n \nÀ demain.\n\nsans horaire\n\n00:03.000 --> 00:04.000\nMerci.\n"
    form = VttForm.parse(source, "film.vtt")
    assert form.model_texts() == ["Bonjour. À demain.", "Merci."]
    out = form.render([["Hello. See you tomorrow."], ["Thanks."]]).decode()
    assert out == "WEBVTT\n00:01.000 --> 00:02.000\nHello. See you tomorrow.\n\nsans horaire\n\n00:03.000 --> 00:04.000\nThanks.\n"


def test_tags_inside_a_cue_stay_where_they_were(translator: Translator) -> None:
    source = (
        "1\n00:00:01,000 --> 00:00:03,000\nLe train est <i>très</i> en retard\n{\\an8}ce <b>soir</b>.\n\n"
        "2\n00:00:03,000 --> 00:00:05,000\nIl arrive.\n"
    )
    form = SrtForm.parse(source, "film.srt")
    assert len(form.blocks) == 2 and [len(block.tag) for block in form.blocks] == [1, 1]  # the tagged cue alone
    out = form.translate(translator).decode()
    first = cue_texts(out)[0]
    assert re.findall(r"<[^<>]+>|\{\\an8\}", first) == ["<i>", "</i>", "{\\an8}", "<b>", "</b>"]
    assert len(first.split("\n")) == 2 and first.split("\n")[1].startswith("{\\an8}")  # its lines as they were
    assert heads(out) == heads(source)


def test_the_number_of_cues_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(subtitles, "MAX_CUES", 3)
    SrtForm.parse("\n\n".join(DIALOGUE.split("\n\n")[:3]), "film.srt")
    with pytest.raises(InputTextError, match="line 15: more than 3 cues"):
        SrtForm.parse(DIALOGUE, "film.srt")


def test_text_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(InputTextError, match="not valid UTF-8"):
        SrtForm.parse("1\n00:00:01,000 --> 00:00:02,000\nDéjà vu\n".encode("latin-1"), "film.srt")


def test_a_webvtt_file_of_notes_only_is_nothing_to_translate() -> None:
    text = "WEBVTT\n\nNOTE rien d'autre\n"
    form = VttForm.parse(text, "notes.vtt")
    assert form.translatable() == [] and form.untouched().decode("utf-8") == text


def test_unpadded_webvtt_timestamps_are_read() -> None:
    form = VttForm.parse("WEBVTT\n\n0:0:1.5 --> 0:0:3.25\nLe maire a parlé.\n", "court.vtt")
    assert [block.model_text() for block in form.translatable()] == ["Le maire a parlé."]
