"""``passerelle bench``: Passerelle's speed and memory against the usual ways of doing the same.

Everything runs on same-shape models with random weights (opus-mt-fr-en, opus-mt-en-fr,
distilbart-cnn-12-6), built into a temporary directory, every output length fixed, so the
figures are those of the real models on this machine. Sections: start-up (one sentence in a
fresh process), translation paths at beam 4 and greedy, the summariser, a whole article end to
end, and peak memory in a fresh process.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from passerelle.translate import Translator
from passerelle.translate.engine.convert import convert_model
from passerelle.translate.engine.models import resolve_model
from passerelle.translate.sentences import french_sentences

from .code_paths import (
    NaiveModels,
    PasserelleModels,
    Timing,
    batched_sentences,
    ctranslate2_sentences,
    load_ctranslate2,
    masking_seconds,
    naive_article,
    naive_sentences,
    naive_summary,
    passerelle_article,
    passerelle_summary,
    passerelle_text,
)
from .extras import ALL_SECTIONS, EXTRA_SECTIONS, NAMED_SECTIONS
from .inputs import article_input, selected_sentences
from .machine import load_average, machine_facts
from .report import check_targets, render_table
from .rss import measure_in_child, write_job
from .sections import BenchContext
from .setup import BenchModels, BenchSettings, BenchTexts, build_models, english_text, load_texts
from .startup import measure_startup

logger = logging.getLogger("passerelle.bench")

MEMORY_BACKENDS = {"ctranslate2": "auto", "transformers": "transformers"}
CHILD_TIMEOUT_SECONDS = 3600.0
CORE_SECTIONS = ("startup", "translation", "summary", "article", "memory")

__all__ = ["BenchSettings", "run_bench"]


def run_bench(
    as_json: bool = False,
    quick: bool = False,
    inputs: Sequence[Path] | None = None,
    only: Sequence[str] | None = None,
) -> int:
    """Build the models, measure every section (or those named), print a table (or JSON)."""
    settings = BenchSettings.quick() if quick else BenchSettings()
    unknown = sorted(set(only or ()) - set(section_names()))
    if unknown:
        raise SystemExit(f"unknown bench section(s): {', '.join(unknown)}; known: {', '.join(section_names())}")
    report = measure(settings, inputs, only)
    print(json.dumps(report, ensure_ascii=False) if as_json else render_table(report))
    return 0


def section_names() -> tuple[str, ...]:
    """Every section ``--only`` can name."""
    return default_section_names() + tuple(section.key for section in NAMED_SECTIONS)


def default_section_names() -> tuple[str, ...]:
    """The sections measured when none is named (not the long ones of ``NAMED_SECTIONS``)."""
    return CORE_SECTIONS + tuple(section.key for section in EXTRA_SECTIONS)


def measure(settings: BenchSettings, inputs: Sequence[Path] | None = None, only: Sequence[str] | None = None) -> dict[str, Any]:
    """Every number of a run (or of the sections in ``only``), as a JSON-ready dict; models
    live only as long as the call."""
    wanted = set(only or default_section_names())
    report: dict[str, Any] = {"quick": settings.quick_mode, "settings": asdict(settings)}
    texts = load_texts(inputs)
    with (
        tempfile.TemporaryDirectory(prefix="passerelle-bench-") as tmp,
        _quiet_transformers(settings.threads),
    ):
        report["machine"] = machine_facts(settings)
        logger.info("building same-shape models in %s", tmp)
        models = build_models(Path(tmp) / "models", texts, settings)
        conversions = _convert(models, settings)
        report["models"] = {"build_seconds": round(models.seconds, 1), "conversion_seconds": conversions}
        if "startup" in wanted:  # before the models load here
            logger.info("start-up: one sentence, fresh processes")
            report["startup"] = measure_startup(models, settings, first_sentence(texts), Path(tmp))
        passerelle = PasserelleModels.load(models, settings)
        naive = NaiveModels.load(models)
        report["models"]["parameters"] = _parameters(naive)
        sentences, text = selected_sentences(passerelle.fr_en, texts.articles, settings.sentences)
        report["inputs"] = _inputs(texts, sentences, passerelle.fr_en)
        if "translation" in wanted:
            report["translation"] = _translation(passerelle, naive, models, sentences, text, settings)
        english = _english_texts(passerelle, texts, settings)
        if "summary" in wanted:
            report["summary"] = _summary(passerelle, naive, english, settings)
        article, article_texts = article_input(passerelle, texts, english, settings)
        if "article" in wanted:
            report["article"] = _article(passerelle, naive, article, english, settings)
        context = BenchContext(Path(tmp), settings, texts, models, passerelle, naive, english)
        for section in ALL_SECTIONS:
            if section.key in wanted:
                logger.info("%s", section.key.replace("_", " "))
                report[section.key] = section.measure(context)
        if "memory" in wanted:
            report["memory"] = _memory(Path(tmp), models, settings, article_texts)
    report["targets"] = check_targets(report, settings)
    report["machine"]["load_after"] = load_average()
    return report


# Setup ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet_transformers(threads: int) -> Iterator[None]:
    """No load/save bars nor length warnings from transformers (they would bury the
    benchmark's output), and torch on the benchmark's thread count; all restored after."""
    import torch
    from transformers.utils import logging as hf_logging

    bars, verbosity = hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()
    torch_threads = torch.get_num_threads()
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    if threads > 0:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(torch_threads)
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


def _convert(models: BenchModels, settings: BenchSettings) -> dict[str, float]:
    """Convert the three models once (Passerelle does it on first use); seconds each."""
    seconds = {}
    for name in ("fr_en", "en_fr", "summary"):
        started = time.perf_counter()
        convert_model(resolve_model(str(getattr(models, name))), settings.quantization, cache_dir=models.cache)
        seconds[name] = round(time.perf_counter() - started, 1)
    return seconds


def _ct2_dir(models: BenchModels, settings: BenchSettings) -> Path:
    return convert_model(resolve_model(str(models.fr_en)), settings.quantization, cache_dir=models.cache)


def first_sentence(texts: BenchTexts) -> str:
    """The articles' first French sentence: the start-up run's input."""
    line = texts.french_lines()[0]
    return next(iter(french_sentences(line)), line)


# Sections ------------------------------------------------------------------------------------


def _translation(
    passerelle: PasserelleModels,
    naive: NaiveModels,
    models: BenchModels,
    sentences: list[str],
    text: str,
    settings: BenchSettings,
) -> dict[str, Any]:
    """Paths a-d on the same sentences at each beam size, with their ratios."""
    backend = passerelle.fr_en.engine.backend  # the raw engine gets Passerelle's thread layout
    layout = (getattr(backend, "workers", 1), getattr(backend, "threads_per_worker", None) or os.cpu_count() or 1)
    engine = load_ctranslate2(_ct2_dir(models, settings), settings, *layout)
    warmup = sentences[: settings.warmup_sentences]
    subset = sentences[: settings.naive_sentences]
    section: dict[str, Any] = {
        "sentences": len(sentences),
        "naive_sentences": len(subset),
        "new_tokens": settings.new_tokens,
        "engine_repeats": settings.engine_repeats,
        "ctranslate2_layout": {"workers": layout[0], "threads_per_worker": layout[1]},
        "masking_seconds": round(masking_seconds(sentences), 4),
    }
    for beams in settings.beams:
        logger.info("translation, beam %d", beams)
        load_before = load_average()
        paths = _paths(passerelle, naive, engine, beams, settings)
        for name, run in paths.items():
            run(" ".join(warmup) if name == "passerelle" else warmup)
        # c and d take turns, best of each kept: a burst of load then hits both alike.
        schedule = ["naive", "batched"] + ["ctranslate2", "passerelle"] * settings.engine_repeats
        timings: dict[str, Timing] = {}
        for name in schedule:
            timing = _logged(name, paths[name]({"naive": subset, "passerelle": text}.get(name, sentences)))
            if name not in timings or timing.seconds < timings[name].seconds:
                timings[name] = timing
        section[f"beam_{beams}"] = _ratios(timings) | {"load": [load_before, load_average()]}
    return section


def _paths(
    passerelle: PasserelleModels, naive: NaiveModels, engine: Any, beams: int, settings: BenchSettings
) -> dict[str, Callable[[Any], Timing]]:
    """Paths a-c take a list of sentences, d (Passerelle) a whole text."""
    size, batch, tokenizer = settings.new_tokens, settings.batch_size, naive.fr_en.tokenizer
    return {
        "naive": lambda sentences: naive_sentences(naive.fr_en, sentences, beams, size),
        "batched": lambda sentences: batched_sentences(naive.fr_en, sentences, beams, size, batch),
        "ctranslate2": lambda sentences: ctranslate2_sentences(engine, tokenizer, sentences, beams, size, batch),
        "passerelle": lambda text: passerelle_text(passerelle.fr_en, text, beams, size)[0],
    }


def _ratios(timings: dict[str, Timing]) -> dict[str, Any]:
    ours = timings["passerelle"].tokens_per_s
    data: dict[str, Any] = {name: timing.to_dict() for name, timing in timings.items()}
    data["ratios"] = {
        f"passerelle_vs_{name}": round(ours / timing.tokens_per_s, 2) if timing.tokens_per_s else None
        for name, timing in timings.items()
        if name != "passerelle"
    }
    return data


def _english_texts(passerelle: PasserelleModels, texts: BenchTexts, settings: BenchSettings) -> dict[str, Any]:
    """English stand-ins sized in the summariser's tokens: its input, the article's
    translation, and a summary of ``summary_new_tokens`` tokens (whole sentences)."""
    count = passerelle.summarizer.count_tokens
    summary_input, _ = english_text(texts.english, count, settings.summary_input_tokens)
    article_english, _ = english_text(texts.english, count, settings.article_english_tokens)
    summary, summary_sentences = english_text(texts.english, count, settings.summary_new_tokens)
    return {
        "summary_input": summary_input,
        "article": article_english,
        "summary": summary,
        "summary_sentences": summary_sentences,
        "tokens": {
            "summary_input": count(summary_input),
            "article": count(article_english),
            "summary": count(summary),
        },
    }


def _summary(passerelle: PasserelleModels, naive: NaiveModels, english: dict[str, Any], settings: BenchSettings) -> dict[str, Any]:
    """The summariser alone: transformers ``generate`` vs ``Summarizer``, English and French."""
    logger.info("summary")
    load_before = load_average()
    summary_input, sentences = english["summary_input"], english["summary_sentences"]
    naive_en = naive_summary(naive.summary, summary_input, settings.summary_beams, settings.summary_new_tokens)
    naive_fr = naive_sentences(naive.en_fr, sentences, settings.target_beams, settings.new_tokens)
    ours_en, ours_fr = passerelle_summary(passerelle, summary_input, english["summary"])
    return {
        "input_tokens": english["tokens"]["summary_input"],
        "new_tokens": settings.summary_new_tokens,
        "beams": settings.summary_beams,
        "en": _versus(naive_en, ours_en),
        "fr": {"sentences": len(sentences), **_versus(naive_fr, ours_fr)},
        "load": [load_before, load_average()],
    }


def _article(
    passerelle: PasserelleModels,
    naive: NaiveModels,
    article_input: tuple[str, list[str]],
    english: dict[str, Any],
    settings: BenchSettings,
) -> dict[str, Any]:
    """A whole article, translated and summarised in both languages, naive vs Passerelle."""
    logger.info("whole article")
    load_before = load_average()
    article, sentences = article_input
    naive_run = naive_article(naive, sentences, english["article"], english["summary_sentences"], settings)
    ours = passerelle_article(passerelle, article, english["article"], english["summary"], settings)
    return {
        "words": len(article.split()),
        "sentences": len(sentences),
        "english_tokens": english["tokens"]["article"],
        **_versus(naive_run, ours),
        "load": [load_before, load_average()],
    }


def _memory(workdir: Path, models: BenchModels, settings: BenchSettings, texts: dict[str, str]) -> dict[str, Any]:
    """Peak resident memory with the three models, per backend, each in a fresh process."""
    section = {}
    for name, backend in MEMORY_BACKENDS.items():
        logger.info("memory, %s backend (fresh process)", name)
        job = write_job(workdir / f"memory-{name}.json", backend, models, settings, texts)
        section[name] = measure_in_child(job, CHILD_TIMEOUT_SECONDS)
    return section


# Small pieces --------------------------------------------------------------------------------


def _logged(name: str, timing: Timing) -> Timing:
    logger.info("  %s: %.1f tokens/s (%.1f s, load %s)", name, timing.tokens_per_s, timing.seconds, load_average())
    return timing


def _versus(naive: Timing, ours: Timing) -> dict[str, Any]:
    """Both timings and how many times faster Passerelle did the same work."""
    speedup = round(naive.seconds / ours.seconds, 2) if ours.seconds > 0 else None
    return {"naive": naive.to_dict(), "passerelle": ours.to_dict(), "speedup": speedup}


def _parameters(naive: NaiveModels) -> dict[str, int]:
    return {name: sum(p.numel() for p in getattr(naive, name).model.parameters()) for name in ("fr_en", "en_fr", "summary")}


def _inputs(texts: BenchTexts, sentences: list[str], translator: Translator) -> dict[str, Any]:
    tokens = [translator.count_tokens(sentence) for sentence in sentences]
    words = sum(len(sentence.split()) for sentence in sentences)
    return {
        "origin": texts.origin,
        "english_origin": texts.english_origin,
        "articles": len(texts.articles),
        "sentences": len(sentences),
        "mean_source_tokens": round(sum(tokens) / max(len(tokens), 1), 1),
        "source_tokens_per_word": round(sum(tokens) / max(words, 1), 2),
    }
