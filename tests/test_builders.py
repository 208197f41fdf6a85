"""The locally built models behave like the hub's: they load through Passerelle's own loading
code, tokenise, generate, decode and convert to CTranslate2."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
import torch

from passerelle.translate.engine.models import load_seq2seq_model, load_tokenizer, resolve_model
from passerelle.ui.bench.builders.bart import (
    BOS_ID,
    MASK_TOKEN,
    BartGeneration,
    BartShape,
    build_bart,
    new_bart_model,
)
from passerelle.ui.bench.builders.bart import (
    EOS_ID as BART_EOS_ID,
)
from passerelle.ui.bench.builders.bart import (
    PAD_ID as BART_PAD_ID,
)
from passerelle.ui.bench.builders.bart import (
    UNK_ID as BART_UNK_ID,
)
from passerelle.ui.bench.builders.marian import (
    EOS_ID as MARIAN_EOS_ID,
)
from passerelle.ui.bench.builders.marian import (
    PAD_TOKEN as MARIAN_PAD_TOKEN,
)
from passerelle.ui.bench.builders.marian import (
    UNK_ID as MARIAN_UNK_ID,
)
from passerelle.ui.bench.builders.marian import (
    MarianShape,
    build_marian,
    new_marian_model,
)
from tests.corpus import ENGLISH_LINES, ENGLISH_NEWS_LINES, FRENCH_LINES

pytestmark = pytest.mark.model

MAX_NEW_TOKENS = 10
OPUS_MT_PARAMETERS = 75_133_952  # Helsinki-NLP/opus-mt-fr-en
DISTILBART_CNN_12_6_PARAMETERS = 305_510_400  # sshleifer/distilbart-cnn-12-6
GENERATION_KEYS = ("num_beams", "max_length", "min_length", "bad_words_ids", "length_penalty")


def _load(directory: Path) -> tuple[object, object]:
    ref = resolve_model(directory)
    assert ref.is_local
    return load_tokenizer(ref), load_seq2seq_model(ref, "cpu")


def _generate(tokenizer: object, model: object, lines: list[str], **options: object) -> list[str]:
    batch = tokenizer(lines, return_tensors="pt", padding=True)
    with torch.no_grad():
        output = model.generate(**batch, max_new_tokens=MAX_NEW_TOKENS, **options)
    return tokenizer.batch_decode(output, skip_special_tokens=True)


def _config_json(directory: Path, name: str = "config.json") -> dict:
    return json.loads((directory / name).read_text(encoding="utf-8"))


# --- MarianMT ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "lines"),
    [("marian_fr_en_dir", FRENCH_LINES), ("marian_en_fr_dir", ENGLISH_LINES)],
)
def test_marian_dir_loads_and_generates(fixture: str, lines: tuple[str, ...], request: pytest.FixtureRequest) -> None:
    tokenizer, model = _load(request.getfixturevalue(fixture))
    assert type(tokenizer).__name__ == "MarianTokenizer"
    assert type(model).__name__ == "MarianMTModel"
    outputs = _generate(tokenizer, model, list(lines[:4]))
    assert len(outputs) == 4
    assert all(text.strip() for text in outputs)


def test_marian_outputs_depend_on_the_input(marian_fr_en_dir: Path) -> None:
    """Otherwise a test could not notice a batch whose translations were mixed up."""
    tokenizer, model = _load(marian_fr_en_dir)
    outputs = _generate(tokenizer, model, list(FRENCH_LINES[:8]), num_beams=1)
    assert len(set(outputs)) > 1


def test_marian_special_ids_match_config(marian_fr_en_dir: Path) -> None:
    tokenizer, model = _load(marian_fr_en_dir)
    config, generation = model.config, model.generation_config
    pad_id = len(tokenizer) - 1
    assert tokenizer.convert_ids_to_tokens(pad_id) == MARIAN_PAD_TOKEN
    assert tokenizer.eos_token_id == config.eos_token_id == MARIAN_EOS_ID
    assert tokenizer.unk_token_id == MARIAN_UNK_ID
    assert tokenizer.pad_token_id == config.pad_token_id == config.decoder_start_token_id == pad_id
    assert config.vocab_size == len(tokenizer)
    assert generation.pad_token_id == generation.decoder_start_token_id == pad_id
    assert generation.eos_token_id == MARIAN_EOS_ID
    assert generation.bad_words_ids == [[pad_id]]
    assert generation.num_beams == MarianShape.tiny().num_beams
    assert generation.max_length == config.max_position_embeddings


def test_marian_generation_defaults_live_in_generation_config(marian_fr_en_dir: Path) -> None:
    config = _config_json(marian_fr_en_dir)
    assert not any(key in config for key in GENERATION_KEYS)
    assert _config_json(marian_fr_en_dir, "generation_config.json")["num_beams"] == 4


def test_marian_tokenizer_round_trips_french(marian_fr_en_dir: Path) -> None:
    """SentencePiece's default normaliser is NFKC, as in opus-mt: '…' comes back as '...'."""
    tokenizer, _ = _load(marian_fr_en_dir)
    for line in FRENCH_LINES:
        ids = tokenizer(line)["input_ids"]
        assert ids[-1] == MARIAN_EOS_ID
        assert MARIAN_UNK_ID not in ids, line
        expected = unicodedata.normalize("NFKC", line)
        assert tokenizer.decode(ids, skip_special_tokens=True) == expected


def test_marian_position_limit_is_real(marian_fr_en_dir: Path) -> None:
    """Like opus-mt, the tiny model has 512 positions and fails past them."""
    tokenizer, model = _load(marian_fr_en_dir)
    assert tokenizer.model_max_length == model.config.max_position_embeddings == 512
    long_text = " ".join(FRENCH_LINES * 3)
    batch = tokenizer(long_text, return_tensors="pt")
    assert batch["input_ids"].shape[1] > model.config.max_position_embeddings
    with pytest.raises(IndexError), torch.no_grad():
        model.generate(**batch, max_new_tokens=2, num_beams=1)


def test_marian_vocab_is_padded_to_vocab_size(tmp_path: Path) -> None:
    vocab_size = 1000
    shape = MarianShape(vocab_size=vocab_size)
    tokenizer, model = _load(build_marian(tmp_path, FRENCH_LINES, ENGLISH_LINES, shape))
    assert len(tokenizer) == model.config.vocab_size == vocab_size
    assert tokenizer.pad_token_id == vocab_size - 1
    assert "<dummy_0>" in tokenizer.decode(list(range(vocab_size)), skip_special_tokens=True)  # every id decodes


def test_marian_vocab_size_below_trained_tokens_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="vocab_size"):
        build_marian(tmp_path, FRENCH_LINES, ENGLISH_LINES, MarianShape(vocab_size=10))


def test_marian_builds_from_a_one_line_corpus(tmp_path: Path) -> None:
    """The SentencePiece vocabulary size is a soft limit, so very little text still trains."""
    tokenizer, model = _load(build_marian(tmp_path, ["Bonjour à tous."], ["Hello everyone."]))
    ids = tokenizer("Bonjour")["input_ids"]
    assert tokenizer.decode(ids, skip_special_tokens=True) == "Bonjour"
    assert model.config.vocab_size == len(tokenizer)


def test_builders_refuse_empty_text(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="non-empty line"):
        build_marian(tmp_path / "m", ["", "  "], ENGLISH_LINES)
    with pytest.raises(ValueError, match="non-empty line"):
        build_bart(tmp_path / "b", [""])


def test_marian_build_is_deterministic(tmp_path: Path) -> None:
    first = build_marian(tmp_path / "a", FRENCH_LINES, ENGLISH_LINES, seed=3)
    second = build_marian(tmp_path / "b", FRENCH_LINES, ENGLISH_LINES, seed=3)
    other = build_marian(tmp_path / "c", FRENCH_LINES, ENGLISH_LINES, seed=4)
    for name in ("model.safetensors", "vocab.json", "source.spm", "target.spm"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert (first / "model.safetensors").read_bytes() != (other / "model.safetensors").read_bytes()


def test_marian_eos_logit_bias_is_saved(tmp_path: Path) -> None:
    bias = 5.0
    _, model = _load(build_marian(tmp_path, FRENCH_LINES, ENGLISH_LINES, eos_logit_bias=bias))
    assert model.final_logits_bias[0, MARIAN_EOS_ID].item() == bias
    assert model.final_logits_bias[0, MARIAN_EOS_ID + 1 :].abs().sum().item() == 0


def test_opus_mt_shape_builds_with_the_real_parameter_count(tmp_path: Path) -> None:
    """About 75 M parameters, like Helsinki-NLP/opus-mt-fr-en (a few seconds to build)."""
    shape = MarianShape.opus_mt()
    directory = build_marian(tmp_path, FRENCH_LINES, ENGLISH_LINES, shape)
    tokenizer, model = _load(directory)
    assert len(tokenizer) == model.config.vocab_size == shape.vocab_size
    assert model.config.pad_token_id == shape.vocab_size - 1
    assert model.num_parameters() == OPUS_MT_PARAMETERS
    assert model.config.activation_function == "swish" and model.config.scale_embedding


# --- BART -------------------------------------------------------------------------------


def test_bart_dir_loads_and_generates(bart_dir: Path) -> None:
    tokenizer, model = _load(bart_dir)
    assert type(model).__name__ == "BartForConditionalGeneration"
    # min_length 0: the shipped min_length (56) cannot be met in MAX_NEW_TOKENS tokens.
    outputs = _generate(tokenizer, model, list(ENGLISH_NEWS_LINES[-4:]), min_length=0)
    assert len(outputs) == 4
    assert all(text.strip() for text in outputs)
    assert len(set(outputs)) > 1


def test_bart_files_are_the_hub_layout(bart_dir: Path) -> None:
    """vocab.json + merges.txt and no tokenizer.json, as in sshleifer/distilbart-cnn-12-6."""
    assert (bart_dir / "vocab.json").is_file() and (bart_dir / "merges.txt").is_file()
    assert not (bart_dir / "tokenizer.json").exists()


def test_bart_special_ids_match_config(bart_dir: Path) -> None:
    tokenizer, model = _load(bart_dir)
    config = model.config
    assert (tokenizer.bos_token_id, tokenizer.pad_token_id, tokenizer.eos_token_id) == (0, 1, 2)
    assert tokenizer.unk_token_id == BART_UNK_ID
    assert tokenizer.convert_tokens_to_ids(MASK_TOKEN) == len(tokenizer) - 1
    special_ids = (config.bos_token_id, config.pad_token_id, config.eos_token_id)
    assert special_ids == (BOS_ID, BART_PAD_ID, BART_EOS_ID)
    assert config.decoder_start_token_id == BART_EOS_ID
    assert config.vocab_size == len(tokenizer)
    assert tokenizer.model_max_length == config.max_position_embeddings == 1024


def test_bart_generation_config_is_distilbart_cnn(bart_dir: Path) -> None:
    saved = _config_json(bart_dir, "generation_config.json")
    expected = BartGeneration()
    assert saved["num_beams"] == expected.num_beams == 4
    assert saved["min_length"] == 56 and saved["max_length"] == 142
    assert saved["length_penalty"] == 2.0 and saved["no_repeat_ngram_size"] == 3
    assert saved["early_stopping"] is True
    assert saved["forced_bos_token_id"] == BOS_ID
    assert saved["decoder_start_token_id"] == BART_EOS_ID
    assert not any(key in _config_json(bart_dir) for key in GENERATION_KEYS)


def test_bart_config_json_keeps_layer_norm_flags(bart_dir: Path) -> None:
    """CTranslate2's BART loader reads them; transformers 5 would not write them by itself."""
    config = _config_json(bart_dir)
    assert config["normalize_before"] is False
    assert config["add_final_layer_norm"] is False


def test_bart_tokenizer_round_trips(bart_dir: Path) -> None:
    """Byte-level BPE is lossless, guillemets, ellipses and accents included."""
    tokenizer, _ = _load(bart_dir)
    for line in (*ENGLISH_NEWS_LINES, *FRENCH_LINES):
        ids = tokenizer(line)["input_ids"]
        assert ids[0] == BOS_ID and ids[-1] == BART_EOS_ID
        assert BART_UNK_ID not in ids
        assert tokenizer.decode(ids, skip_special_tokens=True) == line


def test_bart_vocab_is_padded_to_vocab_size(tmp_path: Path) -> None:
    vocab_size = 1000
    directory = build_bart(tmp_path, ENGLISH_NEWS_LINES, BartShape(vocab_size=vocab_size))
    tokenizer, model = _load(directory)
    assert len(tokenizer) == model.config.vocab_size == vocab_size
    assert tokenizer.convert_tokens_to_ids(MASK_TOKEN) == vocab_size - 1
    assert "<dummy_0>" in tokenizer.decode(list(range(vocab_size)))  # every id decodes


def test_distilbart_cnn_shape_has_the_real_parameter_count() -> None:
    """Counted on the meta device: 306 M real parameters would take seconds and 1.2 GB."""
    shape = BartShape.distilbart_cnn_12_6()
    with torch.device("meta"):
        model = new_bart_model(shape, shape.vocab_size)
    assert model.num_parameters() == DISTILBART_CNN_12_6_PARAMETERS


def test_marian_opus_mt_count_on_meta_matches() -> None:
    shape = MarianShape.opus_mt()
    with torch.device("meta"):
        model = new_marian_model(shape, shape.vocab_size)
    assert model.num_parameters() == OPUS_MT_PARAMETERS


# --- CTranslate2 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "line"),
    [("marian_fr_en_dir", FRENCH_LINES[1]), ("bart_dir", ENGLISH_NEWS_LINES[-1])],
)
def test_ctranslate2_converts_and_runs(fixture: str, line: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    import ctranslate2

    directory = request.getfixturevalue(fixture)
    converter = ctranslate2.converters.TransformersConverter(str(directory))
    output = Path(converter.convert(str(tmp_path / "ct2"), quantization="int8"))
    assert (output / "model.bin").is_file()
    tokenizer, _ = _load(directory)
    tokens = tokenizer.convert_ids_to_tokens(tokenizer(line)["input_ids"])
    translator = ctranslate2.Translator(str(output), device="cpu")
    result = translator.translate_batch([tokens], max_decoding_length=MAX_NEW_TOKENS, beam_size=1)
    hypothesis = result[0].hypotheses[0]
    assert len(hypothesis) <= MAX_NEW_TOKENS
    vocabulary = tokenizer.get_vocab()
    assert all(token in vocabulary for token in hypothesis)  # every token decodes
