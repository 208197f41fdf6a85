"""Every tunable number of the summariser, in one place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from passerelle.translate import GenerationOptions, InvalidOptionError

DEFAULT_SUMMARY_MODEL = "sshleifer/distilbart-cnn-12-6"
DEFAULT_SUMMARY_TRANSLATION_MODEL = "Helsinki-NLP/opus-mt-en-fr"
DEFAULT_LENGTH = "medium"
# The fast setting's model: distilbart-cnn-12-3 has the default's 12-layer encoder and half its
# decoder layers; decoding dominates a summary's time, so it beats distilbart-cnn-6-6.
FAST_SUMMARY_MODEL = "sshleifer/distilbart-cnn-12-3"
DEFAULT_SPEED = "default"


@dataclass(frozen=True)
class LengthPreset:
    """Bounds on a summary's new tokens; ``None`` means "the model's own default"."""

    min_new_tokens: int | None = None
    max_new_tokens: int | None = None


# Applied on top of the model's decoding defaults (distilbart-cnn: 4 beams, min 56, max 142,
# length_penalty 2.0, no_repeat_ngram_size 3); only the length bounds change.
LENGTH_PRESETS: Mapping[str, LengthPreset] = MappingProxyType(
    {
        "short": LengthPreset(min_new_tokens=30, max_new_tokens=80),
        "medium": LengthPreset(),
        "long": LengthPreset(min_new_tokens=100, max_new_tokens=250),
    }
)


@dataclass(frozen=True)
class SummarySpeed:
    """A speed setting: the model used unless one is named, and the beams (None: the model's)."""

    model: str
    num_beams: int | None = None


# "fast": distilbart-cnn-12-3 (ROUGE-2 20.57 vs 21.26 on CNN/DailyMail, per the DistilBART
# card) with 3 beams, the width its author found loses no ROUGE for it (see models.md).
SUMMARY_SPEEDS: Mapping[str, SummarySpeed] = MappingProxyType(
    {
        DEFAULT_SPEED: SummarySpeed(DEFAULT_SUMMARY_MODEL),
        "fast": SummarySpeed(FAST_SUMMARY_MODEL, num_beams=3),
    }
)


def summary_speed(name: str) -> SummarySpeed:
    """The speed setting called ``name``, or an error listing the valid ones."""
    if name not in SUMMARY_SPEEDS:
        raise InvalidOptionError(f"summary speed must be one of {list(SUMMARY_SPEEDS)}, got {name!r}")
    return SUMMARY_SPEEDS[name]


@dataclass(frozen=True)
class SummarizerSettings:
    """How a Summarizer cuts, batches and bounds; defaults suit distilbart-cnn on CPU."""

    # Chunks stay this many tokens under the model's position table (1,024 for BART), so a
    # tokenizer that counts slightly differently from our estimate never overflows it.
    position_margin: int = 24
    # An explicit, lower chunk budget (None: max positions - position_margin).
    max_chunk_tokens: int | None = None
    length_presets: Mapping[str, LengthPreset] = field(default_factory=lambda: dict(LENGTH_PRESETS))
    # Used for a preset bound left to the model when the model ships no generation config
    # (these are distilbart-cnn's, counted in new tokens).
    fallback_min_new_tokens: int = 55
    fallback_max_new_tokens: int = 141
    # Inputs under this many tokens (or under the preset's minimum) are their own summary:
    # a model asked for more words than it was given can only invent them.
    short_input_tokens: int = 40
    batch_size: int = 8
    # Map-reduce rounds over the partial summaries before giving up (each must shrink them).
    max_reduce_rounds: int = 8
    # Decoding overrides on top of the model's defaults (e.g. num_beams=1 for speed).
    generation: GenerationOptions = GenerationOptions()
    # Threads for CPU inference; 0 means every core.
    threads: int = 0
    # CTranslate2 workers (see TranslatorSettings.workers). One, with every thread: an article
    # is usually one long chunk, and its encoder is the part that gains from more cores
    # (2.2 s against 3.5 s for 925 tokens on 2 cores, where the decoder is bound by memory).
    workers: int = 1

    @classmethod
    def for_speed(cls, speed: str = DEFAULT_SPEED, **values: object) -> SummarizerSettings:
        """Settings with the beams of the speed setting ``speed`` (see ``SUMMARY_SPEEDS``),
        unless ``values`` holds a ``generation`` that sets its own."""
        preset = summary_speed(speed)
        settings = cls(**values)  # type: ignore[arg-type]
        if preset.num_beams is None or settings.generation.num_beams is not None:
            return settings
        return replace(settings, generation=replace(settings.generation, num_beams=preset.num_beams))

    def validate(self) -> None:
        """Reject settings that could not produce a summary, naming the field."""
        if self.position_margin < 2:
            raise InvalidOptionError("position_margin must leave room for <s> and </s> (>= 2)")
        if self.max_chunk_tokens is not None and self.max_chunk_tokens < 2:
            raise InvalidOptionError("max_chunk_tokens must be at least 2")
        for name in ("batch_size", "max_reduce_rounds", "fallback_max_new_tokens"):
            if getattr(self, name) < 1:
                raise InvalidOptionError(f"{name} must be a positive integer")
        if not self.length_presets:
            raise InvalidOptionError("length_presets must name at least one preset")
        for name, preset in self.length_presets.items():
            _validate_preset(name, preset)
        self.generation.validate()


def _validate_preset(name: str, preset: LengthPreset) -> None:
    low, high = preset.min_new_tokens, preset.max_new_tokens
    if low is not None and low < 0:
        raise InvalidOptionError(f"length preset {name!r}: min_new_tokens must be >= 0")
    if high is not None and high < 1:
        raise InvalidOptionError(f"length preset {name!r}: max_new_tokens must be >= 1")
    if low is not None and high is not None and low > high:
        raise InvalidOptionError(f"length preset {name!r}: min_new_tokens {low} > max_new_tokens {high}")
