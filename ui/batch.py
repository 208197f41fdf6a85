"""Files in, translations out: discovery, decoding, atomic writes, resume and per-file errors.

A file's outputs are ``NAME.en.EXT`` (the translation, same layout), ``NAME.json`` (everything)
and, with summaries, ``NAME.summary.md``. The JSON is written last: its presence, with the
same input hash and settings, is what makes a rerun skip the file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from translate.errors import InputTextError, PasserelleError

from .config import AppConfig
from .inputs import ArticleInputError, HTML_EXTENSIONS, read_article_bytes, read_bounded
from .processes import pid_alive
from .pipeline import ArticleOptions, ArticleResult, Services, process_article

logger = logging.getLogger("passerelle.ui")

STDIN_NAME = "stdin"
STDIN_MARK = "-"
PART_SUFFIX = ".part"


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


@dataclass
class Outcome:
    job: Job
    status: str  # "done" | "skipped" | "failed"
    error: str | None = None
    pieces: int = 0
    seconds: float = 0.0


class UsageError(PasserelleError):
    """The command line itself is wrong (exit status 2)."""


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


def job_key(data: bytes, config: AppConfig, options: ArticleOptions) -> str:
    """What a finished output depends on: the input bytes, the models and the options."""
    settings = {
        "model": config.model,
        "backend": config.backend,
        "options": [options.summarize, options.summary_length, options.num_beams],
        "summary_models": [config.summary_model, config.summary_translation_model] if options.summarize else None,
    }
    digest = hashlib.sha256(data)
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return digest.hexdigest()


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` so that ``path`` is either absent, old, or complete: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=PART_SUFFIX)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_stale_parts(output_dir: Path) -> int:
    """Delete temporary files left by a run that was killed (its process is gone)."""
    removed = 0
    for part in output_dir.rglob(f".*{PART_SUFFIX}") if output_dir.is_dir() else ():
        match = re.search(r"\.(\d+)\.[^.]*" + re.escape(PART_SUFFIX) + "$", part.name)
        pid = int(match.group(1)) if match else None
        if pid is not None and pid != os.getpid() and not pid_alive(pid):
            part.unlink(missing_ok=True)
            removed += 1
    return removed


def already_done(job: Job, key: str) -> bool:
    try:
        previous = json.loads(job.json_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    outputs_present = job.translation_path.exists()
    return outputs_present and previous.get("job", {}).get("key") == key


def write_outputs(job: Job, result: ArticleResult, key: str) -> None:
    """Translation and summary first, the JSON (the "done" mark) last."""
    write_atomic(job.translation_path, result.translation.text)
    if result.summary is not None:
        write_atomic(job.summary_path, result.summary_markdown() + "\n")
    document = result.to_json()
    document["job"] = {"key": key, "input": job.name}
    write_atomic(job.json_path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def run_job(
    job: Job,
    services: Services,
    options: ArticleOptions,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Translate one input and write its outputs; input problems become a failed Outcome."""
    started = time.perf_counter()
    if job.problem:
        return Outcome(job, "failed", job.problem)
    config = services.config
    try:
        data = job.data if job.data is not None else read_bounded(job.source, config.max_file_bytes, job.name)
        key = job_key(data, config, options)
        if not force and already_done(job, key):
            return Outcome(job, "skipped")
        article = read_article_bytes(data, job.name, config.max_file_bytes, config.max_chars)
        result = process_article(article.text, services, options, job.name, progress)
        result.warnings[:0] = article.notes
        write_outputs(job, result, key)
    except (ArticleInputError, InputTextError) as error:
        return Outcome(job, "failed", str(error))
    return Outcome(job, "done", pieces=len(result.translation.segments), seconds=time.perf_counter() - started)


def exit_status(outcomes: Sequence[Outcome]) -> int:
    """0 when every input succeeded (or was already done), 1 when any failed."""
    return 1 if any(outcome.status == "failed" for outcome in outcomes) else 0
