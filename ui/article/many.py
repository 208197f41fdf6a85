"""Several articles' way through Passerelle together: each article's result is the one
``process_article`` gives, but the articles share the engines' batches: their sentences are
translated in one run, their summaries made in one run (chunks batched together), and the
summaries' French in one run. A batch of articles keeps the cores busier than one article
after another (the summariser's beam search on a single chunk leaves them half idle)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from passerelle.summarize import key_sentences
from passerelle.translate.formats import Form
from passerelle.translate.languages import Language

from .inputs import ArticleText
from .language import language_warning
from .models import LoadedModels
from .pipeline import _translated_file, summary_input
from .result import ArticleOptions, ArticleResult

Progress = Callable[[int, int], None]


def process_many(
    articles: Sequence[ArticleText],
    services: LoadedModels,
    options: ArticleOptions,
    source: Language,
    names: Sequence[str | None],
    progress: Progress | None = None,
    caller: str = "page",
) -> list[ArticleResult]:
    """The finished results of ``articles``, all read in ``source`` (already settled: not
    "auto"), in order; ``names`` are their source files. ``progress(done, total)`` follows
    the translation of them all. An error in any article is raised for the whole call (the
    batch script then does each article alone, so the error is that article's only)."""
    with services.gate.slot(caller):
        return _process(articles, services, options, source, names, progress)


def _process(
    articles: Sequence[ArticleText],
    services: LoadedModels,
    options: ArticleOptions,
    source: Language,
    names: Sequence[str | None],
    progress: Progress | None,
) -> list[ArticleResult]:
    started = time.perf_counter()
    translator = services.translator(source)
    glossary = options.glossary_for(source)
    forms: list[Form | None] = [article.form for article in articles]
    # A file with a form of its own: one unit per block, to put each one back in its place.
    documents = [translator.split_blocks(form.model_texts(), glossary, form.markers()) if form is not None else None for form in forms]
    texts = [document.source() if document is not None else article.text for article, document in zip(articles, documents)]
    translations = translator.translate_many(texts, options.generation(), glossary=glossary, documents=documents, progress=progress)
    translated = time.perf_counter()
    models = services.model_names(options.summarize, source)
    results = []
    for article, text, translation, name, form in zip(articles, texts, translations, names, forms, strict=True):
        warning = language_warning(article.text, source)
        result = ArticleResult(
            source=text,
            translation=translation,
            warnings=[warning] if warning else [],
            models=dict(models),
            source_file=name,
            source_language=source,
        )
        result.timings["translate_s"] = round(translated - started, 3)
        if form is not None:
            result.file = _translated_file(form, translation, translator, options, source)
        results.append(result)
    if options.summarize:
        summary_started = time.perf_counter()
        inputs = [summary_input(r.translation, text, source, form) for r, text, form in zip(results, texts, forms)]
        summaries = services.summarizer().summarize_many(
            [english_text for _, english_text, _ in inputs],
            options.summary_length,
            passages=[passages for _, _, passages in inputs],
            glossary=options.glossary_for("en"),
        )
        seconds = round(time.perf_counter() - summary_started, 3)
        for result, summary, (english, _, _) in zip(results, summaries, inputs, strict=True):
            result.summary = summary
            result.key_sentences = key_sentences(summary.sentences(), english)
            result.timings["summarize_s"] = seconds
    total = round(time.perf_counter() - started, 3)
    for result in results:
        result.timings["total_s"] = total
    return results
