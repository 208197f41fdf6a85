"""Peak memory of Passerelle's three models, measured in a fresh process.

The benchmark process also holds float32 transformers copies of every model, so its own peak
says nothing; a child process loads the fr→en, en→fr and summary models the way Passerelle
does, runs the whole-article workload once, and reports its resident set. Run as
``python -m ui.bench.rss JOB.json``; it prints one JSON object.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from .setup import BenchModels, BenchSettings

STATUS_FILE = Path("/proc/self/status")
KIB_PER_MIB = 1024
# Settings the child needs to repeat the parent's workload exactly.
JOB_SETTINGS = (
    "batch_size",
    "threads",
    "target_beams",
    "new_tokens",
    "summary_new_tokens",
    "summary_beams",
    "quantization",
)


def _status_kib(field: str) -> int | None:
    """A ``VmRSS``/``VmHWM`` line of /proc/self/status, in KiB (None off Linux)."""
    if not STATUS_FILE.is_file():
        return None
    for line in STATUS_FILE.read_text(encoding="ascii", errors="replace").splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return None


def current_rss_mib() -> float:
    kib = _status_kib("VmRSS")
    return (kib if kib is not None else _max_rss_kib()) / KIB_PER_MIB


def peak_rss_mib() -> float:
    """The process's high-water resident set: VmHWM, else ru_maxrss."""
    kib = _status_kib("VmHWM")
    return (kib if kib is not None else _max_rss_kib()) / KIB_PER_MIB


def _max_rss_kib() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // KIB_PER_MIB if sys.platform == "darwin" else peak  # bytes on macOS


def write_job(path: Path, backend: str, models: BenchModels, settings: BenchSettings, texts: dict[str, str]) -> Path:
    """The child's instructions: which backend, which models, which texts, which lengths."""
    job = {
        "backend": backend,
        "models": {name: str(getattr(models, name)) for name in ("fr_en", "en_fr", "summary")},
        "cache": str(models.cache),
        "settings": {name: getattr(settings, name) for name in JOB_SETTINGS},
        "texts": texts,
    }
    path.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    return path


def measure_in_child(job: Path, timeout: float) -> dict[str, Any]:
    """Run this module on ``job`` in a new interpreter (environment inherited) and read its JSON."""
    completed = subprocess.run(
        [sys.executable, "-m", "passerelle.ui.bench.rss", str(job)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the memory benchmark process failed:\n{completed.stderr[-2000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    """Load the three models, note the resident set, do the article once, note the peak."""
    from .code_paths import PasserelleModels, passerelle_article

    settings = replace(BenchSettings(), **job["settings"])
    paths = {name: Path(value) for name, value in job["models"].items()}
    models = BenchModels(paths["fr_en"], paths["en_fr"], paths["summary"], 0.0, Path(job["cache"]))
    started = time.perf_counter()
    passerelle = PasserelleModels.load(models, settings, backend=job["backend"])
    loaded = time.perf_counter()
    loaded_mib = current_rss_mib()
    texts = job["texts"]
    timing = passerelle_article(passerelle, texts["article"], texts["english"], texts["summary"], settings)
    return {
        "backend": passerelle.fr_en.engine.describe(),
        "load_seconds": round(loaded - started, 3),
        "loaded_mib": round(loaded_mib, 1),
        "peak_mib": round(peak_rss_mib(), 1),
        "article": timing.to_dict(),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m ui.bench.rss JOB.json", file=sys.stderr)
        return 2
    job = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    print(json.dumps(run_job(job)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
