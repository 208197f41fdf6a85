"""Many articles made together: the batch script's groups give the results of one article
after another, stay resumable, and keep each file's failure its own.

Tiny real models (see ``conftest``), greedy, every output length fixed (min = max), so that
any difference would come from the grouping itself, never from where a model chose to stop.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from passerelle.summarize import LengthPreset, Summarizer, SummarizerSettings
from passerelle.translate import GenerationOptions, InputTextError, LoadSettings, Translator, TranslatorSettings
from passerelle.ui.article import ArticleOptions, ArticleText
from passerelle.ui.article.many import process_many
from passerelle.ui.article.models import GivenModels
from passerelle.ui.batch import Status, discover, run_local
from passerelle.ui.config import AppConfig
from tests.corpus import ENGLISH_NEWS_LINES, FRENCH_LINES
from tests.helpers import ROOT, run_cli

FIXED = {"num_beams": 1, "min_new_tokens": 6, "max_new_tokens": 6}
LENGTH = "short"  # a preset every front end accepts, its bounds fixed below
SUMMARY = SummarizerSettings(
    length_presets={LENGTH: LengthPreset(8, 8)},
    short_input_tokens=10,
    max_chunk_tokens=96,  # several chunks per article, and reduce rounds
    generation=GenerationOptions(num_beams=1),
    batch_size=4,
    threads=1,
)
BACKENDS = ("transformers", "ctranslate2")


def french_article(index: int, sentences: int = 6) -> str:
    """Distinct sentences in two paragraphs (the corpus's lines, from a place of its own)."""
    lines = [FRENCH_LINES[(index * 7 + k) % len(FRENCH_LINES)] for k in range(sentences)]
    half = sentences // 2
    return " ".join(lines[:half]) + "\n\n" + " ".join(lines[half:]) + "\n"


def english_article(index: int, sentences: int = 6) -> str:
    lines = [ENGLISH_NEWS_LINES[(index * 5 + k) % len(ENGLISH_NEWS_LINES)] for k in range(sentences)]
    return " ".join(lines) + "\n"


def translator(directory: Path, backend: str, source: str = "fr") -> Translator:
    settings = TranslatorSettings(threads=1, batch_size=4)
    return Translator(str(directory), device="cpu", backend=backend, generation=FIXED, settings=settings, source=source)  # type: ignore[arg-type]


def summarizer(bart_dir: Path, en_fr: Translator, backend: str) -> Summarizer:
    return Summarizer(str(bart_dir), device="cpu", backend=backend, length=LENGTH, settings=SUMMARY, translator=en_fr)


@pytest.fixture(scope="module", params=BACKENDS)
def models(request: pytest.FixtureRequest, marian_fr_en_dir: Path, marian_en_fr_dir: Path, bart_dir: Path) -> tuple[Translator, Summarizer]:
    en_fr = translator(marian_en_fr_dir, request.param, "en")
    return translator(marian_fr_en_dir, request.param), summarizer(bart_dir, en_fr, request.param)


@pytest.fixture(scope="module")
def services(marian_fr_en_dir: Path, marian_en_fr_dir: Path, bart_dir: Path) -> GivenModels:
    """The batch script's services on the tiny models, fixed lengths (CTranslate2)."""
    en_fr = translator(marian_en_fr_dir, "ctranslate2", "en")
    config = AppConfig(model=str(marian_fr_en_dir), summary_model=str(bart_dir), summary_translation_model=str(marian_en_fr_dir))
    return GivenModels(config, translator(marian_fr_en_dir, "ctranslate2"), summarizer(bart_dir, en_fr, "ctranslate2"))


def comparable(segments: Sequence[Any]) -> list[tuple[Any, ...]]:
    return [(s.paragraph, s.source, s.target, s.flags, round(s.confidence or 0.0, 3)) for s in segments]


# The engines' multi-article calls ------------------------------------------------------------


@pytest.mark.model
def test_translate_many_equals_one_by_one(models: tuple[Translator, Summarizer]) -> None:
    fr_en, _ = models
    texts = [french_article(index, 4 + index) for index in range(4)]
    together = fr_en.translate_many(texts)
    for text, result in zip(texts, together, strict=True):
        alone = fr_en.translate(text)
        assert result.text == alone.text
        assert comparable(result.segments) == comparable(alone.segments)
        assert result.complete and result.stats.pieces == alone.stats.pieces


# Each counter of one text's work (only ``seconds`` and ``batches`` tell of the shared run).
OWN_COUNTERS = ("pieces", "unique", "cached", "input_tokens", "generated_tokens", "repetition_retries", "flagged", "rescued")


@pytest.mark.model
def test_each_article_of_a_group_counts_its_own_work(marian_fr_en_dir: Path) -> None:
    """Two articles of different lengths made together: each one's stats are those of
    translating it alone, not the group's totals."""
    settings = TranslatorSettings(batch_size=4, cache_size=0)  # no cache: alone is measured afresh
    fr_en = Translator(
        str(marian_fr_en_dir), load=LoadSettings(device="cpu", threads=1), backend="transformers", generation=FIXED, settings=settings
    )
    short, long = french_article(1, 2), french_article(3, 8)
    together = fr_en.translate_many([short, long])
    alone = [fr_en.translate(text) for text in (short, long)]
    for result, single in zip(together, alone, strict=True):
        assert {name: getattr(result.stats, name) for name in OWN_COUNTERS} == {name: getattr(single.stats, name) for name in OWN_COUNTERS}
        assert result.stats.pieces == len(result.segments)  # a rescued piece adds the model inputs of its fragments
        assert result.stats.generated_tokens == FIXED["max_new_tokens"] * result.stats.unique  # every output is 6 tokens
    first, second = (result.stats for result in together)
    assert first.pieces < second.pieces and first.input_tokens < second.input_tokens
    assert first.batches >= 1 and second.batches >= 2  # the batches holding its own inputs (8 need two of 4)
    assert first.seconds == second.seconds  # the one run they shared


@pytest.mark.model
def test_a_group_names_its_timings_as_the_groups(services: GivenModels) -> None:
    articles = [ArticleText(french_article(index, 3 + 2 * index)) for index in range(2)]
    options = ArticleOptions(summarize=True, summary_length=LENGTH, num_beams=1)
    group = process_many(articles, services, options, "fr", ["a.txt", "b.txt"])
    assert [set(result.timings) for result in group] == [{"group_translate_s", "group_summarize_s", "group_total_s"}] * 2
    assert group[0].timings == group[1].timings
    assert [result.to_json()["stats"]["pieces"] for result in group] == [len(result.translation.segments) for result in group]
    assert group[0].translation.stats.pieces < group[1].translation.stats.pieces
    (one,) = process_many(articles[:1], services, options, "fr", ["a.txt"])
    assert set(one.timings) == {"translate_s", "summarize_s", "total_s"}  # a group of one is an article alone


@pytest.mark.model
def test_summarize_many_equals_one_by_one(models: tuple[Translator, Summarizer]) -> None:
    _, summariser = models
    texts = [english_article(index, sentences) for index, sentences in enumerate((14, 3, 9, 1, 20))]
    texts[3] = "Rain."  # under short_input_tokens: its own summary
    together = summariser.summarize_many(texts)
    assert [summary.verbatim for summary in together] == [False, False, False, True, False]
    assert max(summary.chunks for summary in together) > 2  # reduce rounds were needed
    for text, summary in zip(texts, together, strict=True):
        alone = summariser.summarize(text)
        assert (summary.en, summary.fr, summary.chunks, summary.verbatim) == (alone.en, alone.fr, alone.chunks, alone.verbatim)
        assert comparable(summary.segments) == comparable(alone.segments)
        assert summary.check_en == alone.check_en and summary.check_fr == alone.check_fr


@pytest.mark.model
def test_an_empty_text_is_refused_for_the_whole_call(models: tuple[Translator, Summarizer]) -> None:
    fr_en, summariser = models
    with pytest.raises(InputTextError):
        fr_en.translate_many([french_article(0), "  "])
    with pytest.raises(InputTextError):
        summariser.summarize_many([english_article(0), ""])


# The batch script's groups -------------------------------------------------------------------


def write_folder(folder: Path, count: int, extra: dict[str, bytes] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        suffix = ".md" if index % 3 == 1 else ".txt"
        (folder / f"article{index:02d}{suffix}").write_text(french_article(index, 5 + index % 4), encoding="utf-8")
    for name, data in (extra or {}).items():
        (folder / name).write_bytes(data)
    return folder


def run(services: GivenModels, folder: Path, out: Path, group: int, force: bool = False, **options: Any) -> list[Any]:
    jobs = discover([str(folder)], out, services.config, source=options.get("source", "fr"))
    settings = ArticleOptions(summarize=True, summary_length=LENGTH, **options)
    log = out.parent / f"{out.name}.log"
    with log.open("w") as stream:
        return run_local(jobs, services, settings, force, group=group, stream=stream)


def outputs(out: Path) -> dict[str, Any]:
    """Every output file; the JSON without what depends on when and with whom it was made."""
    found: dict[str, Any] = {}
    for path in sorted(out.rglob("*")):
        if path.suffix == ".json":
            record = json.loads(path.read_text())
            for key in ("timings", "stats", "job"):
                record.pop(key)
            for segment in record["segments"]:
                segment["confidence"] = round(segment["confidence"] or 0.0, 2)
            found[path.name] = record
        elif path.is_file():
            found[path.name] = path.read_bytes()
    return found


@pytest.mark.model
def test_groups_write_what_one_by_one_writes(services: GivenModels, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", 7)
    alone = run(services, folder, tmp_path / "alone", group=1)
    grouped = run(services, folder, tmp_path / "grouped", group=3)
    assert [o.status for o in alone] == [o.status for o in grouped] == [Status.DONE] * 7
    assert [o.group for o in grouped] == [3, 3, 3, 3, 3, 3, 1]
    expected = outputs(tmp_path / "alone")
    assert len(expected) == 7 * 3 and outputs(tmp_path / "grouped") == expected
    record = json.loads((tmp_path / "grouped" / "article00.json").read_text())
    assert record["job"]["group"] == 3 and record["summary"]["en"]
    assert "group" not in json.loads((tmp_path / "alone" / "article00.json").read_text())["job"]


@pytest.mark.ray  # imports Ray's data layer (seconds), though it runs the actor in this process
def test_a_ray_actor_makes_its_rows_in_groups_as_the_local_run_does(tmp_path: Path, tiny_config: Any) -> None:
    """The actor's side of ``--engine ray`` in this process (Ray itself: tests/test_ray_engine.py):
    a call's rows made ``batch_group`` at a time, with the local run's outputs."""
    import io

    import pyarrow as pa

    from passerelle.ui.article import LoadedModels
    from passerelle.ui.batch.ray_engine import TranslateBatch, _collect
    from passerelle.ui.batch.ray_rows import job_rows, job_schema

    folder = write_folder(tmp_path / "in", 5)
    config: AppConfig = tiny_config(batch_group=2)
    options = ArticleOptions(summarize=False, num_beams=1)
    local = run_local(discover([str(folder)], tmp_path / "local", config), LoadedModels(config), options, False, stream=io.StringIO())
    jobs = discover([str(folder)], tmp_path / "ray", config)
    actor = TranslateBatch(config, options, False, os.getcwd())
    outcomes = _collect(actor(pa.Table.from_pylist(job_rows(jobs), schema=job_schema())).to_pylist(), jobs, None)
    assert [o.group for o in outcomes] == [o.group for o in local] == [2, 2, 2, 2, 1]
    assert [o.status for o in outcomes] == [Status.DONE] * 5
    assert outputs(tmp_path / "ray") == outputs(tmp_path / "local")
    assert json.loads((tmp_path / "ray" / "article00.json").read_text())["job"]["group"] == 2


@pytest.mark.model
def test_a_bad_file_in_a_group_fails_alone(services: GivenModels, tmp_path: Path) -> None:
    bad = {"article01b.txt": bytes(range(256)) * 8, "article02b.txt": b"  \n"}
    folder = write_folder(tmp_path / "in", 4, bad)
    outcomes = run(services, folder, tmp_path / "out", group=6)
    statuses = {Path(o.job.name).name: o.status for o in outcomes}
    assert statuses.pop("article01b.txt") == statuses.pop("article02b.txt") == Status.FAILED
    assert set(statuses.values()) == {Status.DONE}
    assert all(o.group == 4 for o in outcomes if o.status == Status.DONE)
    log = (tmp_path / "out.log").read_text()
    assert log.count("error: ") == 2 and "4 translated, 0 skipped, 2 failed" in log


class PickySummarizer:
    """The real summariser, except that it refuses any text holding ``word`` (as a model
    error would): the whole group's call fails, and so does that article's own call."""

    def __init__(self, inner: Summarizer, word: str) -> None:
        self.inner, self.word = inner, word

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def _check(self, texts: Sequence[str]) -> None:
        if any(self.word in text for text in texts):
            raise InputTextError(f"refused: {self.word}")

    def summarize_many(self, texts: Sequence[str], *args: Any, **kwargs: Any) -> Any:
        self._check(texts)
        return self.inner.summarize_many(texts, *args, **kwargs)

    def summarize_stream(self, text: str, *args: Any, **kwargs: Any) -> Any:
        self._check([text])
        return self.inner.summarize_stream(text, *args, **kwargs)


@pytest.mark.model
def test_an_error_while_the_group_is_made_is_one_articles_own(services: GivenModels, tmp_path: Path) -> None:
    picky = GivenModels(services.config, services.translator("fr"), PickySummarizer(services.summarizer(), "Quarantine"))  # type: ignore[arg-type]
    folder = tmp_path / "in"
    folder.mkdir()
    for index in range(3):
        (folder / f"e{index}.txt").write_text(english_article(index, 4), encoding="utf-8")
    (folder / "e1.txt").write_text("Quarantine was lifted in the harbour. " + english_article(1, 4), encoding="utf-8")
    outcomes = run(picky, folder, tmp_path / "out", group=3, source="en")
    assert [o.status for o in outcomes] == [Status.DONE, Status.FAILED, Status.DONE]
    assert outcomes[1].error == "refused: Quarantine"
    assert sorted(p.name for p in (tmp_path / "out").glob("*.json")) == ["e0.json", "e2.json"]
    assert (tmp_path / "out" / "e0.fr.txt").exists() and not (tmp_path / "out" / "e1.fr.txt").exists()


@pytest.mark.model
def test_a_crash_mid_group_loses_nothing_written(services: GivenModels, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import passerelle.ui.batch.local as group_module

    folder = write_folder(tmp_path / "in", 5)
    out = tmp_path / "out"
    real = group_module.write_outputs
    written: list[str] = []

    def crash_on_the_third(job: Any, *args: Any, **kwargs: Any) -> None:
        if len(written) == 2:
            raise KeyboardInterrupt
        real(job, *args, **kwargs)
        written.append(job.name)

    monkeypatch.setattr(group_module, "write_outputs", crash_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        run(services, folder, out, group=4)
    finished = sorted(out.glob("*.json"))
    assert [p.stem for p in finished] == ["article00", "article01"]
    for record in finished:
        data = json.loads(record.read_text())
        if (out / f"{record.stem}.en.txt").exists():
            assert (out / f"{record.stem}.en.txt").read_text() == data["translation"]
        assert data["summary"]["fr"] in (out / f"{record.stem}.summary.md").read_text()
    stamps = {p.name: p.stat().st_mtime_ns for p in finished}
    monkeypatch.setattr(group_module, "write_outputs", real)
    again = run(services, folder, out, group=4)
    assert [o.status for o in again] == [Status.SKIPPED] * 2 + [Status.DONE] * 3
    assert {p.name: p.stat().st_mtime_ns for p in finished} == stamps
    assert len(list(out.glob("*.json"))) == 5 and not list(out.rglob("*.part"))
    fresh = run(services, folder, tmp_path / "fresh", group=1)
    assert [o.status for o in fresh] == [Status.DONE] * 5
    assert outputs(out) == outputs(tmp_path / "fresh")


# The command, on real files ------------------------------------------------------------------


def translate_args(folder: Path, out: Path, *extra: str) -> list[str]:
    return ["translate", str(folder), "--output", str(out), "--backend", "ctranslate2", "--beams", "1", "--summarize", *extra]


@pytest.mark.cli
def test_the_command_groups_files_and_resumes_after_a_kill(tmp_path: Path, tiny_model_env: dict[str, str]) -> None:
    folder = write_folder(tmp_path / "in", 9, {"broken.txt": bytes(range(256)) * 8})
    out = tmp_path / "out"
    environment = {**os.environ, "OMP_NUM_THREADS": "1", **tiny_model_env}
    command = [sys.executable, "-m", "passerelle.ui.cli", *translate_args(folder, out, "--group", "3")]
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(list(out.glob("*.json"))) < 1:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = sorted(out.glob("*.json"))
    assert 1 <= len(finished) < 9, "the run should be killed half-way"
    for record in finished:  # whatever exists is complete
        data = json.loads(record.read_text())
        assert data["job"]["group"] == 3 and data["summary"]["fr"]
    rerun = run_cli(*translate_args(folder, out, "--group", "3"), env=tiny_model_env)
    assert rerun.returncode == 1, rerun.stderr  # the broken file
    assert rerun.stderr.count("already done") == len(finished)
    assert rerun.stderr.count("error: ") == 1 and f"error: {folder / 'broken.txt'}" in rerun.stderr
    assert "in a group of 3 articles made together" in rerun.stderr or len(finished) >= 7
    assert len(list(out.glob("*.json"))) == 9 and not list(out.rglob("*.part"))
    alone = run_cli(*translate_args(folder, tmp_path / "alone", "--group", "1"), env=tiny_model_env)
    assert alone.returncode == 1 and "made together" not in alone.stderr
    for path in sorted((tmp_path / "alone").glob("*.en.*")):
        assert (out / path.name).read_bytes() == path.read_bytes()


@pytest.mark.cli
def test_a_group_of_zero_is_a_usage_error(tmp_path: Path, tiny_model_env: dict[str, str]) -> None:
    folder = write_folder(tmp_path / "in", 1)
    result = run_cli(*translate_args(folder, tmp_path / "out", "--group", "0"), env=tiny_model_env)
    assert result.returncode == 2 and "batch group" in result.stderr
