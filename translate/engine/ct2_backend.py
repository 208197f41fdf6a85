"""The CTranslate2 backend: the same models, converted once, several times faster on CPU.

``TransformersBackend`` is the reference: every option is mapped explicitly, because
CTranslate2's own defaults differ (beam 2, input cut at 1024 tokens, output at 256, at least
one token, 4 threads). Greedy decoding matches it token for token. Beam search matches while
no constraint is active; with min_new_tokens, no_repeat_ngram_size or repetition_penalty it may
pick other beams, since transformers applies those after the log-softmax in beam search and
CTranslate2 before it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InvalidOptionError
from .backend import Backend, LoadSettings, Output, strip_special
from .convert import convert_model
from .models import ModelInfo, default_threads
from .options import GenerationOptions
from .shortlist import VMAP_FILE
from .tokens import Tokens

logger = logging.getLogger("passerelle.translate")

DEVICES = ("auto", "cpu", "cuda")
# compute_type="auto": int8 weights everywhere, with float16 activations on a GPU.
AUTO_COMPUTE_TYPES = {"cpu": "int8", "cuda": "int8_float16"}
# Files in which the converter stores the target vocabulary (shared or separate, json or txt).
TARGET_VOCABULARY_FILES = ("shared_vocabulary", "target_vocabulary")
# Auto layout on CPU: up to this many workers (parallel batches), the cores shared among them.
MAX_AUTO_WORKERS = 4


def ctranslate2_available() -> bool:
    """True when the ctranslate2 package imports; never raises."""
    try:
        import ctranslate2  # noqa: F401
    except ImportError as error:
        logger.debug("ctranslate2 cannot be imported: %s", error)
        return False
    return True


@dataclass(frozen=True)
class DecodingTokens:
    """The special tokens transformers forces or forbids, which CTranslate2 must be told about."""

    forced_bos: str | None  # BART: <s> right after the decoder start, as a target prefix
    suppressed: tuple[tuple[str, ...], ...]  # bad_words_ids that the model can emit


class CTranslate2Backend(Backend):
    """``Translator.translate_batch`` on a cached CTranslate2 conversion of the model."""

    name = "ctranslate2"

    def __init__(self, info: ModelInfo, tokens: Tokens, settings: LoadSettings) -> None:
        import ctranslate2

        self.info = info
        self.tokens = tokens
        self.max_positions = info.max_positions
        self.device, device_index = resolve_ct2_device(settings.device)
        requested = resolve_compute_type(settings.compute_type, self.device)
        self.model_dir = convert_model(info.ref, requested, cache_dir=settings.cache_dir, shortlist=settings.shortlist)
        # Decode over the shortlist's candidates only, when the conversion embeds one.
        self.use_vmap = (self.model_dir / VMAP_FILE).is_file()
        self.threads = settings.threads if settings.threads > 0 else default_threads()
        self.workers, self.threads_per_worker = thread_layout(self.threads, settings.workers, self.device)
        self.translator = ctranslate2.Translator(
            str(self.model_dir),
            device=self.device,
            device_index=device_index,
            compute_type=requested,
            inter_threads=self.workers,
            intra_threads=self.threads_per_worker,
        )
        self.compute_type = str(self.translator.compute_type)
        self._special = _decoding_tokens(info, tokens, _target_vocabulary(self.model_dir))

    def describe(self) -> str:
        workers = f"{self.workers} worker{'s' if self.workers > 1 else ''}"
        threads = f"{self.threads_per_worker} thread{'s' if self.threads_per_worker > 1 else ''}"
        shortlist = ", shortlist" if self.use_vmap else ""
        return f"{self.name} {self.compute_type} {self.device} ({workers} x {threads}{shortlist})"

    def generate(
        self, batch: Sequence[Sequence[int]], options: GenerationOptions, max_new_tokens: int, scores: bool = False
    ) -> list[Output]:
        return next(self.generate_batches([batch], options, [max_new_tokens], scores))

    def generate_batches(
        self,
        batches: Sequence[Sequence[Sequence[int]]],
        options: GenerationOptions,
        max_new_tokens: Sequence[int],
        scores: bool = False,
    ) -> Iterator[list[Output]]:
        """Every batch is queued at once, so the workers take them as they free up. Scores come
        with every output (CTranslate2 computes them anyway)."""
        pending = [(len(batch), cap, self._submit(batch, options, cap)) for batch, cap in zip(batches, max_new_tokens, strict=True)]
        for size, cap, results in pending:
            if results is None:
                yield [Output([]) for _ in range(size)]
            else:
                yield [self._output(result.result(), options, self._decoding_budget(cap)) for result in results]

    def _submit(self, batch: Sequence[Sequence[int]], options: GenerationOptions, max_new_tokens: int) -> list[Any] | None:
        """One batch queued on the engine (asynchronous results), or None when there is
        nothing to generate."""
        if not batch:
            return []
        self.check_width(batch)
        budget = self._decoding_budget(max_new_tokens)
        if budget < 1:  # CTranslate2 has no "generate nothing"
            return None
        source = [self.tokens.ids_to_tokens(ids) for ids in batch]
        prefix = [[self._special.forced_bos]] * len(batch) if self._special.forced_bos else None
        pending: list[Any] = self.translator.translate_batch(
            source, target_prefix=prefix, asynchronous=True, **self._translate_kwargs(options, budget)
        )
        return pending

    def _translate_kwargs(self, options: GenerationOptions, budget: int) -> dict[str, Any]:
        """``options`` one to one, plus the limits whose CTranslate2 defaults would cut text."""
        kwargs: dict[str, Any] = {
            "beam_size": options.beams,
            "num_hypotheses": options.hypotheses,
            "length_penalty": 1.0 if options.length_penalty is None else options.length_penalty,
            "no_repeat_ngram_size": options.no_repeat_ngram_size or 0,
            "repetition_penalty": options.repetition_penalty or 1.0,
            # CTranslate2 rejects a minimum above the maximum; transformers lets the maximum win.
            "min_decoding_length": min(options.min_new_tokens or 0, budget),
            "max_decoding_length": budget,
            "max_input_length": self.max_positions,
            "return_end_token": False,
            "return_scores": True,
        }
        if self.use_vmap:
            kwargs["use_vmap"] = True
        if self._special.suppressed:
            kwargs["suppress_sequences"] = [list(sequence) for sequence in self._special.suppressed]
        return kwargs

    def _decoding_budget(self, max_new_tokens: int) -> int:
        """At most ``max_new_tokens`` real tokens (the EOS is not counted, as in the reference
        backend), and never past the position table, where CTranslate2 raises mid-batch."""
        return min(max_new_tokens, self.max_positions)

    def _output(self, result: Any, options: GenerationOptions, budget: int) -> Output:
        """The best hypothesis, and its mean log-probability per token: CTranslate2's score is
        the sum of the log-probabilities (the end token's too, when the model stopped before
        the budget) divided by length ** length_penalty."""
        tokens = result.hypotheses[0]
        ids, *others = [
            strip_special(self.tokens.tokens_to_ids(hypothesis), self.info.eos_token_id, self.info.pad_token_id)
            for hypothesis in result.hypotheses
        ]
        penalty = 1.0 if options.length_penalty is None else options.length_penalty
        length = max(len(tokens), 1)
        terms = len(tokens) + (1 if len(tokens) < budget else 0)
        return Output(ids, float(result.scores[0]) * length**penalty / max(terms, 1), tuple(tuple(o) for o in others))


def thread_layout(threads: int, workers: int, device: str) -> tuple[int, int]:
    """(workers, threads per worker) for ``threads`` cores.

    On CPU, ``workers=0`` means one single-threaded worker per core, up to
    ``MAX_AUTO_WORKERS``: independent batches on separate cores beat one batch spread over
    all of them (on 2 cores, 1.9x the tokens/s at beam 4; see the README's Speed section).
    A GPU runs one worker.
    """
    if workers < 0:
        raise InvalidOptionError(f"workers must be 0 (auto) or a positive integer, got {workers}")
    if device != "cpu":
        return max(workers, 1), threads
    chosen = workers or min(threads, MAX_AUTO_WORKERS)
    return chosen, max(1, threads // chosen)


def resolve_ct2_device(device: str) -> tuple[str, int]:
    """'auto' becomes 'cuda' when CTranslate2 sees a GPU, else 'cpu'; 'cuda:N' gives index N."""
    import ctranslate2

    name, _, index_text = device.partition(":")
    if name not in DEVICES or (index_text and (name != "cuda" or not index_text.isdigit())):
        raise InvalidOptionError(f"device must be 'auto', 'cpu' or 'cuda[:N]', got {device!r}")
    gpus = ctranslate2.get_cuda_device_count()
    if name == "auto":
        return ("cuda" if gpus > 0 else "cpu"), 0
    index = int(index_text or 0)
    if name == "cuda" and index >= gpus:
        raise InvalidOptionError(f"device={device!r} was asked for but CTranslate2 sees {gpus} CUDA GPU(s)")
    return name, index


def resolve_compute_type(compute_type: str, device: str) -> str:
    """'auto' picks the fast quantised type for ``device``; others must be supported there."""
    import ctranslate2

    chosen = AUTO_COMPUTE_TYPES[device] if compute_type == "auto" else compute_type
    supported = ctranslate2.get_supported_compute_types(device)
    if chosen not in supported:
        raise InvalidOptionError(f"compute_type {chosen!r} is not supported on {device} here; choose 'auto' or one of {sorted(supported)}")
    return chosen


def _target_vocabulary(model_dir: Path) -> set[str]:
    """The tokens the converted model can emit (the Marian converter drops <pad>)."""
    for stem in TARGET_VOCABULARY_FILES:
        json_path = model_dir / f"{stem}.json"
        if json_path.is_file():
            return set(json.loads(json_path.read_text(encoding="utf-8")))
        text_path = model_dir / f"{stem}.txt"
        if text_path.is_file():
            return set(text_path.read_text(encoding="utf-8").splitlines())
    raise FileNotFoundError(f"no target vocabulary in the CTranslate2 model {model_dir}")


def _decoding_tokens(info: ModelInfo, tokens: Tokens, vocabulary: set[str]) -> DecodingTokens:
    forced_bos_id = info.forced_bos_token_id
    forced_bos = tokens.id_to_token(forced_bos_id) if forced_bos_id is not None else None
    suppressed = []
    for ids in info.bad_words_ids:
        sequence = tuple(tokens.ids_to_tokens(ids))
        # A token outside the vocabulary cannot be generated anyway, and CTranslate2 would
        # map it to <unk> and suppress that instead.
        if all(token in vocabulary for token in sequence):
            suppressed.append(sequence)
    return DecodingTokens(forced_bos=forced_bos, suppressed=tuple(suppressed))
