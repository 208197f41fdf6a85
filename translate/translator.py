"""``Translator``: whole documents in, whole documents out, never truncated.

The path of a text: units and sentences (``document``), pieces under the token budget with
their ids, deduplicated and cached, then the engine (length-sorted batches, guards), then
put back in order and in the original layout. Progress and partial results travel as one
stream of events; ``translate`` is that stream's last result.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import asdict
from pathlib import Path
from typing import Any, Generator, Iterator, Mapping, Sequence

from .config import DEFAULT_MODEL, TranslatorSettings
from .document import Document, Piece, Unit, split_document
from .engine import Engine, GenerationOptions, LoadSettings, Request
from .errors import InputTextError
from .results import Segment, TranslationEvent, TranslationResult, TranslationStats, last, results
from .sentences import SentenceSplitter, french_sentences

Generation = Mapping[str, Any] | GenerationOptions | None


class Translator:
    """Translates whole documents with a seq2seq model (MarianMT by default).

    ``model`` is a registry name, hub id or local ``save_pretrained`` directory; ``generation``
    takes transformers-style overrides (``num_beams``, ``max_new_tokens``, ...) on top of the
    model's own generation config; ``splitter`` cuts the source language into sentences.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        device: str = "auto",
        backend: str = "auto",
        compute_type: str = "auto",
        generation: Generation = None,
        settings: TranslatorSettings | None = None,
        revision: str | None = None,
        splitter: SentenceSplitter = french_sentences,
        cache_dir: Path | None = None,
    ) -> None:
        self.settings = settings or TranslatorSettings()
        load = LoadSettings(device, compute_type, self.settings.threads, self.settings.workers, cache_dir)
        self.engine = Engine(model, backend=backend, settings=load, revision=revision)
        self.options = self.engine.defaults.merged(GenerationOptions.coerce(generation))
        self.splitter = splitter
        self._guard = self.settings.guard()
        self._cache: OrderedDict[tuple[GenerationOptions, str], str] = OrderedDict()
        self._lock = threading.Lock()
        # Leave room for the end-of-sequence token and a margin under the hard limit.
        self.budget = min(self.settings.max_input_tokens, self.engine.max_positions - 2)

    @property
    def model_name(self) -> str:
        return self.engine.name

    def count_tokens(self, text: str) -> int:
        """Tokens the model would read for ``text``, end-of-sequence included."""
        return len(self.engine.tokens.encode(text))

    def split(self, text: str) -> Document:
        """The document model of ``text``, every piece under the token budget with its ids."""
        return split_document(text, self.splitter, self.engine.tokens.encode, self.budget)

    def translate(self, text: str, generation: Generation = None) -> TranslationResult:
        """The whole text translated (one wave: nobody watches partial results, so every
        batch is full)."""
        return last(results(self.translate_stream(text, generation, stream=False)))

    def translate_stream(
        self,
        text: str,
        generation: Generation = None,
        *,
        stream: bool = True,
        document: Document | None = None,
    ) -> Iterator[TranslationEvent]:
        """Events from the split (nothing translated yet) to the complete result: progress
        after each batch, a partial result after each wave of paragraphs. ``stream=False``
        translates the whole text as one wave; ``document`` is ``split(text)`` when the caller
        already has it."""
        if not text or not text.strip():
            raise InputTextError("The text is empty: there is nothing to translate.")
        if document is not None and document.source() != text:
            raise ValueError("the document given is not the split of this text")
        options = self.options.merged(generation)
        started = time.perf_counter()
        document = document or self.split(text)
        stats = TranslationStats(pieces=document.translatable_count())
        translations: dict[tuple[int, int], str] = {}
        done, units_done = 0, 0
        yield TranslationEvent(0, stats.pieces, self._result(document, translations, 0, stats))
        waves = self._waves(document) if stream else iter([list(document.units)])
        for wave in waves:
            keys = [(u.paragraph, i) for u in wave for i, p in enumerate(u.pieces) if u.translatable(p)]
            pieces = [p for u in wave for p in u.pieces if u.translatable(p)]
            targets = yield from self._translate_pieces(pieces, options, stats, done)
            translations.update(zip(keys, targets, strict=True))
            done += len(pieces)
            units_done += len(wave)
            stats.seconds = time.perf_counter() - started
            yield TranslationEvent(done, stats.pieces, self._result(document, translations, units_done, stats))

    def _translate_pieces(
        self, pieces: Sequence[Piece], options: GenerationOptions, stats: TranslationStats, base: int
    ) -> Generator[TranslationEvent, None, list[str]]:
        """Each distinct piece translated once (or taken from the cache); yields progress after
        each batch and returns the translations in the order of ``pieces``."""
        with self._lock:
            found: dict[str, str] = {}
            missing: dict[str, Piece] = {}
            for piece in pieces:
                key = piece.normalized
                if key in found or key in missing:
                    continue
                cached = self._cache.get((options, key))
                if cached is None:
                    missing[key] = piece
                else:
                    self._cache.move_to_end((options, key))
                    found[key] = cached
            stats.unique += len(missing)
            stats.cached += len(pieces) - len(missing)
            requests = [self._request(key, piece, options) for key, piece in missing.items()]
            done = 0
            for batch in self.engine.generate(requests, options, self.settings.batch_size, self._guard):
                stats.batches += 1
                stats.repetition_retries += batch.retried
                for index, target, count in zip(batch.indices, batch.texts, batch.token_counts, strict=True):
                    stats.input_tokens += len(requests[index].ids)
                    stats.generated_tokens += count
                    found[requests[index].text] = target
                done += len(batch.indices)
                yield TranslationEvent(base + done, stats.pieces)
            for key in missing:
                self._remember((options, key), found[key])
        return [found[piece.normalized] for piece in pieces]

    def _request(self, text: str, piece: Piece, options: GenerationOptions) -> Request:
        ids = piece.ids if piece.ids is not None else self.engine.tokens.encode(text)
        return Request(ids, self._output_cap(len(ids), options), text)

    def _remember(self, key: tuple[GenerationOptions, str], value: str) -> None:
        self._cache[key] = value
        while len(self._cache) > self.settings.cache_size:
            self._cache.popitem(last=False)

    def _waves(self, document: Document) -> Iterator[list[Unit]]:
        """Groups of whole units: small at first so the start of a text shows quickly, then
        doubling up to ``wave_sentences`` so batches stay full."""
        target = min(self.settings.first_wave_sentences, self.settings.wave_sentences)
        wave: list[Unit] = []
        size = 0
        for unit in document.units:
            wave.append(unit)
            size += len(unit.pieces)
            if size >= target:
                yield wave
                wave, size = [], 0
                target = min(target * 2, self.settings.wave_sentences)
        if wave or not document.units:
            yield wave

    def _output_cap(self, input_tokens: int, options: GenerationOptions) -> int:
        settings = self.settings
        cap = math.ceil(settings.max_output_ratio * input_tokens) + settings.max_output_slack
        cap = min(cap, self.engine.max_positions - 2)
        if options.max_new_tokens is not None:
            cap = min(cap, options.max_new_tokens)
        return max(cap, options.min_new_tokens or 1)

    def _result(
        self,
        document: Document,
        translations: dict[tuple[int, int], str],
        units_done: int,
        stats: TranslationStats,
    ) -> TranslationResult:
        done_units = document.units[:units_done]
        segments: list[Segment] = []
        rendered: list[str] = []
        for unit in done_units:
            for index, piece in enumerate(unit.pieces):
                key = (unit.paragraph, index)
                if key in translations:
                    segments.append(Segment(unit.paragraph, piece.text, translations[key]))
                    rendered.append(translations[key])
        partial = Document(done_units, document.tail if units_done == len(document.units) else "")
        return TranslationResult(
            text=partial.render(rendered),
            segments=segments,
            source=document.source(),
            model=self.model_name,
            backend=self.engine.describe(),
            stats=TranslationStats(**asdict(stats)),
            complete=units_done == len(document.units),
            document=document,
            units_done=units_done,
        )
