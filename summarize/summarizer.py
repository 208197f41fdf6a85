"""``Summarizer``: a bilingual summary of a whole English text, never truncated.

The path of a text: sentences (``translate.segment`` with an English splitter), packed into
chunks under the model's token budget, each chunk summarised (batched, through the same
backends as translation), the partial summaries joined and summarised again until one
summary remains, which a ``translate.Translator`` turns into French.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, replace
from typing import Any, Iterator, Sequence

from translate.backends import Backend, create_backend
from translate.batching import plan_batches
from translate.config import GenerationOptions, TranslatorSettings
from translate.errors import InputTextError, InvalidOptionError, ModelNotAvailableError
from translate.models import ModelRef, load_generation_defaults, load_tokenizer, resolve_model
from translate.segment import Document, cut_to_budget, split_document
from translate.translator import Translator

from .config import (
    DEFAULT_LENGTH,
    DEFAULT_SUMMARY_MODEL,
    DEFAULT_SUMMARY_TRANSLATION_MODEL,
    SUMMARY_MODEL_ENV_VAR,
    SUMMARY_TRANSLATION_MODEL_ENV_VAR,
    SummarizerSettings,
)

logger = logging.getLogger("passerelle.summarize")

SENTENCE_LANGUAGE = "en"
# Encoder-decoder models count the decoder start token in their min_length/max_length,
# which are therefore one more than the new tokens they allow.
DECODER_START_TOKENS = 1


def english_sentences(text: str) -> list[str]:
    """Sentences by sentencex's English rules; slices that join back to ``text`` exactly."""
    from sentencex import segment

    raw = list(segment(SENTENCE_LANGUAGE, text))
    if "".join(raw) != text:  # never trust a segmenter with our characters
        return [text]
    return raw


@dataclass
class Summary:
    """An English summary, its French translation, and how it was made.

    ``chunks`` is how many pieces of the original text were summarised; ``verbatim`` is True
    when the text was too short to summarise and ``en`` is the text itself; ``complete`` is
    False while ``fr`` is still to come (see ``Summarizer.summarize_iter``).
    """

    en: str
    fr: str
    chunks: int
    length: str
    model: str
    seconds: float
    verbatim: bool = False
    complete: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TokenBounds:
    """A resolved length preset: how many new tokens a summary may have."""

    min_new_tokens: int
    max_new_tokens: int


class Summarizer:
    """Summarises English text with a seq2seq model (distilbart-cnn by default), then
    translates the summary into French.

    ``model`` and ``translation_model`` are registry names, hub ids or local directories;
    ``translator`` lets a caller share an already loaded English→French ``Translator``.
    """

    def __init__(
        self,
        model: str = DEFAULT_SUMMARY_MODEL,
        translation_model: str = DEFAULT_SUMMARY_TRANSLATION_MODEL,
        *,
        device: str = "auto",
        backend: str = "auto",
        compute_type: str = "auto",
        length: str = DEFAULT_LENGTH,
        settings: SummarizerSettings | None = None,
        translator: Translator | None = None,
        revision: str | None = None,
    ) -> None:
        self.settings = settings or SummarizerSettings()
        self.settings.validate()
        self.length = self._check_length(length)
        self.ref, self.tokenizer, self.backend = self._load_model(
            model, revision, backend, device, compute_type
        )
        self.options = self.backend.defaults.merged(self.settings.generation)
        self._model_bounds = self._model_length_defaults()
        limit = self.backend.max_positions - self.settings.position_margin
        self.budget = min(limit, self.settings.max_chunk_tokens or limit)
        if self.budget < 2:
            raise InvalidOptionError(
                f"the chunk budget ({self.budget} tokens) is too small for {self.ref.describe()}"
            )
        self.translator = translator or self._load_translator(
            translation_model, device, backend, compute_type
        )

    # Loading -------------------------------------------------------------------------------

    def _load_model(
        self, model: str, revision: str | None, backend: str, device: str, compute_type: str
    ) -> tuple[ModelRef, Any, Backend]:
        """The summarisation model through the translation layer's loaders and backends."""
        try:
            ref = resolve_model(model, revision)
            tokenizer = load_tokenizer(ref)
            engine = create_backend(
                backend, ref, tokenizer, device=device, threads=self.settings.threads,
                compute_type=compute_type, workers=self.settings.workers,
            )
        except ModelNotAvailableError as error:
            raise _pointing_at(error, SUMMARY_MODEL_ENV_VAR, "--summary-model") from error
        return ref, tokenizer, engine

    def _load_translator(
        self, translation_model: str, device: str, backend: str, compute_type: str
    ) -> Translator:
        """The English→French Translator; its source is English, so it splits English."""
        try:
            return Translator(
                translation_model,
                device=device,
                backend=backend,
                compute_type=compute_type,
                settings=replace(TranslatorSettings(), threads=self.settings.threads),
                splitter=english_sentences,
            )
        except ModelNotAvailableError as error:
            raise _pointing_at(error, SUMMARY_TRANSLATION_MODEL_ENV_VAR, "--summary-translation-model") from error

    def _model_length_defaults(self) -> TokenBounds:
        """The model's own min/max summary length (generation_config), in new tokens."""
        _, extras = load_generation_defaults(self.ref)
        settings = self.settings
        low = extras.get("min_length")
        high = extras.get("max_length")
        low = settings.fallback_min_new_tokens if low is None else max(low - DECODER_START_TOKENS, 0)
        high = settings.fallback_max_new_tokens if high is None else max(high - DECODER_START_TOKENS, 1)
        return TokenBounds(min(low, high), high)

    # Public helpers ------------------------------------------------------------------------

    @property
    def model_name(self) -> str:
        return self.ref.describe()

    @property
    def lengths(self) -> list[str]:
        """The valid ``length`` values."""
        return list(self.settings.length_presets)

    def count_tokens(self, text: str) -> int:
        """Tokens the model would read for ``text``, special tokens included."""
        return len(self._encode(text))

    def bounds(self, length: str | None = None) -> TokenBounds:
        """The min/max new tokens of a length preset, the model's defaults filling the gaps."""
        preset = self.settings.length_presets[self._check_length(length or self.length)]
        high = self._model_bounds.max_new_tokens if preset.max_new_tokens is None else preset.max_new_tokens
        low = self._model_bounds.min_new_tokens if preset.min_new_tokens is None else preset.min_new_tokens
        # Never ask for more tokens than the decoder has positions.
        high = min(high, self.backend.max_positions - DECODER_START_TOKENS)
        return TokenBounds(min(low, high), high)

    def chunk(self, text: str) -> list[str]:
        """Consecutive runs of whole sentences, each under the token budget; together they
        hold every word of ``text`` in order (whitespace normalised)."""
        document = split_document(text, english_sentences, self.count_tokens, self.budget)
        return self._pack(self._sentences(document))

    def summarize(self, english_text: str, length: str | None = None) -> Summary:
        """The English summary of the whole text and its French translation."""
        final: Summary | None = None
        for final in self.summarize_iter(english_text, length):
            pass
        assert final is not None
        return final

    def summarize_iter(self, english_text: str, length: str | None = None) -> Iterator[Summary]:
        """The English summary as soon as it exists (``complete=False``, no French yet), then
        the whole ``Summary``: a reader can start on the English while the French is made."""
        if not english_text or not english_text.strip():
            raise InputTextError("The text is empty: there is nothing to summarise.")
        name = self._check_length(length or self.length)
        started = time.perf_counter()
        en, chunks, verbatim = self._summarise_document(english_text.strip(), self.bounds(name))
        partial = Summary(en, "", chunks, name, self.model_name, time.perf_counter() - started, verbatim, False)
        yield partial
        fr = self.translator.translate(en).text if en else ""
        seconds = time.perf_counter() - started
        logger.info("summary (%s) of %d chunk(s) in %.1fs", name, chunks, seconds)
        yield replace(partial, fr=fr, seconds=seconds, complete=True)

    # Map-reduce ----------------------------------------------------------------------------

    def _summarise_document(self, text: str, bounds: TokenBounds) -> tuple[str, int, bool]:
        """(English summary, chunks of the original text, whether the text is its own summary)."""
        if self._is_short(self.count_tokens(text), bounds):
            return text, 1, True
        chunks = self.chunk(text)
        if not chunks:
            raise InputTextError("The text has no words to summarise.")
        source_tokens = sum(self.count_tokens(chunk) for chunk in chunks)
        partials = self._summarise_texts(chunks, bounds)
        return self._reduce(partials, source_tokens, bounds), len(chunks), False

    def _reduce(self, partials: list[str], source_tokens: int, bounds: TokenBounds) -> str:
        """Summarise the joined partial summaries, re-chunking them while they overflow."""
        previous = source_tokens
        for round_number in range(1, self.settings.max_reduce_rounds + 1):
            if len(partials) == 1:
                return partials[0]
            joined = " ".join(partials)
            size = self.count_tokens(joined)
            if size <= self.budget:
                return self._summarise_texts([joined], bounds)[0]
            if size >= previous:
                raise InvalidOptionError(
                    f"partial summaries ({size} tokens) are no shorter than their source "
                    f"({previous} tokens): max_new_tokens {bounds.max_new_tokens} is too large "
                    f"for a chunk budget of {self.budget} tokens"
                )
            logger.debug("reduce round %d: %d partial summaries, %d tokens", round_number, len(partials), size)
            previous = size
            partials = self._summarise_texts(self.chunk(joined), bounds)
        if len(partials) == 1:
            return partials[0]
        raise InvalidOptionError(
            f"the summary did not fit {self.budget} tokens after {self.settings.max_reduce_rounds}"
            " reduce rounds; raise max_reduce_rounds or lower the preset's max_new_tokens"
        )

    def _summarise_texts(self, texts: Sequence[str], bounds: TokenBounds) -> list[str]:
        """One summary per text, in order; texts sharing length bounds are batched together."""
        encoded = [self._encode(text) for text in texts]
        summaries: list[str | None] = [None] * len(texts)
        groups: dict[TokenBounds, list[int]] = {}
        for index, ids in enumerate(encoded):
            if self._is_short(len(ids), bounds):
                summaries[index] = texts[index].strip()
            else:
                groups.setdefault(self._capped(bounds, len(ids)), []).append(index)
        for capped, indices in groups.items():
            plan = plan_batches([len(encoded[i]) for i in indices], self.settings.batch_size, self.backend.workers)
            batches = [[indices[k] for k in batch] for batch in plan]
            outputs = self._generate([[encoded[i] for i in batch] for batch in batches], capped)
            for batch, texts_out in zip(batches, outputs, strict=True):
                for index, output in zip(batch, texts_out):
                    summaries[index] = output
        return [summary or "" for summary in summaries]

    def _generate(self, batches: list[list[list[int]]], bounds: TokenBounds) -> Iterator[list[str]]:
        """The summaries of each batch, in order, all batches sharing ``bounds``."""
        options = self.options.merged(
            GenerationOptions(min_new_tokens=bounds.min_new_tokens, max_new_tokens=bounds.max_new_tokens)
        )
        caps = [bounds.max_new_tokens] * len(batches)
        for generated in self.backend.generate_batches(batches, options, caps):
            yield [self.tokenizer.decode(ids, skip_special_tokens=True).strip() for ids in generated]

    # Small pieces --------------------------------------------------------------------------

    def _encode(self, text: str) -> list[int]:
        # verbose=False: measuring a long text before cutting it is expected, not an error.
        return self.tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"]

    def _check_length(self, length: str) -> str:
        if length not in self.settings.length_presets:
            raise InvalidOptionError(
                f"Unknown summary length {length!r}; valid lengths are {list(self.settings.length_presets)}"
            )
        return length

    def _is_short(self, tokens: int, bounds: TokenBounds) -> bool:
        """Too short to summarise: a summary could only repeat or invent."""
        return tokens < max(self.settings.short_input_tokens, bounds.min_new_tokens)

    @staticmethod
    def _capped(bounds: TokenBounds, input_tokens: int) -> TokenBounds:
        """The bounds for one input: a summary is never longer than what it summarises."""
        high = min(bounds.max_new_tokens, input_tokens)
        return TokenBounds(min(bounds.min_new_tokens, high), high)

    def _sentences(self, document: Document) -> Iterator[str]:
        """The document's pieces with words in them, each under the budget.

        ``split_document`` keeps verbatim blocks (code) whole; a summary must still read
        them, so they are cut here at word boundaries.
        """
        for unit, piece in document.pieces():
            if not piece.translatable:
                continue
            if unit.kind != "verbatim":
                yield piece.normalized
                continue
            for part in cut_to_budget(piece.normalized, self.count_tokens, self.budget):
                if part.strip():
                    yield part.strip()

    def _pack(self, sentences: Iterator[str]) -> list[str]:
        """Greedily join consecutive sentences while the chunk stays under the budget."""
        chunks: list[str] = []
        current = ""
        for sentence in sentences:
            candidate = f"{current} {sentence}" if current else sentence
            if not current or self.count_tokens(candidate) <= self.budget:
                current = candidate
            else:
                chunks.append(current)
                current = sentence
        if current:
            chunks.append(current)
        return chunks


def _pointing_at(error: ModelNotAvailableError, env_var: str, option: str) -> ModelNotAvailableError:
    """The same error, but telling the user which environment variable changes this model."""
    return ModelNotAvailableError(error.model, error.reason, env_var=env_var, option=option)
