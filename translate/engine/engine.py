"""``Engine``: one seq2seq model, ready to generate. The one place that loads a model, turns
text into ids and back, plans batches and applies the output guards; ``Translator`` and
``Summarizer`` compose it and hold only what is theirs."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..errors import InputTextError
from .backend import Backend, LoadSettings
from .batching import plan_batches
from .models import ModelInfo, ModelRef, load_tokenizer, resolve_model
from .options import GenerationOptions
from .registry import create_backend, resolve_backend
from .tokens import Tokens

logger = logging.getLogger("passerelle.translate")


@dataclass(frozen=True)
class Request:
    """One input to generate from: its ids (special tokens included) and its own cap."""

    ids: Sequence[int]
    cap: int  # at most this many new tokens, whatever the batch it lands in
    text: str = ""  # what the ids encode: for messages and the repetition guard


@dataclass(frozen=True)
class Generated:
    """One batch's outputs, yielded as soon as the batch is done."""

    indices: list[int]  # positions of the batch's requests
    texts: list[str]
    token_counts: list[int]  # tokens generated at the first attempt
    retried: int  # outputs redone by the repetition guard
    scores: list[float | None]  # mean log-probability per token of each text kept
    alternatives: list[tuple[str, ...]]  # the next best texts, when asked (none after a redo)
    redone: tuple[int, ...] = ()  # the requests (among ``indices``) whose output the guard redid


def has_degenerate_repetition(text: str, ngram: int, max_repeats: int) -> bool:
    """True when one ``ngram``-word sequence occurs more than ``max_repeats`` times."""
    words = text.split()
    counts: dict[tuple[str, ...], int] = {}
    for i in range(len(words) - ngram + 1):
        key = tuple(words[i : i + ngram])
        counts[key] = counts.get(key, 0) + 1
        if counts[key] > max_repeats:
            return True
    return False


@dataclass(frozen=True)
class RepetitionGuard:
    """An output repeating one ``ngram`` more than ``max_repeats`` times is redone with
    ``retry`` options, unless its source repeats itself too."""

    ngram: int
    max_repeats: int
    retry: GenerationOptions

    def loops(self, output: str, source: str) -> bool:
        return has_degenerate_repetition(output, self.ngram, self.max_repeats) and not (
            has_degenerate_repetition(source, self.ngram, self.max_repeats)
        )


class Engine:
    """A model loaded by registry name, hub id or local directory, on a backend.

    Raises ModelNotAvailableError (naming the model and the fixes) when its files cannot
    be found or downloaded.
    """

    def __init__(
        self,
        model: str,
        *,
        backend: str = "auto",
        settings: LoadSettings = LoadSettings(),
        revision: str | None = None,
    ) -> None:
        self.ref: ModelRef = resolve_model(model, revision)
        chosen = resolve_backend(backend)
        # CTranslate2 gets the tokenizer that runs without transformers (so without torch).
        self.tokens = Tokens(load_tokenizer(self.ref, native=chosen == "ctranslate2"))
        self.info = ModelInfo.load(self.ref)
        self.backend: Backend = create_backend(chosen, self.info, self.tokens, settings)
        self.defaults: GenerationOptions = self.info.defaults

    @property
    def name(self) -> str:
        return self.ref.describe()

    @property
    def max_positions(self) -> int:
        return self.backend.max_positions

    def describe(self) -> str:
        return self.backend.describe()

    def generate(
        self,
        requests: Sequence[Request],
        options: GenerationOptions,
        batch_size: int,
        guard: RepetitionGuard | None = None,
        scores: bool = False,
    ) -> Iterator[Generated]:
        """Length-sorted batches through the backend, each output cut to its own cap (so
        batching never changes a result), decoded, loops redone; batch after batch.
        ``scores`` asks for the model's confidence in each output."""
        for request in requests:
            if len(request.ids) > self.max_positions:
                raise InputTextError(
                    f"A piece of {len(request.ids)} tokens exceeds the model's {self.max_positions}"
                    f" positions; split the text with Translator.split first: {request.text[:80]!r}"
                )
        batches = plan_batches([len(r.ids) for r in requests], batch_size, self.backend.workers)
        caps = [max(requests[i].cap for i in batch) for batch in batches]
        inputs = [[requests[i].ids for i in batch] for batch in batches]
        outputs = self.backend.generate_batches(inputs, options, caps, scores)
        for indices, generated in zip(batches, outputs, strict=True):
            texts, counts, confidence, others, redone = [], [], [], [], []
            for index, output in zip(indices, generated, strict=True):
                request = requests[index]
                ids = output.ids[: request.cap]
                counts.append(len(ids))
                text = self.tokens.decode(ids)
                more = tuple(self.tokens.decode(list(alternative[: request.cap])) for alternative in output.alternatives)
                if guard is not None and guard.loops(text, request.text):
                    output = self.backend.generate([request.ids], options.merged(guard.retry), request.cap, scores)[0]
                    text = self.tokens.decode(output.ids[: request.cap])
                    more = ()
                    redone.append(index)
                    logger.debug("repetition guard redid %r", request.text[:60])
                texts.append(text)
                confidence.append(output.score)
                others.append(more)
            yield Generated(list(indices), texts, counts, len(redone), confidence, others, tuple(redone))
