"""Translator on a tiny real MarianMT: real tokenisation, generation and detokenisation."""

from __future__ import annotations

from pathlib import Path

import pytest

from passerelle.translate import (
    GenerationOptions,
    InputTextError,
    InvalidOptionError,
    LoadSettings,
    ModelNotAvailableError,
    TranslationResult,
    Translator,
    TranslatorSettings,
    results,
)
from passerelle.translate.engine import has_degenerate_repetition

pytestmark = pytest.mark.model

FAST = {"num_beams": 1, "max_new_tokens": 12}

ARTICLE = (
    "# Une journée à Lyon\n\n"
    "M. Dupont est arrivé à la gare de Lyon. Mme Martin l’attendait depuis une heure.\n"
    "Le train avait du retard, « comme toujours », a-t-elle dit.\n\n"
    "- Les prix ont augmenté de 2,5 %.\n"
    "- Le chômage a baissé.\n\n"
    "Le maire a parlé hier soir. Le maire a parlé hier soir.\n"
)


@pytest.fixture(scope="module")
def translator(marian_fr_en_dir: Path) -> Translator:
    return Translator(str(marian_fr_en_dir), backend="transformers", generation=FAST)


def test_translates_an_article_keeping_its_layout(translator: Translator) -> None:
    result = translator.translate(ARTICLE)
    assert result.complete and result.source == ARTICLE
    assert result.text.startswith("# ")
    assert result.text.count("\n\n") == ARTICLE.rstrip("\n").count("\n\n")
    assert [line[:2] for line in result.text.splitlines() if line.startswith("- ")] == ["- ", "- "]
    assert all(segment.target for segment in result.segments)
    # Every source sentence is an exact slice of the input, in order, none twice.
    cursor = 0
    for segment in result.segments:
        found = ARTICLE.index(segment.source, cursor)
        assert ARTICLE[cursor:found].strip() in ("", "#", "-")
        cursor = found + len(segment.source)
    assert ARTICLE[cursor:].strip() == ""
    assert [s.paragraph for s in result.segments] == sorted(s.paragraph for s in result.segments)


def test_identical_sentences_are_translated_once(translator: Translator) -> None:
    result = translator.translate("Le maire a parlé hier soir. Le maire a parlé hier soir. Le maire a parlé hier soir.")
    assert result.stats.pieces == 3
    assert result.stats.cached >= 2
    assert len({s.target for s in result.segments}) == 1


def test_batched_equals_one_by_one(marian_fr_en_dir: Path) -> None:
    sentences = ARTICLE + "\n\nUne phrase de plus, assez longue pour changer la taille des lots de phrases."
    batched = Translator(str(marian_fr_en_dir), backend="transformers", generation={"num_beams": 1})
    single = Translator(
        str(marian_fr_en_dir), backend="transformers", generation={"num_beams": 1}, settings=TranslatorSettings(batch_size=1)
    )
    a, b = batched.translate(sentences), single.translate(sentences)
    assert [s.target for s in a.segments] == [s.target for s in b.segments]
    assert a.stats.batches < b.stats.batches


def test_a_paragraph_far_beyond_512_tokens_is_fully_covered(translator: Translator) -> None:
    words = ("le conseil municipal a voté la réforme des transports publics sans aucune ponctuation " * 200).split()
    text = " ".join(words)
    assert translator.count_tokens(text) > 4 * 512
    result = translator.translate(text)
    assert len(result.segments) > 4
    assert " ".join(s.source for s in result.segments).split() == words
    assert all(translator.count_tokens(s.source) <= translator.budget for s in result.segments)


def test_streaming_yields_growing_partial_results(marian_fr_en_dir: Path) -> None:
    translator = Translator(str(marian_fr_en_dir), backend="transformers", generation=FAST, settings=TranslatorSettings(wave_sentences=2))
    steps = list(results(translator.translate_stream(ARTICLE)))
    assert len(steps) >= 4
    done = [step.units_done for step in steps]
    assert done[0] == 0 and not steps[0].segments  # the split, shown before anything is translated
    assert done == sorted(done) and done[-1] == len(steps[-1].document.units)
    assert not steps[1].complete and steps[-1].complete
    assert steps[-1].text == translator.translate(ARTICLE).text


def test_progress_reports_every_piece(marian_fr_en_dir: Path) -> None:
    settings = TranslatorSettings(cache_size=0, batch_size=2)
    translator = Translator(str(marian_fr_en_dir), backend="transformers", generation=FAST, settings=settings)
    events = list(translator.translate_stream(ARTICLE, stream=False))
    result = events[-1].result
    assert result is not None and result.complete
    assert (events[-1].done, events[-1].total) == (result.stats.pieces, result.stats.pieces)
    progress = [event.done for event in events]
    assert progress == sorted(progress)
    # The split, each batch of sentences, the result (the text around garbled spans is
    # translated in batches of its own, without moving the bar).
    assert 3 <= len(events) <= 1 + result.stats.batches + 1


def test_empty_text_is_refused(translator: Translator) -> None:
    for text in ("", "   \n\n "):
        with pytest.raises(InputTextError, match="empty"):
            translator.translate(text)


def test_unknown_generation_option_lists_valid_ones(translator: Translator) -> None:
    with pytest.raises(InvalidOptionError, match="num_beams"):
        translator.translate("Bonjour.", {"beams": 2})
    with pytest.raises(InvalidOptionError):
        GenerationOptions.from_mapping({"num_beams": 0})


def test_generation_defaults_come_from_the_model(translator: Translator) -> None:
    assert translator.engine.defaults.num_beams == 4  # from generation_config.json
    assert translator.options.num_beams == 1  # overridden


def test_missing_local_directory_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ModelNotAvailableError) as caught:
        Translator(str(tmp_path / "nowhere"), backend="transformers")
    message = str(caught.value)
    assert "save_pretrained" in message and "hf download" not in message  # a path, not a hub id


def test_missing_hub_model_offline_says_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(ModelNotAvailableError) as caught:
        Translator("Helsinki-NLP/opus-mt-fr-en", backend="transformers")
    assert "Helsinki-NLP/opus-mt-fr-en" in str(caught.value)
    assert "HF_HUB_OFFLINE" in str(caught.value)


def test_incomplete_directory_is_reported(tmp_path: Path, marian_fr_en_dir: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("config.json", "vocab.json", "source.spm", "target.spm", "tokenizer_config.json"):
        (broken / name).write_bytes((marian_fr_en_dir / name).read_bytes())
    with pytest.raises(ModelNotAvailableError, match="does not hold a complete model"):
        Translator(str(broken), backend="transformers")


def test_repetition_detector() -> None:
    assert has_degenerate_repetition("the the the the the the the", 3, 4)
    assert not has_degenerate_repetition("a normal sentence with no loops at all", 3, 4)


def test_ctranslate2_int8_backend_covers_every_sentence(marian_fr_en_dir: Path) -> None:
    translator = Translator(str(marian_fr_en_dir), backend="auto", generation=FAST)
    assert translator.engine.backend.name == "ctranslate2"
    assert "int8" in translator.engine.describe()
    long_paragraph = " ".join(["la réforme des retraites a été votée"] * 300)
    result = translator.translate(ARTICLE + "\n" + long_paragraph)
    assert len(result.segments) == result.stats.pieces
    assert all(segment.target for segment in result.segments)
    assert (
        " ".join(s.source for s in result.segments).split() == (ARTICLE + " " + long_paragraph).replace("# ", "").replace("- ", "").split()
    )


def test_two_workers_translate_exactly_as_one(marian_fr_en_dir: Path) -> None:
    """Batches run side by side on two CTranslate2 workers: same text, every batch counted,
    progress still in order."""
    text = ARTICLE + "\n\nUne phrase de plus, assez longue pour changer la taille des lots de phrases."

    def translator(workers: int) -> Translator:
        settings = TranslatorSettings(threads=2, workers=workers, batch_size=2, cache_size=0, protect=False)
        return Translator(str(marian_fr_en_dir), backend="ctranslate2", compute_type="float32", generation=FAST, settings=settings)

    events = list(translator(2).translate_stream(text, stream=False))
    parallel = events[-1].result
    assert parallel is not None
    seen = [event.done for event in events]
    serial = translator(1).translate(text)
    assert parallel.text == serial.text
    assert parallel.stats.batches % 2 == 0 and parallel.stats.batches >= 4
    assert seen == sorted(seen) and seen[-1] == parallel.stats.pieces


def test_repetition_guard_redoes_looping_outputs(marian_fr_en_dir: Path) -> None:
    """Forced to 40 tokens, the tiny random model loops; the guard redoes those outputs with
    no-repeat penalties, and can be switched off."""
    forced = {"num_beams": 1, "min_new_tokens": 40, "max_new_tokens": 40}
    text = "Le conseil municipal a voté le budget. Les syndicats appellent à la grève."

    def translate(**settings: bool) -> tuple[TranslatorSettings, TranslationResult]:
        chosen = TranslatorSettings(repetition_max_repeats=1, cache_size=0, **settings)
        translator = Translator(str(marian_fr_en_dir), backend="transformers", generation=forced, settings=chosen)
        return chosen, translator.translate(text)

    settings, guarded = translate()
    _, unguarded = translate(repetition_guard=False)
    loops = [s for s in unguarded.segments if has_degenerate_repetition(s.target, settings.repetition_ngram, 1)]
    assert loops, "the tiny model was expected to loop when forced to 40 tokens"
    assert unguarded.stats.repetition_retries == 0
    assert guarded.stats.repetition_retries == len(loops)
    redone = {s.source: s.target for s in guarded.segments}
    assert all(redone[s.source] != s.target for s in loops)


def test_a_document_split_beforehand_is_used_as_is(translator: Translator) -> None:
    document = translator.split(ARTICLE)
    steps = list(results(translator.translate_stream(ARTICLE, document=document)))
    assert steps[-1].text == translator.translate(ARTICLE).text
    assert all(step.document is document for step in steps)
    with pytest.raises(ValueError, match="not the split of this text"):
        list(translator.translate_stream(ARTICLE + " Encore.", document=document))


def test_load_settings_are_one_value_the_keywords_sugar(marian_fr_en_dir: Path) -> None:
    load = LoadSettings(device="cpu", threads=1)
    given = Translator(str(marian_fr_en_dir), load=load, backend="transformers", generation=FAST)
    sugar = Translator(str(marian_fr_en_dir), device="cpu", backend="transformers", generation=FAST, settings=TranslatorSettings(threads=1))
    assert given.load == sugar.load == load
    assert Translator(str(marian_fr_en_dir), load=load, device="cpu", backend="transformers").load == load  # agreeing: fine
    with pytest.raises(InvalidOptionError, match="device='cuda'"):
        Translator(str(marian_fr_en_dir), load=load, device="cuda", backend="transformers")
    with pytest.raises(InvalidOptionError, match="threads=2"):
        Translator(str(marian_fr_en_dir), load=load, backend="transformers", settings=TranslatorSettings(threads=2))
