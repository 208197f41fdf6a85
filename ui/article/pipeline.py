"""One article's way through Passerelle, shared by every front end: French text in,
translation (+ bilingual summary) out, as one stream of events whose last one holds the
finished result."""

from __future__ import annotations

import time
from typing import Iterator

from summarize import key_sentences
from translate import Document, last

from .language import french_warning
from .result import ArticleEvent, ArticleOptions, ArticleResult, Stage
from .services import Services


def article_stream(
    text: str,
    services: Services,
    options: ArticleOptions = ArticleOptions(),
    source_file: str | None = None,
    *,
    stream: bool = True,
    document: Document | None = None,
) -> Iterator[ArticleEvent]:
    """Translate, then summarise: progress after each batch, the growing result after each
    wave, the English summary, then the finished article. ``stream=False`` translates in one
    wave (fullest batches); ``document`` is the translator's split of ``text`` if at hand."""
    started = time.perf_counter()
    warning = french_warning(text)
    result: ArticleResult | None = None
    translation_events = services.translator().translate_stream(
        text, options.generation(), glossary=options.glossary, stream=stream, document=document
    )
    for event in translation_events:
        if event.result is None:
            yield ArticleEvent(Stage.TRANSLATING, event.done, event.total)
            continue
        result = ArticleResult(
            source=text,
            translation=event.result,
            warnings=[warning] if warning else [],
            models=services.model_names(options.summarize),
            source_file=source_file,
        )
        result.timings["translate_s"] = round(time.perf_counter() - started, 3)
        yield ArticleEvent(Stage.TRANSLATING, event.done, event.total, result)
    assert result is not None  # the translator's last event holds the complete translation
    if options.summarize:
        yield ArticleEvent(Stage.SUMMARIZING, 0, 1)
        summary_started = time.perf_counter()
        translation = result.translation
        french_terms = options.glossary.reversed() if options.glossary else None
        summaries = services.summarizer().summarize_stream(
            translation.text, options.summary_length, passages=translation.passages(), glossary=french_terms
        )
        for summary in summaries:
            result.summary = summary
            if not summary.complete:  # the English summary, while the French is made
                yield ArticleEvent(Stage.SUMMARIZING, 0, 1, result)
        assert result.summary is not None and result.summary.complete
        targets = [segment.target for segment in translation.segments]
        result.key_sentences = key_sentences(result.summary.sentences(), targets)
        result.timings["summarize_s"] = round(time.perf_counter() - summary_started, 3)
    result.timings["total_s"] = round(time.perf_counter() - started, 3)
    yield ArticleEvent(Stage.DONE, 1, 1, result)


def process_article(
    text: str, services: Services, options: ArticleOptions = ArticleOptions(), source_file: str | None = None
) -> ArticleResult:
    """The finished result, translated in one wave (nobody watches partial results)."""
    final = last(article_stream(text, services, options, source_file, stream=False)).result
    assert final is not None
    return final
