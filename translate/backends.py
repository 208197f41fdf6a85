"""The engines that turn token ids into token ids. One small interface, two implementations:
transformers (always available) and CTranslate2 (faster on CPU, see ``ct2_backend``)."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, Iterator, Sequence

from .config import GenerationOptions
from .errors import InvalidOptionError
from .models import (
    ModelRef,
    configure_threads,
    load_generation_defaults,
    load_seq2seq_model,
    resolve_device,
)

logger = logging.getLogger("passerelle.translate")

BACKENDS = ("auto", "ctranslate2", "transformers")


class Backend(ABC):
    """Generates target token ids for batches of source token ids.

    Inputs are the tokenizer's ids (with its end-of-sequence id); outputs are the generated
    ids without the decoder start, end-of-sequence or padding ids.
    """

    name: str
    max_positions: int
    defaults: GenerationOptions
    # Batches the engine can run at once; callers plan at least this many to keep it busy.
    workers: int = 1

    @abstractmethod
    def generate(
        self, batch: Sequence[Sequence[int]], options: GenerationOptions, max_new_tokens: int
    ) -> list[list[int]]:
        """One output per input, in order. ``options`` are already merged with ``defaults``."""

    def generate_batches(
        self,
        batches: Sequence[Sequence[Sequence[int]]],
        options: GenerationOptions,
        max_new_tokens: Sequence[int],
    ) -> Iterator[list[list[int]]]:
        """``generate`` on each batch (with its own cap), yielded in order as each is done;
        an engine with several workers runs them side by side."""
        for batch, cap in zip(batches, max_new_tokens, strict=True):
            yield self.generate(batch, options, cap)

    def describe(self) -> str:
        return self.name

    def check_width(self, batch: Sequence[Sequence[int]]) -> int:
        """The longest input's length; over the position table it is a clear error, not a crash."""
        width = max(len(ids) for ids in batch)
        if width > self.max_positions:
            raise InvalidOptionError(
                f"an input of {width} tokens exceeds the model's {self.max_positions} positions"
            )
        return width


class TransformersBackend(Backend):
    """``model.generate`` on padded batches; the reference every other backend must match."""

    name = "transformers"

    def __init__(self, ref: ModelRef, device: str = "auto", threads: int = 0) -> None:
        import torch

        self._torch = torch
        self.device = resolve_device(device)
        if self.device == "cpu":
            configure_threads(threads)
        self.model = load_seq2seq_model(ref, self.device)
        config = self.model.config
        self.max_positions = int(getattr(config, "max_position_embeddings", 512))
        self.pad_token_id = int(config.pad_token_id)
        self.eos_token_id = int(config.eos_token_id)
        self.decoder_start_token_id = int(
            getattr(config, "decoder_start_token_id", None) or self.pad_token_id
        )
        self.defaults, self._extras = load_generation_defaults(ref)
        # Marian forces end-of-sequence as the last allowed token; one more step keeps
        # ``max_new_tokens`` real tokens, as CTranslate2 gives, so both backends agree.
        self._forced_eos_step = int(getattr(self.model.generation_config, "forced_eos_token_id", None) is not None)
        # Length bounds are passed per call as new tokens; the shipped total-length ones
        # (kept in _extras) would only conflict with them.
        self.model.generation_config.min_length = 0
        self.ref = ref

    def generate(
        self, batch: Sequence[Sequence[int]], options: GenerationOptions, max_new_tokens: int
    ) -> list[list[int]]:
        torch = self._torch
        if not batch:
            return []
        width = self.check_width(batch)
        input_ids = torch.full((len(batch), width), self.pad_token_id, dtype=torch.long)
        attention = torch.zeros((len(batch), width), dtype=torch.long)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = torch.tensor(list(ids), dtype=torch.long)
            attention[row, : len(ids)] = 1
        kwargs = self._generate_kwargs(options, max_new_tokens)
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=input_ids.to(self.device),
                attention_mask=attention.to(self.device),
                **kwargs,
            )
        return [self._clean(row) for row in output.tolist()]

    def _generate_kwargs(self, options: GenerationOptions, max_new_tokens: int) -> dict[str, Any]:
        beams = options.num_beams or 1
        kwargs: dict[str, Any] = {
            "num_beams": beams,
            "do_sample": False,
            "max_new_tokens": max_new_tokens + self._forced_eos_step,
            "max_length": None,
            "min_new_tokens": options.min_new_tokens or 0,
            "no_repeat_ngram_size": options.no_repeat_ngram_size or 0,
            "repetition_penalty": options.repetition_penalty or 1.0,
            "length_penalty": 1.0 if options.length_penalty is None else options.length_penalty,
            "early_stopping": self._extras.get("early_stopping", True) if beams > 1 else False,
        }
        bad_words = self._extras.get("bad_words_ids")
        if bad_words:
            kwargs["bad_words_ids"] = bad_words
        return kwargs

    def _clean(self, row: list[int]) -> list[int]:
        ids = row[1:] if row and row[0] == self.decoder_start_token_id else row
        out: list[int] = []
        for token in ids:
            if token == self.eos_token_id:
                break
            if token != self.pad_token_id:
                out.append(token)
        return out


def create_backend(
    name: str,
    ref: ModelRef,
    tokenizer: Any,
    device: str = "auto",
    threads: int = 0,
    compute_type: str = "auto",
    workers: int = 0,
) -> Backend:
    """Build the backend called ``name``; 'auto' prefers CTranslate2 and says why it could not.
    ``workers`` (parallel batches, 0 = auto) only matters to CTranslate2."""
    if name not in BACKENDS:
        raise InvalidOptionError(f"backend must be one of {list(BACKENDS)}, got {name!r}")
    if name in ("auto", "ctranslate2"):
        try:
            from .ct2_backend import CTranslate2Backend, ctranslate2_available
        except ImportError as error:  # the module itself is part of Passerelle
            raise RuntimeError("Passerelle's CTranslate2 backend failed to import") from error
        if ctranslate2_available():
            return CTranslate2Backend(
                ref, tokenizer, device=device, threads=threads, compute_type=compute_type, workers=workers
            )
        if name == "ctranslate2":
            raise InvalidOptionError(
                "backend='ctranslate2' needs the ctranslate2 package: pip install ctranslate2"
            )
        logger.info("ctranslate2 is not installed; using the transformers backend")
    return TransformersBackend(ref, device=device, threads=threads)
