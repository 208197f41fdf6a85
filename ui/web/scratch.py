"""The server's files on disk: one private temporary root per process (mode 0700) holding
Gradio's uploads and cache and the result files offered for download. Articles can be
confidential: nothing goes to the shared /tmp/gradio, nothing is readable by another user or
served by another Gradio instance, the disk it takes is bounded (oldest files go first), and
the root is removed when the process ends; a killed process's root is removed at the next start.

The bounds hold when files are written: a write that takes the root past them prunes it at
once (down to ``WRITE_PRUNE_SHARE`` of them, so that a full root is not walked on every
write). The root is counted, not walked, on each write: the count of the last prune plus what
was written since; what Gradio writes itself (uploads) is counted by the cleaner, which prunes
every ``CHECK_SECONDS`` (a walk of 2,000 files takes about 10 ms).
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
from ..batch.files import pid_alive

logger = logging.getLogger("passerelle.web")

PREFIX = "passerelle-"
GRADIO_SUBDIR = "gradio"
DOWNLOADS_SUBDIR = "downloads"
DEFAULT_STEM = "article"
MAX_STEM_CHARS = 80
_UNSAFE_NAME = re.compile(r"[^\w.-]+")
_ROOT_NAME = re.compile(rf"^{PREFIX}(\d+)-")
_PUBLIC_NAME = re.compile(r"^(?P<token>[0-9a-f]{32})\.(?P<name>[\w][\w.-]*)$")
CHECK_SECONDS = 5.0  # the cleaner's round: expired files, and Gradio's own writes counted
WRITE_PRUNE_SHARE = 0.9  # a write past the bounds prunes down to this share of them
ANALYTICS_EVENTS = 100


@dataclass(frozen=True)
class ScratchLimits:
    ttl_seconds: float = 3600
    max_files: int = 2000
    max_bytes: int = 500_000_000


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
    """A private root: ``gradio/`` (GRADIO_TEMP_DIR: Gradio's uploads and cache, and the page's
    results, which Gradio serves from there without copying them) and ``downloads/`` (the REST
    API's results); pruned when a write takes it past its bounds, and on a schedule."""

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
        # The root's files and bytes: as the last prune left them, plus what was written since.
        self.files = 0
        self.bytes = 0

    def write(self, result: ArticleResult) -> tuple[Path, Path, Path | None]:
        """The result as Markdown and JSON, and the translated file in its own format when
        the input had one, in a directory of its own inside Gradio's (which serves them as they
        are: outside it, Gradio would copy each one into it)."""
        directory = self.gradio / uuid.uuid4().hex
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
        self._wrote(markdown, data, *([translated] if translated is not None else []))
        return markdown, data, translated

    def write_file(self, name: str, content: str | bytes) -> str:
        """A translated file offered for download; returns its public name, ``ID.NAME``."""
        token = uuid.uuid4().hex
        directory = self.downloads / token
        directory.mkdir(mode=0o700)
        path = directory / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        self._wrote(path)
        return f"{token}.{name}"

    def _wrote(self, *paths: Path) -> None:
        """Count new files; past the bounds, prune at once (the oldest files go)."""
        size = sum(path.stat().st_size for path in paths)
        with self._lock:
            self.files += len(paths)
            self.bytes += size
            crowded = self.files > self.limits.max_files or self.bytes > self.limits.max_bytes
        if crowded:
            self.prune(share=WRITE_PRUNE_SHARE)

    def find_file(self, public_name: str) -> Path | None:
        """The file behind a public name from ``write_file``, if it is still there."""
        match = _PUBLIC_NAME.match(public_name)
        if match is None:
            return None
        path = self.downloads / match["token"] / match["name"]
        return path if path.is_file() and not path.is_symlink() else None

    def prune(self, now: float | None = None, share: float = 1.0) -> int:
        """Delete files older than the time-to-live, then the oldest until the root is within
        ``share`` of its file and byte bounds; returns how many files went."""
        now = time.time() if now is None else now
        max_files, max_bytes = int(self.limits.max_files * share), self.limits.max_bytes * share
        with self._lock:
            files, empty = self._walk()
            files.sort()
            total = sum(size for _, size, _ in files)
            removed = 0
            emptied = set()
            for mtime, size, path in files:
                expired = mtime < now - self.limits.ttl_seconds
                crowded = len(files) - removed > max_files or total > max_bytes
                if not (expired or crowded):
                    break
                try:
                    os.unlink(path)
                except FileNotFoundError:
                    pass  # removed meanwhile (by Gradio)
                except OSError as error:  # a download racing the cleaner; retried next round
                    logger.warning("could not delete %s: %s", path, error)
                    continue
                removed += 1
                total -= size
                emptied.add(os.path.dirname(path))
            self.files, self.bytes = len(files) - removed, total
            # Directories whose files went, and those found empty a while ago (left by Gradio,
            # or by an earlier round): not one just made for a file about to be written.
            stale = now - CHECK_SECONDS
            self._remove_directories(emptied | {path for mtime, path in empty if mtime < stale})
            return removed

    def _walk(self) -> tuple[list[tuple[float, int, str]], list[tuple[float, str]]]:
        """Every file under the root (mtime, size, path), and the empty directories (mtime,
        path); os.scandir, about four times faster than Path.rglob and stat."""
        files: list[tuple[float, int, str]] = []
        empty: list[tuple[float, str]] = []
        stack = [str(self.root)]
        while stack:
            directory = stack.pop()
            try:
                with os.scandir(directory) as found:
                    entries = list(found)
                if not entries:
                    empty.append((os.stat(directory).st_mtime, directory))
            except OSError:
                continue  # removed meanwhile
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    elif entry.is_file(follow_symlinks=False):
                        stat = entry.stat(follow_symlinks=False)
                        files.append((stat.st_mtime, stat.st_size, entry.path))
                except OSError:
                    continue
        return files, empty

    def _remove_directories(self, directories: set[str]) -> None:
        """Remove those of ``directories`` that are empty (never the root or its two parts)."""
        kept = {str(self.root), str(self.gradio), str(self.downloads)}
        for directory in sorted(directories - kept, key=len, reverse=True):
            try:
                os.rmdir(directory)
            except OSError:
                pass  # not empty: it still holds a fresh file

    def start(self) -> None:
        """Prune every ``CHECK_SECONDS`` in a daemon thread (idempotent)."""
        if self._thread is not None:
            return

        def loop() -> None:
            while not self._stop.wait(CHECK_SECONDS):
                try:
                    self.prune()
                except Exception:  # the cleaner must outlive one bad round
                    logger.exception("pruning the temporary files failed")

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
