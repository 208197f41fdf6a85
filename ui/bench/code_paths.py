"""The code paths ``passerelle bench`` compares, each timed on the same inputs, fixed lengths.

Naive transformers (``generate`` per sentence, or padded batches), raw CTranslate2 through its
own API, and Passerelle's ``Translator`` and ``Summarizer``. Tokens are counted as decoder
steps each path really took (transformers' forced end-of-sequence step included), so
tokens/s compare engines even where a path stops one token short of another.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from passerelle.summarize import DEFAULT_LENGTH, DEFAULT_SPEED, LENGTH_PRESETS, LengthPreset, Summarizer, SummarizerSettings
from passerelle.translate import GenerationOptions, TranslationResult, Translator, TranslatorSettings
from passerelle.translate.engine import Backend, Output
from passerelle.translate.faithful import Protector

from .setup import BenchModels, BenchSettings

BENCH_LENGTH = "bench"  # the Summarizer length preset with the fixed summary length
# ArticleOptions takes only the product's preset names: the bench's Summarizer gives them the
# fixed summary length too, so the article paths (batch script, feeds) ask for this one.
ARTICLE_LENGTH = DEFAULT_LENGTH


@dataclass
class Timing:
    """What one path did: ``tokens`` decoder steps over ``items`` inputs in ``seconds``."""

    seconds: float
    tokens: int
    items: int
    engine_seconds: float | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "seconds": round(self.seconds, 3),
            "tokens": self.tokens,
            "items": self.items,
            "tokens_per_s": round(self.tokens_per_s, 1),
        }
        if self.engine_seconds is not None:
            data["engine_seconds"] = round(self.engine_seconds, 3)
            data["overhead_seconds"] = round(self.seconds - self.engine_seconds, 3)
        return {**data, **self.details}


class EngineMeter:
    """Wraps a Passerelle ``Backend`` to time and count what the engine itself does, so
    the time Passerelle spends around it (segmenting, batching, decoding) shows."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.tokens = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def reset(self) -> None:
        self.seconds, self.tokens = 0.0, 0

    def generate(
        self, batch: Sequence[Sequence[int]], options: GenerationOptions, max_new_tokens: int, scores: bool = False
    ) -> list[Output]:
        started = time.perf_counter()
        outputs = self.inner.generate(batch, options, max_new_tokens, scores)
        self.seconds += time.perf_counter() - started
        self.tokens += sum(len(output.ids) for output in outputs)
        return outputs

    def generate_batches(
        self,
        batches: Sequence[Sequence[Sequence[int]]],
        options: GenerationOptions,
        max_new_tokens: Sequence[int],
        scores: bool = False,
    ) -> Iterator[list[Output]]:
        """The engine's time is until each batch is out; the caller's work between is not."""
        started = time.perf_counter()
        for outputs in self.inner.generate_batches(batches, options, max_new_tokens, scores):
            self.seconds += time.perf_counter() - started
            self.tokens += sum(len(output.ids) for output in outputs)
            yield outputs
            started = time.perf_counter()


def metered(owner: Any) -> EngineMeter:
    """The meter on the backend of ``owner``'s engine (a Translator or Summarizer), installed once."""
    engine = owner.engine
    if not isinstance(engine.backend, EngineMeter):
        engine.backend = EngineMeter(engine.backend)
    return engine.backend


# Transformers, as the usual examples use it ------------------------------------------------


@dataclass
class HFModel:
    """A transformers model and tokenizer loaded the usual way (float32, eval mode)."""

    model: Any
    tokenizer: Any

    @classmethod
    def load(cls, directory: Path) -> HFModel:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        model = AutoModelForSeq2SeqLM.from_pretrained(str(directory)).eval()
        return cls(model, AutoTokenizer.from_pretrained(str(directory)))

    def generate(self, texts: Sequence[str], beams: int, new_tokens: int) -> int:
        """Translate or summarise ``texts`` as one padded batch; returns the decoder steps."""
        inputs = self.tokenizer(list(texts), return_tensors="pt", padding=True, truncation=True)
        output = self.model.generate(**inputs, num_beams=beams, do_sample=False, min_new_tokens=new_tokens, max_new_tokens=new_tokens)
        self.tokenizer.batch_decode(output, skip_special_tokens=True)
        return output.shape[0] * (output.shape[1] - 1)  # minus the decoder start token


def naive_sentences(hf: HFModel, sentences: Sequence[str], beams: int, new_tokens: int) -> Timing:
    """One ``generate`` per sentence, as most transformers examples translate."""
    started = time.perf_counter()
    tokens = sum(hf.generate([sentence], beams, new_tokens) for sentence in sentences)
    return Timing(time.perf_counter() - started, tokens, len(sentences))


def batched_sentences(hf: HFModel, sentences: Sequence[str], beams: int, new_tokens: int, batch_size: int) -> Timing:
    """Padded batches of ``batch_size`` sentences in their order, through ``generate``."""
    started = time.perf_counter()
    starts = range(0, len(sentences), batch_size)
    tokens = sum(hf.generate(sentences[i : i + batch_size], beams, new_tokens) for i in starts)
    return Timing(time.perf_counter() - started, tokens, len(sentences))


# CTranslate2 through its own API -----------------------------------------------------------


def load_ctranslate2(model_dir: Path, settings: BenchSettings, workers: int, threads_per_worker: int) -> Any:
    """A ``ctranslate2.Translator`` on a converted model, with the thread layout Passerelle
    uses (``workers`` batches side by side, ``threads_per_worker`` threads each)."""
    import ctranslate2

    return ctranslate2.Translator(
        str(model_dir),
        device="cpu",
        compute_type=settings.quantization,
        inter_threads=workers,
        intra_threads=threads_per_worker,
    )


def ctranslate2_sentences(
    engine: Any,
    tokenizer: Any,
    sentences: Sequence[str],
    beams: int,
    new_tokens: int,
    batch_size: int,
    use_vmap: bool = False,
) -> Timing:
    """Tokenise, ``translate_batch`` (which sorts into sub-batches itself and runs them on
    its workers; over the model's vocabulary map if ``use_vmap``), detokenise."""
    started = time.perf_counter()
    source = [tokenizer.convert_ids_to_tokens(tokenizer.encode(sentence)) for sentence in sentences]
    engine_started = time.perf_counter()
    results = engine.translate_batch(
        source,
        beam_size=beams,
        min_decoding_length=new_tokens,
        max_decoding_length=new_tokens,
        max_batch_size=batch_size,
        use_vmap=use_vmap,
    )
    engine_seconds = time.perf_counter() - engine_started
    hypotheses = [result.hypotheses[0] for result in results]
    for tokens in hypotheses:
        tokenizer.decode(tokenizer.convert_tokens_to_ids(tokens), skip_special_tokens=True)
    seconds = time.perf_counter() - started
    return Timing(seconds, sum(len(tokens) for tokens in hypotheses), len(sentences), engine_seconds)


# Passerelle --------------------------------------------------------------------------------


def fixed_generation(beams: int, new_tokens: int) -> dict[str, int]:
    return {"num_beams": beams, "min_new_tokens": new_tokens, "max_new_tokens": new_tokens}


def bench_translator_settings(settings: BenchSettings) -> TranslatorSettings:
    """Passerelle's defaults, minus the cache (it would serve repeats), the repetition guard
    (random weights repeat themselves; redoing those outputs would time work no real model
    does) and span protection (random weights never copy a placeholder, so every sentence with
    a number would be translated twice, around its spans; and masked sentences are not the
    inputs the other paths get). The masking itself is timed apart (``masking_seconds``)."""
    return replace(
        TranslatorSettings(),
        batch_size=settings.batch_size,
        cache_size=0,
        repetition_guard=False,
        protect=False,
        threads=settings.threads,
    )


def masking_seconds(sentences: Sequence[str]) -> float:
    """What finding and masking the protected spans of ``sentences`` costs (pure Python)."""
    protector = Protector(TranslatorSettings().placeholder)
    started = time.perf_counter()
    for sentence in sentences:
        protector.mask(sentence)
    return time.perf_counter() - started


def passerelle_text(translator: Translator, text: str, beams: int, new_tokens: int) -> tuple[Timing, TranslationResult]:
    """``Translator.translate`` end to end on a whole text."""
    meter = metered(translator)
    meter.reset()
    started = time.perf_counter()
    result = translator.translate(text, generation=fixed_generation(beams, new_tokens))
    seconds = time.perf_counter() - started
    stats = result.stats
    details = {"pieces": stats.pieces, "batches": stats.batches, "repetition_retries": stats.repetition_retries}
    return Timing(seconds, stats.generated_tokens, stats.pieces, meter.seconds, details), result


class StandInSummaryTranslator:
    """Takes the place of the Summarizer's English→French Translator and translates a fixed
    English summary (``summary_text``) with the real one.

    Random weights summarise into noise whose sentence count is arbitrary; translating the
    same stand-in summary on both sides keeps the work equal. The last timing is kept.
    """

    def __init__(self, translator: Translator, beams: int, new_tokens: int) -> None:
        self.translator = translator
        self.beams = beams
        self.new_tokens = new_tokens
        self.summary_text = ""
        self.last: Timing | None = None

    def translate(self, text: str, *args: Any, **kwargs: Any) -> TranslationResult:  # noqa: ARG002
        source = self.summary_text or text
        self.last, result = passerelle_text(self.translator, source, self.beams, self.new_tokens)
        return result


@dataclass
class PasserelleModels:
    """The three models loaded the way Passerelle loads them (``backend`` auto: CTranslate2)."""

    fr_en: Translator
    en_fr: StandInSummaryTranslator
    summarizer: Summarizer

    @classmethod
    def load(cls, models: BenchModels, settings: BenchSettings, backend: str = "auto") -> PasserelleModels:
        """As ``ui.article.LoadedModels`` loads them, with the benchmark's fixed lengths."""
        translator_settings = bench_translator_settings(settings)
        fr_en = Translator(str(models.fr_en), backend=backend, settings=translator_settings, cache_dir=models.cache)
        en_fr = Translator(
            str(models.en_fr),
            backend=backend,
            settings=translator_settings,
            source="en",
            cache_dir=models.cache,
        )
        stand_in = StandInSummaryTranslator(en_fr, settings.target_beams, settings.new_tokens)
        summarizer = bench_summarizer(models.summary, settings, stand_in, models.cache, backend)
        return cls(fr_en, stand_in, summarizer)


def bench_summarizer(
    model: Path,
    settings: BenchSettings,
    stand_in: StandInSummaryTranslator,
    cache: Path,
    backend: str = "auto",
    speed: str | None = None,
) -> Summarizer:
    """The Summarizer as ``ui.article.LoadedModels`` loads it, with the fixed summary length; its
    beams are ``settings.summary_beams``, or those of the speed setting ``speed`` when given."""
    length = LengthPreset(settings.summary_new_tokens, settings.summary_new_tokens)
    summary_settings = SummarizerSettings.for_speed(
        speed or DEFAULT_SPEED,
        length_presets={name: length for name in (BENCH_LENGTH, *LENGTH_PRESETS)},
        generation=GenerationOptions(num_beams=None if speed else settings.summary_beams),
        threads=settings.threads,
    )
    return Summarizer(
        str(model),
        backend=backend,
        length=BENCH_LENGTH,
        settings=summary_settings,
        translator=stand_in,  # type: ignore[arg-type]  # duck-typed: only .translate is used
        cache_dir=cache,
    )


def passerelle_summary(models: PasserelleModels, english: str, summary_text: str) -> tuple[Timing, Timing]:
    """``Summarizer.summarize``: (English summary, French translation of the stand-in)."""
    meter = metered(models.summarizer)
    meter.reset()
    models.en_fr.summary_text = summary_text
    models.en_fr.last = None
    started = time.perf_counter()
    summary = models.summarizer.summarize(english)
    seconds = time.perf_counter() - started
    french = models.en_fr.last
    assert french is not None, "the Summarizer did not translate its summary"
    english_timing = Timing(seconds - french.seconds, meter.tokens, summary.chunks, meter.seconds)
    return english_timing, french


def naive_summary(hf: HFModel, english: str, beams: int, new_tokens: int) -> Timing:
    """One ``generate`` on the text (the tokenizer truncates it at the model's limit)."""
    started = time.perf_counter()
    tokens = hf.generate([english], beams, new_tokens)
    return Timing(time.perf_counter() - started, tokens, 1)


# Whole article -----------------------------------------------------------------------------


@dataclass
class NaiveModels:
    """The three models as transformers examples load them (float32)."""

    fr_en: HFModel
    en_fr: HFModel
    summary: HFModel

    @classmethod
    def load(cls, models: BenchModels) -> NaiveModels:
        return cls(HFModel.load(models.fr_en), HFModel.load(models.en_fr), HFModel.load(models.summary))


def naive_article(
    naive: NaiveModels,
    sentences: Sequence[str],
    english: str,
    summary_sentences: Sequence[str],
    settings: BenchSettings,
) -> Timing:
    """Translation one sentence at a time, one summary ``generate``, its translation likewise."""
    beams, new_tokens = settings.target_beams, settings.new_tokens
    translation = naive_sentences(naive.fr_en, sentences, beams, new_tokens)
    summary = naive_summary(naive.summary, english, settings.summary_beams, settings.summary_new_tokens)
    french = naive_sentences(naive.en_fr, summary_sentences, beams, new_tokens)
    return _article_timing(translation, summary, french)


def passerelle_article(models: PasserelleModels, article: str, english: str, summary_text: str, settings: BenchSettings) -> Timing:
    """``Translator.translate`` on the article, then ``Summarizer.summarize`` (both languages)."""
    translation, _ = passerelle_text(models.fr_en, article, settings.target_beams, settings.new_tokens)
    summary, french = passerelle_summary(models, english, summary_text)
    return _article_timing(translation, summary, french)


def _article_timing(translation: Timing, summary: Timing, french: Timing) -> Timing:
    parts = {"translation": translation, "summary_en": summary, "summary_fr": french}
    details = {f"{name}_seconds": round(part.seconds, 3) for name, part in parts.items()}
    return Timing(
        sum(part.seconds for part in parts.values()),
        sum(part.tokens for part in parts.values()),
        translation.items,
        details=details,
    )
