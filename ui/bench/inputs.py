"""The benchmark's inputs cut as Passerelle cuts them: the sentences every translation path
gets, and the whole-article run's text (shared by the article sections)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from passerelle.translate import Translator

from .code_paths import PasserelleModels
from .setup import BenchSettings, BenchTexts


def selected_sentences(translator: Translator, articles: Sequence[str], limit: int) -> tuple[list[str], str]:
    """The first ``limit`` distinct sentences Passerelle cuts the articles into, and a text of
    just those sentences with their paragraphs kept (so the Translator cuts it the same way)."""
    paragraphs: list[list[str]] = []
    seen: set[str] = set()
    for number, article in enumerate(articles):
        last = None
        for unit, piece in translator.split(article).pieces():
            if len(seen) >= limit:
                break
            sentence = piece.normalized
            if not unit.translatable(piece) or sentence in seen:
                continue
            seen.add(sentence)
            if (number, unit.paragraph) != last:
                paragraphs.append([])
                last = (number, unit.paragraph)
            paragraphs[-1].append(sentence)
    sentences = [sentence for paragraph in paragraphs for sentence in paragraph]
    return sentences, "\n\n".join(" ".join(paragraph) for paragraph in paragraphs)


def all_sentences(translator: Translator, article: str) -> list[str]:
    """Every piece Passerelle translates in ``article``, repeats included (a naive loop
    translates them all)."""
    return [piece.normalized for piece in translator.split(article).translatable()]


def article_input(
    passerelle: PasserelleModels, texts: BenchTexts, english: dict[str, Any], settings: BenchSettings
) -> tuple[tuple[str, list[str]], dict[str, str]]:
    """The whole-article run's French text and its sentences; and the texts the memory run uses."""
    article = texts.longest_article()
    if settings.article_sentences is None:
        sentences = all_sentences(passerelle.fr_en, article)
    else:
        sentences, article = selected_sentences(passerelle.fr_en, [article], settings.article_sentences)
    return (article, sentences), {"article": article, "english": english["article"], "summary": english["summary"]}
