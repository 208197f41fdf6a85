"""What a batch run works on: one job per input (file, directory entry or standard input),
where its outputs go, and how it ended."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Iterable, Sequence

from ..article.inputs import HTML_EXTENSIONS
from ..config import AppConfig, UsageError

STDIN_NAME = "stdin"
STDIN_MARK = "-"


@dataclass(frozen=True)
class Job:
    """One input and where its outputs go."""

    name: str  # how the input is named in messages
    stem: Path  # output path without suffix: DIR/sub/NAME
    ext: str  # extension of the translation file
    source: Path | None = None  # None: the bytes came from stdin
    data: bytes | None = None
    problem: str | None = None  # found at discovery (e.g. a symlink leaving the tree)

    @property
    def translation_path(self) -> Path:
        return self.stem.with_name(self.stem.name + ".en" + self.ext)

    @property
    def json_path(self) -> Path:
        return self.stem.with_name(self.stem.name + ".json")

    @property
    def summary_path(self) -> Path:
        return self.stem.with_name(self.stem.name + ".summary.md")


class Status(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass
class Outcome:
    job: Job
    status: Status
    error: str | None = None
    pieces: int = 0
    seconds: float = 0.0


def exit_status(outcomes: Sequence[Outcome]) -> int:
    """0 when every input succeeded (or was already done), 1 when any failed."""
    return 1 if any(outcome.status == Status.FAILED for outcome in outcomes) else 0


def _output_ext(path: Path) -> str:
    return ".txt" if path.suffix.lower() in HTML_EXTENSIONS else path.suffix


def _within(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _walk(root: Path, extensions: Sequence[str]) -> Iterable[tuple[Path, str | None]]:
    """Files under ``root`` with a known extension, sorted; symlinks leaving it are flagged."""
    for directory, subdirs, files in os.walk(root, followlinks=False):
        subdirs.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.suffix.lower() not in extensions:
                continue
            if path.is_symlink() and not _within(path, root):
                yield path, f"{path}: a symbolic link to {os.path.realpath(path)}, outside {root}; not followed"
            else:
                yield path, None


def discover(inputs: Sequence[str], output_dir: Path, config: AppConfig, stdin: bytes | None = None) -> list[Job]:
    """Jobs for files, directories (recursive) and ``-`` (standard input), in order."""
    if not inputs:
        raise UsageError("no input given: name files, directories, or - for standard input")
    jobs: list[Job] = []
    seen: set[Path] = set()
    for raw in inputs:
        if raw == STDIN_MARK:
            data = stdin if stdin is not None else sys.stdin.buffer.read()
            jobs.append(Job(STDIN_NAME, output_dir / STDIN_NAME, ".txt", data=data))
            continue
        path = Path(raw)
        if path.is_dir():
            for found, problem in _walk(path, config.extensions):
                relative = found.relative_to(path)
                stem = output_dir / relative.parent / relative.stem
                jobs.append(Job(str(found), stem, _output_ext(found), source=found, problem=problem))
        elif path.exists():
            jobs.append(Job(str(path), output_dir / path.stem, _output_ext(path), source=path))
        else:
            jobs.append(Job(str(path), output_dir / path.stem, ".txt", source=path, problem=f"{path}: no such file or directory"))
    for job in jobs:
        if job.stem in seen:
            raise UsageError(f"two inputs would write the same outputs {job.stem}.*; translate them separately")
        seen.add(job.stem)
    return jobs
