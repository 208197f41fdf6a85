"""The tokenizers of the CTranslate2 path (SentencePiece for Marian, ``tokenizers`` for BART,
no transformers) give transformers' ids and text, and the model's JSON files give the same
``ModelInfo`` as transformers' config classes; layouts they do not reproduce go to
transformers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from passerelle.translate import Translator
from passerelle.translate.engine import ModelInfo, Tokens, resolve_model
from passerelle.translate.engine import hub as hub_module
from passerelle.translate.engine.bart_tokenizer import BartBpeTokenizer
from passerelle.translate.engine.config_json import JsonView
from passerelle.translate.engine.marian_tokenizer import MarianSentencePieceTokenizer
from passerelle.translate.engine.models import load_tokenizer
from passerelle.translate.engine.native_tokenizer import load_native_tokenizer

pytestmark = pytest.mark.model

TEXTS = [
    "Le conseil municipal a voté un budget de 2,5 milliards d'euros.",
    "« Nous ne pouvons pas attendre plus longtemps », a déclaré la ministre.",
    "Mme Lefèvre dirige le laboratoire depuis 2019 ; l'été dernier, aujourd'hui…",
    "ÀÉÎÕÜ çà ü naïve Œuvre — “cités” ‘là’ 1 000 000 € 3,14 % 12/10/2023 !?",
    "The city council voted a budget of 2.5 billion euros (USD 2.7bn) on 12 October.",
    "Unknown characters: 東京 😀 ∑ ½ \u200b\u00a0 \t tab\nnewline ☃",
    "",
    " ",
    "a",
    "  two  spaces  ",
    "special tokens in text: x</s>y <unk> z<pad> <s>start</s> <mask> masked <mask>",
    ">>fr<< Bonjour à tous",
    "<unk><unk></s></s>",
]
# Texts a user may type that touch MarianTokenizer's special cases.
MARIAN_EDGE_CASES = [">>en<<", ">>incomplete", "a >>fr<< b", "</s>"]


def _reference(directory: Path) -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(directory))


def assert_same_tokenizer(directory: Path, expected_class: type) -> None:
    """Ids with and without specials, decoded text (special tokens skipped or kept), tokens
    and ids both ways: equal to transformers' for every text and across the vocabulary."""
    reference, native = _reference(directory), load_native_tokenizer(directory)
    assert isinstance(native, expected_class)
    for text in [*TEXTS, *MARIAN_EDGE_CASES]:
        for specials in (True, False):
            expected = list(reference(text, add_special_tokens=specials, verbose=False)["input_ids"])
            assert native(text, add_special_tokens=specials)["input_ids"] == expected, (text, specials)
        ids = list(reference(text)["input_ids"])
        for skip in (True, False):
            assert native.decode(ids, skip_special_tokens=skip) == reference.decode(ids, skip_special_tokens=skip), text
        tokens = reference.convert_ids_to_tokens(ids)
        assert native.convert_ids_to_tokens(ids) == tokens
        assert native.convert_tokens_to_ids([*tokens, "no-such-token"]) == reference.convert_tokens_to_ids([*tokens, "no-such-token"])
    size = len(reference.get_vocab())
    for start in range(0, size, 7):  # every id, in overlapping runs (pieces of both languages)
        ids = list(range(start, min(start + 13, size)))
        assert native.decode(ids, skip_special_tokens=True) == reference.decode(ids, skip_special_tokens=True), ids
        assert native.convert_ids_to_tokens(ids) == reference.convert_ids_to_tokens(ids)
        assert native.convert_ids_to_tokens(start) == reference.convert_ids_to_tokens(start)


def _copy(source: Path, target: Path, names: tuple[str, ...] | None = None) -> Path:
    if names is None:
        return Path(shutil.copytree(source, target))
    target.mkdir()
    for name in names:
        shutil.copy(source / name, target / name)
    return target


def _write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value), encoding="utf-8")


# Marian ----------------------------------------------------------------------------------------


def test_marian_fr_en_matches_transformers(marian_fr_en_dir: Path) -> None:
    assert_same_tokenizer(marian_fr_en_dir, MarianSentencePieceTokenizer)


def test_marian_en_fr_matches_transformers(marian_en_fr_dir: Path) -> None:
    assert_same_tokenizer(marian_en_fr_dir, MarianSentencePieceTokenizer)


def test_marian_hub_layout_matches_transformers(marian_fr_en_dir: Path, tmp_path: Path) -> None:
    """opus-mt on the hub: a bare tokenizer_config.json and special_tokens_map.json."""
    legacy = _copy(marian_fr_en_dir, tmp_path / "legacy", ("config.json", "source.spm", "target.spm", "vocab.json"))
    _write_json(legacy / "tokenizer_config.json", {"source_lang": "fr", "target_lang": "en"})
    _write_json(legacy / "special_tokens_map.json", {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"})
    assert_same_tokenizer(legacy, MarianSentencePieceTokenizer)


def test_marian_clean_up_spaces_when_asked(marian_fr_en_dir: Path, tmp_path: Path) -> None:
    copy = _copy(marian_fr_en_dir, tmp_path / "clean")
    config = json.loads((copy / "tokenizer_config.json").read_text())
    _write_json(copy / "tokenizer_config.json", {**config, "clean_up_tokenization_spaces": True})
    assert_same_tokenizer(copy, MarianSentencePieceTokenizer)


@pytest.mark.parametrize(
    "change",
    [
        {"separate_vocabs": True},
        {"sp_model_kwargs": {"enable_sampling": True}},
        {"added_tokens_decoder": {"1": {"content": "<unk>", "lstrip": True, "special": True}}},
        {"tokenizer_class": "SomeOtherTokenizer"},
        {"auto_map": {"AutoTokenizer": ["x.Tok", None]}},
    ],
)
def test_marian_layouts_not_reproduced_go_to_transformers(marian_fr_en_dir: Path, tmp_path: Path, change: dict[str, Any]) -> None:
    copy = _copy(marian_fr_en_dir, tmp_path / "other")
    config = json.loads((copy / "tokenizer_config.json").read_text())
    _write_json(copy / "tokenizer_config.json", {**config, **change})
    assert load_native_tokenizer(copy) is None


# BART ------------------------------------------------------------------------------------------


def test_bart_matches_transformers(bart_dir: Path) -> None:
    assert_same_tokenizer(bart_dir, BartBpeTokenizer)


def test_bart_saved_by_transformers_matches(bart_dir: Path, tmp_path: Path) -> None:
    """tokenizer.json and a tokenizer config with every special token, no vocab.json."""
    saved = _copy(bart_dir, tmp_path / "saved", ("config.json",))
    _reference(bart_dir).save_pretrained(str(saved))
    assert (saved / "tokenizer.json").is_file() and not (saved / "merges.txt").exists()
    assert_same_tokenizer(saved, BartBpeTokenizer)


def test_bart_mask_that_eats_the_space_before_it(bart_dir: Path, tmp_path: Path) -> None:
    """bart-large-cnn's tokenizer.json and old special_tokens_map.json give <mask> lstrip:
    the space before it joins the token, so the ids differ from the plain layout's."""
    saved = _copy(bart_dir, tmp_path / "saved", ("config.json",))
    _reference(bart_dir).save_pretrained(str(saved))
    tokenizer_json = json.loads((saved / "tokenizer.json").read_text())
    for token in tokenizer_json["added_tokens"]:
        token["lstrip"] = token["content"] == "<mask>"
    from_json = _copy(bart_dir, tmp_path / "from-json", ("config.json", "vocab.json", "merges.txt"))
    _write_json(from_json / "tokenizer.json", tokenizer_json)
    _write_json(from_json / "tokenizer_config.json", {"model_max_length": 1024})
    mask = {"content": "<mask>", "single_word": False, "lstrip": True, "rstrip": False, "normalized": False}
    from_map = _copy(bart_dir, tmp_path / "from-map")
    _write_json(from_map / "special_tokens_map.json", {"mask_token": mask, "eos_token": "</s>"})
    for directory in (from_json, from_map):
        assert_same_tokenizer(directory, BartBpeTokenizer)
        plain = load_native_tokenizer(bart_dir)
        native = load_native_tokenizer(directory)
        assert native is not None and plain is not None
        assert native("x <mask>")["input_ids"] != plain("x <mask>")["input_ids"]


def test_bart_layouts_not_reproduced_go_to_transformers(bart_dir: Path, tmp_path: Path) -> None:
    copy = _copy(bart_dir, tmp_path / "other")
    _write_json(copy / "tokenizer_config.json", {"additional_special_tokens": ["<new>"]})
    assert load_native_tokenizer(copy) is None
    _write_json(copy / "tokenizer_config.json", {"mask_token": "<not-in-the-vocabulary>"})
    assert load_native_tokenizer(copy) is None


# Through Passerelle ----------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["marian_fr_en_dir", "bart_dir"])
def test_tokens_are_the_same_either_way(fixture: str, request: pytest.FixtureRequest) -> None:
    ref = resolve_model(request.getfixturevalue(fixture))
    native, reference = Tokens(load_tokenizer(ref, native=True)), Tokens(load_tokenizer(ref))
    assert not isinstance(reference.tokenizer, (MarianSentencePieceTokenizer, BartBpeTokenizer))
    assert (native.prefix, native.suffix) == (reference.prefix, reference.suffix)
    for text in TEXTS:
        assert native.encode(text) == reference.encode(text)
        assert native.content(text) == reference.content(text)
        assert native.decode(reference.encode(text)) == reference.decode(reference.encode(text))


def test_the_ctranslate2_engine_tokenizes_without_transformers(marian_fr_en_dir: Path) -> None:
    fast = Translator(str(marian_fr_en_dir), backend="ctranslate2", device="cpu", compute_type="float32")
    reference = Translator(str(marian_fr_en_dir), backend="transformers", device="cpu")
    assert isinstance(fast.engine.tokens.tokenizer, MarianSentencePieceTokenizer)
    assert not isinstance(reference.engine.tokens.tokenizer, MarianSentencePieceTokenizer)
    assert isinstance(fast.engine.info.config, JsonView)
    text = TEXTS[0]
    greedy = {"num_beams": 1, "max_new_tokens": 12}
    assert fast.translate(text, greedy).text == reference.translate(text, greedy).text


def test_a_cached_hub_model_is_read_from_its_snapshot(marian_fr_en_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hub_module, "cached_snapshot", lambda repo_id, revision=None: marian_fr_en_dir)
    ref = resolve_model("Helsinki-NLP/opus-mt-fr-en")
    assert not ref.is_local
    assert isinstance(load_tokenizer(ref, native=True), MarianSentencePieceTokenizer)
    assert isinstance(ModelInfo.load(ref).config, JsonView)


# Model information -----------------------------------------------------------------------------

INFO_FIELDS = (
    "max_positions",
    "eos_token_id",
    "pad_token_id",
    "decoder_start_token_id",
    "defaults",
    "length_bounds",
    "early_stopping",
    "bad_words_ids",
    "forced_bos_token_id",
    "shipped",
)


def _reference_info(directory: Path) -> ModelInfo:
    """``ModelInfo`` as transformers' classes make it."""
    from transformers import AutoConfig, GenerationConfig

    ref = resolve_model(directory)
    config = AutoConfig.from_pretrained(str(directory))
    try:
        return ModelInfo(ref, config, GenerationConfig.from_pretrained(str(directory)), True)
    except OSError:
        return ModelInfo(ref, config, GenerationConfig.from_model_config(config), False)


def _without_generation_config(source: Path, target: Path, settings: dict[str, Any]) -> Path:
    """No generation_config.json, generation settings in config.json (as older models)."""
    copy = _copy(source, target)
    (copy / "generation_config.json").unlink()
    config = json.loads((copy / "config.json").read_text())
    _write_json(copy / "config.json", {**config, **settings})
    return copy


def test_model_info_from_json_matches_transformers(marian_fr_en_dir: Path, bart_dir: Path, tmp_path: Path) -> None:
    marian_old = _without_generation_config(marian_fr_en_dir, tmp_path / "m", {"bad_words_ids": [[503]], "num_beams": 6})
    bart_old = _without_generation_config(bart_dir, tmp_path / "b", {"forced_bos_token_id": 0, "min_length": 56})
    for directory in (marian_fr_en_dir, bart_dir, marian_old, bart_old):
        info, expected = ModelInfo.load(resolve_model(directory)), _reference_info(directory)
        assert isinstance(info.config, JsonView)
        for name in INFO_FIELDS:
            assert getattr(info, name) == getattr(expected, name), (directory.name, name)


def test_model_info_of_other_configs_comes_from_transformers(marian_fr_en_dir: Path, tmp_path: Path) -> None:
    copy = _copy(marian_fr_en_dir, tmp_path / "no-positions")
    config = json.loads((copy / "config.json").read_text())
    del config["max_position_embeddings"]  # transformers fills in MarianConfig's default
    _write_json(copy / "config.json", config)
    info = ModelInfo.load(resolve_model(copy))
    assert not isinstance(info.config, JsonView)
    assert info.max_positions == _reference_info(copy).max_positions
