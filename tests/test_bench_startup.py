"""The benchmark's start-up section: the batch command and a minimal CTranslate2 script, each
in a fresh process on the same converted model, side by side. Only the shape of the result
is checked (timings on a shared machine prove nothing), and that the command's process
imported neither torch nor transformers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from passerelle.ui.bench.report import _startup_lines
from passerelle.ui.bench.setup import BenchModels, BenchSettings
from passerelle.ui.bench.startup import measure_startup

pytestmark = pytest.mark.bench

SENTENCE = "Le conseil municipal a voté un budget de 2,5 milliards d'euros."


def test_startup_side_by_side(marian_fr_en_dir: Path, marian_en_fr_dir: Path, bart_dir: Path, tmp_path: Path) -> None:
    models = BenchModels(marian_fr_en_dir, marian_en_fr_dir, bart_dir, 0.0, tmp_path / "ct2-cache")
    settings = replace(BenchSettings.quick(), startup_repeats=2)
    section = measure_startup(models, settings, SENTENCE, tmp_path)
    assert section["minimal"]["seconds"] > 0 and section["passerelle"]["seconds"] > 0
    assert section["ratio"] == pytest.approx(section["passerelle"]["seconds"] / section["minimal"]["seconds"], rel=0.05)
    assert section["target"] == settings.targets.startup_ratio
    assert section["met"] == (section["ratio"] <= section["target"])
    assert section["passerelle"]["imports"] == {"torch": False, "transformers": False}
    # Each timed run wrote its own translation (none was skipped as already done).
    for round_number in range(1, settings.startup_repeats + 1):
        assert (tmp_path / f"startup-out-{round_number}" / "sentence.en.txt").read_text(encoding="utf-8").strip()

    lines = _startup_lines({"startup": section, "quick": True})
    assert lines[0].startswith("Start-up: one sentence") and any("ratio" in line for line in lines)
