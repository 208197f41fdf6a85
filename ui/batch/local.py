"""The batch run in this process (:func:`run_local`): jobs in groups of
``AppConfig.batch_group`` (1: one after another, :func:`run_job`).

A group of batch jobs is made together: read one by one, then translated in one run and
summarised in one run per direction (``ui.article.many``), so the engines' batches hold
several articles; then each article's outputs written atomically, the JSON ("done" mark) last,
as the one-by-one path writes them.

A failure stays the article's own: a file that cannot be read fails alone before the group is
made; an error while the group is made sends each of its articles through the one-by-one path
(:func:`run_job`), where it fails alone, exactly as without groups."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from typing import IO

from passerelle.translate import ModelNotAvailableError

from ..article import ArticleOptions, LoadedModels
from ..article.many import process_many
from .files import write_outputs
from .jobs import Job, Outcome, Status
from .links import name_sources
from .report import BatchReporter
from .single import Prepared, prepare, run_job

logger = logging.getLogger("passerelle.batch")


def run_group(jobs: Sequence[Job], services: LoadedModels, options: ArticleOptions, force: bool, reporter: BatchReporter) -> list[Outcome]:
    """The jobs' outcomes, in order; reported in order once the group is done."""
    outcomes: dict[int, Outcome] = {}
    ready: dict[str, list[tuple[int, Prepared]]] = {}  # by the language read, in order
    for index, job in enumerate(jobs):
        found = prepare(job, services, options, force)
        if isinstance(found, Outcome):
            outcomes[index] = found
        else:
            ready.setdefault(found.source, []).append((index, found))
    reporter.start_group([prepared.job for members in ready.values() for _, prepared in members])
    for members in ready.values():
        outcomes |= _made_together(members, jobs, services, options, force, reporter)
    ordered = [outcomes[index] for index in range(len(jobs))]
    for job, outcome in zip(jobs, ordered, strict=True):
        reporter.start(job)
        reporter.finish(outcome)
    return ordered


def _made_together(
    members: list[tuple[int, Prepared]],
    jobs: Sequence[Job],
    services: LoadedModels,
    options: ArticleOptions,
    force: bool,
    reporter: BatchReporter,
) -> dict[int, Outcome]:
    """The outcomes of articles read in the same language, made in one run and written."""
    started = time.perf_counter()
    first = members[0][1]
    try:
        results = process_many(
            [prepared.article for _, prepared in members],
            services,
            first.options,
            first.source,
            [prepared.source_file for _, prepared in members],
            progress=reporter.progress,
        )
    except ModelNotAvailableError:
        raise  # no article of the run can be made: one message, from the command
    except Exception as error:  # noqa: BLE001  # whichever article raised, it fails alone below
        names = ", ".join(prepared.job.name for _, prepared in members)
        logger.info("a group of %d articles failed (%s); each one alone now: %s", len(members), error, names)
        return {index: run_job(jobs[index], services, options, force=force) for index, _ in members}
    name_sources(results, [prepared.page for _, prepared in members], services, first.options)
    seconds = time.perf_counter() - started
    outcomes = {}
    for (index, prepared), result in zip(members, results, strict=True):
        result.warnings[:0] = prepared.article.notes
        write_outputs(prepared.job, result, prepared.key, group=len(members), record=prepared.record())
        pieces = len(result.translation.segments)
        outcomes[index] = Outcome(prepared.job, Status.DONE, pieces=pieces, seconds=seconds, group=len(members))
    return outcomes


def grouped_outcomes(
    jobs: Sequence[Job], services: LoadedModels, options: ArticleOptions, force: bool, size: int, reporter: BatchReporter
) -> Iterator[list[Outcome]]:
    """Each group's outcomes, in order, as soon as it is made: ``size`` jobs at a time (1: one
    after another, :func:`run_job`). The local run and each Ray call go through here."""
    if size < 1:
        raise ValueError(f"a group holds at least one article, got {size}")
    for start in range(0, len(jobs), size):
        members = jobs[start : start + size]
        if size == 1:
            reporter.start(members[0])
            outcome = run_job(members[0], services, options, force=force, progress=reporter.progress)
            reporter.finish(outcome)
            yield [outcome]
        else:
            yield run_group(members, services, options, force, reporter)


def run_local(
    jobs: Sequence[Job],
    services: LoadedModels,
    options: ArticleOptions,
    force: bool,
    group: int | None = None,
    stream: IO[str] | None = None,
) -> list[Outcome]:
    """Every job in order, ``group`` at a time (default ``config.batch_group``; 1: one after
    another), with a progress bar (or log lines) on ``stream`` (stderr)."""
    size = services.config.batch_group if group is None else group
    reporter = BatchReporter(len(jobs), stream)
    outcomes = [outcome for made in grouped_outcomes(jobs, services, options, force, size, reporter) for outcome in made]
    reporter.close(outcomes)
    return outcomes
