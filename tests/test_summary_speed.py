"""The summary speed setting (``--summary-speed``, ``PASSERELLE_SUMMARY_SPEED``): "fast" picks
distilbart-cnn-12-3 unless a summary model is named, and 3 beams; it reaches the Summarizer the
front ends load, and a tiny 12-encoder / 3-decoder BART really summarises through that code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from passerelle.summarize import (
    DEFAULT_SUMMARY_MODEL,
    FAST_SUMMARY_MODEL,
    SUMMARY_SPEEDS,
    SummarizerSettings,
    summary_speed,
)
from passerelle.translate import GenerationOptions, InvalidOptionError
from passerelle.translate.engine.models import resolve_model
from passerelle.ui.article import ArticleOptions, LoadedModels
from passerelle.ui.batch.files import job_key
from passerelle.ui.bench.builders import BartShape, build_bart
from passerelle.ui.cli import _config, build_parser
from passerelle.ui.config import AppConfig, UsageError
from tests.corpus import ENGLISH_NEWS_LINES

ARTICLE = " ".join(ENGLISH_NEWS_LINES[:10])


# Settings --------------------------------------------------------------------------------------


@pytest.mark.unit
def test_the_fast_setting_is_distilbart_12_3_with_three_beams() -> None:
    fast = summary_speed("fast")
    assert (fast.model, fast.num_beams) == (FAST_SUMMARY_MODEL, 3) == ("sshleifer/distilbart-cnn-12-3", 3)
    assert resolve_model("distilbart-cnn-12-3").location == FAST_SUMMARY_MODEL  # a registry short name
    assert summary_speed("default").model == DEFAULT_SUMMARY_MODEL
    assert SummarizerSettings.for_speed("fast", threads=2).generation.num_beams == 3
    assert SummarizerSettings.for_speed("fast", threads=2).threads == 2
    assert SummarizerSettings.for_speed("default").generation == GenerationOptions()  # the model's own beams
    assert SummarizerSettings.for_speed().generation == SummarizerSettings().generation


@pytest.mark.unit
def test_beams_asked_for_win_over_the_speed() -> None:
    settings = SummarizerSettings.for_speed("fast", generation=GenerationOptions(num_beams=1, max_new_tokens=9))
    assert (settings.generation.num_beams, settings.generation.max_new_tokens) == (1, 9)


@pytest.mark.unit
def test_an_unknown_speed_is_refused_with_the_choices() -> None:
    with pytest.raises(InvalidOptionError, match=r"summary speed must be one of \['default', 'fast'\], got 'turbo'"):
        SummarizerSettings.for_speed("turbo")


@pytest.mark.unit
def test_the_environment_variable_picks_the_fast_model_unless_one_is_named() -> None:
    config = AppConfig.from_env({"PASSERELLE_SUMMARY_SPEED": "fast"})
    assert (config.summary_speed, config.summary_model) == ("fast", FAST_SUMMARY_MODEL)
    named = AppConfig.from_env({"PASSERELLE_SUMMARY_SPEED": "fast", "PASSERELLE_SUMMARY_MODEL": "/models/bart"})
    assert (named.summary_speed, named.summary_model) == ("fast", "/models/bart")
    assert AppConfig.from_env({}).summary_model == DEFAULT_SUMMARY_MODEL
    assert AppConfig.from_env({"PASSERELLE_SUMMARY_SPEED": "default"}).summary_model == DEFAULT_SUMMARY_MODEL
    # An option beats the environment, for the speed and for the model.
    assert AppConfig.from_env({"PASSERELLE_SUMMARY_SPEED": "fast"}, summary_speed="default").summary_model == DEFAULT_SUMMARY_MODEL
    assert AppConfig.from_env({}, summary_speed="fast", summary_model="x").summary_model == "x"


@pytest.mark.unit
def test_a_bad_environment_value_names_the_variable_and_the_choices() -> None:
    with pytest.raises(InvalidOptionError, match=r"PASSERELLE_SUMMARY_SPEED\) must be one of \['default', 'fast'\], got 'rapide'"):
        AppConfig.from_env({"PASSERELLE_SUMMARY_SPEED": "rapide"})


@pytest.mark.unit
def test_the_command_line_option(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("PASSERELLE_SUMMARY_SPEED", raising=False)
    monkeypatch.delenv("PASSERELLE_SUMMARY_MODEL", raising=False)
    parser = build_parser()
    args = parser.parse_args(["translate", "article.txt", "-o", "out", "--summarize", "--summary-speed", "fast"])
    config = _config(args)
    assert (config.summary_speed, config.summary_model) == ("fast", FAST_SUMMARY_MODEL)
    for command in (["ui"], ["models", "list"]):
        assert parser.parse_args([*command, "--summary-speed", "fast"]).summary_speed == "fast"
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["translate", "a.txt", "-o", "out", "--summary-speed", "turbo"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'turbo'" in capsys.readouterr().err
    monkeypatch.setenv("PASSERELLE_SUMMARY_SPEED", "vite")
    with pytest.raises(UsageError, match="PASSERELLE_SUMMARY_SPEED"):
        _config(parser.parse_args(["translate", "a.txt", "-o", "out"]))
    assert set(SUMMARY_SPEEDS) == {"default", "fast"}


@pytest.mark.unit
def test_batch_outputs_made_at_another_speed_are_redone() -> None:
    options = ArticleOptions(True, "medium", None, None)
    default, fast = AppConfig(), AppConfig(summary_speed="fast")
    assert job_key(b"texte", default, options) != job_key(b"texte", fast, options)
    plain = replace(options, summarize=False)  # no summary: the speed changes nothing
    assert job_key(b"texte", default, plain) == job_key(b"texte", fast, plain)


# A tiny 12-3-shaped model through the front ends' loading code --------------------------------


@pytest.fixture(scope="module")
def bart_12_3_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny BART with distilbart-cnn-12-3's layer counts (12 encoder, 3 decoder layers)."""
    shape = replace(BartShape.tiny(), encoder_layers=12, decoder_layers=3)
    return build_bart(tmp_path_factory.mktemp("bart-12-3"), ENGLISH_NEWS_LINES, shape, seed=5)


@pytest.mark.model
@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_a_12_3_model_summarises_at_the_fast_setting(tiny_config: Callable[..., AppConfig], bart_12_3_dir: Path, backend: str) -> None:
    config = tiny_config(summary_model=str(bart_12_3_dir), summary_speed="fast", summary_length="short", backend=backend)
    summarizer = LoadedModels(config).summarizer()
    assert summarizer.model_name == str(bart_12_3_dir)
    assert summarizer.options.beams == 3  # the model's generation config says 4
    assert summarizer.engine.info.config.decoder_layers == 3
    summary = summarizer.summarize(ARTICLE)
    assert summary.en.strip() and summary.fr.strip() and not summary.verbatim
    assert summary.chunks == 1 and summary.length == "short"


@pytest.mark.model
def test_the_default_setting_keeps_the_models_beams(tiny_config: Callable[..., AppConfig], bart_12_3_dir: Path) -> None:
    summarizer = LoadedModels(tiny_config(summary_model=str(bart_12_3_dir), summary_length="short")).summarizer()
    assert summarizer.options.beams == 4
