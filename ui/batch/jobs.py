"""What a batch run works on: one job per input (file, directory entry, standard input or a
link to a web page), where its outputs go, and how it ended.

A job's translation is ``NAME.<target>.EXT``: ``NAME.en.EXT`` for a French input,
``NAME.fr.EXT`` for an English one. With ``--source auto`` and no ``--target`` the target is
found per file, from the language detected when the job is read (:func:`Job.towards`).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

from passerelle.translate.languages import LANGUAGES, NAMES, Language, other

from ..article.inputs import ArticleInputError, read_limited
from ..article.language import AUTO, SOURCES
from ..config import AppConfig, UsageError

STDIN_NAME = "stdin"
STDIN_MARK = "-"
LINK_PREFIXES = ("http://", "https://")
LINK_EXT = ".txt"  # a link's translation is its article's plain text
MAX_STEM = 120
_STEM_CHARS = re.compile(r"[^A-Za-z0-9._-]+")
_PAGE_SUFFIXES = {".html", ".htm", ".php", ".asp", ".aspx", ".jsp", ".shtml", ".xhtml"}


def output_target(source: str, target: str | None = None) -> Language | None:
    """The language of the translations for ``--source`` and ``--target``: by default the
    other language of the source; with ``auto``, ``target`` (files already in it are then
    errors) or None (the other language of each file's). Bad combinations are usage errors."""
    if source not in SOURCES:
        raise UsageError(f"--source must be one of {', '.join(SOURCES)}, got {source!r}")
    if target is not None and target not in LANGUAGES:
        raise UsageError(f"--target must be one of {', '.join(LANGUAGES)}, got {target!r}")
    if source == AUTO:
        return cast("Language | None", target)
    if target == source:
        raise UsageError(f"--source and --target are both {source} ({NAMES[source]}): nothing to translate")
    return other(cast(Language, source))


def source_languages(source: str, target: str | None) -> tuple[Language, ...]:
    """The languages the inputs can be read in, hence the translators a run may use: the
    source, or with ``auto`` both (only the one that is not ``target``, when given)."""
    if source != AUTO:
        return (cast(Language, source),)
    return (other(cast(Language, target)),) if target is not None else ("fr", "en")


@dataclass(frozen=True)
class Job:
    """One input and where its outputs go."""

    name: str  # how the input is named in messages
    stem: Path  # output path without suffix: DIR/sub/NAME
    ext: str  # extension of the translation file
    source: Path | None = None  # None: the bytes came from stdin
    data: bytes | None = None
    problem: str | None = None  # found at discovery (e.g. a symlink leaving the tree)
    # The language of the translation; None: the other one of the language detected when
    # the job is read (``--source auto`` without ``--target``).
    target: Language | None = "en"
    url: str | None = None  # a link: its page is fetched when the job's turn comes (see links.py)

    def towards(self, source: Language) -> Job:
        """This job for an input read as ``source``: its target known, or an input error when
        the input is already in the target language (``--source auto --target``)."""
        if self.target == source:
            raise ArticleInputError(f"{self.name}: already in {NAMES[source]}, the language of --target {source}; not translated")
        return replace(self, target=other(source))

    @property
    def translation_path(self) -> Path:
        if self.target is None:
            raise ValueError(f"{self.name}: the language of the translation is not known before the input is read")
        return self.stem.with_name(f"{self.stem.name}.{self.target}{self.ext}")

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
    group: int = 1  # articles made together (``seconds`` is then the group's)
    deferred: bool = False  # failed because the link's site is pausing after errors: a poller waits, counts no attempt


def exit_status(outcomes: Sequence[Outcome]) -> int:
    """0 when every input succeeded (or was already done), 1 when any failed."""
    return 1 if any(outcome.status == Status.FAILED for outcome in outcomes) else 0


def _output_ext(path: Path) -> str:
    """Every input is written back in its own format (HTML stays HTML, Word stays Word)."""
    return path.suffix


def _within(path: Path, root: Path) -> bool:
    real, top = os.path.realpath(path), os.path.realpath(root)
    return os.path.commonpath([real, top]) == top


def _problem(path: Path, root: Path | None = None) -> str | None:
    """Why ``path`` cannot be read as an input (None when it can): a symbolic link loop or
    one leaving ``root``, or something other than a regular file (a FIFO would block)."""
    try:
        info = os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return f"{path}: a loop of symbolic links; not followed"
        return f"{path}: {error.strerror or error}"
    if root is not None and path.is_symlink() and not _within(path, root):
        return f"{path}: a symbolic link to {os.path.realpath(path)}, outside {root}; not followed"
    if not stat.S_ISREG(info.st_mode):
        return f"{path}: not a regular file; not read"
    return None


def _walk(root: Path, extensions: Sequence[str]) -> Iterable[tuple[Path, str | None]]:
    """Files under ``root`` with a known extension, sorted, each with what is wrong with it."""
    for directory, subdirs, files in os.walk(root, followlinks=False):
        subdirs.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.suffix.lower() in extensions:
                yield path, _problem(path, root)


def discover(
    inputs: Sequence[str],
    output_dir: Path,
    config: AppConfig,
    stdin: bytes | None = None,
    source: str = "fr",
    target: str | None = None,
) -> list[Job]:
    """Jobs for files, directories (recursive), ``-`` (standard input, read up to the file
    size limit) and links (``http://``, ``https://``: fetched later, when their turn comes),
    in order; what is wrong with an input is its job's problem. ``source`` and ``target`` are
    ``--source`` and ``--target`` (see :func:`output_target`)."""
    language = output_target(source, target)
    if not inputs:
        raise UsageError("no input given: name files, directories, links, or - for standard input")
    jobs: list[Job] = []
    seen: set[Path] = set()
    for raw in inputs:
        if raw == STDIN_MARK:
            jobs.append(replace(_stdin_job(output_dir, config, stdin), target=language))
            continue
        if is_link(raw):
            jobs.append(link_job(raw, output_dir, language))
            continue
        path = Path(raw)
        if path.is_dir():
            for found, problem in _walk(path, config.extensions):
                relative = found.relative_to(path)
                stem = output_dir / relative.parent / relative.stem
                jobs.append(Job(str(found), stem, _output_ext(found), found, problem=problem, target=language))
        else:
            jobs.append(Job(str(path), output_dir / path.stem, _output_ext(path), path, problem=_problem(path), target=language))
    for job in jobs:
        if job.stem in seen:
            raise UsageError(f"two inputs would write the same outputs {job.stem}.*; translate them separately")
        seen.add(job.stem)
    return jobs


def is_link(raw: str) -> bool:
    """An input naming a web page rather than a file (``http://`` or ``https://``)."""
    return raw.strip().lower().startswith(LINK_PREFIXES)


def link_stem(url: str) -> str:
    """A safe file stem from a link's host and path (``https://www.example.fr/politique/
    le-budget.html`` → ``www.example.fr-politique-le-budget``): no separator, no leading dot,
    at most MAX_STEM characters; a query or a shortened stem gets a short hash of the link, so
    two links never share their outputs by accident."""
    parts = urlsplit(url.strip())
    path = parts.path
    last = path.rsplit("/", 1)[-1]
    suffix = Path(last).suffix.lower()
    if suffix in _PAGE_SUFFIXES:
        path = path[: -len(suffix)]
    words = _STEM_CHARS.sub("-", f"{parts.netloc.rsplit('@', 1)[-1]}/{path}").strip("-.")
    words = re.sub(r"-{2,}", "-", words) or "link"
    digest = hashlib.sha256(url.strip().encode()).hexdigest()[:10]
    if parts.query or len(words) > MAX_STEM:
        words = f"{words[: MAX_STEM - 11].rstrip('-.')}-{digest}"
    return words


def link_job(url: str, output_dir: Path, target: Language | None) -> Job:
    url = url.strip()
    return Job(url, output_dir / link_stem(url), LINK_EXT, target=target, url=url)


def _stdin_job(output_dir: Path, config: AppConfig, stdin: bytes | None) -> Job:
    if stdin is None:
        try:
            stdin = read_limited(sys.stdin.buffer, config.max_file_bytes, STDIN_NAME)
        except ArticleInputError as error:
            return Job(STDIN_NAME, output_dir / STDIN_NAME, ".txt", problem=str(error))
    return Job(STDIN_NAME, output_dir / STDIN_NAME, ".txt", data=stdin)


def check_writable(output_dir: Path) -> None:
    """The output folder exists (made if needed) and takes files: else one clear usage error,
    before any work is done."""
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        probe = output_dir / f".passerelle-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise UsageError(f"cannot write to the output folder {output_dir}: {error.strerror or error}") from error
