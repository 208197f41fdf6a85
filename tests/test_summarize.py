"""The summariser reads every chunk of a long text, bounds its output and translates it.

Tiny random models (see ``conftest``) write garbage, so these tests check structure, token
counts and coverage, never meaning. The model is never mocked: the spy below records each
call to the real backend and passes it through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from passerelle.summarize import LENGTH_PRESETS, LengthPreset, Summarizer, SummarizerSettings, TokenBounds
from passerelle.translate import (
    GenerationOptions,
    InputTextError,
    InvalidOptionError,
    LoadSettings,
    ModelNotAvailableError,
    Translator,
    TranslatorSettings,
    english_sentences,
)
from passerelle.translate.engine import Output
from tests.corpus import ENGLISH_NEWS_LINES

pytestmark = pytest.mark.model

# Small bounds keep generation fast; greedy decoding makes the two backends comparable.
PRESETS = {
    "short": LengthPreset(min_new_tokens=3, max_new_tokens=6),
    "medium": LengthPreset(min_new_tokens=8, max_new_tokens=12),
    "long": LengthPreset(min_new_tokens=16, max_new_tokens=24),
}
SETTINGS = SummarizerSettings(
    length_presets=PRESETS,
    short_input_tokens=10,
    generation=GenerationOptions(num_beams=1),
    batch_size=4,
    threads=1,
)
BART_POSITIONS = 1024


def long_text(paragraphs: int = 20) -> str:
    """Distinct paragraphs of news sentences, several times BART's 1,024 positions."""
    lines = ENGLISH_NEWS_LINES
    out = []
    for index in range(paragraphs):
        start = (index * 5) % len(lines)
        body = " ".join(lines[(start + k) % len(lines)] for k in range(5))
        out.append(f"Report number {index} of the day. {body}")
    return "\n\n".join(out)


@dataclass
class Spy:
    """Every backend call: the token ids in, the options, the cap, the ids out."""

    inputs: list[list[int]] = field(default_factory=list)
    outputs: list[list[int]] = field(default_factory=list)
    calls: list[tuple[GenerationOptions, int, int]] = field(default_factory=list)  # options, cap, batch size


@pytest.fixture
def spy(summarizer: Summarizer, monkeypatch: pytest.MonkeyPatch) -> Spy:
    record = Spy()
    backend = summarizer.engine.backend
    real = backend.generate

    def recording(batch: Sequence[Sequence[int]], options: GenerationOptions, max_new_tokens: int, scores: bool = False) -> list[Output]:
        outputs = real(batch, options, max_new_tokens, scores)
        record.inputs.extend(list(ids) for ids in batch)
        record.outputs.extend(output.ids for output in outputs)
        record.calls.append((options, max_new_tokens, len(batch)))
        return outputs

    monkeypatch.setattr(backend, "generate", recording)
    return record


@pytest.fixture(scope="module")
def translator(marian_en_fr_dir: Path) -> Translator:
    """One English→French translator shared by every summariser of the module."""
    return Translator(
        str(marian_en_fr_dir),
        device="cpu",
        backend="transformers",
        generation={"num_beams": 1},
        settings=TranslatorSettings(threads=1),
        source="en",
    )


@pytest.fixture(scope="module")
def summarizer(bart_dir: Path, translator: Translator) -> Summarizer:
    return Summarizer(str(bart_dir), device="cpu", backend="transformers", settings=SETTINGS, translator=translator)


def _encode(summarizer: Summarizer, text: str) -> list[int]:
    return summarizer.engine.tokens.encode(text)


def text_of_tokens(summarizer: Summarizer, low: int, high: int) -> str:
    """The first run of corpus words whose token count is in [low, high)."""
    for line in ENGLISH_NEWS_LINES:
        words = line.split()
        for end in range(1, len(words) + 1):
            text = " ".join(words[:end])
            if low <= summarizer.count_tokens(text) < high:
                return text
    raise AssertionError(f"no corpus text of {low} to {high} tokens")


# Map-reduce --------------------------------------------------------------------------------


def test_chunks_cover_the_whole_text_under_the_budget(summarizer: Summarizer) -> None:
    text = long_text()
    assert summarizer.count_tokens(text) > 3 * BART_POSITIONS
    assert summarizer.budget == BART_POSITIONS - SETTINGS.position_margin
    chunks = summarizer.chunk(text)
    assert len(chunks) >= 2
    assert all(summarizer.count_tokens(chunk) <= summarizer.budget for chunk in chunks)
    assert " ".join(chunks).split() == text.split()  # nothing dropped, nothing repeated


def test_map_reduce_reads_every_chunk(summarizer: Summarizer, spy: Spy) -> None:
    text = long_text()
    chunks = summarizer.chunk(text)
    summary = summarizer.summarize(text, "short")

    assert summary.chunks == len(chunks) >= 2
    read = [tuple(ids) for ids in spy.inputs]
    for chunk in chunks:
        assert tuple(_encode(summarizer, chunk)) in read
    # One more call summarised the joined partial summaries into the final one.
    assert len(spy.inputs) > len(chunks)
    assert all(len(ids) <= summarizer.engine.max_positions for ids in spy.inputs)
    assert max(size for _, _, size in spy.calls) <= SETTINGS.batch_size
    assert summary.en and not summary.verbatim


def test_length_presets_bound_the_generated_tokens(summarizer: Summarizer, spy: Spy) -> None:
    text = long_text(paragraphs=3)
    produced = {}
    for name, preset in PRESETS.items():
        spy.outputs.clear()
        spy.calls.clear()
        summary = summarizer.summarize(text, name)
        assert summary.length == name
        assert spy.calls and all(cap <= preset.max_new_tokens for _, cap, _ in spy.calls)
        assert all(options.min_new_tokens == preset.min_new_tokens for options, _, _ in spy.calls)
        lengths = [len(ids) for ids in spy.outputs]
        assert all(preset.min_new_tokens <= n <= preset.max_new_tokens for n in lengths), (name, lengths)
        produced[name] = max(lengths)
    assert produced["short"] < produced["medium"] < produced["long"]


def test_medium_is_the_models_own_length(bart_dir: Path, translator: Translator) -> None:
    """distilbart-cnn ships min_length 56 / max_length 142, counting the decoder start."""
    summarizer = Summarizer(
        str(bart_dir),
        backend="transformers",
        device="cpu",
        settings=SummarizerSettings(threads=1),
        translator=translator,
    )
    assert summarizer.bounds("medium") == TokenBounds(55, 141)
    assert summarizer.bounds("short") == TokenBounds(30, 80)
    assert summarizer.bounds("long") == TokenBounds(100, 250)
    assert summarizer.bounds() == summarizer.bounds("medium")
    assert summarizer.options.num_beams == 4 and summarizer.options.length_penalty == 2.0
    assert summarizer.options.no_repeat_ngram_size == 3
    assert set(LENGTH_PRESETS) == {"short", "medium", "long"}


# Short inputs --------------------------------------------------------------------------------


def test_short_input_is_its_own_summary(summarizer: Summarizer, spy: Spy) -> None:
    summary = summarizer.summarize("  \n It rains.\n ", "medium")
    assert summary.en == "It rains."
    assert summary.verbatim and summary.chunks == 1
    assert spy.calls == []  # nothing was invented


def test_input_under_the_presets_minimum_is_its_own_summary(summarizer: Summarizer, spy: Spy) -> None:
    text = text_of_tokens(summarizer, SETTINGS.short_input_tokens, PRESETS["long"].min_new_tokens)
    summary = summarizer.summarize(text, "long")
    assert summary.en == text and summary.verbatim
    assert spy.calls == []


def test_summary_is_never_longer_than_its_input(summarizer: Summarizer, spy: Spy) -> None:
    long = PRESETS["long"]
    text = text_of_tokens(summarizer, long.min_new_tokens, long.max_new_tokens)
    size = summarizer.count_tokens(text)
    summary = summarizer.summarize(text, "long")
    assert not summary.verbatim
    assert [cap for _, cap, _ in spy.calls] == [size]
    assert all(len(ids) <= size for ids in spy.outputs)


# French ------------------------------------------------------------------------------------


def test_french_summary_is_the_translation_of_the_english(summarizer: Summarizer, translator: Translator) -> None:
    summary = summarizer.summarize(long_text(paragraphs=3), "short")
    assert summarizer.translator is translator
    assert summary.fr and summary.fr == translator.translate(summary.en).text


def test_english_comes_first_then_the_whole_summary(summarizer: Summarizer) -> None:
    text = long_text(paragraphs=3)
    english, whole = list(summarizer.summarize_stream(text, "short"))
    assert not english.complete and english.en and english.fr == ""
    assert whole.complete and whole.en == english.en and whole.fr
    again = summarizer.summarize(text, "short")  # the same, in one call
    assert (again.en, again.fr, again.complete) == (whole.en, whole.fr, True)


def test_summary_to_dict(summarizer: Summarizer) -> None:
    summary = summarizer.summarize("It rains.")
    data = summary.to_dict()
    assert set(data) >= {"en", "fr", "chunks", "length", "model", "seconds"}
    assert data["model"] == summarizer.model_name and data["length"] == "medium"
    assert data["seconds"] >= 0


# Errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_empty_input_is_a_clear_error(summarizer: Summarizer, text: str) -> None:
    with pytest.raises(InputTextError, match="empty"):
        summarizer.summarize(text)


def test_unknown_length_lists_the_valid_ones(summarizer: Summarizer, bart_dir: Path) -> None:
    with pytest.raises(InvalidOptionError, match=r"'short', 'medium', 'long'"):
        summarizer.summarize("Some text to summarise.", "tiny")
    with pytest.raises(InvalidOptionError, match="valid lengths"):
        Summarizer(str(bart_dir), length="huge")


def test_missing_summary_model(tmp_path: Path, translator: Translator) -> None:
    with pytest.raises(ModelNotAvailableError, match="missing"):
        Summarizer(str(tmp_path / "missing"), backend="transformers", translator=translator)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelNotAvailableError):
        Summarizer(str(tmp_path / "empty"), backend="transformers", translator=translator)


def test_missing_translation_model(tmp_path: Path, bart_dir: Path) -> None:
    with pytest.raises(ModelNotAvailableError, match="missing"):
        Summarizer(str(bart_dir), str(tmp_path / "missing"), backend="transformers", settings=SETTINGS)


def test_a_preset_too_long_for_the_budget_is_an_error_not_a_loop(bart_dir: Path, translator: Translator) -> None:
    settings = SummarizerSettings(
        max_chunk_tokens=40,
        length_presets={"medium": LengthPreset(min_new_tokens=30, max_new_tokens=40)},
        short_input_tokens=4,
        generation=GenerationOptions(num_beams=1),
        threads=1,
    )
    summarizer = Summarizer(str(bart_dir), backend="transformers", settings=settings, translator=translator)
    with pytest.raises(InvalidOptionError, match="too large"):
        summarizer.summarize(long_text(paragraphs=1))


def test_invalid_settings() -> None:
    with pytest.raises(InvalidOptionError, match="min_new_tokens"):
        SummarizerSettings(length_presets={"short": LengthPreset(10, 5)}).validate()
    with pytest.raises(InvalidOptionError, match="batch_size"):
        SummarizerSettings(batch_size=0).validate()


def test_long_code_blocks_are_cut_not_dropped(bart_dir: Path, translator: Translator) -> None:
    settings = SummarizerSettings(max_chunk_tokens=50, threads=1)
    summarizer = Summarizer(str(bart_dir), backend="transformers", settings=settings, translator=translator)
    code = "\n".join(f"value_{i} = compute(value_{i - 1}, factor={i})" for i in range(1, 30))
    text = f"The script follows.\n\n```\n{code}\n```\n\nThat was the script."
    chunks = summarizer.chunk(text)
    assert all(summarizer.count_tokens(chunk) <= 50 for chunk in chunks)
    assert " ".join(chunks).split() == text.split()


# Configuration -----------------------------------------------------------------------------


def test_english_sentences_keep_every_character() -> None:
    text = "Mr. Smith went to Washington. Dr. Jones stayed.\n\nThe U.S. agreed... Then it rained."
    sentences = english_sentences(text)
    assert "".join(sentences) == text
    assert sentences[0] == "Mr. Smith went to Washington. "


# Backends ----------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_backends_summarise_a_long_text(backend: str, bart_dir: Path, translator: Translator, ct2_cache: Path) -> None:
    summarizer = Summarizer(
        str(bart_dir),
        backend=backend,
        device="cpu",
        compute_type="float32",
        settings=SETTINGS,
        translator=translator,
    )
    assert summarizer.engine.backend.name == backend
    summary = summarizer.summarize(long_text(), "short")
    assert summary.chunks >= 2 and summary.en and summary.fr


def test_ctranslate2_and_transformers_agree(bart_dir: Path, translator: Translator, summarizer: Summarizer, ct2_cache: Path) -> None:
    fast = Summarizer(
        str(bart_dir),
        backend="ctranslate2",
        device="cpu",
        compute_type="float32",
        settings=SETTINGS,
        translator=translator,
    )
    text = long_text(paragraphs=4)
    assert fast.summarize(text, "medium").en == summarizer.summarize(text, "medium").en


def test_passages_are_packed_as_given(summarizer: Summarizer, spy: Spy) -> None:
    """A translation's segments are summarised without splitting the text again: the chunk
    the model reads is the passages joined, whatever sentences the text would split into."""
    passages = ["The council met on Monday; no vote was taken", "Officials said more talks would follow."]
    text = "\n\n".join(passages)
    summary = summarizer.summarize(text, "short", passages=passages)
    assert not summary.verbatim and summary.chunks == 1
    assert spy.inputs[0] == _encode(summarizer, " ".join(passages))


def test_summary_sentences_come_from_its_translation(summarizer: Summarizer) -> None:
    summary = summarizer.summarize(long_text(paragraphs=3), "short")
    assert summary.sentences() and " ".join(summary.sentences()).split() == summary.en.split()
    assert [segment.target for segment in summary.segments] and all(s.target for s in summary.segments)


def test_load_settings_reach_the_summariser_and_its_own_translator(bart_dir: Path, marian_en_fr_dir: Path) -> None:
    load = LoadSettings(device="cpu", threads=1, workers=1)
    summarizer = Summarizer(str(bart_dir), str(marian_en_fr_dir), load=load, backend="transformers", settings=SETTINGS)
    assert summarizer.load == load
    assert summarizer.translator.load == LoadSettings(device="cpu", threads=1)  # its own worker layout
    with pytest.raises(InvalidOptionError, match="compute_type='float16'"):
        Summarizer(str(bart_dir), load=load, compute_type="float16", backend="transformers", translator=summarizer.translator)
