"""Decoding options, one vocabulary for every backend."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from ..errors import InvalidOptionError


@dataclass(frozen=True)
class GenerationOptions:
    """Decoding options shared by every backend; ``None`` means "the model's own default"."""

    num_beams: int | None = None
    max_new_tokens: int | None = None
    min_new_tokens: int | None = None
    length_penalty: float | None = None
    no_repeat_ngram_size: int | None = None
    repetition_penalty: float | None = None
    # How many of the beam's best translations to return (None or 1: only the best); the
    # beam is widened to at least this many.
    num_return_sequences: int | None = None

    @property
    def hypotheses(self) -> int:
        return self.num_return_sequences or 1

    @property
    def beams(self) -> int:
        """The beam width to search with: the asked one, at least as wide as the hypotheses."""
        return max(self.num_beams or 1, self.hypotheses)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> GenerationOptions:
        """Build options from transformers-style keyword overrides, rejecting unknown names."""
        if not values:
            return cls()
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InvalidOptionError(f"Unknown generation option(s) {unknown}; valid options are {sorted(known)}")
        options = cls(**dict(values))
        options.validate()
        return options

    @classmethod
    def coerce(cls, value: GenerationOptions | Mapping[str, Any] | None) -> GenerationOptions:
        """Options as given, or built from a mapping (None: no overrides)."""
        return value if isinstance(value, GenerationOptions) else cls.from_mapping(value)

    def merged(self, overrides: GenerationOptions | Mapping[str, Any] | None) -> GenerationOptions:
        """These options with every non-None value of ``overrides`` taking precedence."""
        if overrides is None:
            return self
        changes = {k: v for k, v in asdict(GenerationOptions.coerce(overrides)).items() if v is not None}
        return replace(self, **changes)

    def validate(self) -> None:
        for name in ("num_beams", "max_new_tokens", "num_return_sequences"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise InvalidOptionError(f"{name} must be a positive integer, got {value!r}")
        for name in ("min_new_tokens", "no_repeat_ngram_size"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 0):
                raise InvalidOptionError(f"{name} must be a non-negative integer, got {value!r}")
        if self.repetition_penalty is not None and self.repetition_penalty <= 0:
            raise InvalidOptionError("repetition_penalty must be positive")
