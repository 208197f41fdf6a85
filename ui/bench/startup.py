"""Start-up: one sentence through Passerelle's batch command against a minimal script.

Both run in a fresh interpreter on the same converted fr→en model and are timed from spawn to
exit, side by side: the minimal script imports ctranslate2 and sentencepiece, loads the model
and the SentencePiece tokenizer, translates the sentence and prints it; Passerelle runs
``passerelle translate FILE -o DIR`` (configuration, discovery, segmentation, the engine,
files written). What Passerelle adds on top of the engine shows as the ratio (target: at most
1.5x, issue 15). As everywhere in the benchmark the output length is fixed (min = max) and the
repetition guard and span protection are off, since random weights would trigger both: the
command cannot say so, so the child sets it on the Translator before running the command.

Passerelle's child is ``python -m ui.bench.startup_run JOB.json OUTPUT_DIR``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from passerelle.translate.engine.convert import convert_model
from passerelle.translate.engine.ct2_backend import thread_layout
from passerelle.translate.engine.models import default_threads, resolve_model

from ..config import CONVERSIONS_SUBDIR
from .setup import BenchModels, BenchSettings

RUNS = ("minimal", "passerelle")
CHILD_TIMEOUT_SECONDS = 600.0
SENTENCE_FILE = "sentence.txt"
# What a user writes to translate one sentence with CTranslate2 directly. argv: the converted
# model's directory, the sentence, beams, new tokens, compute type, workers, threads per worker.
MINIMAL_SCRIPT = """\
import sys
import ctranslate2
import sentencepiece

model, sentence, beams, tokens, compute_type, workers, threads = sys.argv[1:]
translator = ctranslate2.Translator(
    model, device="cpu", compute_type=compute_type, inter_threads=int(workers), intra_threads=int(threads)
)
source = sentencepiece.SentencePieceProcessor(model_file=model + "/source.spm")
target = sentencepiece.SentencePieceProcessor(model_file=model + "/target.spm")
pieces = source.encode(sentence, out_type=str) + ["</s>"]
result = translator.translate_batch(
    [pieces], beam_size=int(beams), min_decoding_length=int(tokens), max_decoding_length=int(tokens)
)
print(target.decode_pieces(result[0].hypotheses[0]))
"""


def measure_startup(models: BenchModels, settings: BenchSettings, sentence: str, workdir: Path) -> dict[str, Any]:
    """Best of ``settings.startup_repeats`` runs of each (taking turns, after one untimed
    round that warms the file cache), and Passerelle's time over the minimal script's."""
    job = _write_job(models, settings, sentence, workdir)
    seconds: dict[str, list[float]] = {name: [] for name in RUNS}
    details: dict[str, dict[str, Any]] = {}
    for round_number in range(settings.startup_repeats + 1):
        for name in RUNS:
            elapsed, details[name] = _run_child(name, job, workdir / f"startup-out-{round_number}")
            if round_number:
                seconds[name].append(elapsed)
    best = {name: min(values) for name, values in seconds.items()}
    ratio = round(best["passerelle"] / best["minimal"], 2) if best["minimal"] > 0 else None
    target = settings.targets.startup_ratio
    return {
        "sentence": sentence,
        "beams": settings.target_beams,
        "new_tokens": settings.new_tokens,
        "repeats": settings.startup_repeats,
        "layout": job["layout"],
        **{name: {"seconds": round(best[name], 3), **details[name]} for name in RUNS},
        "ratio": ratio,
        "target": target,
        "met": ratio is not None and ratio <= target,
    }


def _write_job(models: BenchModels, settings: BenchSettings, sentence: str, workdir: Path) -> dict[str, Any]:
    """Everything both children need; the command finds the conversion through a cache
    directory whose ``ct2`` is the benchmark's conversion cache."""
    converted = convert_model(resolve_model(str(models.fr_en)), settings.quantization, cache_dir=models.cache)
    cache = workdir / "startup-cache"
    cache.mkdir(parents=True, exist_ok=True)
    if not (cache / CONVERSIONS_SUBDIR).exists():
        (cache / CONVERSIONS_SUBDIR).symlink_to(models.cache.resolve(), target_is_directory=True)
    (workdir / SENTENCE_FILE).write_text(sentence + "\n", encoding="utf-8")
    workers, threads = thread_layout(settings.threads or default_threads(), 0, "cpu")  # as Passerelle picks
    job = {
        "model": str(models.fr_en),
        "converted": str(converted),
        "cache": str(cache),
        "sentence_file": str(workdir / SENTENCE_FILE),
        "sentence": sentence,
        "beams": settings.target_beams,
        "new_tokens": settings.new_tokens,
        "quantization": settings.quantization,
        "threads": settings.threads,
        "layout": {"workers": workers, "threads_per_worker": threads},
    }
    (workdir / "startup-job.json").write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    return {**job, "path": str(workdir / "startup-job.json")}


def _run_child(name: str, job: dict[str, Any], out: Path) -> tuple[float, dict[str, Any]]:
    """(wall seconds from spawn to exit, what the child reported)."""
    if name == "minimal":
        layout = job["layout"]
        arguments = [job["converted"], job["sentence"], job["beams"], job["new_tokens"], job["quantization"]]
        arguments += [layout["workers"], layout["threads_per_worker"]]
        command = [sys.executable, "-c", MINIMAL_SCRIPT, *map(str, arguments)]
    else:
        shutil.rmtree(out, ignore_errors=True)  # a finished output would be skipped, not redone
        command = [sys.executable, "-m", "passerelle.ui.bench.startup_run", job["path"], str(out)]
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, timeout=CHILD_TIMEOUT_SECONDS, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"the start-up benchmark's {name} run failed:\n{completed.stderr[-2000:]}")
    if name == "minimal":
        return elapsed, {}
    return elapsed, json.loads(completed.stdout.strip().splitlines()[-1])
