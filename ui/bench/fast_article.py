"""Bench section ``fast_article``: the whole article with the fast summary setting
(``--summary-speed fast``: distilbart-cnn-12-3, 3 beams) against the naive path with the default
models, and Passerelle's default setting beside it, each run in turns and the best kept."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from passerelle.summarize import SUMMARY_SPEEDS

from .builders import build_bart
from .code_paths import PasserelleModels, Timing, bench_summarizer, naive_article, passerelle_article
from .inputs import article_input
from .machine import load_average
from .sections import BenchContext, Check, Section
from .setup import BenchSettings
from .table import plural, table, times

logger = logging.getLogger("passerelle.bench")

SPEED = "fast"
FAST_SUMMARY_DIR = "distilbart-cnn-12-3"
PARTS = ("translation", "summary_en", "summary_fr")
PATHS = {"naive": "naive transformers", "passerelle": "Passerelle, default", "fast": "Passerelle, fast summaries"}


def measure(ctx: BenchContext) -> dict[str, Any]:
    settings, english = ctx.settings, ctx.english
    started = time.perf_counter()
    shape = settings.fast_bart_shape
    model = build_bart(ctx.workdir / FAST_SUMMARY_DIR, list(ctx.texts.english), shape, settings.seed + 3)
    summarizer = bench_summarizer(model, settings, ctx.passerelle.en_fr, ctx.models.cache, speed=SPEED)
    fast = PasserelleModels(ctx.passerelle.fr_en, ctx.passerelle.en_fr, summarizer)
    build_seconds = time.perf_counter() - started
    (article, sentences), _ = article_input(ctx.passerelle, ctx.texts, english, settings)
    summary_input = (english["article"], english["summary"])
    runs: dict[str, Callable[[], Timing]] = {
        "naive": lambda: naive_article(ctx.naive, sentences, english["article"], english["summary_sentences"], settings),
        "passerelle": lambda: passerelle_article(ctx.passerelle, article, *summary_input, settings),
        "fast": lambda: passerelle_article(fast, article, *summary_input, settings),
    }
    load_before = load_average()
    best: dict[str, Timing] = {}
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(settings.fast_article_repeats):  # in turns: a burst of load hits every path
        for name, run in runs.items():
            timing = run()
            logger.info("  %s: %.1f s (load %s)", name, timing.seconds, load_average())
            seconds[name].append(round(timing.seconds, 2))
            if name not in best or timing.seconds < best[name].seconds:
                best[name] = timing
    naive = best["naive"].seconds
    return {
        "model": SUMMARY_SPEEDS[SPEED].model,
        "decoder_layers": shape.decoder_layers,
        "beams": summarizer.options.beams,
        "default_beams": settings.summary_beams,
        "build_seconds": round(build_seconds, 1),
        "words": len(article.split()),
        "sentences": len(sentences),
        "english_tokens": english["tokens"]["article"],
        "repeats": settings.fast_article_repeats,
        "runs_seconds": seconds,
        **{name: timing.to_dict() for name, timing in best.items()},
        "speedup": {name: round(naive / best[name].seconds, 2) for name in ("passerelle", "fast")},
        "load": [load_before, load_average()],
    }


def lines(section: dict[str, Any], report: dict[str, Any]) -> list[str]:  # noqa: ARG001
    rows: list[list[Any]] = [["seconds", "translation", "English summary", "French summary", "total", "speed-up"]]
    for name, label in PATHS.items():
        data = section[name]
        speedup = times(section["speedup"][name]) if name in section["speedup"] else ""
        rows.append([label] + [data[f"{part}_seconds"] for part in PARTS] + [data["seconds"], speedup])
    runs = "; ".join(f"{name} {', '.join(map(str, values))}" for name, values in section["runs_seconds"].items())
    title = (
        f"Whole article, fast summaries: {section['model']} ({plural(section['decoder_layers'], 'decoder layer')}), "
        f"beam {section['beams']} (default: beam {section['default_beams']}); "
        f"best of {plural(section['repeats'], 'run')} each, in turns"
    )
    return [title] + table(rows) + [f"  runs (s): {runs}"]


def checks(section: dict[str, Any], settings: BenchSettings) -> list[Check]:
    return [
        Check(
            "whole article, fast summaries, speed-up over naive",
            section["speedup"]["fast"],
            ">=",
            settings.targets.fast_article_speedup,
        )
    ]


SECTION = Section("fast_article", measure, lines, checks)
