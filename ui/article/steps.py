"""The steps an article goes through whether it is made alone (``pipeline``, streamed) or in a
group (``many``, the engines' batches shared): its result around a translation, its file
written back in its own format, what its summary is made from, and the summary put in place."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from passerelle.summarize import key_sentences
from passerelle.translate import TranslationResult, Translator
from passerelle.translate.formats import Form
from passerelle.translate.languages import Language, other

from .language import language_warning
from .options import ArticleOptions
from .result import ArticleResult, TranslatedFile

if TYPE_CHECKING:
    from passerelle.summarize import Summary


def article_warnings(text: str, source: Language) -> list[str]:
    """What the reader is told before anything is translated: the text does not read as ``source``."""
    warning = language_warning(text, source)
    return [warning] if warning else []


def new_result(
    text: str,
    translation: TranslationResult,
    *,
    warnings: Sequence[str],
    models: dict[str, str],
    source_file: str | None,
    source: Language,
) -> ArticleResult:
    """An article's result around its translation (complete or not yet)."""
    return ArticleResult(
        source=text,
        translation=translation,
        warnings=list(warnings),
        models=dict(models),
        source_file=source_file,
        source_language=source,
    )


def add_file(result: ArticleResult, form: Form | None, translator: Translator, options: ArticleOptions) -> None:
    """For an input with a form of its own (HTML, Markdown, Word, subtitles), the file written
    back with each block's translation, its inline markup placed (the words of marks and runs
    that need it translated in one more run, in the same turn)."""
    if form is None:
        return
    source = result.source_language
    glossary = options.glossary_for(source)

    def translate_many(texts: Sequence[str]) -> list[str]:
        return translator.translate_texts(texts, options.generation(), glossary)

    data = form.render_in(form.assemble(result.translation.unit_texts(), translate_many), other(source))
    result.file = TranslatedFile(form.kind, form.suffixes[0], form.media_type, data)


def summary_input(result: ArticleResult, form: Form | None) -> tuple[list[str], str, list[str]]:
    """What the summary is made from: the English side (the original or the translation),
    per segment, and the English text with its passages (a page's article only)."""
    translation, source = result.translation, result.source_language
    english = [segment.target if source == "fr" else segment.source for segment in translation.segments]
    english_text, passages = (translation.text, translation.passages()) if source == "fr" else (result.source, english)
    if form is not None and (kept := form.summary_blocks()) is not None:  # a page's article only
        passages = [passage for segment, passage in zip(translation.segments, english) if segment.paragraph in kept]
        english_text = " ".join(passages)
    return english, english_text, list(passages)


def add_summary(result: ArticleResult, summary: Summary, english: Sequence[str]) -> None:
    """The finished summary in place, with the sentences of the original it rests on
    (``english``: the English side of each segment)."""
    result.summary = summary
    result.key_sentences = key_sentences(summary.sentences(), list(english))
