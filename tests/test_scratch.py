"""The web server's files: a private root per process, bounded (when files are written, and
by the cleaner for Gradio's own), removed at the end, and a killed server's root removed at the
next start."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from passerelle.translate import Segment, TranslationResult
from passerelle.ui.article import ArticleResult
from passerelle.ui.web import scratch as scratch_module
from passerelle.ui.web.scratch import PREFIX, Scratch, ScratchLimits, remove_dead_roots

pytestmark = pytest.mark.unit


def stub() -> ArticleResult:
    translation = TranslationResult("Hello.", [Segment(0, "Bonjour.", "Hello.")], "Bonjour.", "tiny", "transformers")
    return ArticleResult(source="Bonjour.", translation=translation, source_file="../../etc/bonjour.txt")


def test_results_are_written_in_a_private_root(tmp_path: Path) -> None:
    scratch = Scratch(ScratchLimits(ttl_seconds=60), parent=tmp_path)
    markdown, data, translated = scratch.write(stub())
    assert translated is None  # pasted text: no file of its own format
    assert stat.S_IMODE(scratch.root.stat().st_mode) == 0o700  # no other user reads it
    # In Gradio's folder, which serves it as it is (elsewhere, Gradio would copy it there).
    assert markdown.parent.parent == scratch.gradio and markdown.name == "bonjour.en.md"  # no path tricks
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


def files_in(scratch: Scratch) -> list[Path]:
    """The files under the scratch root now; os.walk skips a folder the cleaner removes while
    it looks (rglob would raise FileNotFoundError)."""
    return [Path(folder, name) for folder, _, names in os.walk(scratch.root) for name in names]


def test_a_write_past_the_file_bound_prunes_at_once(tmp_path: Path) -> None:
    scratch = Scratch(ScratchLimits(ttl_seconds=3600, max_files=10, max_bytes=10_000_000), parent=tmp_path)
    written = []
    for _ in range(12):  # two files each
        written.append(scratch.write(stub()))
        assert len(files_in(scratch)) <= 10  # never past the bound, with no cleaner running
    markdown, data, _ = written[-1]
    assert markdown.is_file() and data.is_file()  # the newest stay, the oldest went
    assert not written[0][0].exists() and not written[0][0].parent.exists()
    assert scratch.files == len(files_in(scratch))
    scratch.close()


def test_a_download_past_the_byte_bound_prunes_at_once(tmp_path: Path) -> None:
    scratch = Scratch(ScratchLimits(ttl_seconds=3600, max_files=1000, max_bytes=5_000), parent=tmp_path)
    names = [scratch.write_file(f"article{index}.en.txt", "x" * 1_000) for index in range(8)]
    assert sum(path.stat().st_size for path in files_in(scratch)) <= 5_000
    assert scratch.find_file(names[-1]) is not None and scratch.find_file(names[0]) is None
    scratch.close()


def test_writes_within_the_bounds_do_not_walk_the_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The root is counted (the last prune's count plus the writes since), not walked, on each
    write; a full root is pruned to 90 % of its bound, so it is walked once per tenth of it."""
    scratch = Scratch(ScratchLimits(ttl_seconds=3600, max_files=100, max_bytes=10_000_000), parent=tmp_path)
    walks = 0
    walk = scratch._walk

    def counted() -> object:
        nonlocal walks
        walks += 1
        return walk()

    monkeypatch.setattr(scratch, "_walk", counted)
    for index in range(50):
        scratch.write_file(f"a{index}.txt", "x")
    assert walks == 0
    for index in range(150):
        scratch.write_file(f"b{index}.txt", "x")
    assert len(files_in(scratch)) <= 100
    assert 1 <= walks <= 150 // 10 + 1
    scratch.close()


def test_the_cleaner_bounds_what_gradio_writes_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Uploads and Gradio's cache copies are not written through Scratch: the cleaner counts
    them every CHECK_SECONDS."""
    monkeypatch.setattr(scratch_module, "CHECK_SECONDS", 0.05)
    scratch = Scratch(ScratchLimits(ttl_seconds=3600, max_files=5, max_bytes=10_000_000), parent=tmp_path)
    scratch.start()
    for index in range(12):
        upload = scratch.gradio / f"{index:032x}" / "upload.txt"
        upload.parent.mkdir()
        upload.write_text("Bonjour.", encoding="utf-8")
    deadline = time.monotonic() + 10
    while len(files_in(scratch)) > 5:
        assert time.monotonic() < deadline, f"{len(files_in(scratch))} files after 10 s"
        time.sleep(0.05)
    assert (scratch.gradio / f"{11:032x}" / "upload.txt").is_file()  # the newest stay
    scratch.close()
