"""Result files the web app offers for download, kept in a private temp directory and
deleted after a while: articles can be confidential, and a long-running server must not
fill the disk."""

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
from pathlib import Path

from ..article import ArticleResult
from ..article.processes import pid_alive

logger = logging.getLogger("passerelle.web")

ROOT_PREFIX = "passerelle-web-"
DEFAULT_STEM = "article"
MAX_STEM_CHARS = 80
_UNSAFE_NAME = re.compile(r"[^\w.-]+")
# The cleaner wakes up a few times per time-to-live, within these bounds (seconds).
CLEAN_DIVISOR = 4
MIN_CLEAN_INTERVAL = 10.0
MAX_CLEAN_INTERVAL = 600.0


def default_root() -> Path:
    """One directory per server process, under the system temp dir (which Gradio may serve
    files from, so no extra ``allowed_paths`` are needed)."""
    return Path(tempfile.gettempdir()) / f"{ROOT_PREFIX}{os.getpid()}"


def remove_tree(directory: Path) -> None:
    """Delete ``directory`` and what is in it, logging (not raising) what could not go."""

    def report(_function: object, path: str, excinfo: tuple[type, BaseException, object]) -> None:
        logger.warning("could not delete %s: %s", path, excinfo[1])

    if directory.is_dir():
        shutil.rmtree(directory, onerror=report)  # Python 3.11 has no onexc


def remove_dead_servers_files(parent: Path | None = None) -> int:
    """Delete the download directories of servers that ended without cleaning up (killed);
    returns how many went."""
    parent = parent or Path(tempfile.gettempdir())
    removed = 0
    for directory in parent.glob(f"{ROOT_PREFIX}*"):
        pid_text = directory.name.removeprefix(ROOT_PREFIX)
        if pid_text.isdigit() and int(pid_text) != os.getpid() and not pid_alive(int(pid_text)):
            remove_tree(directory)
            removed += 1
    return removed


def clean_interval(ttl_seconds: float) -> float:
    return min(max(ttl_seconds / CLEAN_DIVISOR, MIN_CLEAN_INTERVAL), MAX_CLEAN_INTERVAL)


def safe_stem(source_file: str | None) -> str:
    """A file name stem from an uploaded file's name, safe on every OS."""
    if not source_file:
        return DEFAULT_STEM
    stem = _UNSAFE_NAME.sub("_", Path(source_file).stem).strip("._")
    return stem[:MAX_STEM_CHARS] or DEFAULT_STEM


class DownloadStore:
    """Writes each result as Markdown + JSON in its own subdirectory; a daemon thread
    deletes subdirectories older than ``ttl_seconds``."""

    def __init__(self, ttl_seconds: float, root: Path | None = None) -> None:
        self.root = root or default_root()
        self.ttl_seconds = ttl_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def write(self, result: ArticleResult) -> tuple[Path, Path]:
        directory = self.root / uuid.uuid4().hex
        directory.mkdir(parents=True, mode=0o700)
        stem = safe_stem(result.source_file)
        markdown = directory / f"{stem}.en.md"
        markdown.write_text(result.to_markdown(), encoding="utf-8")
        data = directory / f"{stem}.en.json"
        data.write_text(json.dumps(result.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
        return markdown, data

    def prune(self, now: float | None = None) -> int:
        """Delete result directories older than the time-to-live; returns how many went."""
        if not self.root.is_dir():
            return 0
        cutoff = (time.time() if now is None else now) - self.ttl_seconds
        removed = 0
        for directory in self.root.iterdir():
            try:
                if directory.is_dir() and directory.stat().st_mtime < cutoff:
                    for file in directory.iterdir():
                        file.unlink()
                    directory.rmdir()
                    removed += 1
            except OSError as error:  # e.g. a download racing the cleaner; retried next round
                logger.warning("could not delete old download %s: %s", directory, error)
        return removed

    def start(self) -> None:
        """Prune on a schedule in a daemon thread, and delete everything when the process
        exits (idempotent)."""
        if self._thread is not None:
            return
        atexit.register(self.close)
        interval = clean_interval(self.ttl_seconds)

        def loop() -> None:
            while not self._stop.wait(interval):
                self.prune()

        self._thread = threading.Thread(target=loop, name="passerelle-downloads-cleaner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def close(self) -> None:
        """Stop the cleaner and delete every result file: nothing outlives the server."""
        self.stop()
        remove_tree(self.root)
