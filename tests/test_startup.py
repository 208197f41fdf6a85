"""Instant start: with converted models, a run on the CTranslate2 path never imports torch nor
transformers' model code (issue 15, goal 1). Each check runs in a fresh interpreter, as a
user's run does, after converting the tiny models once through Passerelle's own code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from passerelle.translate.engine.convert import convert_model
from passerelle.translate.engine.models import resolve_model
from tests.helpers import ROOT

pytestmark = pytest.mark.cli

HEAVY_MODULES = ("torch", "transformers.models")
SENTENCE = "Le conseil municipal a voté un budget de 2,5 milliards d'euros."
# Run in the child, after the work: which heavy modules it imported, as one JSON line.
REPORT = "import json, sys\nprint(json.dumps({name: name in sys.modules for name in " + repr(HEAVY_MODULES + ("transformers",)) + "}))\n"
TRANSLATE = (
    "import sys\n"
    "from translate import Translator\n"
    "translator = Translator(sys.argv[1], backend='ctranslate2', device='cpu')\n"
    "result = translator.translate(sys.argv[2], {'num_beams': 1, 'max_new_tokens': 8})\n"
    "assert result.text, 'no translation'\n"
)
SUMMARIZE = (
    "import sys\n"
    "from summarize import Summarizer\n"
    "summarizer = Summarizer(sys.argv[1], sys.argv[2], backend='ctranslate2', device='cpu')\n"
    "summary = summarizer.summarize(' '.join(sys.argv[3:]), 'short')\n"
    "assert summary.en, 'no summary'\n"
)
CLI = "import sys\nfrom passerelle.ui.cli import main\nstatus = main(sys.argv[1:])\nassert status == 0, status\n"


def run_fresh(code: str, *args: str, env: dict[str, str] | None = None) -> dict[str, bool]:
    """``code`` in a new interpreter (environment inherited: the session's conversion cache),
    then the heavy modules it imported."""
    completed = subprocess.run(
        [sys.executable, "-c", code + REPORT, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1", **(env or {})},
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Converting" not in completed.stderr, "the model should have been converted already"
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def converted(marian_fr_en_dir: Path, marian_en_fr_dir: Path, bart_dir: Path) -> None:
    """The three tiny models converted once, the way Passerelle does on first use (int8, the
    CPU's automatic compute type), into the session's cache."""
    for directory in (marian_fr_en_dir, marian_en_fr_dir, bart_dir):
        convert_model(resolve_model(directory), "int8")


def test_translating_one_sentence_imports_no_torch(converted: None, marian_fr_en_dir: Path) -> None:
    imported = run_fresh(TRANSLATE, str(marian_fr_en_dir), SENTENCE)
    assert not any(imported[name] for name in HEAVY_MODULES), imported


def test_summarising_imports_no_torch(converted: None, bart_dir: Path, marian_en_fr_dir: Path) -> None:
    from tests.corpus import ENGLISH_NEWS_LINES

    imported = run_fresh(SUMMARIZE, str(bart_dir), str(marian_en_fr_dir), *ENGLISH_NEWS_LINES[:12])
    assert not any(imported[name] for name in HEAVY_MODULES), imported


def test_the_translate_command_imports_no_torch(converted: None, marian_fr_en_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "article.txt"
    source.write_text(SENTENCE, encoding="utf-8")
    env = {"PASSERELLE_MODEL": str(marian_fr_en_dir), "PASSERELLE_BACKEND": "ctranslate2", "PASSERELLE_DEVICE": "cpu"}
    imported = run_fresh(CLI, "translate", str(source), "-o", str(tmp_path / "out"), "--beams", "1", env=env)
    assert (tmp_path / "out" / "article.en.txt").read_text(encoding="utf-8").strip()
    assert not any(imported[name] for name in HEAVY_MODULES), imported


def test_the_translate_command_with_summaries_imports_no_torch(converted: None, tiny_model_env: dict[str, str], tmp_path: Path) -> None:
    from tests.corpus import FRENCH_LINES

    source = tmp_path / "article.txt"
    source.write_text(" ".join(FRENCH_LINES[:12]), encoding="utf-8")
    env = {**tiny_model_env, "PASSERELLE_BACKEND": "ctranslate2", "PASSERELLE_DEVICE": "cpu"}
    command = ("translate", str(source), "-o", str(tmp_path / "out"), "--beams", "1", "--summarize")
    imported = run_fresh(CLI, *command, "--summary-length", "short", env=env)
    assert (tmp_path / "out" / "article.en.txt").read_text(encoding="utf-8").strip()
    assert not any(imported[name] for name in HEAVY_MODULES), imported
