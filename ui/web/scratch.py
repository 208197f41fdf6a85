"""The server's files on disk: one private temporary root per process (mode 0700) holding
Gradio's uploads and cache and the result files offered for download. Articles can be
confidential: nothing goes to the shared /tmp/gradio, nothing is readable by another user or
served by another Gradio instance, the disk it takes is bounded (oldest files go first), and
the root is removed when the process ends; a killed process's root is removed at the next start.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..article import ArticleResult
from ..article.processes import pid_alive

logger = logging.getLogger("passerelle.web")

PREFIX = "passerelle-"
GRADIO_SUBDIR = "gradio"
DOWNLOADS_SUBDIR = "downloads"
DEFAULT_STEM = "article"
MAX_STEM_CHARS = 80
_UNSAFE_NAME = re.compile(r"[^\w.-]+")
_ROOT_NAME = re.compile(rf"^{PREFIX}(\d+)-")
_PUBLIC_NAME = re.compile(r"^(?P<token>[0-9a-f]{32})\.(?P<name>[\w][\w.-]*)$")
# The cleaner wakes up a few times per time-to-live, within these bounds (seconds).
CLEAN_DIVISOR = 4
MIN_CLEAN_INTERVAL = 10.0
MAX_CLEAN_INTERVAL = 600.0
ANALYTICS_EVENTS = 100


@dataclass(frozen=True)
class ScratchLimits:
    ttl_seconds: float = 3600
    max_files: int = 2000
    max_bytes: int = 500_000_000


def clean_interval(ttl_seconds: float) -> float:
    return min(max(ttl_seconds / CLEAN_DIVISOR, MIN_CLEAN_INTERVAL), MAX_CLEAN_INTERVAL)


def safe_stem(source_file: str | None) -> str:
    """A file name stem from an uploaded file's name, safe on every OS."""
    if not source_file:
        return DEFAULT_STEM
    stem = _UNSAFE_NAME.sub("_", Path(source_file).stem).strip("._")
    return stem[:MAX_STEM_CHARS] or DEFAULT_STEM


def remove_tree(directory: Path) -> None:
    """Delete ``directory`` and what is in it, logging (not raising) what could not go."""

    def report(_function: object, path: str, excinfo: tuple[type, BaseException, object]) -> None:
        logger.warning("could not delete %s: %s", path, excinfo[1])

    if directory.is_dir():
        shutil.rmtree(directory, onerror=report)  # Python 3.11 has no onexc


def remove_dead_roots(parent: Path | None = None) -> int:
    """Delete the roots of servers that ended without cleaning up (killed); returns how many."""
    parent = parent or Path(tempfile.gettempdir())
    removed = 0
    for directory in parent.glob(f"{PREFIX}*"):
        match = _ROOT_NAME.match(directory.name)
        if match and int(match.group(1)) != os.getpid() and not pid_alive(int(match.group(1))):
            remove_tree(directory)
            removed += 1
    return removed


class Scratch:
    """A private root: ``gradio/`` (GRADIO_TEMP_DIR) and ``downloads/``; pruned on a schedule."""

    def __init__(self, limits: ScratchLimits = ScratchLimits(), parent: Path | None = None, root: Path | None = None) -> None:
        self.limits = limits
        self.root = root or Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=parent))  # mode 0700
        self.gradio = self.root / GRADIO_SUBDIR
        self.downloads = self.root / DOWNLOADS_SUBDIR
        for directory in (self.gradio, self.downloads):
            directory.mkdir(mode=0o700, exist_ok=True)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def write(self, result: ArticleResult) -> tuple[Path, Path, Path | None]:
        """The result as Markdown and JSON, and the translated file in its own format when
        the input had one, in a directory of its own."""
        directory = self.downloads / uuid.uuid4().hex
        directory.mkdir(mode=0o700)
        stem = f"{safe_stem(result.source_file)}.{result.target_language}"
        markdown = directory / f"{stem}.md"
        markdown.write_text(result.to_markdown(), encoding="utf-8")
        data = directory / f"{stem}.json"
        data.write_text(json.dumps(result.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
        translated = None
        if result.file is not None:
            translated = directory / f"{stem}{result.file.suffix}"
            translated.write_bytes(result.file.data)
        return markdown, data, translated

    def write_file(self, name: str, content: str | bytes) -> str:
        """A translated file offered for download; returns its public name, ``ID.NAME``."""
        token = uuid.uuid4().hex
        directory = self.downloads / token
        directory.mkdir(mode=0o700)
        (directory / name).write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return f"{token}.{name}"

    def find_file(self, public_name: str) -> Path | None:
        """The file behind a public name from ``write_file``, if it is still there."""
        match = _PUBLIC_NAME.match(public_name)
        if match is None:
            return None
        path = self.downloads / match["token"] / match["name"]
        return path if path.is_file() and not path.is_symlink() else None

    def prune(self, now: float | None = None) -> int:
        """Delete files older than the time-to-live, then the oldest until the root is within
        its file and byte bounds; returns how many files went."""
        now = time.time() if now is None else now
        with self._lock:
            files = []
            for path in self.root.rglob("*"):
                try:
                    if path.is_file() and not path.is_symlink():
                        stat = path.stat()
                        files.append((stat.st_mtime, stat.st_size, path))
                except OSError:
                    continue  # removed meanwhile
            files.sort()
            total = sum(size for _, size, _ in files)
            removed = 0
            for mtime, size, path in files:
                expired = mtime < now - self.limits.ttl_seconds
                crowded = len(files) - removed > self.limits.max_files or total > self.limits.max_bytes
                if not (expired or crowded):
                    break
                try:
                    path.unlink()
                except OSError as error:  # a download racing the cleaner; retried next round
                    logger.warning("could not delete %s: %s", path, error)
                    continue
                removed += 1
                total -= size
            self._remove_empty_directories()
            return removed

    def _remove_empty_directories(self) -> None:
        for directory in sorted(self.root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if directory.is_dir() and directory not in (self.gradio, self.downloads):
                try:
                    directory.rmdir()
                except OSError:
                    pass  # not empty: it still holds a fresh file

    def start(self) -> None:
        """Prune on a schedule in a daemon thread (idempotent)."""
        if self._thread is not None:
            return
        interval = clean_interval(self.limits.ttl_seconds)

        def loop() -> None:
            while not self._stop.wait(interval):
                self.prune()

        self._thread = threading.Thread(target=loop, name="passerelle-scratch-cleaner", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the cleaner and delete everything: nothing outlives the server."""
        self._stop.set()
        remove_tree(self.root)


_process_scratch: Scratch | None = None
_process_lock = threading.Lock()


def reserve_process_scratch() -> Scratch:
    """The one scratch root of this process, made on first call and removed at exit. Gradio
    reads GRADIO_TEMP_DIR process-wide, some of it when ``gradio`` is imported: this runs
    before that import (``ui.web`` calls it first), so every server of the process shares the
    root and nothing of Gradio's lands in the shared /tmp/gradio."""
    global _process_scratch
    with _process_lock:
        if _process_scratch is None or not _process_scratch.root.is_dir():
            remove_dead_roots()
            _process_scratch = Scratch()
            os.environ["GRADIO_TEMP_DIR"] = str(_process_scratch.gradio)
            # Gradio keeps per-job analytics (unused here) up to this many jobs: keep it small.
            os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", str(ANALYTICS_EVENTS))
            atexit.register(_process_scratch.close)
        return _process_scratch


def process_scratch(limits: ScratchLimits) -> Scratch:
    """The process's scratch root, bounded by ``limits`` and pruned on a schedule."""
    scratch = reserve_process_scratch()
    scratch.limits = limits
    scratch.start()
    return scratch
