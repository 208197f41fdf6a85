"""Every tunable number of the translation layer, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .engine import RepetitionGuard
from .engine.options import GenerationOptions

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-fr-en"


@dataclass(frozen=True)
class TranslatorSettings:
    """How a Translator cuts, batches and guards; defaults suit a MarianMT model on CPU."""

    # Source pieces are cut below this many tokens, well under the 512-position window,
    # so that the output (roughly as long as the input) fits too.
    max_input_tokens: int = 256
    batch_size: int = 16
    # Paragraphs are translated in waves (the first paragraph alone, then first_wave_sentences
    # doubling up to wave_sentences), so results can stream. Each wave is one engine call, whose
    # batches the workers share: waves of one full batch per worker (16 x 2 cores) cost about
    # what one call for the whole text does (bench article, 38 sentences: 3.3-3.6 s against
    # 3.9-4.1 s for waves of 4, 8, 16...), while the first paragraph still shows in 0.4 s.
    wave_sentences: int = 32
    first_wave_sentences: int = 16
    # Output length guard: at most ratio * input tokens + slack new tokens.
    max_output_ratio: float = 2.0
    max_output_slack: int = 16
    # Repetition guard: a translation repeating one n-gram this often is redone with penalties.
    repetition_guard: bool = True
    repetition_ngram: int = 3
    repetition_max_repeats: int = 4
    retry_no_repeat_ngram_size: int = 3
    retry_repetition_penalty: float = 1.3
    cache_size: int = 20_000
    # Threads for CPU inference; 0 means the engine's default (every core, or OMP_NUM_THREADS).
    threads: int = 0
    # Batches CTranslate2 runs side by side, the threads shared among them; 0 means one
    # single-threaded worker per core on CPU (up to 4), one on a GPU.
    workers: int = 0
    # A vocabulary shortlist (``passerelle shortlist build``): CTranslate2 then scores only the
    # target tokens its source tokens allow. None (the default): the whole vocabulary.
    shortlist: Path | str | None = None
    # Faithfulness (translate/faithful): protected spans (URLs, numbers, glossary terms...)
    # are replaced by this placeholder, numbered from 1, and put back after the model; a
    # placeholder the model garbles makes the sentence be translated around its spans.
    protect: bool = True
    placeholder: str = "ZX{n}"
    # Numbers and names of each sentence checked against its translation.
    checks: bool = True
    # The model's mean log-probability per token, and the level below which a sentence is
    # marked unsure (a good opus-mt translation scores about -0.2 to -0.8).
    confidence: bool = True
    low_confidence: float = -1.2

    def guard(self) -> RepetitionGuard | None:
        """The repetition guard these settings describe (None when switched off)."""
        if not self.repetition_guard:
            return None
        retry = GenerationOptions(
            no_repeat_ngram_size=self.retry_no_repeat_ngram_size,
            repetition_penalty=self.retry_repetition_penalty,
        )
        return RepetitionGuard(self.repetition_ngram, self.repetition_max_repeats, retry)
