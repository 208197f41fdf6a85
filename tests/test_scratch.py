"""The web server's files: a private root per process, bounded, removed at the end, and a
killed server's root removed at the next start."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from translate import Segment, TranslationResult
from ui.article import ArticleResult
from ui.web.scratch import PREFIX, Scratch, ScratchLimits, remove_dead_roots

pytestmark = pytest.mark.unit


def stub() -> ArticleResult:
    translation = TranslationResult("Hello.", [Segment(0, "Bonjour.", "Hello.")], "Bonjour.", "tiny", "transformers")
    return ArticleResult(source="Bonjour.", translation=translation, source_file="../../etc/bonjour.txt")


def test_results_are_written_in_a_private_root(tmp_path: Path) -> None:
    scratch = Scratch(ScratchLimits(ttl_seconds=60), parent=tmp_path)
    markdown, data, translated = scratch.write(stub())
    assert translated is None  # pasted text: no file of its own format
    assert stat.S_IMODE(scratch.root.stat().st_mode) == 0o700  # no other user reads it
    assert markdown.parent.parent == scratch.downloads and markdown.name == "bonjour.en.md"  # no path tricks
    assert markdown.read_text(encoding="utf-8").startswith("# Translation")
    assert json.loads(data.read_text(encoding="utf-8"))["translation"] == "Hello."
    assert scratch.prune() == 0  # still fresh
    assert scratch.prune(now=time.time() + 61) == 2
    assert not markdown.exists() and not markdown.parent.exists()
    scratch.close()
    assert not scratch.root.exists()


def test_the_oldest_files_go_first_past_the_bounds(tmp_path: Path) -> None:
    scratch = Scratch(ScratchLimits(ttl_seconds=3600, max_files=3, max_bytes=10_000), parent=tmp_path)
    paths = []
    for index in range(5):
        path = scratch.gradio / f"upload{index}.txt"
        path.write_bytes(b"x" * 100)
        os.utime(path, (time.time() - 100 + index, time.time() - 100 + index))
        paths.append(path)
    assert scratch.prune() == 2
    assert [path.exists() for path in paths] == [False, False, True, True, True]
    big = scratch.downloads / "big.bin"
    big.write_bytes(b"x" * 20_000)  # alone over the byte bound: the older files go, then it
    scratch.prune()
    assert not big.exists()
    assert sum(path.stat().st_size for path in scratch.root.rglob("*") if path.is_file()) <= 10_000
    scratch.close()


def test_a_killed_servers_root_is_removed_at_the_next_start(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left_behind = tmp_path / f"{PREFIX}{int(dead.stdout)}-abc"
    (left_behind / "downloads").mkdir(parents=True)
    (left_behind / "downloads" / "secret.md").write_text("secret", encoding="utf-8")
    running = tmp_path / f"{PREFIX}{os.getpid()}-def"
    running.mkdir()
    unrelated = tmp_path / f"{PREFIX}notes"
    unrelated.mkdir()
    assert remove_dead_roots(tmp_path) == 1
    assert not left_behind.exists() and running.is_dir() and unrelated.is_dir()
