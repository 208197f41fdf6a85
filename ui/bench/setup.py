"""What ``passerelle bench`` measures on: its settings, its texts and its same-shape models.

Real weights cannot be downloaded where Passerelle is built, and speed and memory depend on a
model's shape, not on its weights, so the benchmark builds the real architectures with random
weights (``builders``). Random weights never stop on their own, so every compared path is
given the same fixed output length (min = max).

The texts are the caller's French articles (``--input``), else the sample articles written for
the project (``samples``), so an installed ``passerelle bench`` needs nothing else.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from passerelle.translate import InputTextError

from ..article import read_article_file
from ..config import AppConfig
from .builders import BartShape, MarianShape, build_bart, build_marian
from .samples import ENGLISH_LINES, FRENCH_ARTICLES

# Directory names of the built models, after the real models they imitate.
FR_EN_DIR = "opus-mt-fr-en"
EN_FR_DIR = "opus-mt-en-fr"
SUMMARY_DIR = "distilbart-cnn-12-6"
CACHE_DIR = "ct2-cache"

TokenCounter = Callable[[str], int]


def _opus_mt_shape() -> MarianShape:
    # The most pieces SentencePiece will learn from a few articles (it stops near 1,000),
    # so French costs about 1.9 tokens a word: a little more than the real tokenizer.
    return replace(MarianShape.opus_mt(), spm_vocab_size=8000)


def _distilbart_shape() -> BartShape:
    # As many merges as a small corpus yields; texts are sized in tokens, so this only sets
    # how many words a token stands for (about 2.3 here, 1.3 for the real tokenizer).
    return replace(BartShape.distilbart_cnn_12_6(), bpe_vocab_size=4000)


def _fast_distilbart_shape() -> BartShape:
    # The fast summary setting's model (distilbart-cnn-12-3), with the same tokenizer size.
    return replace(BartShape.distilbart_cnn_12_3(), bpe_vocab_size=4000)


@dataclass(frozen=True)
class BenchTargets:
    """The bars Passerelle is held to (checked at ``BenchSettings.target_beams``)."""

    vs_naive: float = 15.0  # Passerelle vs transformers one sentence at a time, tokens/s
    vs_ctranslate2: float = 0.9  # Passerelle vs raw CTranslate2 (overhead at most ~10%)
    article_speedup: float = 10.0  # whole article: naive seconds / Passerelle seconds
    fast_article_speedup: float = 15.0  # the same, Passerelle with the fast summary setting
    peak_rss_mib: float = 1.5 * 1024  # three models loaded the Passerelle way, after work
    startup_ratio: float = 1.5  # one-sentence batch command / minimal CTranslate2 script, seconds
    shortlist_vs_ctranslate2: float = 1.2  # Passerelle with a vocabulary shortlist vs raw CTranslate2 without
    many_articles_speedup: float = 1.2  # batch script, articles/min: groups / one after another
    page_first_paragraph_seconds: float = 1.0  # the page: submit to the first translated paragraph
    page_ready_ratio: float = 1.5  # passerelle ui spawn to ready / the minimal script's load, seconds
    soak_mib_per_1000: float = 1.0  # a server's RSS after warm-up, MiB per 1,000 mixed requests
    feeds_vs_batch: float = 0.9  # feeds run / batch script on the same articles, articles/min


@dataclass(frozen=True)
class BenchSettings:
    """Every number a benchmark run uses; ``quick()`` is the seconds-long smoke test."""

    sentences: int = 64  # French sentences every translation path gets
    naive_sentences: int = 16  # one-at-a-time transformers is a rate: timed on a subset
    warmup_sentences: int = 2  # run untimed first, so one-off costs (allocations) don't count
    engine_repeats: int = 2  # raw CTranslate2 and Passerelle, in turns; the best run of each counts
    new_tokens: int = 40  # every translation output, fixed (min = max)
    batch_size: int = 16
    beams: tuple[int, ...] = (4, 1)
    target_beams: int = 4
    summary_input_tokens: int = 700
    summary_new_tokens: int = 100  # the summary, fixed; also the size of its stand-in
    summary_beams: int = 4
    # The article's English translation, as the summariser reads it: a stand-in of this many
    # tokens (random weights translate into noise), under one chunk (1,024 - 24 positions).
    article_english_tokens: int = 950
    article_sentences: int | None = None  # cap on the whole-article run (None: all of it)
    # The fast-setting article run: each path this many times, in turns, the best kept (the
    # naive path's time swings with the load of a shared machine: 28-69 s seen).
    fast_article_repeats: int = 2
    startup_repeats: int = 3  # fresh processes per start-up path; the best run of each counts
    # The shortlist section's map: learnt from this many generated pairs, a realistic size.
    shortlist_pairs: int = 3000
    shortlist_candidates: int = 60
    shortlist_frequent: int = 300
    # Section "many": a folder of this many articles with summaries through the batch script,
    # each of its first many_article_sentences sentences (None: the whole sample article),
    # one by one vs in groups of many_group (None: AppConfig.batch_group); repeats in turns.
    many_articles: int = 20
    many_article_sentences: int | None = None
    many_group: int | None = 4
    many_repeats: int = 1
    # Section "feeds" (only when named): this many new articles in one feed through
    # ``feeds run`` against the batch script on the same files (sentences and group as "many").
    feeds_articles: int = 12
    feeds_repeats: int = 1
    page_words: int = 800  # the article the page benchmark submits (whole paragraphs)
    page_ready_repeats: int = 2  # fresh servers timed to ready; the best counts
    # Section "soak" (only when named: it takes minutes): this many mixed requests to one
    # server, its RSS read every soak_every, the slope fitted from soak_warmup on; the server's
    # temporary files bounded to soak_max_temp_files (low, so the bound is reached).
    soak_requests: int = 1200
    soak_every: int = 100
    soak_warmup: int = 400
    soak_max_temp_files: int = 200
    threads: int = 0  # 0: every core, for torch and CTranslate2 alike
    quantization: str = "int8"
    seed: int = 0
    marian_shape: MarianShape = field(default_factory=_opus_mt_shape)
    bart_shape: BartShape = field(default_factory=_distilbart_shape)
    fast_bart_shape: BartShape = field(default_factory=_fast_distilbart_shape)
    targets: BenchTargets = BenchTargets()
    quick_mode: bool = False

    @classmethod
    def quick(cls) -> BenchSettings:
        """Tiny shapes and few, short outputs: exercises every path, proves no speed."""
        return cls(
            sentences=8,
            naive_sentences=4,
            warmup_sentences=1,
            engine_repeats=1,
            new_tokens=8,
            batch_size=4,
            summary_input_tokens=120,
            summary_new_tokens=12,
            article_english_tokens=160,
            article_sentences=6,
            startup_repeats=1,
            shortlist_pairs=200,
            shortlist_candidates=20,
            shortlist_frequent=30,
            many_articles=4,
            many_article_sentences=3,
            many_group=2,
            feeds_articles=4,
            page_words=120,
            page_ready_repeats=1,
            soak_requests=90,
            soak_every=30,
            soak_warmup=30,
            soak_max_temp_files=20,
            threads=1,  # tiny models: one thread is faster, and steadier on a busy machine
            marian_shape=MarianShape.tiny(),
            bart_shape=BartShape.tiny(),
            fast_bart_shape=replace(BartShape.tiny(), decoder_layers=1),
            fast_article_repeats=1,
            quick_mode=True,
        )


@dataclass(frozen=True)
class BenchTexts:
    """French articles to translate and English sentences for the summariser's stand-ins."""

    articles: tuple[str, ...]
    origin: str
    english: tuple[str, ...]
    english_origin: str

    def french_lines(self) -> list[str]:
        return [line.strip() for text in self.articles for line in text.splitlines() if line.strip()]

    def longest_article(self) -> str:
        return max(self.articles, key=lambda text: len(text.split()))


@dataclass(frozen=True)
class BenchModels:
    """Directories of the built models, loadable like downloaded ones."""

    fr_en: Path
    en_fr: Path
    summary: Path
    seconds: float
    cache: Path  # their CTranslate2 conversions, thrown away with them


def load_texts(inputs: Sequence[Path] | None) -> BenchTexts:
    """The caller's French articles, else the project's samples; English from the samples."""
    if inputs:
        articles = tuple(_read_article(path) for path in inputs)
        origin = ", ".join(path.name for path in inputs)
    else:
        articles, origin = FRENCH_ARTICLES, "ui/bench/samples.py"
    if not any(text.strip() for text in articles):
        raise InputTextError("the benchmark's input files are empty")
    return BenchTexts(articles, origin, ENGLISH_LINES, "ui/bench/samples.py")


def _read_article(path: Path) -> str:
    """An input file read as the batch script reads it: bounded, decoded, HTML reduced to text,
    with a clear error naming the file when it cannot be used."""
    config = AppConfig()
    return read_article_file(path, config.max_file_bytes, config.max_chars).text


def build_models(workdir: Path, texts: BenchTexts, settings: BenchSettings) -> BenchModels:
    """fr→en and en→fr MarianMT and a distilbart-cnn summariser, random, in ``workdir``."""
    started = time.perf_counter()
    french, english = texts.french_lines(), list(texts.english)
    shape, seed = settings.marian_shape, settings.seed
    fr_en = build_marian(workdir / FR_EN_DIR, french, english, shape, seed, source_lang="fr", target_lang="en")
    en_fr = build_marian(workdir / EN_FR_DIR, english, french, shape, seed + 1, source_lang="en", target_lang="fr")
    summary = build_bart(workdir / SUMMARY_DIR, english, settings.bart_shape, seed + 2)
    return BenchModels(fr_en, en_fr, summary, time.perf_counter() - started, workdir / CACHE_DIR)


def english_text(lines: Sequence[str], count: TokenCounter, tokens: int) -> tuple[str, list[str]]:
    """Whole English sentences (cycling through ``lines``) up to ``tokens`` tokens.

    Returns the text and its sentences; at least one sentence, however long.
    """
    chosen: list[str] = []
    for index in range(tokens + 1):  # every sentence has a token, so this many always suffice
        candidate = chosen + [lines[index % len(lines)]]
        if chosen and count(" ".join(candidate)) > tokens:
            break
        chosen = candidate
    return " ".join(chosen), chosen
