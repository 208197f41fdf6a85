"""One batch job in this process: read, its direction settled (:func:`prepare`), translated
(and summarised), its outputs written atomically, its failure reported as its own Outcome.

:func:`run_job` is also what each Ray actor runs. It reads the input, settles the direction
(``--source auto``: the language detected in the text), hence the output names and the resume
key, then skips the input when it is already done, or translates it in that direction. A link
is skipped before its page is fetched (its key is the link's), else fetched and reduced to its
article here, in its turn."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

from passerelle.translate import InputTextError
from passerelle.translate.languages import Language, other

from ..article import (
    ArticleInputError,
    ArticleOptions,
    ArticleText,
    LoadedModels,
    Stage,
    article_stream,
    clean_text,
    read_article_bytes,
    read_bounded,
)
from ..article.language import AUTO, detect_source
from ..article.pipeline import untouched_result
from .files import already_done, job_key, write_outputs
from .jobs import Job, Outcome, Status
from .links import done_link, fetch_link, link_key, name_sources, page_record

if TYPE_CHECKING:
    from ..sources import WebArticle

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Prepared:
    """A job read and ready: its text, its direction settled, its resume key."""

    job: Job  # with its target language set
    article: ArticleText
    options: ArticleOptions  # with the source settled (never "auto")
    key: str
    started: float
    page: WebArticle | None = None  # a link's page, as fetched

    @property
    def source(self) -> Language:
        return cast(Language, self.options.source)

    @property
    def source_file(self) -> str | None:
        """The result's ``source_file``: the input's name, None for a link (its
        ``source_url`` names it)."""
        return None if self.page is not None else self.job.name

    def record(self) -> dict[str, Any]:
        """What the JSON's ``job`` record keeps beside the key and the input."""
        return page_record(self.page) if self.page is not None else {}


def prepare(job: Job, services: LoadedModels, options: ArticleOptions, force: bool = False) -> Prepared | Outcome:
    """The job read, its direction and key settled; or its Outcome when it failed to read, is
    already done, or has nothing to translate (a file of code or images: written as it is, done)."""
    started = time.perf_counter()
    if job.problem:
        return Outcome(job, Status.FAILED, job.problem)
    if job.url is not None:
        return _prepare_link(job, services, options, force, started)
    config = services.config
    try:
        if job.data is not None:
            data = job.data
        else:
            assert job.source is not None, "a job has its bytes or a file"
            data = read_bounded(job.source, config.max_file_bytes, job.name)
        article = read_article_bytes(data, job.name, config.max_file_bytes, config.max_chars, options.article_only)
        source = _read_as(article, options.source, job)
        job = job.towards(source)
    except (ArticleInputError, InputTextError) as error:
        return Outcome(job, Status.FAILED, str(error))
    key = job_key(data, config, options, source)
    if not force and already_done(job, key):
        return Outcome(job, Status.SKIPPED)
    if article.form is not None and not article.form.translatable():  # nothing to translate: done as it is
        result = untouched_result(article.form, job.name, source)
        result.warnings[:0] = article.notes
        write_outputs(job, result, key)
        return Outcome(job, Status.DONE, seconds=time.perf_counter() - started)
    return Prepared(job, article, replace(options, source=source), key, started)  # detected once, here


def _prepare_link(job: Job, services: LoadedModels, options: ArticleOptions, force: bool, started: float) -> Prepared | Outcome:
    """A link: skipped when done with the same settings (not fetched again), else its page
    fetched and reduced to its article; a page that cannot be read fails alone."""
    from ..sources import BackingOffError, FetchError, PageError

    config = services.config
    key = link_key(job, config, options)
    if not force and (done := done_link(job, key)) is not None:
        return Outcome(done, Status.SKIPPED)
    assert job.url is not None
    try:
        page = fetch_link(job.url, config)
        article = clean_text(page.text, job.name, config.max_chars, as_html=False)
        source = _read_as(article, options.source, job)
        job = job.towards(source)
    except BackingOffError as error:  # not the link's own failure: its site rests after errors
        return Outcome(job, Status.FAILED, str(error), deferred=True)
    except (FetchError, PageError, ArticleInputError, InputTextError) as error:
        return Outcome(job, Status.FAILED, str(error))
    return Prepared(job, article, replace(options, source=source), key, started, page)


def _read_as(article: ArticleText, source: str, job: Job) -> Language:
    """The language an input is read in: ``--source``, else the one detected in its text;
    for a file without text, the one ``--target`` is not, else French."""
    if source != AUTO:
        return cast(Language, source)
    if not article.text.strip():
        return other(job.target) if job.target is not None else "fr"
    return detect_source(article.text)[0]


def run_job(job: Job, services: LoadedModels, options: ArticleOptions, force: bool = False, progress: Progress | None = None) -> Outcome:
    """Translate one input and write its outputs; input problems become a failed Outcome.
    ``progress(done, total)`` follows the translation batch by batch. The outcome's job has
    its target language set (see :meth:`Job.towards`)."""
    ready = prepare(job, services, options, force)
    if isinstance(ready, Outcome):
        return ready
    job, article = ready.job, ready.article
    try:
        result = None
        for event in article_stream(article.text, services, ready.options, ready.source_file, stream=False, form=article.form):
            if progress is not None and event.stage == Stage.TRANSLATING:
                progress(event.done, event.total)
            result = event.result or result
        assert result is not None
        result.warnings[:0] = article.notes
        name_sources([result], [ready.page], services, ready.options)
        write_outputs(job, result, ready.key, record=ready.record())
    except (ArticleInputError, InputTextError) as error:
        return Outcome(job, Status.FAILED, str(error))
    return Outcome(job, Status.DONE, pieces=len(result.translation.segments), seconds=time.perf_counter() - ready.started)
