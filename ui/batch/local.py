"""The batch run in this process: one job after another, each translated (and summarised) in
one wave, its outputs written atomically, its failure reported without stopping the others.

:func:`run_job` is also what each Ray actor runs. It reads the input, settles the direction
(``--source auto``: the language detected in the text), hence the output names and the resume
key, then skips the input when it is already done, or translates it in that direction."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Callable, Sequence, cast

from translate import InputTextError
from translate.languages import Language

from ..article import ArticleInputError, ArticleOptions, Services, Stage, article_stream, read_article_bytes, read_bounded
from ..article.language import detect_source
from .files import already_done, job_key, write_outputs
from ..article.language import AUTO
from .jobs import Job, Outcome, Status
from .report import BatchReporter

Progress = Callable[[int, int], None]


def run_job(
    job: Job, services: Services, options: ArticleOptions, force: bool = False, progress: Progress | None = None
) -> Outcome:
    """Translate one input and write its outputs; input problems become a failed Outcome.
    ``progress(done, total)`` follows the translation batch by batch. The outcome's job has
    its target language set (see :meth:`Job.towards`)."""
    started = time.perf_counter()
    if job.problem:
        return Outcome(job, Status.FAILED, job.problem)
    config = services.config
    try:
        data = job.data if job.data is not None else read_bounded(job.source, config.max_file_bytes, job.name)
        article = read_article_bytes(data, job.name, config.max_file_bytes, config.max_chars, options.article_only)
        source = detect_source(article.text)[0] if options.source == AUTO else cast(Language, options.source)
        job = job.towards(source)
        key = job_key(data, config, options, source)
        if not force and already_done(job, key):
            return Outcome(job, Status.SKIPPED)
        result = None
        settled = replace(options, source=source)  # detected once, here
        for event in article_stream(article.text, services, settled, job.name, stream=False, form=article.form):
            if progress is not None and event.stage == Stage.TRANSLATING:
                progress(event.done, event.total)
            result = event.result or result
        assert result is not None
        result.warnings[:0] = article.notes
        write_outputs(job, result, key)
    except (ArticleInputError, InputTextError) as error:
        return Outcome(job, Status.FAILED, str(error))
    return Outcome(job, Status.DONE, pieces=len(result.translation.segments), seconds=time.perf_counter() - started)


def run_local(jobs: Sequence[Job], services: Services, options: ArticleOptions, force: bool) -> list[Outcome]:
    """Every job in order, with a progress bar (or log lines) on stderr."""
    reporter = BatchReporter(len(jobs))
    outcomes = []
    for job in jobs:
        reporter.start(job)
        outcome = run_job(job, services, options, force=force, progress=reporter.progress)
        reporter.finish(outcome)
        outcomes.append(outcome)
    reporter.close(outcomes)
    return outcomes
