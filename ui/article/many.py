"""Several articles' way through Passerelle together: each article's result is the one
``process_article`` gives, but the articles share the engines' batches: their sentences are
translated in one run, their summaries made in one run (chunks batched together), and the
summaries' French in one run. A batch of articles keeps the cores busier than one article
after another (the summariser's beam search on a single chunk leaves them half idle)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from passerelle.translate.formats import Form
from passerelle.translate.languages import Language

from .inputs import ArticleText
from .models import LoadedModels
from .options import ArticleOptions
from .result import ArticleResult
from .steps import add_file, add_summary, article_warnings, new_result, summary_input

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
    timings = _Timings(len(articles), started)
    timings.mark("translate_s")
    models = services.model_names(options.summarize, source)
    results = []
    for article, text, translation, name, form in zip(articles, texts, translations, names, forms, strict=True):
        warnings = article_warnings(article.text, source)
        result = new_result(text, translation, warnings=warnings, models=models, source_file=name, source=source)
        add_file(result, form, translator, options)
        results.append(result)
    if options.summarize:
        summary_started = time.perf_counter()
        inputs = [summary_input(result, form) for result, form in zip(results, forms, strict=True)]
        summaries = services.summarizer().summarize_many(
            [english_text for _, english_text, _ in inputs],
            options.summary_length,
            passages=[passages for _, _, passages in inputs],
            glossary=options.glossary_for("en"),
        )
        for result, summary, (english, _, _) in zip(results, summaries, inputs, strict=True):
            add_summary(result, summary, english)
        timings.mark("summarize_s", summary_started)
    timings.mark("total_s")
    for result in results:
        result.timings = dict(timings.seconds)
    return results


class _Timings:
    """The times of a group's run, named for what they are: the articles were made together,
    so each one's timings are the group's (``group_translate_s``, ...; a group of one has the
    plain names of a single article's)."""

    def __init__(self, size: int, started: float) -> None:
        self.prefix = "group_" if size > 1 else ""
        self.started = started
        self.seconds: dict[str, float] = {}

    def mark(self, name: str, since: float | None = None) -> None:
        self.seconds[self.prefix + name] = round(time.perf_counter() - (self.started if since is None else since), 3)
