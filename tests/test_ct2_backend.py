"""The CTranslate2 backend decodes like the transformers reference, and converts only once."""

from __future__ import annotations

import json
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from passerelle.translate import InvalidOptionError, ModelNotAvailableError
from passerelle.translate.engine import GenerationOptions, LoadSettings, ModelInfo, ModelRef, Output, Tokens, resolve_model
from passerelle.translate.engine import convert as convert_module
from passerelle.translate.engine.convert import conversion_dir, convert_model, is_converted
from passerelle.translate.engine.ct2_backend import CTranslate2Backend, ctranslate2_available, thread_layout
from passerelle.translate.engine.models import load_tokenizer
from passerelle.translate.engine.transformers_backend import TransformersBackend

pytestmark = pytest.mark.model

FRENCH = [
    "Le conseil municipal a voté un budget de 2,5 milliards d'euros.",
    "« Nous ne pouvons pas attendre plus longtemps », a déclaré la ministre.",
    "Mme Lefèvre dirige le laboratoire depuis 2019.",
    "Il pleut.",
    "Les syndicats appellent à une grève nationale le jeudi 12 octobre, à Paris et à Lyon.",
]
ENGLISH = [
    "The city council voted a budget of 2.5 billion euros.",
    "The minister said: “We cannot wait any longer”.",
    "It rains.",
]
# Explicit so neither backend falls back to its own default.
GREEDY = GenerationOptions(num_beams=1, min_new_tokens=2)
MAX_NEW_TOKENS = 24
# Makes a random Marian stop right away unless min_new_tokens holds EOS back.
EOS_LOGIT_BIAS = 50.0


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty conversion cache for tests that count conversions."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "passerelle" / "ct2"


@pytest.fixture
def conversions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records the quantisation of every real conversion."""
    calls: list[str] = []
    original = convert_module._convert_into

    def counting(ref: ModelRef, quantization: str, output_dir: Path, vmap: Path | None = None) -> None:
        calls.append(quantization)
        original(ref, quantization, output_dir, vmap)

    monkeypatch.setattr(convert_module, "_convert_into", counting)
    return calls


def ids(outputs: list[Output]) -> list[list[int]]:
    return [output.ids for output in outputs]


def _encode(tokens: Tokens, texts: list[str]) -> list[list[int]]:
    return [tokens.encode(text) for text in texts]


def _model(directory: Path) -> tuple[ModelInfo, Tokens]:
    ref = resolve_model(directory)
    return ModelInfo.load(ref), Tokens(load_tokenizer(ref))


def _ct2(directory: Path, device: str = "cpu", compute_type: str = "float32", threads: int = 1, workers: int = 0) -> CTranslate2Backend:
    info, tokens = _model(directory)
    return CTranslate2Backend(info, tokens, LoadSettings(device, compute_type, threads, workers))


def _backends(directory: Path, compute_type: str) -> tuple[TransformersBackend, CTranslate2Backend, Tokens]:
    info, tokens = _model(directory)
    reference = TransformersBackend(info, tokens, LoadSettings(device="cpu", threads=1))
    return reference, _ct2(directory, compute_type=compute_type), tokens


@pytest.fixture(scope="module")
def marian(ct2_cache: Path, marian_fr_en_dir: Path) -> tuple[TransformersBackend, CTranslate2Backend, Any]:
    return _backends(marian_fr_en_dir, "float32")


@pytest.fixture(scope="module")
def eager_marian(ct2_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[TransformersBackend, CTranslate2Backend, Any]:
    """A Marian that always wants to stop: the length limits decide every output."""
    from passerelle.ui.bench.builders import build_marian
    from tests.corpus import ENGLISH_LINES, FRENCH_LINES

    directory = build_marian(tmp_path_factory.mktemp("eager-marian"), FRENCH_LINES, ENGLISH_LINES, eos_logit_bias=EOS_LOGIT_BIAS)
    return _backends(directory, "float32")


@pytest.fixture(scope="module")
def bart(ct2_cache: Path, bart_dir: Path) -> tuple[TransformersBackend, CTranslate2Backend, Any]:
    return _backends(bart_dir, "float32")


def test_ctranslate2_is_available() -> None:
    assert ctranslate2_available()


def test_unavailable_when_the_import_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # makes `import ctranslate2` fail
    assert not ctranslate2_available()


def test_marian_float32_greedy_matches_transformers(marian: Any) -> None:
    reference, fast, tokenizer = marian
    batch = _encode(tokenizer, FRENCH)
    expected = reference.generate(batch, GREEDY, MAX_NEW_TOKENS, scores=True)
    got = fast.generate(batch, GREEDY, MAX_NEW_TOKENS, scores=True)
    assert ids(got) == ids(expected)
    assert all(len(output.ids) >= GREEDY.min_new_tokens for output in got)
    # The same confidence from both engines: the mean log-probability per token.
    for mine, reference_output in zip(got, expected, strict=True):
        assert mine.score is not None and reference_output.score is not None
        assert mine.score == pytest.approx(reference_output.score, abs=0.05)
        assert mine.score < 0


# Beam search only while no minimum holds EOS back: transformers masks EOS after the
# log-softmax in beam search, CTranslate2 before it, so beam scores then differ.
LENGTH_CASES = [
    *((1, low, high) for low, high in [(0, 8), (3, 8), (5, 5), (9, 4), (0, 1)]),
    (4, 0, 8),
    (4, 0, 1),
]


@pytest.mark.filterwarnings("ignore:Unfeasible length constraints")  # the (9, 4) case, on purpose
@pytest.mark.parametrize(("num_beams", "min_new_tokens", "max_new_tokens"), LENGTH_CASES)
def test_length_limits_match_transformers(eager_marian: Any, num_beams: int, min_new_tokens: int, max_new_tokens: int) -> None:
    """min_new_tokens and max_new_tokens count the same tokens (never the EOS) in both."""
    reference, fast, tokenizer = eager_marian
    batch = _encode(tokenizer, FRENCH[:3])
    options = GenerationOptions(num_beams=num_beams, min_new_tokens=min_new_tokens)
    expected = reference.generate(batch, options, max_new_tokens)
    assert ids(fast.generate(batch, options, max_new_tokens)) == ids(expected)


def test_marian_describes_itself_and_reads_the_model(marian: Any) -> None:
    reference, fast, _ = marian
    assert fast.describe() == "ctranslate2 float32 cpu (1 worker x 1 thread)"
    assert fast.max_positions == reference.max_positions == 512


def test_marian_never_emits_pad(marian: Any) -> None:
    """opus-mt forbids <pad> (bad_words_ids); the converter drops it from the vocabulary."""
    _, fast, tokens = marian
    outputs = fast.generate(_encode(tokens, FRENCH), GenerationOptions(num_beams=2), MAX_NEW_TOKENS)
    assert all(fast.info.pad_token_id not in output.ids for output in outputs)


def test_marian_int8_gives_one_output_per_input(ct2_cache: Path, marian_fr_en_dir: Path) -> None:
    backend = _ct2(marian_fr_en_dir, compute_type="int8")
    outputs = backend.generate(_encode(backend.tokens, FRENCH), GenerationOptions(num_beams=4, min_new_tokens=1), 16)
    assert len(outputs) == len(FRENCH)
    assert all(output.ids for output in outputs)
    assert backend.compute_type.startswith("int8")
    assert backend.describe().startswith("ctranslate2 int8")


def test_auto_compute_type_is_int8_on_cpu(ct2_cache: Path, marian_fr_en_dir: Path) -> None:
    backend = _ct2(marian_fr_en_dir, device="auto", compute_type="auto")
    assert backend.device == "cpu"
    assert backend.compute_type.startswith("int8")
    assert backend.model_dir == conversion_dir(resolve_model(marian_fr_en_dir), "int8")


def test_bart_float32_greedy_matches_transformers(bart: Any) -> None:
    """BART starts from </s> and forces <s>: the backend must reproduce both."""
    reference, fast, tokenizer = bart
    batch = _encode(tokenizer, ENGLISH)
    expected = reference.generate(batch, GREEDY, MAX_NEW_TOKENS)
    got = fast.generate(batch, GREEDY, MAX_NEW_TOKENS)
    assert ids(got) == ids(expected)
    assert all(output.ids[0] == fast.info.forced_bos_token_id for output in got)


def test_input_longer_than_the_model_is_a_clear_error(marian: Any) -> None:
    _, fast, tokenizer = marian
    too_long = [tokenizer.encode(FRENCH[0])[0]] * (fast.max_positions + 1)
    with pytest.raises(InvalidOptionError, match="positions"):
        fast.generate([too_long], GREEDY, MAX_NEW_TOKENS)


def test_output_is_kept_within_the_position_table(marian: Any) -> None:
    """Asking for more tokens than positions must not crash CTranslate2."""
    _, fast, tokenizer = marian
    outputs = fast.generate(_encode(tokenizer, FRENCH[:1]), GREEDY, fast.max_positions + 100)
    assert 0 < len(outputs[0].ids) <= fast.max_positions


def test_empty_batch(marian: Any) -> None:
    assert marian[1].generate([], GREEDY, MAX_NEW_TOKENS) == []


def test_parallel_workers_give_each_batch_its_own_results(ct2_cache: Path, marian_fr_en_dir: Path, marian: Any) -> None:
    """Two workers run queued batches side by side; results still come back per batch, in
    order, equal to the reference, each batch under its own cap."""
    reference, _, tokenizer = marian
    parallel = _ct2(marian_fr_en_dir, threads=2, workers=2)
    assert (parallel.workers, parallel.threads_per_worker) == (2, 1)
    batches = [_encode(tokenizer, FRENCH[:2]), _encode(tokenizer, FRENCH[2:4]), [], _encode(tokenizer, FRENCH[4:])]
    caps = [MAX_NEW_TOKENS, 3, MAX_NEW_TOKENS, MAX_NEW_TOKENS]
    got = [ids(outputs) for outputs in parallel.generate_batches(batches, GREEDY, caps)]
    expected = [ids(reference.generate(batch, GREEDY, cap)) if batch else [] for batch, cap in zip(batches, caps, strict=True)]
    assert got == expected
    assert all(len(output) <= 3 for output in got[1])


@pytest.mark.parametrize(
    "threads, workers, device, layout",
    [(2, 0, "cpu", (2, 1)), (8, 0, "cpu", (4, 2)), (1, 0, "cpu", (1, 1)), (4, 1, "cpu", (1, 4)), (4, 0, "cuda", (1, 4))],
)
def test_thread_layout(threads: int, workers: int, device: str, layout: tuple[int, int]) -> None:
    assert thread_layout(threads, workers, device) == layout


def test_thread_layout_rejects_negative_workers() -> None:
    with pytest.raises(InvalidOptionError, match="workers"):
        thread_layout(2, -1, "cpu")


def test_conversion_is_cached_and_keyed_by_quantization(own_cache: Path, conversions: list[str], marian_fr_en_dir: Path) -> None:
    ref = resolve_model(marian_fr_en_dir)
    first = convert_model(ref, "int8")
    stamp = (first / "model.bin").stat().st_mtime_ns
    assert convert_model(ref, "int8") == first
    assert (first / "model.bin").stat().st_mtime_ns == stamp
    assert conversions == ["int8"]

    other = convert_model(ref, "float32")
    assert other != first and is_converted(other)
    assert conversions == ["int8", "float32"]
    assert first.parent == own_cache
    assert json.loads((first / convert_module.MARKER_FILE).read_text())["quantization"] == "int8"


def test_force_reconverts(own_cache: Path, conversions: list[str], marian_fr_en_dir: Path) -> None:
    ref = resolve_model(marian_fr_en_dir)
    first = convert_model(ref, "int8")
    assert convert_model(ref, "int8", force=True) == first
    assert conversions == ["int8", "int8"]
    assert is_converted(first)


def test_changed_weights_get_a_new_conversion(own_cache: Path, tmp_path: Path, marian_fr_en_dir: Path) -> None:
    copy = shutil.copytree(marian_fr_en_dir, tmp_path / "model")
    ref = resolve_model(copy)
    before = conversion_dir(ref, "int8")
    config = json.loads((copy / "config.json").read_text())
    config["dropout"] = 0.2
    (copy / "config.json").write_text(json.dumps(config))
    assert conversion_dir(ref, "int8") != before


def test_concurrent_threads_convert_once(own_cache: Path, conversions: list[str], marian_fr_en_dir: Path) -> None:
    ref = resolve_model(marian_fr_en_dir)
    with ThreadPoolExecutor(max_workers=3) as pool:
        paths = list(pool.map(lambda _: convert_model(ref, "int8"), range(3)))
    assert len(set(paths)) == 1 and is_converted(paths[0])
    assert conversions == ["int8"]
    assert [p.name for p in own_cache.iterdir()] == [paths[0].name]  # no temporary leftovers


def test_losing_a_publish_race_keeps_the_winner(own_cache: Path, marian_fr_en_dir: Path) -> None:
    """What a second process does when its rename finds the conversion already there."""
    ref = resolve_model(marian_fr_en_dir)
    winner = convert_model(ref, "int8")
    stamp = (winner / convert_module.MARKER_FILE).stat().st_mtime_ns
    loser = own_cache / ".tmp-loser"
    shutil.copytree(winner, loser)
    (loser / "model.bin").write_bytes(b"not a model")

    convert_module._publish(loser, winner, replace_existing=False)

    assert (winner / convert_module.MARKER_FILE).stat().st_mtime_ns == stamp
    assert (winner / "model.bin").read_bytes() != b"not a model"


def test_bart_config_without_legacy_layer_norm_flags(own_cache: Path, tmp_path: Path, bart_dir: Path) -> None:
    """Configs saved by transformers 5 lack normalize_before, which the converter reads."""
    copy = shutil.copytree(bart_dir, tmp_path / "bart")
    config = json.loads((copy / "config.json").read_text())
    for name in convert_module.LEGACY_CONFIG_DEFAULTS:
        config.pop(name, None)
    (copy / "config.json").write_text(json.dumps(config))
    assert is_converted(convert_model(resolve_model(copy), "int8"))


def test_missing_model_dir(own_cache: Path, tmp_path: Path) -> None:
    ref = ModelRef("gone", str(tmp_path / "gone"))
    with pytest.raises(ModelNotAvailableError):
        convert_model(ref)


def test_model_dir_without_weights(own_cache: Path, tmp_path: Path, marian_fr_en_dir: Path) -> None:
    partial = tmp_path / "partial"
    partial.mkdir()
    shutil.copy(marian_fr_en_dir / "config.json", partial / "config.json")
    with pytest.raises(ModelNotAvailableError, match="weight"):
        convert_model(resolve_model(partial))


def test_unknown_quantization_and_compute_type(own_cache: Path, marian_fr_en_dir: Path) -> None:
    ref = resolve_model(marian_fr_en_dir)
    with pytest.raises(InvalidOptionError, match="quantization"):
        convert_model(ref, "int3")
    with pytest.raises(InvalidOptionError, match="compute_type"):
        _ct2(marian_fr_en_dir, compute_type="float8")
    with pytest.raises(InvalidOptionError, match="device"):
        _ct2(marian_fr_en_dir, device="tpu")
