"""The batch command as a user runs it: a subprocess on real files, with a tiny real model."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from passerelle.ui.article import ArticleOptions
from passerelle.ui.batch import discover, output_target
from passerelle.ui.config import AppConfig, UsageError
from tests.corpus import FRENCH_LINES
from tests.helpers import ROOT, run_cli

pytestmark = pytest.mark.cli

FRENCH_A = "# Le marché\n\nLes prix du pain ont augmenté. Mme Leroy s’en plaint.\n\nM. Bernard vend des fruits.\n"
FRENCH_B = "Le conseil municipal s’est réuni hier soir.\nIl a voté le budget.\n"
ENGLISH_A = "# The harbour\n\nThe fishing boats came back early this morning. The weather was getting worse.\n\nMr. Hale sells fresh fish at the market.\n"
FRENCH_C = "La bibliothèque du quartier ouvrira le dimanche à partir du mois prochain. Les habitants l’attendaient depuis longtemps.\n"


def translate_args(inputs: list[str], output: Path, model: Path, *extra: str) -> list[str]:
    return ["translate", *inputs, "--output", str(output), "--model", str(model), "--backend", "transformers", "--beams", "1", *extra]


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.md").write_text(FRENCH_A, encoding="utf-8")
    (folder / "sub" / "b.txt").write_text(FRENCH_B, encoding="utf-8")
    (folder / "latin.txt").write_bytes("Le café était très chaud, déjà prêt.".encode("cp1252"))
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "escape.txt").symlink_to("/etc/hostname")
    (folder / "ignored.pdf").write_bytes(b"%PDF-1.4")
    return folder


def test_translates_a_tree_and_reports_bad_files(inputs: Path, tmp_path: Path, marian_fr_en_dir: Path) -> None:
    out = tmp_path / "out"
    result = run_cli(*translate_args([str(inputs)], out, marian_fr_en_dir))
    assert result.returncode == 1, result.stderr
    for name in ("binary.txt", "empty.txt", "escape.txt"):
        assert f"error: {inputs / name}" in result.stderr
    assert "binary" in result.stderr and "empty" in result.stderr and "outside" in result.stderr
    assert (out / "a.en.md").read_text().startswith("# ")
    assert (out / "sub" / "b.en.txt").exists() and (out / "latin.en.txt").exists()
    assert not (out / "empty.json").exists() and not (out / "ignored.en.pdf").exists()
    record = json.loads((out / "a.json").read_text())
    assert {"source_file", "source", "translation", "segments", "models", "timings"} <= set(record)
    assert record["source"] == FRENCH_A.strip() and record["format"] == "markdown"  # blocks, as written here
    assert [s["paragraph"] for s in record["segments"]] == [0, 1, 1, 2]
    translated = (out / "a.en.md").read_text().split("\n\n")
    assert len(translated) == len(FRENCH_A.split("\n\n")) and translated[0].startswith("# ")
    latin = json.loads((out / "latin.json").read_text())
    assert latin["source"].startswith("Le café était très chaud")
    assert any("cp1252" in warning for warning in latin["warnings"])
    # A rerun skips what is done; --force redoes it.
    stamp = (out / "a.json").stat().st_mtime_ns
    again = run_cli(*translate_args([str(inputs / "a.md")], out, marian_fr_en_dir))
    assert again.returncode == 0 and "skipped" in again.stderr
    assert (out / "a.json").stat().st_mtime_ns == stamp
    forced = run_cli(*translate_args([str(inputs / "a.md")], out, marian_fr_en_dir, "--force"))
    assert forced.returncode == 0 and (out / "a.json").stat().st_mtime_ns != stamp


def test_documents_come_back_in_their_own_format(tmp_path: Path, marian_fr_en_dir: Path) -> None:
    from tests.test_document_forms import SUBTITLES, build_docx

    folder = tmp_path / "documents"
    folder.mkdir()
    build_docx(folder / "lettre.docx")
    (folder / "film.srt").write_text(SUBTITLES, encoding="utf-8")
    (folder / "page.html").write_text("<html><body><h1>Le budget</h1><p>Le maire a <b>parlé</b> hier.</p></body></html>")
    (folder / "piege.docx").write_bytes(b"ceci n'est pas un zip")
    out = tmp_path / "out"
    result = run_cli(*translate_args([str(folder)], out, marian_fr_en_dir))
    assert result.returncode == 1 and "piege.docx: not a Word .docx file" in result.stderr
    import docx

    letter = docx.Document(str(out / "lettre.en.docx"))
    assert len(letter.paragraphs) == len(docx.Document(str(folder / "lettre.docx")).paragraphs) and len(letter.tables) == 1
    assert "conseil" not in "\n".join(p.text for p in letter.paragraphs)
    film = (out / "film.en.srt").read_text()
    assert film.count("-->") == 3 and "00:00:09,000 --> 00:00:11,000" in film and "Bonjour" not in film
    page = (out / "page.en.html").read_text()
    assert page.startswith('<html lang="en"><body><h1>') and page.count("<b>") == 1 and "maire" not in page
    assert json.loads((out / "lettre.json").read_text())["format"] == "docx"


def test_standard_input_and_model_from_environment(tmp_path: Path, marian_fr_en_dir: Path) -> None:
    out = tmp_path / "out"
    result = run_cli(
        "translate",
        "-",
        "--output",
        str(out),
        "--backend",
        "transformers",
        "--beams",
        "1",
        stdin=FRENCH_B.encode(),
        env={"PASSERELLE_MODEL": str(marian_fr_en_dir)},
    )
    assert result.returncode == 0, result.stderr
    record = json.loads((out / "stdin.json").read_text())
    assert record["source"] == FRENCH_B and record["models"]["translation"] == str(marian_fr_en_dir)


def test_usage_errors_exit_2(tmp_path: Path, marian_fr_en_dir: Path) -> None:
    assert run_cli("translate", "--output", str(tmp_path)).returncode == 2
    assert run_cli(*translate_args(["x.txt"], tmp_path, marian_fr_en_dir, "--beams", "0")).returncode == 2
    assert run_cli("translate", "x.txt").returncode == 2  # no --output
    assert run_cli(*translate_args(["x.txt"], tmp_path, marian_fr_en_dir, "--threads", "-1")).returncode == 2


def test_threads_from_the_command_line(tmp_path: Path, marian_fr_en_dir: Path) -> None:
    out = tmp_path / "out"
    args = ["translate", "-", "--output", str(out), "--model", str(marian_fr_en_dir), "--beams", "1"]
    result = run_cli(*args, "--backend", "ctranslate2", "--threads", "2", stdin=FRENCH_B.encode())
    assert result.returncode == 0, result.stderr
    backend = json.loads((out / "stdin.json").read_text())["models"]["backend"]
    assert backend.startswith("ctranslate2 int8") and backend.endswith("(2 workers x 1 thread)")


@pytest.mark.parametrize("group", ["4", "1"])
def test_missing_model_is_one_clear_error(tmp_path: Path, group: str) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(FRENCH_B)
    inputs = [str(tmp_path / name) for name in ("a.txt", "b.txt", "c.txt")]
    result = run_cli("translate", *inputs, "--output", str(tmp_path / "out"), "--model", str(tmp_path / "no-model"), "--group", group)
    assert result.returncode == 1
    assert result.stderr.count("is not available") == 1, result.stderr  # said once, not per file or group
    assert "not a directory" in result.stderr and "each one alone" not in result.stderr
    assert "hf download" not in result.stderr  # a path the user typed, not a hub model
    assert "--model" in result.stderr and "PASSERELLE_MODEL" in result.stderr  # how to choose another
    assert "Traceback" not in result.stderr


def test_sigkill_then_rerun_leaves_no_partial_files(tmp_path: Path, marian_fr_en_dir: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for index in range(8):
        # Distinct sentences (numbers alone would not do: they are masked, the rest cached).
        lines = " ".join(FRENCH_LINES[index * 5 : index * 5 + 5])
        (folder / f"article{index}.txt").write_text(lines + "\n\n" + FRENCH_A * 3, encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "passerelle.ui.cli", *translate_args([str(folder)], out, marian_fr_en_dir)]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "OMP_NUM_THREADS": "1"}, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(list(out.glob("*.json"))) < 2:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = sorted(out.glob("*.json"))
    assert 2 <= len(finished) < 8, "the run should be killed half-way"
    for record in finished:  # whatever exists is complete
        data = json.loads(record.read_text())
        assert (out / f"{record.stem}.en.txt").read_text() == data["translation"]
    stamps = {p.name: p.stat().st_mtime_ns for p in finished}
    rerun = run_cli(*translate_args([str(folder)], out, marian_fr_en_dir))
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr.count("already done") == len(finished)
    assert {p.name: p.stat().st_mtime_ns for p in finished} == stamps
    assert len(list(out.glob("*.json"))) == 8
    assert not list(out.rglob("*.part")), "temporary files must not survive"


def test_summarize_adds_a_bilingual_summary(tmp_path: Path, marian_fr_en_dir: Path, marian_en_fr_dir: Path, bart_dir: Path) -> None:
    article = tmp_path / "long.txt"
    article.write_text("\n\n".join([FRENCH_A.replace("# ", ""), FRENCH_B] * 6), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(
        *translate_args([str(article)], out, marian_fr_en_dir, "--summarize", "--summary-length", "short"),
        env={"PASSERELLE_SUMMARY_MODEL": str(bart_dir), "PASSERELLE_SUMMARY_TRANSLATION_MODEL": str(marian_en_fr_dir)},
    )
    assert result.returncode == 0, result.stderr
    record = json.loads((out / "long.json").read_text())
    summary = record["summary"]
    assert summary["en"] and summary["fr"] and summary["chunks"] >= 1 and summary["length"] == "short"
    assert record["models"]["summary"] == str(bart_dir)
    markdown = (out / "long.summary.md").read_text()
    assert "## Summary (English)" in markdown and "## Résumé (français)" in markdown
    assert summary["en"].strip() in markdown and summary["fr"].strip() in markdown


def test_glossary_from_a_file_or_the_environment(tmp_path: Path, marian_fr_en_dir: Path) -> None:
    article = tmp_path / "otan.txt"
    article.write_text("Le sommet de l'OTAN s'ouvre à Vilnius.\n", encoding="utf-8")
    glossary = tmp_path / "termes.tsv"
    glossary.write_text("# nos termes\nOTAN\tNATO\nVilnius\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(*translate_args([str(article)], out, marian_fr_en_dir, "--glossary", str(glossary)))
    assert result.returncode == 0, result.stderr
    assert "NATO" in (out / "otan.en.txt").read_text() and "Vilnius" in (out / "otan.en.txt").read_text()
    # Another glossary is another result: the rerun does not skip the file.
    glossary.write_text("OTAN\tthe Alliance\n", encoding="utf-8")
    again = run_cli(*translate_args([str(article)], out, marian_fr_en_dir), env={"PASSERELLE_GLOSSARY": str(glossary)})
    assert again.returncode == 0 and "1 translated, 0 skipped" in again.stderr
    assert "the Alliance" in (out / "otan.en.txt").read_text()
    glossary.write_text("OTAN\tNATO\tOTAN\n", encoding="utf-8")
    bad = run_cli(*translate_args([str(article)], out, marian_fr_en_dir, "--glossary", str(glossary)))
    assert bad.returncode == 2 and "line 1" in bad.stderr and "Traceback" not in bad.stderr


def test_odd_files_are_per_file_errors_and_never_hang(tmp_path: Path, marian_fr_en_dir: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(FRENCH_B, encoding="utf-8")
    pipes = tmp_path / "pipes"
    pipes.mkdir()
    os.mkfifo(pipes / "pipe.txt")  # reading it would block forever
    (folder / "loop-a.txt").symlink_to(folder / "loop-b.txt")
    (folder / "loop-b.txt").symlink_to(folder / "loop-a.txt")
    (folder / "cyrillique.txt").write_bytes("Президент выступил с заявлением о бюджете.".encode("cp1251"))
    out = tmp_path / "out"
    result = run_cli(*translate_args([str(folder), str(pipes / "pipe.txt")], out / "a", marian_fr_en_dir), timeout=120)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "pipe.txt: not a regular file" in result.stderr
    assert "loop-a.txt: a loop of symbolic links" in result.stderr and "loop-b.txt: a loop" in result.stderr
    assert "cyrillique.txt: not valid UTF-8" in result.stderr and "tried: UTF-8, Windows-1252" in result.stderr
    assert (out / "a" / "good.en.txt").exists() and not (out / "a" / "cyrillique.en.txt").exists()


def test_an_unwritable_output_folder_is_refused_before_any_work(tmp_path: Path, marian_fr_en_dir: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(FRENCH_B, encoding="utf-8")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the output folder should be", encoding="utf-8")
    result = run_cli(*translate_args([str(article)], blocked / "out", marian_fr_en_dir))
    assert result.returncode == 2 and "cannot write to the output folder" in result.stderr
    assert "Traceback" not in result.stderr and "Loading" not in result.stderr  # no model was loaded


def test_stdin_is_read_within_the_size_limit(tmp_path: Path, marian_fr_en_dir: Path) -> None:
    from passerelle.ui.config import AppConfig

    too_much = ("Le maire a parlé. " * 200_000).encode()
    assert len(too_much) > AppConfig().max_file_bytes
    result = run_cli(*translate_args(["-"], tmp_path / "out", marian_fr_en_dir), stdin=too_much)
    assert result.returncode == 1 and "stdin: more than the size limit" in result.stderr


def test_outputs_follow_the_umask(tmp_path: Path, marian_fr_en_dir: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(FRENCH_B, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(*translate_args([str(article)], out, marian_fr_en_dir))
    assert result.returncode == 0, result.stderr
    modes = {path.name: path.stat().st_mode & 0o777 for path in out.iterdir()}
    expected = 0o666 & ~current_umask()
    assert modes == {"a.en.txt": expected, "a.json": expected}


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_english_input_is_translated_into_french_with_both_summaries(
    tmp_path: Path, marian_fr_en_dir: Path, marian_en_fr_dir: Path, bart_dir: Path
) -> None:
    article = tmp_path / "harbour.md"
    article.write_text(ENGLISH_A, encoding="utf-8")
    out = tmp_path / "out"
    extra = ("--source", "en", "--summary-translation-model", str(marian_en_fr_dir), "--summarize", "--summary-model", str(bart_dir))
    result = run_cli(*translate_args([str(article)], out, marian_fr_en_dir, *extra))
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in out.iterdir()) == ["harbour.fr.md", "harbour.json", "harbour.summary.md"]
    assert f"-> {out / 'harbour.fr.md'}" in result.stderr
    record = json.loads((out / "harbour.json").read_text())
    assert (record["source_language"], record["target_language"]) == ("en", "fr")
    assert record["source"] == ENGLISH_A.strip() and record["format"] == "markdown"
    assert record["translation"] == (out / "harbour.fr.md").read_text().strip()  # one line per block, as here
    assert (out / "harbour.fr.md").read_text().startswith("# ")  # same layout
    assert [s["paragraph"] for s in record["segments"]] == [0, 1, 1, 2]
    assert record["models"]["translation"] == str(marian_en_fr_dir)  # the English→French model
    assert record["summary"]["en"] and record["summary"]["fr"]


def test_auto_detects_each_file_and_names_the_translation_after_the_other_language(
    tmp_path: Path, marian_fr_en_dir: Path, marian_en_fr_dir: Path
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a.txt").write_text(FRENCH_C, encoding="utf-8")
    (folder / "b.txt").write_text(ENGLISH_A, encoding="utf-8")
    out = tmp_path / "out"
    models = ("--summary-translation-model", str(marian_en_fr_dir))
    result = run_cli(*translate_args([str(folder)], out, marian_fr_en_dir, "--source", "auto", *models))
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in out.iterdir()) == ["a.en.txt", "a.json", "b.fr.txt", "b.json"]
    languages = {name: json.loads((out / f"{name}.json").read_text()) for name in ("a", "b")}
    assert [(r["source_language"], r["target_language"]) for r in languages.values()] == [("fr", "en"), ("en", "fr")]
    assert languages["b"]["models"]["translation"] == str(marian_en_fr_dir)
    # The detected direction is the key's: the same run is skipped, and so is "--source fr" for the French file.
    again = run_cli(*translate_args([str(folder)], out, marian_fr_en_dir, "--source", "auto", *models))
    assert again.returncode == 0 and "0 translated, 2 skipped, 0 failed" in again.stderr
    # With --target, a file already in that language is a per-file error; the others go on.
    only_english = run_cli(*translate_args([str(folder)], out, marian_fr_en_dir, "--source", "auto", "--target", "en", *models))
    assert only_english.returncode == 1, only_english.stderr
    assert f"error: {folder / 'b.txt'}: already in English" in only_english.stderr
    assert "0 translated, 1 skipped, 1 failed" in only_english.stderr
    assert "Traceback" not in only_english.stderr and not (out / "b.en.txt").exists()


def test_direction_usage_errors_exit_2_before_anything_is_made(tmp_path: Path, marian_fr_en_dir: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(FRENCH_B, encoding="utf-8")
    out = tmp_path / "out"
    same = run_cli(*translate_args([str(article)], out, marian_fr_en_dir, "--source", "en", "--target", "en"))
    assert same.returncode == 2 and "--source and --target are both en (English)" in same.stderr
    assert "Traceback" not in same.stderr and not out.exists()
    for option, code in (("--source", "de"), ("--target", "de"), ("--target", "auto")):
        unknown = run_cli(*translate_args([str(article)], out, marian_fr_en_dir, option, code))
        assert unknown.returncode == 2 and "invalid choice" in unknown.stderr, (option, code)
    assert not out.exists()


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [("fr", None, "en"), ("en", None, "fr"), ("fr", "en", "en"), ("auto", None, None), ("auto", "fr", "fr")],
)
def test_output_target(source: str, target: str | None, expected: str | None) -> None:
    assert output_target(source, target) == expected


@pytest.mark.parametrize(("source", "target"), [("fr", "fr"), ("en", "en"), ("de", None), ("auto", "auto")])
def test_output_target_refuses_bad_combinations(source: str, target: str | None) -> None:
    with pytest.raises(UsageError):
        output_target(source, target)


def test_another_direction_redoes_the_file(tmp_path: Path, marian_fr_en_dir: Path, marian_en_fr_dir: Path) -> None:
    article = tmp_path / "note.txt"
    article.write_text(FRENCH_C, encoding="utf-8")
    out = tmp_path / "out"
    models = ("--summary-translation-model", str(marian_en_fr_dir))
    first = run_cli(*translate_args([str(article)], out, marian_fr_en_dir, *models))
    assert first.returncode == 0 and (out / "note.en.txt").exists(), first.stderr
    english = run_cli(*translate_args([str(article)], out, marian_fr_en_dir, "--source", "en", *models))
    assert english.returncode == 0 and "1 translated, 0 skipped" in english.stderr, english.stderr
    record = json.loads((out / "note.json").read_text())
    assert record["target_language"] == "fr" and record["translation"] == (out / "note.fr.txt").read_text()
    assert "looks like French" in " ".join(record["warnings"])  # the direction was forced, not detected
    same = run_cli(*translate_args([str(article)], out, marian_fr_en_dir, "--source", "en", *models))
    assert same.returncode == 0 and "0 translated, 1 skipped" in same.stderr
    back = run_cli(*translate_args([str(article)], out, marian_fr_en_dir, "--source", "fr", *models))
    assert back.returncode == 0 and "1 translated, 0 skipped" in back.stderr
    assert json.loads((out / "note.json").read_text())["target_language"] == "en"


def test_the_ray_actor_carries_the_direction(tmp_path: Path, tiny_config: Callable[..., AppConfig]) -> None:
    """What a Ray actor does with its rows, in this process (Ray itself: tests/test_ray_engine.py)."""
    import pyarrow as pa

    from passerelle.ui.batch.ray_engine import TranslateBatch, _collect, _languages
    from passerelle.ui.batch.ray_rows import job_rows, job_schema

    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a.txt").write_text(FRENCH_C, encoding="utf-8")
    (folder / "b.txt").write_text(ENGLISH_A, encoding="utf-8")
    config = tiny_config()
    options = ArticleOptions(summarize=False, num_beams=1, source="auto")
    english_only = job_rows(discover([str(folder)], tmp_path / "x", config, source="auto", target="en"))
    assert _languages(english_only, options) == ("fr",)  # only French inputs get translated
    jobs = discover([str(folder)], tmp_path / "out", config, source="auto")
    rows = job_rows(jobs)
    assert _languages(rows, options) == ("fr", "en")
    actor = TranslateBatch(config, options, False, os.getcwd(), _languages(rows, options))
    assert actor.fatal is None
    table = actor(pa.Table.from_pylist(rows, schema=job_schema()))
    outcomes = _collect(table.to_pylist(), jobs, None)
    assert [(o.status, o.job.translation_path.name) for o in outcomes] == [("done", "a.en.txt"), ("done", "b.fr.txt")]
    assert json.loads((tmp_path / "out" / "b.json").read_text())["target_language"] == "fr"


def test_a_bom_then_undecodable_bytes_is_one_files_error(tmp_path: Path, marian_fr_en_dir: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(FRENCH_B, encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\xff\xfe" + "Le maire".encode("utf-16-le") + b"\x00\xd8")
    (folder / "wide.txt").write_bytes("Le maire a parlé.".encode("utf-32"))  # UTF-32 with its byte-order mark
    out = tmp_path / "out"
    result = run_cli(*translate_args([str(folder)], out, marian_fr_en_dir), timeout=120)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "broken.txt: starts with a UTF-16-LE byte-order mark" in result.stderr
    assert (out / "good.en.txt").exists() and (out / "wide.en.txt").exists() and not (out / "broken.en.txt").exists()


def test_the_report_says_one_sentence_and_ends_the_bar_at_100_percent(tmp_path: Path) -> None:
    import io

    from passerelle.ui.batch.jobs import Job, Outcome, Status
    from passerelle.ui.batch.report import BatchReporter

    stream = io.StringIO()
    reporter = BatchReporter(1, stream=stream, bar=True)
    job = Job("a.txt", tmp_path / "out" / "a", ".txt", source=tmp_path / "a.txt")
    reporter.start(job)
    reporter.progress(61, 62)  # the last batch is not always reported
    reporter.finish(Outcome(job, Status.DONE, pieces=1, seconds=0.5))
    assert reporter._bar.n == reporter._bar.total == 62
    reporter.close([Outcome(job, Status.DONE, pieces=1, seconds=0.5)])
    assert "a.txt: 1 sentence in 0.5 s" in stream.getvalue()
