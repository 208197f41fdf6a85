"""Vocabulary shortlists: learnt from a parallel corpus with the model's own tokens, written in
CTranslate2's format, embedded by conversion (another cache entry), used in decoding only when
present, refused by the transformers backend; ``passerelle shortlist build`` on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from passerelle.translate import InputTextError, InvalidOptionError, Translator, TranslatorSettings
from passerelle.translate.engine import GenerationOptions, resolve_model
from passerelle.translate.engine.convert import conversion_dir, convert_model
from passerelle.translate.engine.shortlist import (
    VMAP_FILE,
    PairTokenizer,
    Shortlist,
    ShortlistSettings,
    build_shortlist,
    build_shortlist_file,
    read_corpus,
    read_shortlist,
    write_shortlist,
)
from passerelle.ui.config import AppConfig
from tests.corpus import ENGLISH_LINES, FRENCH_LINES
from tests.helpers import run_cli

SMALL = ShortlistSettings(candidates=4, frequent=6)
SPECIALS = ("</s>", "<unk>")
# A fixed output length, so the model writes many tokens whatever its random weights say.
FIXED = GenerationOptions(num_beams=2, min_new_tokens=12, max_new_tokens=12)


def _pairs() -> list[tuple[str, str]]:
    return list(zip(FRENCH_LINES, ENGLISH_LINES, strict=True))


def _write_pair_files(directory: Path, french: list[str], english: list[str]) -> tuple[Path, Path]:
    french_file, english_file = directory / "corpus.fr", directory / "corpus.en"
    french_file.write_text("\n".join(french) + "\n", encoding="utf-8")
    english_file.write_text("\n".join(english) + "\n", encoding="utf-8")
    return french_file, english_file


@pytest.fixture(scope="module")
def shortlist_file(marian_fr_en_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("shortlist") / "fr-en.vmap"
    tokenizer = PairTokenizer(resolve_model(str(marian_fr_en_dir)))
    return write_shortlist(build_shortlist(_pairs(), tokenizer, SMALL), output)


@pytest.mark.model
def test_map_has_candidates_frequent_and_specials(marian_fr_en_dir: Path, shortlist_file: Path) -> None:
    tokenizer = PairTokenizer(resolve_model(str(marian_fr_en_dir)))
    lines = shortlist_file.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("\t")  # the always-allowed line: an empty source
    assert all(line.count("\t") == 1 for line in lines)
    shortlist = read_shortlist(shortlist_file)
    assert shortlist.always[:2] == SPECIALS
    assert len(shortlist.always) == len(SPECIALS) + SMALL.frequent
    assert all(1 <= len(targets) <= SMALL.candidates for targets in shortlist.rules.values())
    assert max(len(targets) for targets in shortlist.rules.values()) == SMALL.candidates
    # Every source token of the corpus has its rule; every token is the model's own.
    french_tokens = {token for line in FRENCH_LINES for token in tokenizer.source_tokens(line)}
    assert set(shortlist.rules) == french_tokens
    targets = {token for rule in shortlist.rules.values() for token in rule} | set(shortlist.always)
    assert targets <= set(tokenizer.vocab)
    # The most frequent English piece is always allowed.
    counts: dict[str, int] = {}
    for line in ENGLISH_LINES:
        for token in tokenizer.target_tokens(line):
            counts[token] = counts.get(token, 0) + 1
    assert max(counts, key=lambda token: counts[token]) in shortlist.always


@pytest.mark.model
def test_candidates_are_the_tokens_seen_together(marian_fr_en_dir: Path) -> None:
    tokenizer = PairTokenizer(resolve_model(str(marian_fr_en_dir)))
    pairs = [("Le tramway arrive.", "The tram arrives."), ("Il pleut à Lyon.", "It rains in Lyon.")]
    shortlist = build_shortlist(pairs * 3, tokenizer, ShortlistSettings(candidates=50, frequent=0))
    tram = {token for token in tokenizer.target_tokens("The tram arrives.")}
    for token in tokenizer.source_tokens("Le tramway arrive."):
        if token not in tokenizer.source_tokens("Il pleut à Lyon."):
            assert set(shortlist.rules[token]) == tram
    assert shortlist.always == SPECIALS


@pytest.mark.unit
def test_corpus_forms_and_their_errors(tmp_path: Path) -> None:
    pairs_file = tmp_path / "pairs.tsv"
    pairs_file.write_text("Bonjour.\tHello.\n\nMerci.\tThank you.\n", encoding="utf-8")
    assert read_corpus(pairs_file) == [("Bonjour.", "Hello."), ("Merci.", "Thank you.")]
    french, english = _write_pair_files(tmp_path, ["Bonjour.", "Merci."], ["Hello.", "Thank you."])
    assert read_corpus(french, english) == [("Bonjour.", "Hello."), ("Merci.", "Thank you.")]
    _, short = _write_pair_files(tmp_path, ["Bonjour.", "Merci."], ["Hello."])
    with pytest.raises(InputTextError, match="has 2 lines but .* has 1"):
        read_corpus(french, short)
    with pytest.raises(InputTextError, match="line 1: no tab"):
        read_corpus(french)
    empty = tmp_path / "empty.tsv"
    empty.write_text("\n \n", encoding="utf-8")
    with pytest.raises(InputTextError, match="no pair"):
        read_corpus(empty)
    with pytest.raises(InputTextError, match="no such corpus file"):
        read_corpus(tmp_path / "missing.tsv")
    with pytest.raises(InvalidOptionError, match="candidates"):
        ShortlistSettings(candidates=0).validate()


@pytest.mark.unit
def test_map_text_round_trips(tmp_path: Path) -> None:
    shortlist = Shortlist({"▁chat": ("▁cat", "▁cats"), "▁le": ("▁the",)}, ("</s>", "<unk>", "▁the"))
    path = write_shortlist(shortlist, tmp_path / "map.txt")
    assert path.read_text(encoding="utf-8") == "\t</s> <unk> ▁the\n▁chat\t▁cat ▁cats\n▁le\t▁the\n"
    assert read_shortlist(path) == shortlist
    assert shortlist.allowed(["▁chat", "▁inconnu"]) == {"</s>", "<unk>", "▁the", "▁cat", "▁cats"}
    assert [p.name for p in tmp_path.iterdir()] == ["map.txt"]  # no temporary left behind


@pytest.mark.model
def test_conversion_embeds_the_map_under_its_own_key(ct2_cache: Path, marian_fr_en_dir: Path, shortlist_file: Path, tmp_path: Path) -> None:
    ref = resolve_model(str(marian_fr_en_dir))
    plain, mapped = conversion_dir(ref, "int8"), conversion_dir(ref, "int8", shortlist=shortlist_file)
    assert plain != mapped and "vmap" in mapped.name
    other = tmp_path / "other.vmap"
    other.write_text(shortlist_file.read_text(encoding="utf-8") + "▁x\t▁y\n", encoding="utf-8")
    assert conversion_dir(ref, "int8", shortlist=other) not in (plain, mapped)
    assert convert_model(ref, "int8", shortlist=shortlist_file) == mapped
    assert (mapped / VMAP_FILE).read_bytes() == shortlist_file.read_bytes()
    assert not (convert_model(ref, "int8") / VMAP_FILE).exists()
    with pytest.raises(InvalidOptionError, match="no vocabulary shortlist"):
        convert_model(ref, "int8", shortlist=tmp_path / "missing.vmap")


def _translator(directory: Path, shortlist: Path | None, backend: str = "ctranslate2") -> Translator:
    settings = TranslatorSettings(threads=1, cache_size=0, repetition_guard=False, shortlist=shortlist)
    return Translator(str(directory), backend=backend, compute_type="float32", device="cpu", settings=settings)


@pytest.mark.model
def test_translation_writes_only_allowed_tokens(ct2_cache: Path, marian_fr_en_dir: Path, shortlist_file: Path) -> None:
    shortlist = read_shortlist(shortlist_file)
    with_map, without = _translator(marian_fr_en_dir, shortlist_file), _translator(marian_fr_en_dir, None)
    assert with_map.engine.backend.use_vmap and not without.engine.backend.use_vmap
    assert "shortlist" in with_map.engine.describe()
    outside = 0
    for sentence in FRENCH_LINES[:6]:
        ids = with_map.engine.tokens.encode(sentence)
        allowed = shortlist.allowed(with_map.engine.tokens.ids_to_tokens(ids))
        [output] = with_map.engine.backend.generate([ids], FIXED, 12)
        tokens = with_map.engine.tokens.ids_to_tokens(output.ids)
        assert len(tokens) == 12 and set(tokens) <= allowed, sentence
        [free] = without.engine.backend.generate([ids], FIXED, 12)
        outside += len(set(without.engine.tokens.ids_to_tokens(free.ids)) - allowed)
    assert outside > 0  # without the map the model does reach other tokens: the map is what limits it
    assert with_map.translate("Le conseil municipal a voté.").text.strip()


@pytest.mark.model
def test_transformers_backend_refuses_a_map(marian_fr_en_dir: Path, shortlist_file: Path) -> None:
    with pytest.raises(InvalidOptionError, match="needs the CTranslate2 backend"):
        _translator(marian_fr_en_dir, shortlist_file, backend="transformers")
    with pytest.raises(InvalidOptionError, match="needs the CTranslate2 backend"):
        AppConfig.from_env({}, backend="transformers", shortlist=str(shortlist_file))
    with pytest.raises(InvalidOptionError, match="no vocabulary shortlist at"):
        AppConfig.from_env({"PASSERELLE_SHORTLIST": "/nonexistent/map.vmap"})
    assert AppConfig.from_env({"PASSERELLE_SHORTLIST": str(shortlist_file)}).shortlist == str(shortlist_file)


@pytest.mark.model
def test_build_file_with_a_model_ref(marian_fr_en_dir: Path, tmp_path: Path) -> None:
    french, english = _write_pair_files(tmp_path, list(FRENCH_LINES), list(ENGLISH_LINES))
    built = build_shortlist_file(resolve_model(str(marian_fr_en_dir)), french, tmp_path / "map.vmap", english, SMALL)
    assert built.pairs == len(FRENCH_LINES)
    assert read_shortlist(tmp_path / "map.vmap").rules == built.rules


@pytest.mark.cli
def test_cli_builds_a_map_from_real_files(marian_fr_en_dir: Path, tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("".join(f"{fr}\t{en}\n" for fr, en in _pairs()), encoding="utf-8")
    output = tmp_path / "out" / "fr-en.vmap"
    done = run_cli(
        "shortlist", "build", str(pairs), "-o", str(output), "--model", str(marian_fr_en_dir), "--candidates", "7", "--frequent", "9"
    )
    assert done.returncode == 0, done.stderr
    assert f"from {len(FRENCH_LINES)} pairs" in done.stdout
    shortlist = read_shortlist(output)
    assert len(shortlist.always) == len(SPECIALS) + 9
    assert max(len(targets) for targets in shortlist.rules.values()) == 7
    french, english = _write_pair_files(tmp_path, list(FRENCH_LINES), list(ENGLISH_LINES[:-1]))
    failed = run_cli("shortlist", "build", str(french), "--english", str(english), "-o", str(output), "--model", str(marian_fr_en_dir))
    assert failed.returncode == 1
    assert f"has {len(FRENCH_LINES)} lines but" in failed.stderr and "one French and one English line per pair" in failed.stderr


@pytest.mark.model
def test_pruning_bounds_rows_and_keeps_the_format(marian_fr_en_dir: Path) -> None:
    tokenizer = PairTokenizer(resolve_model(str(marian_fr_en_dir)))
    exact = build_shortlist(_pairs(), tokenizer, ShortlistSettings(candidates=3, frequent=4))
    pruned = build_shortlist(_pairs(), tokenizer, ShortlistSettings(candidates=3, frequent=4, prune_every=5, keep_per_source=3))
    assert set(pruned.rules) == set(exact.rules) and pruned.always == exact.always
    assert all(1 <= len(targets) <= 3 for targets in pruned.rules.values())
    unbounded = build_shortlist(_pairs(), tokenizer, ShortlistSettings(candidates=3, frequent=4, prune_every=5, keep_per_source=10_000))
    assert unbounded == exact
    with pytest.raises(InvalidOptionError, match="keep_per_source"):
        ShortlistSettings(candidates=10, keep_per_source=5).validate()


@pytest.mark.cli
def test_cli_translates_with_a_map_and_refuses_it_with_transformers(marian_fr_en_dir: Path, shortlist_file: Path, tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("Le conseil municipal a voté le budget mardi soir.\n", encoding="utf-8")
    common = [str(article), "--output", str(tmp_path / "out"), "--model", str(marian_fr_en_dir), "--beams", "1"]
    done = run_cli("translate", *common, "--backend", "ctranslate2", "--shortlist", str(shortlist_file))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "article.en.txt").read_text(encoding="utf-8").strip()
    report = json.loads((tmp_path / "out" / "article.json").read_text(encoding="utf-8"))
    assert "shortlist" in report["models"]["backend"]  # the engine decoded with the map
    refused = run_cli("translate", *common, "--backend", "transformers", "--shortlist", str(shortlist_file))
    assert refused.returncode == 2 and "needs the CTranslate2 backend" in refused.stderr
    missing = run_cli("translate", *common, env={"PASSERELLE_SHORTLIST": str(tmp_path / "none.vmap")})
    assert missing.returncode == 2 and "no vocabulary shortlist at" in missing.stderr
    converted = run_cli("convert", str(marian_fr_en_dir), "--shortlist", str(shortlist_file))
    assert converted.returncode == 0, converted.stderr
    assert (Path(converted.stdout.strip()) / VMAP_FILE).is_file()


@pytest.mark.model
def test_a_model_that_is_not_marian_is_refused(bart_dir: Path) -> None:
    with pytest.raises(InvalidOptionError, match="shortlists are for MarianMT models"):
        PairTokenizer(resolve_model(str(bart_dir)))
