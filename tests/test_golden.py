"""The batch script's outputs on a fixed set of articles, byte for byte, against golden files.

The tiny models are built from fixed seeds, so the same code gives the same files. A change
that alters any output (translation, JSON, summary Markdown) shows here; when the change is
meant, regenerate the golden files with ``PASSERELLE_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py`` and
review the diff. Timings and the temporary paths of the test models are normalised away.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.cli

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
INPUTS = GOLDEN / "inputs"
EXPECTED = GOLDEN / "expected"
UPDATE = os.environ.get("PASSERELLE_UPDATE_GOLDEN") == "1"
# Values that change from run to run (wall-clock times) or from CPU to CPU (the model's
# log-probabilities, in their last digits).
VOLATILE_KEYS = {"timings", "seconds", "confidence"}


def _normalised(value: Any, replacements: dict[str, str]) -> Any:
    """``value`` with volatile keys dropped and machine-specific paths replaced."""
    if isinstance(value, dict):
        if value.get("kind") == "low_confidence":  # the flag stays, its score's digits go
            value = {"kind": value["kind"]}
        return {k: _normalised(v, replacements) for k, v in value.items() if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [_normalised(v, replacements) for v in value]
    if isinstance(value, str):
        for old, new in replacements.items():
            value = value.replace(old, new)
        return value
    return value


def _outputs(out: Path, replacements: dict[str, str]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(out).as_posix()
        data = path.read_bytes()
        if path.suffix == ".json":
            record = json.loads(data)
            record["job"]["key"] = "<key>"  # a hash of the input and the (temporary) model paths
            data = (json.dumps(_normalised(record, replacements), ensure_ascii=False, indent=2) + "\n").encode()
        files[name] = data
    return files


def test_batch_outputs_equal_the_golden_files(tmp_path: Path, marian_fr_en_dir: Path, bart_dir: Path, marian_en_fr_dir: Path) -> None:
    out = tmp_path / "out"
    command = [
        sys.executable, "-m", "passerelle.ui.cli", "translate", str(INPUTS), "--output", str(out),
        "--model", str(marian_fr_en_dir), "--summary-model", str(bart_dir),
        "--summary-translation-model", str(marian_en_fr_dir), "--backend", "transformers",
        "--beams", "1", "--summarize", "--summary-length", "short",
    ]  # fmt: skip
    environment = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=environment, timeout=600)
    assert result.returncode == 0, result.stderr
    replacements = {
        str(marian_fr_en_dir): "<fr-en model>",
        str(bart_dir): "<summary model>",
        str(marian_en_fr_dir): "<en-fr model>",
        str(INPUTS): "<inputs>",
    }
    produced = _outputs(out, replacements)
    if UPDATE:
        for stale in EXPECTED.glob("*"):
            stale.unlink()
        for name, data in produced.items():
            (EXPECTED / name).write_bytes(data)
        pytest.skip(f"golden files rewritten in {EXPECTED}")
    expected = {path.name: path.read_bytes() for path in sorted(EXPECTED.iterdir())}
    assert sorted(produced) == sorted(expected)
    for name, data in expected.items():
        assert produced[name].decode() == data.decode(), f"{name} differs from its golden file"
