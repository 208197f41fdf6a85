"""The document model: split-then-join loses and duplicates nothing; French sentences are
cut where a French reader would cut them; over-long text is cut under the budget."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from passerelle.translate.document import Document, UnitKind, cut_to_budget, split_document
from passerelle.translate.sentences import french_sentences

pytestmark = pytest.mark.unit


def words(text: str) -> int:
    return len(text.split()) + 1


def word_ids(text: str) -> list[int]:
    """A stand-in tokenizer: one id per word, plus an end-of-sequence id."""
    return [len(word) for word in text.split()] + [0]


ALPHABET = st.sampled_from(list("abcdeéèàçôMmeJP.,;:!?…«» -#*1234567890\n\t") + ["\n\n", "- ", "## ", "M. ", "```"])
TEXTS = st.lists(ALPHABET, max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_split_then_join_gives_back_the_text(text: str) -> None:
    assert split_document(text).source() == text


@settings(max_examples=200, deadline=None)
@given(TEXTS, st.integers(min_value=2, max_value=8))
def test_cut_pieces_fit_the_budget_and_join_back(text: str, budget: int) -> None:
    document = split_document(text, encode=word_ids, budget=budget)
    assert document.source() == text
    for unit, piece in document.pieces():
        if unit.kind != UnitKind.VERBATIM:
            assert words(piece.text) <= budget or len(piece.text.split()) <= 1
            assert piece.ids == tuple(word_ids(piece.normalized))  # measured once, kept


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(["mot", "phrase", "très", "longue,", "et", "; puis"]), min_size=1, max_size=400).map(" ".join),
    st.integers(3, 40),
)
def test_cut_to_budget_covers_everything_in_order(text: str, budget: int) -> None:
    chunks = cut_to_budget(text, words, budget)
    assert "".join(chunks) == text
    assert all(words(chunk) <= budget for chunk in chunks)


def test_french_abbreviations_and_punctuation() -> None:
    text = (
        "M. Dupont et Mme Martin sont arrivés à 10 h. Le taux est passé de 2,5 % à 1.5 %. "
        "Il a dit : « Nous verrons bien. » Puis il est parti ! J.-P. Martin écrivait. Quoi ? Rien."
    )
    sentences = [s.strip() for s in french_sentences(text)]
    assert sentences[0] == "M. Dupont et Mme Martin sont arrivés à 10 h."
    assert sentences[1] == "Le taux est passé de 2,5 % à 1.5 %."
    assert "J.-P. Martin écrivait." in sentences
    assert sentences[-2:] == ["Quoi ?", "Rien."]
    assert "".join(french_sentences(text)) == text


def test_an_ellipsis_before_a_capital_ends_a_sentence() -> None:
    text = "Il hésita… Puis il partit. Des pommes, des poires… et des noix. Enfin… « Bon », dit-il."
    assert french_sentences(text) == [
        "Il hésita… ",
        "Puis il partit. ",
        "Des pommes, des poires… et des noix. ",
        "Enfin… ",
        "« Bon », dit-il.",
    ]


def test_layout_units_keep_their_markers() -> None:
    text = "# Titre\n\nPremière phrase. Deuxième\nligne repliée.\n\n- un point\n- deux points\n\n```\ncode\n```\n"
    document = split_document(text)
    kinds = [(u.kind, u.marker) for u in document.units]
    assert kinds == [("heading", "# "), ("paragraph", ""), ("list_item", "- "), ("list_item", "- "), ("verbatim", "")]
    rendered = document.render([f"T{i}" for i in range(document.translatable_count())])
    assert rendered == "# T0\n\nT1 T2\n\n- T3\n- T4\n\n```\ncode\n```\n"


def test_an_endless_unpunctuated_paragraph_is_cut_at_words() -> None:
    text = " ".join(["mot"] * 3000)
    document = split_document(text, encode=word_ids, budget=256)
    pieces = [piece.text for _, piece in document.pieces()]
    assert len(pieces) >= 12
    assert all(words(p) <= 256 for p in pieces)
    assert document.source() == text


def test_a_run_without_spaces_is_cut_by_characters() -> None:
    text = "x" * 5000
    chunks = cut_to_budget(text, len, 600)
    assert "".join(chunks) == text and all(len(c) <= 600 for c in chunks)


def test_empty_document() -> None:
    assert split_document("") == Document((), "")
    assert split_document("\n\n  \n").source() == "\n\n  \n"
