"""Benchmark section "shortlist": Passerelle with a vocabulary shortlist (CTranslate2's
``use_vmap``) against raw CTranslate2 without one, on the same sentences at the target beam.

The map is learnt, as ``passerelle shortlist build`` learns it, from a generated parallel corpus:
the benchmark's French sentences paired in turn with its English lines. Those pairs are not
translations, which changes which candidates a source token gets, not how many: the map has the
size of a real one (``shortlist_candidates`` per source token plus ``shortlist_frequent`` always
allowed). With a fixed output length the random weights just write from the allowed tokens.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from passerelle.translate import Translator, french_sentences
from passerelle.translate.engine.convert import convert_model
from passerelle.translate.engine.models import resolve_model
from passerelle.translate.engine.shortlist import PairTokenizer, Shortlist, ShortlistSettings, build_shortlist, write_shortlist

from .code_paths import Timing, bench_translator_settings, ctranslate2_sentences, load_ctranslate2, passerelle_text
from .machine import load_average
from .sections import BenchContext, Check, Section
from .setup import BenchSettings, BenchTexts
from .table import plural, table, times

logger = logging.getLogger("passerelle.bench")

MAP_FILE = "fr-en.vmap"
# English line paired with the n-th pair: a stride prime to the line count, so each French
# sentence meets several English lines over the corpus.
ENGLISH_STRIDE = 7
LABELS = {
    "ctranslate2": "c. raw CTranslate2, whole vocabulary",
    "ctranslate2_vmap": "   raw CTranslate2, use_vmap (for reference)",
    "passerelle": "e. Passerelle Translator with the shortlist",
}


def generated_corpus(texts: BenchTexts, pairs: int) -> list[tuple[str, str]]:
    """``pairs`` (French sentence, English line) pairs made from the benchmark's texts."""
    french = [sentence for line in texts.french_lines() for sentence in french_sentences(line)]
    english = list(texts.english)
    return [(french[n % len(french)], english[(n // len(french) + n * ENGLISH_STRIDE) % len(english)]) for n in range(pairs)]


def distinct_sentences(translator: Translator, articles: Sequence[str], limit: int) -> list[str]:
    """The first ``limit`` distinct pieces Passerelle cuts the articles into."""
    chosen: dict[str, None] = {}
    for article in articles:
        for unit, piece in translator.split(article).pieces():
            if len(chosen) < limit and unit.translatable(piece):
                chosen.setdefault(piece.normalized)
    return list(chosen)


def measure(ctx: BenchContext) -> dict[str, Any]:
    settings = ctx.settings
    ref = resolve_model(str(ctx.models.fr_en))
    started = time.perf_counter()
    pairs = generated_corpus(ctx.texts, settings.shortlist_pairs)
    sizes = ShortlistSettings(settings.shortlist_candidates, settings.shortlist_frequent)
    tokenizer = PairTokenizer(ref)
    shortlist = build_shortlist(pairs, tokenizer, sizes)
    map_path = write_shortlist(shortlist, ctx.workdir / "shortlist" / MAP_FILE)
    build_seconds = time.perf_counter() - started
    started = time.perf_counter()
    mapped_dir = convert_model(ref, settings.quantization, cache_dir=ctx.models.cache, shortlist=map_path)
    convert_seconds = time.perf_counter() - started
    plain_dir = convert_model(ref, settings.quantization, cache_dir=ctx.models.cache)

    translator = Translator(
        str(ctx.models.fr_en),
        settings=replace(bench_translator_settings(settings), shortlist=map_path),
        cache_dir=ctx.models.cache,
    )
    backend = translator.engine.backend
    layout = (backend.workers, backend.threads_per_worker)  # type: ignore[attr-defined]  # a CTranslate2 backend's
    plain, mapped = load_ctranslate2(plain_dir, settings, *layout), load_ctranslate2(mapped_dir, settings, *layout)
    sentences = distinct_sentences(translator, ctx.texts.articles, settings.sentences)
    text = "\n\n".join(sentences)  # one paragraph each: Passerelle cuts it into the same pieces
    beams, size, batch = settings.target_beams, settings.new_tokens, settings.batch_size
    hf_tokenizer = ctx.naive.fr_en.tokenizer
    paths: dict[str, Callable[[Any], Timing]] = {
        "ctranslate2": lambda items: ctranslate2_sentences(plain, hf_tokenizer, items, beams, size, batch),
        "ctranslate2_vmap": lambda items: ctranslate2_sentences(mapped, hf_tokenizer, items, beams, size, batch, use_vmap=True),
        "passerelle": lambda items: passerelle_text(translator, items, beams, size)[0],
    }
    warmup = sentences[: settings.warmup_sentences]
    for name, run in paths.items():
        run(" ".join(warmup) if name == "passerelle" else warmup)
    load_before = load_average()
    timings: dict[str, Timing] = {}
    for name in list(paths) * settings.engine_repeats:  # in turns: a burst of load hits all alike
        timing = paths[name](text if name == "passerelle" else sentences)
        logger.info("  %s: %.1f tokens/s (%.1f s)", name, timing.tokens_per_s, timing.seconds)
        if name not in timings or timing.seconds < timings[name].seconds:
            timings[name] = timing
    ours, raw = timings["passerelle"].tokens_per_s, timings["ctranslate2"].tokens_per_s
    return {
        "sentences": len(sentences),
        "beams": beams,
        "new_tokens": size,
        "batch_size": batch,
        "engine_repeats": settings.engine_repeats,
        "layout": {"workers": layout[0], "threads_per_worker": layout[1]},
        "map": _map_facts(shortlist, tokenizer, translator, sentences, batch, len(pairs)),
        "build_seconds": round(build_seconds, 2),
        "convert_seconds": round(convert_seconds, 1),
        **{name: timing.to_dict() for name, timing in timings.items()},
        "ratio": round(ours / raw, 2) if raw else None,
        "load": [load_before, load_average()],
    }


def _map_facts(
    shortlist: Shortlist,
    tokenizer: PairTokenizer,
    translator: Translator,
    sentences: Sequence[str],
    batch_size: int,
    pairs: int,
) -> dict[str, Any]:
    """The map's size, and the target tokens a batch may use: the union of its source tokens'
    candidates and the always-allowed ones, over length-sorted batches of ``batch_size``."""
    tokens = translator.engine.tokens
    encoded = sorted((tokens.ids_to_tokens(tokens.encode(sentence)) for sentence in sentences), key=len)
    batches = [encoded[i : i + batch_size] for i in range(0, len(encoded), batch_size)]
    allowed = [len(shortlist.allowed(token for source in batch for token in source)) for batch in batches]
    return {
        "corpus_pairs": pairs,
        "source_tokens": len(shortlist.rules),
        "entries": sum(len(targets) for targets in shortlist.rules.values()) + len(shortlist.always),
        "mean_candidates": round(shortlist.mean_candidates, 1),
        "always_allowed": len(shortlist.always),
        "vocabulary": len(tokenizer.vocab),
        "target_pieces": tokenizer.target.get_piece_size(),  # the rest of the vocabulary is filler
        "mean_allowed_per_batch": round(statistics.fmean(allowed), 1) if allowed else None,
    }


def lines(section: dict[str, Any], report: dict[str, Any]) -> list[str]:
    del report
    facts, layout = section["map"], section["layout"]
    rows: list[list[Any]] = [["", "tokens/s", "seconds"]]
    rows += [[label, section[path]["tokens_per_s"], section[path]["seconds"]] for path, label in LABELS.items()]
    rows.append(["e/c", times(section["ratio"]), ""])
    return (
        [
            f"Shortlist: {section['sentences']} French sentences, {section['new_tokens']} new tokens, "
            f"beam {section['beams']}, best of {section['engine_repeats']}; "
            f"{plural(layout['workers'], 'worker')} x {plural(layout['threads_per_worker'], 'thread')}"
        ]
        + table(rows)
        + [
            f"  map: {facts['source_tokens']} source tokens x {facts['mean_candidates']} candidates "
            f"+ {facts['always_allowed']} always allowed ({facts['entries']} entries), from "
            f"{facts['corpus_pairs']} generated pairs in {section['build_seconds']} s",
            f"  a batch of {section['batch_size']} may write {facts['mean_allowed_per_batch']} of the "
            f"{facts['vocabulary']} tokens of the vocabulary on average (of which the built model's "
            f"target.spm has {facts['target_pieces']} pieces; the rest are source pieces and filler)",
        ]
    )


def checks(section: dict[str, Any], settings: BenchSettings) -> list[Check]:
    return [
        Check(
            f"e/c (Passerelle with a shortlist vs raw CTranslate2 without), beam {section['beams']}",
            section["ratio"],
            ">=",
            settings.targets.shortlist_vs_ctranslate2,
        )
    ]


SECTION = Section("shortlist", measure, lines, checks)
