"""The web page's side of the page benchmark (``page``), in its own fresh process: the real
``passerelle ui`` on the benchmark's converted models, on 127.0.0.1 and the job's port.

Run as ``python -m ui.bench.page_run JOB.json``; it serves until SIGTERM or SIGINT, then exits
as ``passerelle ui`` does. Only the standard library is imported before the command runs (the
lengths are fixed by wrapping the classes' constructors when they are first imported), so the
process pays for what the command imports and nothing else.

Random weights never stop on their own, so every output length is fixed on the server's side,
as everywhere in the benchmark: each translation ``new_tokens`` tokens at ``beams`` beams, each
summary ``summary_new_tokens`` at ``summary_beams``, whichever length the page asks for; the
repetition guard and span protection are off (random weights would trip both). And random
weights translate into noise that no summariser's tokenizer sizes like English, so the summary
reads the job's English stand-in of the article (``article_english_tokens`` tokens, whole
sentences), as the benchmark's whole-article section does; its French is translated for real.

The soak section runs the same server, with a bound of its own on the temporary files
(``max_temp_files`` in the job, a setting that has no environment variable).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any


def run_page(job: dict[str, Any]) -> int:
    """``passerelle ui`` with the job's models and fixed lengths."""
    _fix_lengths(job)
    _fix_limits(job)
    from ..cli import main

    os.environ.update(
        PASSERELLE_MODEL=job["fr_en"],
        PASSERELLE_SUMMARY_MODEL=job["summary"],
        PASSERELLE_SUMMARY_TRANSLATION_MODEL=job["en_fr"],
        PASSERELLE_BACKEND="ctranslate2",
        PASSERELLE_DEVICE="cpu",
        PASSERELLE_CACHE_DIR=job["cache"],
        PASSERELLE_THREADS=str(job["threads"]),
        PASSERELLE_HOST="127.0.0.1",
        PASSERELLE_PORT=str(job["port"]),
        PASSERELLE_SHUTDOWN_GRACE="1",
    )
    return main(["ui"])


def _fix_lengths(job: dict[str, Any]) -> None:
    """Every Translator and Summarizer made in this process gets the benchmark's fixed
    lengths and compute type (the command has no options for them)."""
    from dataclasses import replace

    from passerelle.summarize import LengthPreset, Summarizer, SummarizerSettings
    from passerelle.translate import GenerationOptions

    from .startup_run import fix_translator, with_compute_type

    fix_translator(job, beams=job["beams"])
    summary_tokens = job["summary_new_tokens"]
    summarizer_init = Summarizer.__init__

    def fixed_summarizer(self: Summarizer, *args: Any, **kwargs: Any) -> None:
        settings = kwargs.get("settings") or SummarizerSettings()
        fixed = LengthPreset(summary_tokens, summary_tokens)
        presets = {name: fixed for name in settings.length_presets}
        generation = GenerationOptions(num_beams=job["summary_beams"])
        kwargs["settings"] = replace(settings, length_presets=presets, generation=generation)
        with_compute_type(kwargs, job["quantization"])
        summarizer_init(self, *args, **kwargs)

    summarize_stream = Summarizer.summarize_stream
    english, passages = job["english_article"], job["english_passages"]

    def stand_in(self: Summarizer, english_text: str, *args: Any, **kwargs: Any) -> Any:
        return summarize_stream(self, english, *args, **{**kwargs, "passages": passages})

    Summarizer.__init__ = fixed_summarizer  # type: ignore[method-assign]
    Summarizer.summarize_stream = stand_in  # type: ignore[method-assign]


def _fix_limits(job: dict[str, Any]) -> None:
    """The job's bound on the server's temporary files, if it has one."""
    if not job.get("max_temp_files"):
        return
    from ..config import AppConfig

    from_env = AppConfig.from_env.__func__  # type: ignore[attr-defined]

    def bounded(cls: type[AppConfig], environ: Any = None, **overrides: Any) -> AppConfig:
        return from_env(cls, environ, **{"max_temp_files": job["max_temp_files"], **overrides})

    AppConfig.from_env = classmethod(bounded)  # type: ignore[method-assign, assignment]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m ui.bench.page_run JOB.json", file=sys.stderr)
        return 2
    return run_page(json.loads(Path(args[0]).read_text(encoding="utf-8")))


if __name__ == "__main__":
    sys.exit(main())
