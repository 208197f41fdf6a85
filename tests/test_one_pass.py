"""One pass over the text: on a long article, every French piece is tokenised once (as the
model reads it, its protected spans masked; only a piece whose placeholders the model garbled
has the text around its spans tokenised too), the
English translation is never split into sentences again, and each English passage is
tokenised once by the summary model (a repeated one only the first time; a chunk's first
passage a second time, without the space before it). Only the summaries the model writes are
tokenised again, to be reduced."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import passerelle.translate.sentences
from passerelle.ui.article import ArticleOptions, LoadedModels, process_article
from passerelle.ui.config import AppConfig
from tests.corpus import FRENCH_LINES

pytestmark = pytest.mark.model


class CountingTokenizer:
    """The real tokenizer, recording the text of every call."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.texts: list[str] = []

    def __call__(self, text: str, **kwargs: Any) -> Any:
        self.texts.append(text)
        return self.inner(text, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_each_piece_is_tokenised_once_and_the_english_is_not_split_again(
    tiny_config: Callable[..., AppConfig], monkeypatch: pytest.MonkeyPatch
) -> None:
    services = LoadedModels(tiny_config())
    french = CountingTokenizer(services.translator().engine.tokens.tokenizer)
    english = CountingTokenizer(services.summarizer().engine.tokens.tokenizer)
    monkeypatch.setattr(services.translator().engine.tokens, "tokenizer", french)
    monkeypatch.setattr(services.summarizer().engine.tokens, "tokenizer", english)
    splits: list[tuple[str, str]] = []
    real_split = passerelle.translate.sentences._sentencex

    def counting_split(language: str, text: str) -> list[str] | None:
        splits.append((language, text))
        return real_split(language, text)

    monkeypatch.setattr(passerelle.translate.sentences, "_sentencex", counting_split)
    paragraphs = [" ".join(FRENCH_LINES[i : i + 3]) for i in range(0, len(FRENCH_LINES), 3)]
    article = "\n\n".join(paragraphs + paragraphs[:2])  # two paragraphs repeated: cached, not redone

    result = process_article(article, services, ArticleOptions(summary_length="short", num_beams=1))

    translation, summary = result.translation, result.summary
    assert summary is not None and summary.chunks >= 2, "the article should need several chunks"
    protector = services.translator().protector
    model_inputs = {protector.mask(piece.normalized).text for piece in translation.document.translatable()}
    assert len(french.texts) == len(set(french.texts))  # nothing tokenised twice...
    assert model_inputs <= set(french.texts)  # ...each piece once, as the model reads it (spans masked)
    rescued = set(french.texts) - model_inputs  # and the text around the spans of rescued pieces
    assert len(rescued) <= 3 * translation.stats.rescued and all(not text.startswith("ZX") for text in rescued)
    passages = {" ".join(passage.split()) for passage in translation.passages()}
    article_calls = [text for text in english.texts if text.strip() in passages]
    assert len(article_calls) == len(set(article_calls))  # no passage tokenised twice the same way
    assert len(passages) <= len(article_calls) <= len(passages) + summary.chunks  # + chunk heads
    english_splits = [text for language, text in splits if language == "en"]
    assert english_splits  # the summaries the model wrote are split (to reduce and translate them)...
    assert not any(passage in text for text in english_splits for passage in passages)  # ...never the article
    french_splits = [text for language, text in splits if language == "fr"]
    assert len(french_splits) == len(translation.document.units)  # each unit once
