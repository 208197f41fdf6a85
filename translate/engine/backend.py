"""The interface every inference engine implements: batches of token ids in, token ids out.

Two implementations: ``transformers_backend`` (the reference, always available) and
``ct2_backend`` (CTranslate2, several times faster on CPU); ``registry`` picks one by name.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InvalidOptionError
from .options import GenerationOptions


@dataclass(frozen=True)
class LoadSettings:
    """How to load a model: where it runs and with how many threads.

    ``threads`` 0 means every core (or OMP_NUM_THREADS); ``workers`` 0 lets CTranslate2
    choose its layout (one single-threaded worker per core on CPU); ``cache_dir`` is where
    CTranslate2 conversions are kept (None: ~/.cache/passerelle/ct2); ``shortlist`` is
    a vocabulary shortlist file (``passerelle shortlist build``) that CTranslate2 embeds in the conversion
    and then decodes with (only CTranslate2 has one: other backends refuse it).
    """

    device: str = "auto"
    compute_type: str = "auto"
    threads: int = 0
    workers: int = 0
    cache_dir: Path | None = None
    shortlist: Path | None = None

    @classmethod
    def given(cls, load: LoadSettings | None, **keywords: Any) -> LoadSettings:
        """``load``, or the settings the keywords make (None: not given): one way to say how a
        model loads, the keywords as sugar. A keyword that disagrees with ``load`` is an error
        rather than a silent choice between them."""
        chosen = {name: value for name, value in keywords.items() if value is not None}
        if load is None:
            return cls(**chosen)
        clashes = [f"{name}={value!r}" for name, value in chosen.items() if getattr(load, name) != value]
        if clashes:
            raise InvalidOptionError(f"give each load setting once: {', '.join(clashes)} disagrees with load={load}")
        return load


@dataclass(frozen=True)
class Output:
    """Generated ids (without the decoder start, end-of-sequence or padding ids) and the
    model's confidence in them: the mean log-probability per generated token, the end of
    sequence included when the model chose to stop (None when it was not asked for)."""

    ids: list[int]
    score: float | None = None
    # The next best hypotheses' ids (when ``num_return_sequences`` asks for them), best first.
    alternatives: tuple[tuple[int, ...], ...] = ()


class Backend(ABC):
    """Generates target token ids for batches of source token ids (the tokenizer's ids, with
    its end-of-sequence id). ``scores=True`` asks for each output's confidence; an engine that
    has it for free may give it anyway."""

    name: str
    max_positions: int
    # Batches the engine can run at once; callers plan at least this many to keep it busy.
    workers: int = 1

    @abstractmethod
    def generate(
        self, batch: Sequence[Sequence[int]], options: GenerationOptions, max_new_tokens: int, scores: bool = False
    ) -> list[Output]:
        """One output per input, in order. ``options`` are already merged with the defaults."""

    def generate_batches(
        self,
        batches: Sequence[Sequence[Sequence[int]]],
        options: GenerationOptions,
        max_new_tokens: Sequence[int],
        scores: bool = False,
    ) -> Iterator[list[Output]]:
        """``generate`` on each batch (with its own cap), yielded in order as each is done;
        an engine with several workers runs them side by side."""
        for batch, cap in zip(batches, max_new_tokens, strict=True):
            yield self.generate(batch, options, cap, scores)

    def describe(self) -> str:
        return self.name

    def check_width(self, batch: Sequence[Sequence[int]]) -> int:
        """The longest input's length; over the position table it is a clear error, not a crash."""
        width = max(len(ids) for ids in batch)
        if width > self.max_positions:
            raise InvalidOptionError(f"an input of {width} tokens exceeds the model's {self.max_positions} positions")
        return width


def strip_special(ids: Sequence[int], eos_token_id: int, pad_token_id: int) -> list[int]:
    """Generated ids up to the first end-of-sequence, padding removed."""
    out: list[int] = []
    for token in ids:
        if token == eos_token_id:
            break
        if token != pad_token_id:
            out.append(int(token))
    return out
