"""How a batch run tells the user where it is: a progress bar on a terminal (sentences/s),
plain log lines otherwise, and every failure named on stderr with its reason."""

from __future__ import annotations

import contextlib
import sys
from typing import IO, Any

from .jobs import Job, Outcome, Status


class BatchReporter:
    def __init__(self, total_files: int, stream: IO[str] | None = None, bar: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total_files = total_files
        self.index = 0
        self.use_bar = self.stream.isatty() if bar is None else bar
        self._bar: Any = None
        self._file_total = 0
        self._file_done = 0
        self._logging = contextlib.ExitStack()
        if self.use_bar:
            from tqdm import tqdm
            from tqdm.contrib.logging import logging_redirect_tqdm

            self._bar = tqdm(total=0, unit="sentence", file=self.stream, dynamic_ncols=True)
            self._logging.enter_context(logging_redirect_tqdm())  # log lines above the bar, not on it

    def start(self, job: Job) -> None:
        self.index += 1
        self._file_total = self._file_done = 0
        if self._bar is not None:
            self._bar.set_description(f"[{self.index}/{self.total_files}] {job.name}")

    def start_group(self, jobs: list[Job]) -> None:
        """A group of jobs is being made together (their outcomes follow, each with ``start``
        and ``finish``)."""
        self._file_total = self._file_done = 0
        if self._bar is not None and jobs:
            first = self.index + 1
            self._bar.set_description(f"[{first}-{first + len(jobs) - 1}/{self.total_files}] {len(jobs)} articles")

    def progress(self, done: int, total: int) -> None:
        """Called by the translator after each batch of the current file."""
        if self._bar is None:
            return
        if total > self._file_total:
            self._bar.total += total - self._file_total
            self._file_total = total
            self._bar.refresh()
        self._bar.update(max(0, done - self._file_done))
        self._file_done = max(done, self._file_done)

    def finish(self, outcome: Outcome) -> None:
        if self._bar is not None and self._file_done < self._file_total:  # the last batch counted: 100 %
            self._bar.update(self._file_total - self._file_done)
            self._file_done = self._file_total
        prefix = f"[{self.index}/{self.total_files}] {outcome.job.name}"
        if outcome.status == Status.FAILED:
            self._write(f"error: {outcome.error}")
        elif outcome.status == Status.SKIPPED:
            self._write(f"{prefix}: already done, skipped (use --force to redo)")
        elif outcome.pieces == 0:  # a document without text: written as it is
            self._write(f"{prefix}: nothing to translate, the file comes back as it is -> {outcome.job.translation_path}")
        else:
            rate = outcome.pieces / outcome.seconds if outcome.seconds else 0.0
            timing = f"in {outcome.seconds:.1f} s ({rate:.1f} sentences/s)"
            if outcome.group > 1:  # made together: the time is the group's, not this article's
                timing = f"in a group of {outcome.group} articles made together in {outcome.seconds:.1f} s"
            self._write(f"{prefix}: {plural(outcome.pieces, 'sentence')} {timing} -> {outcome.job.translation_path}")

    def close(self, outcomes: list[Outcome]) -> None:
        if self._bar is not None:
            self._bar.close()
        self._logging.close()
        counts = {status: sum(1 for o in outcomes if o.status == status) for status in Status}
        done, skipped, failed = counts[Status.DONE], counts[Status.SKIPPED], counts[Status.FAILED]
        self._write(f"{done} translated, {skipped} skipped, {failed} failed")

    def _write(self, line: str) -> None:
        if self._bar is not None:
            self._bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)


def plural(count: int, noun: str) -> str:
    """ "1 sentence", "2 sentences"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
