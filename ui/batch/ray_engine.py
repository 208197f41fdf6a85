"""``passerelle translate --engine ray``: the batch run spread over a Ray cluster.

Ray Data batch inference: the jobs become a dataset of plain rows, a fixed pool of actors each
loads the models once and makes the rows of each call as the local engine makes a folder
(:func:`ui.batch.local.grouped_outcomes`: ``AppConfig.batch_group`` articles together, or one
by one with :func:`ui.batch.single.run_job`), and the outcomes come back as rows. So the
outputs, the atomic writes, the skipping of finished files and the per-file errors are the
local engine's, and so is the direction: ``options.source`` reaches ``run_job`` unchanged, each actor loads the translator(s)
it needs (French → English, English → French, or both for ``--source auto``), and each outcome
row brings back the target language the file got, hence its output name. Workers must see the
same filesystem paths as the driver (one machine, or a shared filesystem).

Ray is imported only inside :func:`run_ray`: the local engine must not need it.
"""

from __future__ import annotations

import argparse
import io
import logging
import math
import os
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from passerelle.translate import PasserelleError
from passerelle.translate.languages import Language

from ..article import ArticleOptions, LoadedModels
from ..config import AppConfig, UsageError
from .jobs import Job, Outcome, Status, source_languages
from .local import grouped_outcomes
from .ray_rows import FATAL, job_rows, job_schema, outcome_fields, outcome_schema, row_job
from .report import BatchReporter

if TYPE_CHECKING:
    import pyarrow

logger = logging.getLogger("passerelle.ui")

INSTALL_HINT = 'install it with `pip install ".[cluster]"` (or `pip install "ray[data]>=2.40"`)'
CONNECT_TIMEOUT_S = 5.0  # to tell "nothing listens there" before Ray retries for minutes
LOCAL_ADDRESS = "local"  # ray.init: always a new private instance, never someone else's cluster
# Only job descriptions and outcomes go through the object store: a small one spares /dev/shm.
LOCAL_OBJECT_STORE_BYTES = 256 * 1024**2
# Default files per call: aim for this many calls per actor so a slow file cannot leave the
# others idle at the end, but never more than MAX_DEFAULT_BATCH_FILES files per call.
BATCHES_PER_ACTOR = 4
MAX_DEFAULT_BATCH_FILES = 4
# One call running and one waiting per actor: no idle gap between calls, little tail imbalance.
MAX_CALLS_QUEUED_PER_ACTOR = 2


@dataclass(frozen=True)
class RayPlan:
    """How the work is spread: actors, what each reserves, and files per call."""

    actors: int
    cpus_per_actor: float
    gpus_per_actor: float
    batch_files: int


@dataclass(frozen=True)
class ClusterShape:
    """What the cluster offers, as far as sizing is concerned."""

    cpus: float
    largest_node_cpus: float
    nodes: int
    gpus: float
    local: bool  # a private instance on this machine, started by run_ray


def default_batch_files(jobs: int, actors: int) -> int:
    """Files per call when not given: 1 for small runs (balance), up to 4 for large ones."""
    return max(1, min(MAX_DEFAULT_BATCH_FILES, jobs // (actors * BATCHES_PER_ACTOR)))


def default_actors(shape: ClusterShape, gpus_per_actor: float) -> int:
    """One actor per GPU share when GPUs are asked for; else one per node (torch uses all its CPUs)."""
    if gpus_per_actor > 0:
        return max(1, int(shape.gpus // gpus_per_actor))
    return 1 if shape.local else max(1, shape.nodes)


def cpus_per_actor(shape: ClusterShape, actors: int) -> float:
    """An equal share of the CPUs, whole when possible (it sets torch's thread count), fitting a node."""
    share = shape.cpus // actors if shape.cpus >= actors else shape.cpus / actors
    return min(share, shape.largest_node_cpus)


def check_sizes(actors: int | None, gpus_per_actor: float, batch_files: int | None) -> None:
    """Usage errors, found before Ray starts (which takes seconds)."""
    if actors is not None and actors < 1:
        raise UsageError("--actors must be 1 or more")
    if batch_files is not None and batch_files < 1:
        raise UsageError("--batch-files must be 1 or more")
    if gpus_per_actor < 0:
        raise UsageError("--gpus-per-actor cannot be negative")


def plan_run(jobs: int, shape: ClusterShape, actors: int | None, gpus_per_actor: float, batch_files: int | None) -> RayPlan:
    """The plan for ``jobs`` files; no more actors than calls, since each actor loads the models."""
    check_sizes(actors, gpus_per_actor, batch_files)
    if gpus_per_actor > shape.gpus:
        # Ray would wait forever for an actor it can never place.
        raise PasserelleError(f"--gpus-per-actor {gpus_per_actor:g} asks for more GPUs than the Ray cluster has ({shape.gpus:g})")
    wanted = actors if actors is not None else default_actors(shape, gpus_per_actor)
    batch = batch_files if batch_files is not None else default_batch_files(jobs, wanted)
    count = max(1, min(wanted, math.ceil(jobs / batch)))
    return RayPlan(count, cpus_per_actor(shape, count), gpus_per_actor, batch)


class TranslateBatch:
    """A Ray Data actor: the models are loaded once here, then each call's rows are made in
    groups of ``config.batch_group`` (so a call of ``--batch-files`` rows fills the engines'
    batches as a local group does).

    A model that cannot be loaded (or any other PasserelleError outside one file's input) is
    not raised inside the actor, where Ray would bury it in a retried-actor traceback: it is
    returned as a FATAL row and raised once on the driver, as the local engine would raise it.
    """

    def __init__(
        self, config: AppConfig, options: ArticleOptions, force: bool, cwd: str, languages: tuple[Language, ...] = ("fr",)
    ) -> None:
        """``languages``: those the inputs are read in, whose translators are loaded now."""
        _enter(cwd)
        self.services = LoadedModels(config)
        self.options = options
        self.force = force
        self.fatal: str | None = None
        try:
            for language in languages:
                self.services.translator(language)
            if options.summarize:
                self.services.summarizer()
        except PasserelleError as error:
            self.fatal = str(error)

    def __call__(self, batch: pyarrow.Table) -> pyarrow.Table:
        import pyarrow as pa

        rows = batch.to_pylist()
        done: list[dict[str, Any]] = []
        if self.fatal is None:
            # The driver reports each outcome as it arrives: the actor's reporter says nothing.
            reporter = BatchReporter(len(rows), io.StringIO(), bar=False)
            made = grouped_outcomes([row_job(row) for row in rows], self.services, self.options, self.force,
                                    self.services.config.batch_group, reporter)  # fmt: skip
            try:
                for outcomes in made:
                    for outcome in outcomes:
                        fields = (outcome.status.value, outcome.error, outcome.pieces, outcome.seconds, outcome.job.target)
                        index = rows[len(done)]["index"]
                        done.append(outcome_fields(index, *fields, group=outcome.group, deferred=outcome.deferred))
            except PasserelleError as error:
                self.fatal = str(error)
        done += [outcome_fields(row["index"], FATAL, self.fatal) for row in rows[len(done) :]]
        return pa.Table.from_pylist(done, schema=outcome_schema())


def _enter(cwd: str) -> None:
    """Run where the driver runs, when that directory exists here, so relative paths (a
    ``--model ./dir``) mean the same; the model path is part of each output's resume key."""
    if os.path.isdir(cwd):
        os.chdir(cwd)


def _import_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401  (the [data] extra: pyarrow and friends)
    except ImportError as error:
        raise PasserelleError(f"--engine ray needs Ray Data, which is not installed: {INSTALL_HINT}") from error
    return ray


def _connect(ray: Any, address: str | None, verbose: bool) -> bool:
    """Join the cluster at ``address``, or start a private local instance; True if we connected."""
    if ray.is_initialized():
        return False
    quiet = {"logging_level": logging.INFO if verbose else logging.ERROR, "log_to_driver": verbose}
    if address:
        _check_reachable(address)
        try:
            ray.init(address=address, **quiet)
        except ConnectionError as error:
            raise PasserelleError(f"cannot join the Ray cluster at {address}: {error}") from error
    else:
        ray.init(
            address=LOCAL_ADDRESS,
            num_cpus=os.cpu_count() or 1,
            include_dashboard=False,
            object_store_memory=LOCAL_OBJECT_STORE_BYTES,
            **quiet,
        )
    logging.getLogger("ray.data").setLevel(logging.INFO if verbose else logging.WARNING)
    return True


def _check_reachable(address: str) -> None:
    """Fail in seconds, not after Ray's minutes of retries, when nothing listens at ``address``."""
    host, sep, port = address.split("://", 1)[-1].rpartition(":")
    if not sep or not port.isdigit():
        return  # "auto" and the like: Ray resolves them itself
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT_S):
            pass
    except OSError as error:
        raise PasserelleError(
            f"cannot reach a Ray cluster at {address} ({error.strerror or error}); start one with"
            " `ray start --head` and pass the address it prints"
        ) from error


def _cluster_shape(ray: Any, local: bool) -> ClusterShape:
    resources = ray.cluster_resources()
    node_cpus = [node["Resources"].get("CPU", 0.0) for node in ray.nodes() if node.get("Alive")]
    cpu_nodes = [cpus for cpus in node_cpus if cpus > 0]
    return ClusterShape(
        cpus=resources.get("CPU", 0.0),
        largest_node_cpus=max(cpu_nodes, default=0.0),
        nodes=len(cpu_nodes),
        gpus=resources.get("GPU", 0.0),
        local=local,
    )


def _translation_dataset(
    ray: Any, rows: list[dict[str, Any]], plan: RayPlan, config: AppConfig, options: ArticleOptions, force: bool
) -> Any:
    """One block per call, so calls spread over the actors instead of sharing one block."""
    import pyarrow as pa

    schema = job_schema()
    step = plan.batch_files
    blocks = [pa.Table.from_pylist(rows[start : start + step], schema=schema) for start in range(0, len(rows), step)]
    return ray.data.from_arrow(blocks).map_batches(
        TranslateBatch,
        batch_size=plan.batch_files,
        batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=plan.actors, max_tasks_in_flight_per_actor=MAX_CALLS_QUEUED_PER_ACTOR),
        fn_constructor_kwargs={
            "config": config,
            "options": options,
            "force": force,
            "cwd": os.getcwd(),
            "languages": _languages(rows, options),
        },
        num_cpus=plan.cpus_per_actor,
        num_gpus=plan.gpus_per_actor or None,
        udf_modifying_row_count=False,
    )


def _languages(rows: list[dict[str, Any]], options: ArticleOptions) -> tuple[Language, ...]:
    """The languages the inputs are read in, for every target the jobs name."""
    found = {language for row in rows for language in source_languages(options.source, row["target"])}
    return tuple(sorted(found, reverse=True))  # French first, as ever


def _collect(results: Iterable[dict[str, Any]], jobs: list[Job], report: Callable[[Outcome], None] | None) -> list[Outcome]:
    """Outcomes in the input order; the first FATAL row stops the run with its error."""
    found: dict[int, Outcome] = {}
    for row in results:
        if row["status"] == FATAL:
            raise PasserelleError(row["error"])
        job = jobs[row["index"]]
        job = job if row["target"] is None else replace(job, target=row["target"])
        outcome = Outcome(
            job, Status(row["status"]), row["error"], row["pieces"], row["seconds"], group=row["group"], deferred=bool(row["deferred"])
        )
        found[row["index"]] = outcome
        if report is not None:
            report(outcome)
    missing = [jobs[index].name for index in range(len(jobs)) if index not in found]
    if missing:
        raise PasserelleError(f"the Ray run returned no outcome for {len(missing)} input(s), e.g. {missing[0]}")
    return [found[index] for index in range(len(jobs))]


def run_ray(
    jobs: list[Job],
    config: AppConfig,
    options: ArticleOptions,
    args: argparse.Namespace,
    report: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Translate ``jobs`` on Ray; outcomes in the order of ``jobs``, as ``run_job`` gives them.

    ``args`` carries ``ray_address``, ``actors``, ``gpus_per_actor``, ``batch_files`` and
    ``force``; ``report`` is called with each outcome as it arrives (completion order).
    """
    check_sizes(args.actors, args.gpus_per_actor, args.batch_files)
    if not jobs:
        return []
    ray = _import_ray()
    started = _connect(ray, args.ray_address, getattr(args, "verbose", False))
    try:
        shape = _cluster_shape(ray, local=started and not args.ray_address)
        plan = plan_run(len(jobs), shape, args.actors, args.gpus_per_actor, args.batch_files)
        logger.info(
            "Ray: %d actor(s), %g CPU and %g GPU each, %d file(s) per call",
            plan.actors, plan.cpus_per_actor, plan.gpus_per_actor, plan.batch_files,
        )  # fmt: skip
        dataset = _translation_dataset(ray, job_rows(jobs), plan, config, options, args.force)
        rows = iter(dataset.iter_rows())
        try:
            return _collect(rows, jobs, report)
        finally:
            close = getattr(rows, "close", None)  # a generator: closing stops the pipeline early
            if close is not None:
                close()
    finally:
        if started:
            ray.shutdown()


def run_ray_reported(
    jobs: list[Job],
    config: AppConfig,
    options: ArticleOptions,
    args: argparse.Namespace,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """``run_ray`` with each file reported on stderr as it finishes (no bar: the work is
    elsewhere), then the totals. ``on_outcome`` is then called with it, on the driver, as it
    arrives (the feeds' poll keeps each article so, before the run ends)."""
    reporter = BatchReporter(len(jobs), bar=False)

    def report(outcome: Outcome) -> None:
        reporter.start(outcome.job)
        reporter.finish(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    outcomes = run_ray(jobs, config, options, args, report=report)
    reporter.close(outcomes)
    return outcomes
