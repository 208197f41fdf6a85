"""One article's way through Passerelle, shared by every front end: French (or English) text
in, translation (+ bilingual summary) out, as one stream of events whose last one holds the
finished result."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import cast

from passerelle.translate import Document, TranslationResult, last
from passerelle.translate.formats import Form
from passerelle.translate.languages import Language

from .language import AUTO, detect_source
from .models import LoadedModels
from .options import ArticleOptions
from .result import ArticleEvent, ArticleResult, Stage, TranslatedFile
from .steps import add_file, add_summary, article_warnings, new_result, summary_input

NOTHING_TO_TRANSLATE = "there is no text to translate in this file: it comes back as it is"


def article_stream(
    text: str,
    services: LoadedModels,
    options: ArticleOptions = ArticleOptions(),
    source_file: str | None = None,
    *,
    stream: bool = True,
    document: Document | None = None,
    caller: str = "page",
    form: Form | None = None,
) -> Iterator[ArticleEvent]:
    """Translate, then summarise: progress after each batch, the growing result after each
    wave, the English summary, then the finished article. ``stream=False`` translates in one
    wave (fullest batches); ``document`` is the translator's split of ``text`` if at hand;
    ``form``: the parsed file ``text`` comes from, written back translated (``result.file``)
    as soon as the translation is done. The models are used in the turn of ``caller`` (see
    ``FairGate``): the page, or an API client."""
    with services.gate.slot(caller):
        yield from _article_events(text, services, options, source_file, stream, document, form)


def _article_events(
    text: str,
    services: LoadedModels,
    options: ArticleOptions,
    source_file: str | None,
    stream: bool,
    document: Document | None,
    form: Form | None,
) -> Iterator[ArticleEvent]:
    started = time.perf_counter()
    if form is not None and not form.translatable():  # no model needed: the file as it is
        language: Language = "fr" if options.source == AUTO else cast(Language, options.source)
        yield ArticleEvent(Stage.DONE, 1, 1, untouched_result(form, source_file, language))
        return
    source = detect_source(text)[0] if options.source == AUTO else cast(Language, options.source)
    warnings = article_warnings(text, source)
    models = services.model_names(options.summarize, source)
    result: ArticleResult | None = None
    translator = services.translator(source)
    glossary = options.glossary_for(source)
    if form is not None:  # one unit per block of the file, to put each one back in its place
        document = translator.split_blocks(form.model_texts(), glossary, form.markers())
        text = document.source()
    translation_events = translator.translate_stream(text, options.generation(), glossary=glossary, stream=stream, document=document)
    for event in translation_events:
        services.check_open()  # a stopping process drops the work (its client was told)
        if event.result is None:
            yield ArticleEvent(Stage.TRANSLATING, event.done, event.total)
            continue
        result = new_result(text, event.result, warnings=warnings, models=models, source_file=source_file, source=source)
        result.timings["translate_s"] = round(time.perf_counter() - started, 3)
        yield ArticleEvent(Stage.TRANSLATING, event.done, event.total, result)
    assert result is not None  # the translator's last event holds the complete translation
    add_file(result, form, translator, options)
    if options.summarize:
        yield ArticleEvent(Stage.SUMMARIZING, 0, 1)
        summary_started = time.perf_counter()
        english, english_text, passages = summary_input(result, form)
        summaries = services.summarizer().summarize_stream(
            english_text, options.summary_length, passages=passages, glossary=options.glossary_for("en")
        )
        for summary in summaries:
            services.check_open()
            result.summary = summary
            if not summary.complete:  # the English summary, while the French is made
                yield ArticleEvent(Stage.SUMMARIZING, 0, 1, result)
        assert result.summary is not None and result.summary.complete
        add_summary(result, result.summary, english)
        result.timings["summarize_s"] = round(time.perf_counter() - summary_started, 3)
    result.timings["total_s"] = round(time.perf_counter() - started, 3)
    yield ArticleEvent(Stage.DONE, 1, 1, result)


def untouched_result(form: Form, source_file: str | None, source: Language) -> ArticleResult:
    """The result for a file with nothing to translate (only code, images, empty cells...):
    the file as it is, with a note, and nothing translated or summarised."""
    translation = TranslationResult("", [], "", model="", backend="", document=Document(()), units_done=0)
    result = ArticleResult(
        source="", translation=translation, warnings=[NOTHING_TO_TRANSLATE], source_file=source_file, source_language=source
    )
    result.file = TranslatedFile(form.kind, form.suffixes[0], form.media_type, form.untouched())
    result.timings["total_s"] = 0.0
    return result


def process_article(
    text: str,
    services: LoadedModels,
    options: ArticleOptions = ArticleOptions(),
    source_file: str | None = None,
    caller: str = "page",
    form: Form | None = None,
) -> ArticleResult:
    """The finished result, translated in one wave (nobody watches partial results)."""
    final = last(article_stream(text, services, options, source_file, stream=False, caller=caller, form=form)).result
    assert final is not None
    return final
