"""``Translator``: whole documents in, whole documents out, never truncated.

The path of a text: units and sentences (``document``), pieces under the token budget with
their ids, protected spans masked (``faithful``), deduplicated and cached, then the engine
(length-sorted batches, guards), spans restored (or the sentence translated around them),
checks and confidence, put back in order and in the original layout. Progress and partial
results travel as one stream of events; ``translate`` is that stream's last result.
"""

from __future__ import annotations

import math
import statistics
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .config import DEFAULT_MODEL, TranslatorSettings
from .document import Document, Piece, Unit, split_blocks, split_document
from .engine import Engine, GenerationOptions, LoadSettings, Request
from .errors import InputTextError, InvalidOptionError
from .faithful import Flag, FlagKind, Glossary, Masked, Protector, assemble, check_sentence, translatable
from .languages import LANGUAGES, Language
from .results import InputCost, Segment, TranslationEvent, TranslationResult, TranslationStats, as_events, drained, last, own_stats, results
from .sentences import SPLITTERS, SentenceSplitter

Generation = Mapping[str, Any] | GenerationOptions | None


@dataclass(frozen=True)
class _Output:
    """What the model wrote for one input, and its confidence."""

    text: str
    score: float | None
    alternatives: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Translated:
    """One piece's translation, spans restored, with its flags and the model inputs it rests
    on (the masked piece, and its fragments when translated around its spans)."""

    target: str
    confidence: float | None
    flags: tuple[Flag, ...]
    alternatives: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()


class Translator:
    """Translates whole documents with a seq2seq model (MarianMT, French → English by default).

    ``model`` is a registry name, hub id or local ``save_pretrained`` directory; ``load`` says
    where and how it runs (``device``, ``compute_type``, ``cache_dir`` are the same as
    keywords, and so are ``settings``' threads, workers and shortlist); ``generation``
    takes transformers-style overrides (``num_beams``, ``max_new_tokens``, ...) on top of the
    model's own generation config; ``source`` is the language the model reads ("fr" or "en"),
    which chooses the sentence splitter (``splitter`` overrides it) and the rules for numbers
    and names.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        load: LoadSettings | None = None,
        backend: str = "auto",
        generation: Generation = None,
        settings: TranslatorSettings | None = None,
        revision: str | None = None,
        source: Language = "fr",
        splitter: SentenceSplitter | None = None,
        device: str | None = None,
        compute_type: str | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        if source not in LANGUAGES:
            raise InvalidOptionError(f"source must be one of {list(LANGUAGES)}, got {source!r}")
        self.settings = settings or TranslatorSettings()
        self.source: Language = source
        shortlist = Path(self.settings.shortlist) if self.settings.shortlist else None
        own = {"threads": self.settings.threads or None, "workers": self.settings.workers or None, "shortlist": shortlist}
        self.load = LoadSettings.given(load, device=device, compute_type=compute_type, cache_dir=cache_dir, **own)
        self.engine = Engine(model, backend=backend, settings=self.load, revision=revision)
        self.options = self.engine.defaults.merged(GenerationOptions.coerce(generation))
        self.splitter = splitter or SPLITTERS[source]
        self._guard = self.settings.guard()
        self.protector = Protector(self.settings.placeholder, self.settings.protect, source)
        self._cache: OrderedDict[tuple[GenerationOptions, str], _Output] = OrderedDict()
        self._lock = threading.Lock()
        # Leave room for the end-of-sequence token and a margin under the hard limit.
        self.budget = min(self.settings.max_input_tokens, self.engine.max_positions - 2)

    @property
    def model_name(self) -> str:
        return self.engine.name

    def count_tokens(self, text: str) -> int:
        """Tokens the model would read for ``text``, end-of-sequence included."""
        return len(self.engine.tokens.encode(text))

    def split(self, text: str, glossary: Glossary | None = None) -> Document:
        """The document model of ``text``, every piece under the token budget with the ids of
        what the model reads (its spans masked), never cut inside a span."""
        protector = self.protector

        def encode(piece: str) -> list[int]:
            return self.engine.tokens.encode(protector.mask(piece, glossary).text)

        return split_document(text, self.splitter, encode, self.budget, protector.ranges(glossary))

    def split_blocks(self, texts: Sequence[str], glossary: Glossary | None = None, markers: Sequence[str] | None = None) -> Document:
        """The document of several separate texts (a file's paragraphs, cells, captions): one
        unit each, so that each text's translation can be found again (``unit_texts``);
        ``markers`` show titles and list items as such."""
        protector = self.protector

        def encode(piece: str) -> list[int]:
            return self.engine.tokens.encode(protector.mask(piece, glossary).text)

        return split_blocks(texts, self.splitter, encode, self.budget, protector.ranges(glossary), markers)

    def translate_texts(self, texts: Sequence[str], generation: Generation = None, glossary: Glossary | None = None) -> list[str]:
        """Each text translated, all in one run (shared batches and cache); a text with
        nothing to translate comes back as it is."""
        wanted = [text for text in texts if any(ch.isalnum() for ch in text)]
        if not wanted:
            return list(texts)
        document = self.split_blocks(wanted, glossary)
        events = self.translate_stream(document.source(), generation, glossary=glossary, stream=False, document=document)
        done = iter(last(results(events)).unit_texts())
        return [next(done) if any(ch.isalnum() for ch in text) else text for text in texts]

    def translate(self, text: str, generation: Generation = None, glossary: Glossary | None = None) -> TranslationResult:
        """The whole text translated (one wave: nobody watches partial results, so every
        batch is full)."""
        return last(results(self.translate_stream(text, generation, glossary=glossary, stream=False)))

    def translate_many(
        self,
        texts: Sequence[str],
        generation: Generation = None,
        *,
        glossary: Glossary | None = None,
        documents: Sequence[Document | None] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[TranslationResult]:
        """Several whole texts (articles) translated in one run: their pieces share batches,
        so a batch of articles keeps the engine fuller than one article after another. Each
        result is the one ``translate`` gives for its text (same split, same outputs); the
        engine's counters (batches, tokens, unique, cached, retries) and ``seconds`` in each
        result's stats are its own (its pieces, the model inputs it was first to need, their
        tokens and retries, the batches they were in), but ``seconds`` is the shared run's.
        ``documents`` are the texts' splits where at hand; ``progress(done, total)`` follows
        the run batch by batch."""
        for text in texts:
            if not text or not text.strip():
                raise InputTextError("The text is empty: there is nothing to translate.")
        given = list(documents) if documents is not None else [None] * len(texts)
        if len(given) != len(texts):
            raise ValueError("give one document (or None) per text")
        options = self.options.merged(generation)
        started = time.perf_counter()
        split = [document or self.split(text, glossary) for text, document in zip(texts, given, strict=True)]
        if any(document.source() != text for text, document in zip(texts, split, strict=True)):
            raise ValueError("a document given is not the split of its text")
        keys = [[(u.paragraph, i) for u in d.units for i, p in enumerate(u.pieces) if u.translatable(p)] for d in split]
        pieces = [p for d in split for u in d.units for p in u.pieces if u.translatable(p)]
        stats = TranslationStats(pieces=len(pieces))
        costs: dict[str, InputCost] = {}
        events = self._translate_pieces(pieces, options, stats, 0, glossary, costs)
        while True:
            try:
                event = next(events)
            except StopIteration as finished:
                targets: list[_Translated] = finished.value
                break
            if progress is not None:
                progress(event.done, event.total)
        seconds = time.perf_counter() - started
        found = iter(targets)
        translated = []
        for document, own in zip(split, keys, strict=True):
            mine = {key: next(found) for key in own}
            counts = own_stats([(done.flags, done.inputs) for done in mine.values()], costs)
            counts.seconds = seconds
            translated.append(self._result(document, mine, len(document.units), counts))
        return translated

    def translate_stream(
        self,
        text: str,
        generation: Generation = None,
        *,
        glossary: Glossary | None = None,
        stream: bool = True,
        document: Document | None = None,
    ) -> Iterator[TranslationEvent]:
        """Events from the split (nothing translated yet) to the complete result: progress
        after each batch, a partial result after each wave of paragraphs. ``glossary`` terms
        are translated its way; ``stream=False`` translates the whole text as one wave;
        ``document`` is ``split(text, glossary)`` when the caller already has it."""
        if not text or not text.strip():
            raise InputTextError("The text is empty: there is nothing to translate.")
        if document is not None and document.source() != text:
            raise ValueError("the document given is not the split of this text")
        options = self.options.merged(generation)
        started = time.perf_counter()
        document = document or self.split(text, glossary)
        stats = TranslationStats(pieces=document.translatable_count())
        translations: dict[tuple[int, int], _Translated] = {}
        done, units_done = 0, 0
        yield TranslationEvent(0, stats.pieces, self._result(document, translations, 0, stats))
        waves = self._waves(document) if stream else iter([list(document.units)])
        for wave in waves:
            keys = [(u.paragraph, i) for u in wave for i, p in enumerate(u.pieces) if u.translatable(p)]
            pieces = [p for u in wave for p in u.pieces if u.translatable(p)]
            targets = yield from self._translate_pieces(pieces, options, stats, done, glossary)
            translations.update(zip(keys, targets, strict=True))
            done += len(pieces)
            units_done += len(wave)
            stats.seconds = time.perf_counter() - started
            yield TranslationEvent(done, stats.pieces, self._result(document, translations, units_done, stats))

    def _translate_pieces(
        self,
        pieces: Sequence[Piece],
        options: GenerationOptions,
        stats: TranslationStats,
        base: int,
        glossary: Glossary | None,
        costs: dict[str, InputCost] | None = None,
    ) -> Generator[TranslationEvent, None, list[_Translated]]:
        """Each piece's spans masked, each distinct model input translated once (or taken from
        the cache), spans restored, checks run; yields progress after each batch and returns
        the translations in the order of ``pieces``. ``costs`` gets what each input the model
        ran cost."""
        masked = [self.protector.mask(piece.normalized, glossary) for piece in pieces]
        with self._lock:
            inputs = [(m.text, piece.ids) for m, piece in zip(masked, pieces, strict=True)]
            outputs = yield from as_events(self._outputs(inputs, options, stats, costs), base, stats.pieces)
            restored = [self.protector.restore(m, outputs[m.text].text) for m in masked]
            fragments = [
                (part.strip(), None)
                for m, text in zip(masked, restored, strict=True)
                if text is None
                for part in m.fragments()
                if isinstance(part, str) and translatable(part)
            ]
            outputs |= drained(self._outputs(fragments, options, stats, costs))
        return [self._finish(m, text, outputs, stats) for m, text in zip(masked, restored, strict=True)]

    def _outputs(
        self,
        inputs: Sequence[tuple[str, Sequence[int] | None]],
        options: GenerationOptions,
        stats: TranslationStats,
        costs: dict[str, InputCost] | None = None,
    ) -> Generator[int, None, dict[str, _Output]]:
        """The model's output for each distinct input text (its ids when known): from the
        cache, or generated in planned batches; yields how many are done after each batch."""
        found: dict[str, _Output] = {}
        missing: dict[str, Sequence[int] | None] = {}
        for text, ids in inputs:
            if text in found or text in missing:
                continue
            cached = self._cache.get((options, text))
            if cached is None:
                missing[text] = ids
            else:
                self._cache.move_to_end((options, text))
                found[text] = cached
        stats.unique += len(missing)
        stats.cached += len(inputs) - len(missing)
        requests = [self._request(text, ids, options) for text, ids in missing.items()]
        done = 0
        batches = self.engine.generate(requests, options, self.settings.batch_size, self._guard, self.settings.confidence)
        for batch in batches:
            stats.batches += 1
            stats.repetition_retries += batch.retried
            rows = zip(batch.indices, batch.texts, batch.token_counts, batch.scores, batch.alternatives, strict=True)
            for index, target, count, score, others in rows:
                stats.input_tokens += len(requests[index].ids)
                stats.generated_tokens += count
                found[requests[index].text] = _Output(target, score, others)
                if costs is not None:
                    costs[requests[index].text] = InputCost(len(requests[index].ids), count, stats.batches, index in batch.redone)
            done += len(batch.indices)
            yield done
        for text in missing:
            self._remember((options, text), found[text])
        return found

    def _finish(self, masked: Masked, restored: str | None, outputs: dict[str, _Output], stats: TranslationStats) -> _Translated:
        """One piece's translation with its spans, flags and confidence."""
        flags: list[Flag] = []
        confidence = outputs[masked.text].score
        inputs = [masked.text]
        if restored is None:  # the model garbled a placeholder: translate around the spans
            parts = [part for part in masked.fragments() if isinstance(part, str) and translatable(part)]
            inputs += [part.strip() for part in parts]
            restored = assemble(masked.fragments(), {part.strip(): outputs[part.strip()].text for part in parts})
            scores = [score for part in parts if (score := outputs[part.strip()].score) is not None]
            confidence = statistics.fmean(scores) if scores else None
            flags.append(Flag(FlagKind.SPAN_RESCUED, ", ".join(span.source for span in masked.spans)))
            stats.rescued += 1
        if self.settings.checks:
            flags += check_sentence(masked.source, restored, masked.spans, self.source)
        if confidence is not None and confidence < self.settings.low_confidence:
            flags.append(Flag(FlagKind.LOW_CONFIDENCE, f"{confidence:.2f}"))
        stats.flagged += bool(flags)
        # The next best translations, spans restored the same way (one that garbled them is dropped).
        others = () if flags and flags[0].kind == FlagKind.SPAN_RESCUED else outputs[masked.text].alternatives
        alternatives = tuple(text for other in others if (text := self.protector.restore(masked, other)) is not None)
        return _Translated(restored, confidence, tuple(flags), alternatives, tuple(inputs))

    def _request(self, text: str, ids: Sequence[int] | None, options: GenerationOptions) -> Request:
        ids = ids if ids is not None else self.engine.tokens.encode(text)
        return Request(ids, self._output_cap(len(ids), options), text)

    def _remember(self, key: tuple[GenerationOptions, str], value: _Output) -> None:
        self._cache[key] = value
        while len(self._cache) > self.settings.cache_size:
            self._cache.popitem(last=False)

    def _waves(self, document: Document) -> Iterator[list[Unit]]:
        """Groups of whole units: the first paragraph alone, so the start of a text shows as
        soon as it can, then ``first_wave_sentences`` doubling up to ``wave_sentences`` so
        batches stay full."""
        units = iter(document.units)
        first = next(units, None)
        yield [first] if first is not None else []
        target = min(self.settings.first_wave_sentences, self.settings.wave_sentences)
        wave: list[Unit] = []
        size = 0
        for unit in units:
            wave.append(unit)
            size += len(unit.pieces)
            if size >= target:
                yield wave
                wave, size = [], 0
                target = min(target * 2, self.settings.wave_sentences)
        if wave:
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
        translations: dict[tuple[int, int], _Translated],
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
                    done = translations[key]
                    segments.append(Segment(unit.paragraph, piece.text, done.target, done.flags, done.confidence, done.alternatives))
                    rendered.append(done.target)
        result = TranslationResult(
            text="",
            segments=segments,
            source=document.source(),
            model=self.model_name,
            backend=self.engine.describe(),
            stats=TranslationStats(**asdict(stats)),
            complete=units_done == len(document.units),
            document=document,
            units_done=units_done,
        )
        result.text = result.render(rendered)
        return result
