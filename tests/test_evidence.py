"""Tracing a summary back to the article sentences it rests on."""

from __future__ import annotations

import pytest

from passerelle.summarize.evidence import content_words, key_sentences
from passerelle.translate import english_sentences

pytestmark = pytest.mark.unit

ARTICLE = [
    "The city council of Lyon voted on Tuesday a budget of 2.5 billion euros.",
    "The opposition criticised the vote.",
    "Public transport fares will rise by 4% in January, the mayor announced.",
    "The weather was mild.",
    "Unions have called a strike on Thursday to protest against the fare increase.",
]


def test_each_summary_sentence_is_traced_to_its_source() -> None:
    summary = (
        "Lyon's city council voted a budget of 2.5 billion euros on Tuesday. Unions called a strike on Thursday against the fare increase."
    )
    assert key_sentences(english_sentences(summary), ARTICLE) == [0, 4]


def test_reworded_sentences_are_traced_to_nothing() -> None:
    summary = "Residents are worried about the cost of living. Nobody knows what comes next."
    assert key_sentences(english_sentences(summary), ARTICLE) == []


def test_one_source_sentence_is_listed_once() -> None:
    summary = "Fares will rise by 4% in January. The mayor announced that public transport fares will rise."
    assert key_sentences(english_sentences(summary), ARTICLE) == [2]


def test_empty_inputs() -> None:
    assert key_sentences([], ARTICLE) == []
    assert key_sentences(["The council voted."], []) == []


def test_content_words_drop_stopwords_and_keep_numbers() -> None:
    assert content_words("The budget of 2.5 billion, it's said.") == {"budget", "2", "5", "billion", "it's"}
