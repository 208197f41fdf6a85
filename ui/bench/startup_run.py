"""Passerelle's side of the start-up benchmark (``startup``), in its own fresh process:
``passerelle translate`` on a one-sentence file with the converted fr→en model.

Run as ``python -m ui.bench.startup_run JOB.json OUTPUT_DIR``; prints one JSON object (which
heavy modules the run imported). Only the standard library is imported before the command
runs, so the process pays for what the command imports and nothing else.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

HEAVY_MODULES = ("torch", "transformers")


def run_passerelle(job: dict[str, Any], out: Path) -> dict[str, Any]:
    """The command on the job's sentence file, with the benchmark's fixed length."""
    fix_translator(job)
    from ..cli import main

    os.environ.update(
        PASSERELLE_MODEL=job["model"],
        PASSERELLE_BACKEND="ctranslate2",
        PASSERELLE_DEVICE="cpu",
        PASSERELLE_CACHE_DIR=job["cache"],
        PASSERELLE_THREADS=str(job["threads"]),
    )
    status = main(["translate", job["sentence_file"], "-o", str(out), "--beams", str(job["beams"])])
    if status != 0:
        raise RuntimeError(f"passerelle translate exited with {status}")
    return {"imports": {name: name in sys.modules for name in HEAVY_MODULES}}


def fix_translator(job: dict[str, Any], beams: int | None = None) -> None:
    """Every Translator made in this process: fixed output length (at ``beams`` beams when
    given), no repetition guard nor span protection, the benchmark's compute type (what
    ``bench_translator_settings`` and ``fixed_generation`` give the other sections; the
    commands have no options for them, and random weights would otherwise decode to the length
    cap and trip the guard). The page benchmark's server uses it too."""
    from dataclasses import replace

    from passerelle.translate import Translator, TranslatorSettings

    original = Translator.__init__
    tokens = job["new_tokens"]
    generation = {"min_new_tokens": tokens, "max_new_tokens": tokens} | ({"num_beams": beams} if beams else {})

    def fixed(self: Translator, *args: Any, **kwargs: Any) -> None:
        settings = kwargs.get("settings") or TranslatorSettings()
        kwargs["settings"] = replace(settings, repetition_guard=False, protect=False)
        kwargs["generation"] = generation
        with_compute_type(kwargs, job["quantization"])
        original(self, *args, **kwargs)

    Translator.__init__ = fixed  # type: ignore[method-assign]


def with_compute_type(kwargs: dict[str, Any], compute_type: str) -> None:
    """The benchmark's compute type in a model's load arguments: in its ``load`` settings
    when the caller gives them (as LoadedModels does), else as the keyword."""
    from dataclasses import replace

    if kwargs.get("load") is not None:
        kwargs["load"] = replace(kwargs["load"], compute_type=compute_type)
    else:
        kwargs["compute_type"] = compute_type


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m ui.bench.startup_run JOB.json OUTPUT_DIR", file=sys.stderr)
        return 2
    job = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    print(json.dumps(run_passerelle(job, Path(args[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
