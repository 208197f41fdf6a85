"""Every tunable number of the translation layer, in one place."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Mapping

from .errors import InvalidOptionError

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-fr-en"
MODEL_ENV_VAR = "PASSERELLE_MODEL"


@dataclass(frozen=True)
class GenerationOptions:
    """Decoding options shared by every backend; ``None`` means "the model's own default"."""

    num_beams: int | None = None
    max_new_tokens: int | None = None
    min_new_tokens: int | None = None
    length_penalty: float | None = None
    no_repeat_ngram_size: int | None = None
    repetition_penalty: float | None = None

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> "GenerationOptions":
        """Build options from transformers-style keyword overrides, rejecting unknown names."""
        if not values:
            return cls()
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InvalidOptionError(
                f"Unknown generation option(s) {unknown}; valid options are {sorted(known)}"
            )
        options = cls(**dict(values))
        options.validate()
        return options

    def merged(self, overrides: "GenerationOptions | Mapping[str, Any] | None") -> "GenerationOptions":
        """These options with every non-None value of ``overrides`` taking precedence."""
        if overrides is None:
            return self
        if not isinstance(overrides, GenerationOptions):
            overrides = GenerationOptions.from_mapping(overrides)
        changes = {k: v for k, v in asdict(overrides).items() if v is not None}
        return replace(self, **changes)

    def validate(self) -> None:
        for name in ("num_beams", "max_new_tokens"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise InvalidOptionError(f"{name} must be a positive integer, got {value!r}")
        for name in ("min_new_tokens", "no_repeat_ngram_size"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 0):
                raise InvalidOptionError(f"{name} must be a non-negative integer, got {value!r}")
        if self.repetition_penalty is not None and self.repetition_penalty <= 0:
            raise InvalidOptionError("repetition_penalty must be positive")


@dataclass(frozen=True)
class TranslatorSettings:
    """How a Translator cuts, batches and guards; defaults suit a MarianMT model on CPU."""

    # Source pieces are cut below this many tokens, well under the 512-position window,
    # so that the output (roughly as long as the input) fits too.
    max_input_tokens: int = 256
    batch_size: int = 16
    # Paragraphs are translated in waves (first_wave_sentences, doubling up to wave_sentences),
    # so results can stream.
    wave_sentences: int = 48
    first_wave_sentences: int = 4
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
