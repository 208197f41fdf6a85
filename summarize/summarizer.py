"""``Summarizer``: a bilingual summary of a whole English text, never truncated.

The path of a text: passages (a translation's segments, or the sentences of a raw text),
each tokenised once and packed into chunks under the model's budget by adding their counts;
each chunk summarised (batched, through the same engine as translation); the partial
summaries joined and summarised again until one summary remains, which an English→French
``Translator`` turns into French.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from passerelle.translate import (
    Engine,
    GenerationOptions,
    InputTextError,
    InvalidOptionError,
    LoadSettings,
    Segment,
    TranslationResult,
    Translator,
    TranslatorSettings,
    english_sentences,
    last,
    split_document,
)
from passerelle.translate.engine import Request
from passerelle.translate.faithful import Glossary

from .chunking import Chunk, measure, pack
from .config import DEFAULT_LENGTH, DEFAULT_SUMMARY_MODEL, DEFAULT_SUMMARY_TRANSLATION_MODEL, SummarizerSettings
from .factcheck import FactCheck, check_english_summary, check_french_summary

logger = logging.getLogger("passerelle.summarize")

# Encoder-decoder models count the decoder start token in their min_length/max_length,
# which are therefore one more than the new tokens they allow.
DECODER_START_TOKENS = 1


@dataclass
class Summary:
    """An English summary, its French translation, and how it was made.

    ``chunks`` is how many pieces of the original text were summarised; ``verbatim`` is True
    when the text was too short to summarise and ``en`` is the text itself; ``complete`` is
    False while ``fr`` is still to come (see ``Summarizer.summarize_stream``); ``segments``
    pair each sentence of ``en`` with its French translation; ``check_en`` and ``check_fr``
    list the numbers and names of each summary not found in what it summarises.
    """

    en: str
    fr: str
    chunks: int
    length: str
    model: str
    seconds: float
    verbatim: bool = False
    complete: bool = True
    segments: list[Segment] = field(default_factory=list)
    check_en: FactCheck | None = None
    check_fr: FactCheck | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def sentences(self) -> list[str]:
        """The English summary's sentences, as its translation cut them."""
        return [segment.source for segment in self.segments]


@dataclass(frozen=True)
class TokenBounds:
    """A resolved length preset: how many new tokens a summary may have."""

    min_new_tokens: int
    max_new_tokens: int


class Summarizer:
    """Summarises English text with a seq2seq model (distilbart-cnn by default), then
    translates the summary into French.

    ``model`` and ``translation_model`` are registry names, hub ids or local directories;
    ``load`` says where and how both run (``device``, ``compute_type``, ``cache_dir`` are the
    same as keywords, and so are ``settings``' threads and workers when not left at their
    defaults); ``translator`` lets a caller share an already loaded English→French ``Translator``.
    """

    def __init__(
        self,
        model: str = DEFAULT_SUMMARY_MODEL,
        translation_model: str = DEFAULT_SUMMARY_TRANSLATION_MODEL,
        *,
        load: LoadSettings | None = None,
        backend: str = "auto",
        length: str = DEFAULT_LENGTH,
        settings: SummarizerSettings | None = None,
        translator: Translator | None = None,
        revision: str | None = None,
        device: str | None = None,
        compute_type: str | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.settings = settings or SummarizerSettings()
        self.settings.validate()
        self.length = self._check_length(length)
        defaults = SummarizerSettings()
        counts = {"threads": self.settings.threads, "workers": self.settings.workers}
        if load is not None:  # the settings' own defaults give way to it
            counts = {name: value for name, value in counts.items() if value != getattr(defaults, name)}
        self.load = LoadSettings.given(load, device=device, compute_type=compute_type, cache_dir=cache_dir, **counts)
        self.engine = Engine(model, backend=backend, settings=self.load, revision=revision)
        self.options = self.engine.defaults.merged(self.settings.generation)
        self._model_bounds = self._model_length_defaults()
        limit = self.engine.max_positions - self.settings.position_margin
        self.budget = min(limit, self.settings.max_chunk_tokens or limit)
        if self.budget < 2:
            raise InvalidOptionError(f"the chunk budget ({self.budget} tokens) is too small for {self.engine.name}")
        self.translator = translator or Translator(
            translation_model,
            # The same device and threads; the translator's own worker layout, no shortlist.
            load=replace(self.load, workers=TranslatorSettings().workers, shortlist=None),
            backend=backend,
            source="en",
        )

    def _model_length_defaults(self) -> TokenBounds:
        """The model's own min/max summary length (generation_config), in new tokens."""
        low, high = self.engine.info.length_bounds
        settings = self.settings
        low = settings.fallback_min_new_tokens if low is None else max(low - DECODER_START_TOKENS, 0)
        high = settings.fallback_max_new_tokens if high is None else max(high - DECODER_START_TOKENS, 1)
        return TokenBounds(min(low, high), high)

    # Public helpers ------------------------------------------------------------------------

    @property
    def model_name(self) -> str:
        return self.engine.name

    @property
    def lengths(self) -> list[str]:
        """The valid ``length`` values."""
        return list(self.settings.length_presets)

    def count_tokens(self, text: str) -> int:
        """Tokens the model would read for ``text``, special tokens included."""
        return len(self.engine.tokens.encode(text))

    def bounds(self, length: str | None = None) -> TokenBounds:
        """The min/max new tokens of a length preset, the model's defaults filling the gaps."""
        preset = self.settings.length_presets[self._check_length(length or self.length)]
        high = self._model_bounds.max_new_tokens if preset.max_new_tokens is None else preset.max_new_tokens
        low = self._model_bounds.min_new_tokens if preset.min_new_tokens is None else preset.min_new_tokens
        # Never ask for more tokens than the decoder has positions.
        high = min(high, self.engine.max_positions - DECODER_START_TOKENS)
        return TokenBounds(min(low, high), high)

    def chunk(self, text: str) -> list[str]:
        """Consecutive runs of whole sentences, each under the token budget; together they
        hold every word of ``text`` in order (whitespace normalised)."""
        return [chunk.text for chunk in self._chunks(self._sentences(text))]

    def summarize(
        self,
        english_text: str,
        length: str | None = None,
        *,
        passages: Sequence[str] | None = None,
        glossary: Glossary | None = None,
    ) -> Summary:
        """The English summary of the whole text and its French translation."""
        return last(self.summarize_stream(english_text, length, passages=passages, glossary=glossary))

    def summarize_stream(
        self,
        english_text: str,
        length: str | None = None,
        *,
        passages: Sequence[str] | None = None,
        glossary: Glossary | None = None,
    ) -> Iterator[Summary]:
        """The English summary as soon as it exists (``complete=False``, no French yet), then
        the whole ``Summary``: a reader can start on the English while the French is made.

        ``passages`` is the text already cut into sentences in reading order (a translation's
        segments, see ``TranslationResult.passages``); the text is then not split again.
        ``glossary`` (English → French terms) applies to the French version.
        """
        if not english_text or not english_text.strip():
            raise InputTextError("The text is empty: there is nothing to summarise.")
        name = self._check_length(length or self.length)
        started = time.perf_counter()
        text = english_text.strip()
        made = self._summarise_documents([text], [passages], self.bounds(name))[0]
        yield self._summary(text, made, name, time.perf_counter() - started, None, complete=False)
        french = self.translator.translate(made[0], glossary=glossary) if made[0] else None
        seconds = time.perf_counter() - started
        logger.info("summary (%s) of %d chunk(s) in %.1fs", name, made[1], seconds)
        yield self._summary(text, made, name, seconds, french)

    def summarize_many(
        self,
        english_texts: Sequence[str],
        length: str | None = None,
        *,
        passages: Sequence[Sequence[str] | None] | None = None,
        glossary: Glossary | None = None,
    ) -> list[Summary]:
        """The summaries of several texts (articles), each the one ``summarize`` gives, made
        together: every text's chunks share the engine's batches, and the English summaries
        are translated into French in one run. ``passages`` holds each text's passages (or
        None); ``seconds`` is the time of the whole run."""
        if any(not text or not text.strip() for text in english_texts):
            raise InputTextError("The text is empty: there is nothing to summarise.")
        given = list(passages) if passages is not None else [None] * len(english_texts)
        if len(given) != len(english_texts):
            raise ValueError("give the passages (or None) of every text")
        name = self._check_length(length or self.length)
        started = time.perf_counter()
        texts = [text.strip() for text in english_texts]
        made = self._summarise_documents(texts, given, self.bounds(name))
        wanted = [en for en, _, _ in made if en]
        french = iter(self.translator.translate_many(wanted, glossary=glossary) if wanted else [])
        seconds = time.perf_counter() - started
        logger.info("summaries (%s) of %d text%s in %.1fs", name, len(texts), "" if len(texts) == 1 else "s", seconds)
        return [self._summary(text, one, name, seconds, next(french) if one[0] else None) for text, one in zip(texts, made, strict=True)]

    def _summary(
        self,
        text: str,
        made: tuple[str, int, bool],
        length: str,
        seconds: float,
        french: TranslationResult | None,
        complete: bool = True,
    ) -> Summary:
        """The one way a ``Summary`` is built: from ``made`` (English summary, chunks, whether
        the text is its own summary) and its French translation (None: none yet, or none to make)."""
        en, chunks, verbatim = made
        return Summary(
            en,
            french.text if french is not None else "",
            chunks,
            length,
            self.model_name,
            seconds,
            verbatim,
            complete=complete,
            segments=french.segments if french is not None else [],
            check_en=check_english_summary(en, text),
            check_fr=check_french_summary(french.text, en) if french is not None else None,
        )

    # Map-reduce ----------------------------------------------------------------------------

    def _summarise_documents(
        self, texts: Sequence[str], passages: Sequence[Sequence[str] | None], bounds: TokenBounds
    ) -> list[tuple[str, int, bool]]:
        """Each text's (English summary, chunks of the original text, whether the text is its
        own summary), every text's chunks summarised in one run."""
        made: list[tuple[str, int, bool] | None] = [None] * len(texts)
        pending: list[tuple[int, list[Chunk]]] = []
        for index, (text, own) in enumerate(zip(texts, passages, strict=True)):
            measured = measure(self._sentences(text) if own is None else own, self.engine.tokens, self.budget)
            size = self.engine.tokens.special_count + sum(len(passage.ids) for passage in measured)
            if self._is_short(size, bounds):
                made[index] = (text, 1, True)
                continue
            chunks = pack(measured, self.engine.tokens, self.budget)
            if not chunks:
                raise InputTextError("The text has no words to summarise.")
            pending.append((index, chunks))
        partials = self._summarise_chunks([chunk for _, chunks in pending for chunk in chunks], bounds)
        work, start = [], 0
        for _, chunks in pending:
            work.append((partials[start : start + len(chunks)], sum(len(chunk.ids) for chunk in chunks)))
            start += len(chunks)
        for (index, chunks), summary in zip(pending, self._reduce_many(work, bounds), strict=True):
            made[index] = (summary, len(chunks), False)
        return [done for done in made if done is not None]

    def _reduce_many(self, work: Sequence[tuple[list[str], int]], bounds: TokenBounds) -> list[str]:
        """Summarise each text's joined partial summaries (with their source's tokens),
        re-chunking them while they overflow, in lockstep: each round's chunks of every text
        still to reduce are summarised together."""
        partials = [list(parts) for parts, _ in work]
        previous = [tokens for _, tokens in work]
        done: list[str | None] = [None] * len(work)
        for round_number in range(1, self.settings.max_reduce_rounds + 1):
            rounds: list[tuple[int, list[Chunk], bool]] = []  # (text, chunks, final)
            for index, parts in enumerate(partials):
                if done[index] is not None:
                    continue
                if len(parts) == 1:
                    done[index] = parts[0]
                    continue
                joined = " ".join(parts)
                ids = self.engine.tokens.encode(joined)
                if len(ids) <= self.budget:
                    rounds.append((index, [Chunk(joined, ids)], True))
                    continue
                if len(ids) >= previous[index]:
                    raise InvalidOptionError(
                        f"partial summaries ({len(ids)} tokens) are no shorter than their source "
                        f"({previous[index]} tokens): max_new_tokens {bounds.max_new_tokens} is too large "
                        f"for a chunk budget of {self.budget} tokens"
                    )
                logger.debug("reduce round %d: %d partial summaries, %d tokens", round_number, len(parts), len(ids))
                previous[index] = len(ids)
                rounds.append((index, self._chunks(self._sentences(joined)), False))
            if not rounds:
                break
            outputs = iter(self._summarise_chunks([chunk for _, chunks, _ in rounds for chunk in chunks], bounds))
            for index, chunks, final in rounds:
                summaries = [next(outputs) for _ in chunks]
                if final:
                    done[index] = summaries[0]
                else:
                    partials[index] = summaries
        for index, parts in enumerate(partials):
            if done[index] is None and len(parts) == 1:
                done[index] = parts[0]
        if any(summary is None for summary in done):
            raise InvalidOptionError(
                f"the summary did not fit {self.budget} tokens after {self.settings.max_reduce_rounds}"
                " reduce rounds; raise max_reduce_rounds or lower the preset's max_new_tokens"
            )
        return [summary or "" for summary in done]

    def _summarise_chunks(self, chunks: Sequence[Chunk], bounds: TokenBounds) -> list[str]:
        """One summary per chunk, in order; chunks sharing length bounds are batched together."""
        summaries: list[str | None] = [None] * len(chunks)
        groups: dict[TokenBounds, list[int]] = {}
        for index, chunk in enumerate(chunks):
            if self._is_short(len(chunk.ids), bounds):
                summaries[index] = chunk.text.strip()
            else:
                groups.setdefault(self._capped(bounds, len(chunk.ids)), []).append(index)
        for capped, indices in groups.items():
            options = self.options.merged(GenerationOptions(min_new_tokens=capped.min_new_tokens, max_new_tokens=capped.max_new_tokens))
            requests = [Request(chunks[i].ids, capped.max_new_tokens, chunks[i].text) for i in indices]
            for batch in self.engine.generate(requests, options, self.settings.batch_size):
                for position, output in zip(batch.indices, batch.texts, strict=True):
                    summaries[indices[position]] = output
        return [summary or "" for summary in summaries]

    # Small pieces --------------------------------------------------------------------------

    def _sentences(self, text: str) -> list[str]:
        """A raw English text's sentences (its layout's units first), verbatim blocks whole."""
        document = split_document(text, english_sentences)
        return [piece.text for _, piece in document.pieces()]

    def _chunks(self, sentences: Sequence[str]) -> list[Chunk]:
        return pack(measure(sentences, self.engine.tokens, self.budget), self.engine.tokens, self.budget)

    def _check_length(self, length: str) -> str:
        if length not in self.settings.length_presets:
            raise InvalidOptionError(f"Unknown summary length {length!r}; valid lengths are {list(self.settings.length_presets)}")
        return length

    def _is_short(self, tokens: int, bounds: TokenBounds) -> bool:
        """Too short to summarise: a summary could only repeat or invent."""
        return tokens < max(self.settings.short_input_tokens, bounds.min_new_tokens)

    @staticmethod
    def _capped(bounds: TokenBounds, input_tokens: int) -> TokenBounds:
        """The bounds for one input: a summary is never longer than what it summarises."""
        high = min(bounds.max_new_tokens, input_tokens)
        return TokenBounds(min(bounds.min_new_tokens, high), high)
