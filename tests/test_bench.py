"""``passerelle bench --quick --json``: every section is measured and reported.

Only the shape of the report is checked: timings on a shared 2-core machine prove nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.bench

REPO_ROOT = Path(__file__).resolve().parents[1]
TRANSLATION_PATHS = ("naive", "batched", "ctranslate2", "passerelle")
TIMING_FIELDS = ("seconds", "tokens", "tokens_per_s")
QUICK_BENCH_TIMEOUT = 300


ARTICLE_NAME = "article-de-test.txt"
SAMPLES = "ui/bench/samples.py"


def run_bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "passerelle.ui.cli", "bench", "--quick", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=QUICK_BENCH_TIMEOUT,
        check=False,
    )


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    """The quick benchmark run through the real command, in its own process, on the sample
    articles that ship with it (what an installed package has)."""
    completed = run_bench("--json")
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.strip(), "no report printed"
    data = json.loads(completed.stdout)
    assert data["inputs"]["origin"] == SAMPLES
    return data


def test_the_users_articles_are_read_like_the_batch_script_reads_them(tmp_path: Path) -> None:
    from passerelle.ui.bench.setup import load_texts
    from tests.corpus import FRENCH_LINES

    article = tmp_path / ARTICLE_NAME
    article.write_bytes("\n\n".join(FRENCH_LINES[:4]).encode("cp1252"))
    texts = load_texts([article])
    assert texts.origin == ARTICLE_NAME and texts.articles == ("\n\n".join(FRENCH_LINES[:4]),)
    assert load_texts(None).origin == SAMPLES


def test_an_unreadable_input_is_a_clear_error(tmp_path: Path) -> None:
    completed = run_bench("--input", str(tmp_path / "absent.txt"))
    assert completed.returncode == 1
    assert "absent.txt: cannot be read" in completed.stderr
    assert "Traceback" not in completed.stderr


def _positive_timing(timing: dict[str, Any]) -> None:
    for name in TIMING_FIELDS:
        assert timing[name] > 0, (name, timing)


def test_translation_paths_at_each_beam(report: dict[str, Any]) -> None:
    section = report["translation"]
    for beams in report["settings"]["beams"]:
        results = section[f"beam_{beams}"]
        for path in TRANSLATION_PATHS:
            _positive_timing(results[path])
        assert all(ratio > 0 for ratio in results["ratios"].values())
        # Fixed lengths: every sentence reaches the fixed new-token count (within the one
        # token a forced end-of-sequence takes).
        passerelle = results["passerelle"]
        assert passerelle["pieces"] == section["sentences"]
        assert passerelle["repetition_retries"] == 0
        assert passerelle["tokens"] >= passerelle["pieces"] * (section["new_tokens"] - 1)


def test_summary_both_languages(report: dict[str, Any]) -> None:
    section = report["summary"]
    assert section["input_tokens"] > 0
    for language in ("en", "fr"):
        _positive_timing(section[language]["naive"])
        _positive_timing(section[language]["passerelle"])
        assert section[language]["speedup"] > 0


def test_whole_article(report: dict[str, Any]) -> None:
    section = report["article"]
    assert section["words"] > 0 and section["sentences"] > 0
    for path in ("naive", "passerelle"):
        _positive_timing(section[path])
        assert all(section[path][f"{part}_seconds"] > 0 for part in ("translation", "summary_en", "summary_fr"))
    assert section["speedup"] > 0


def test_memory_per_backend(report: dict[str, Any]) -> None:
    memory = report["memory"]
    assert set(memory) == {"ctranslate2", "transformers"}
    assert memory["ctranslate2"]["backend"].startswith("ctranslate2")
    assert memory["transformers"]["backend"] == "transformers"
    for data in memory.values():
        assert 0 < data["loaded_mib"] <= data["peak_mib"]
        _positive_timing(data["article"])


def test_targets_are_reported(report: dict[str, Any]) -> None:
    assert report["quick"] is True
    from passerelle.ui.bench.extras import EXTRA_SECTIONS
    from passerelle.ui.bench.setup import BenchSettings

    extra = sum(len(section.checks(report[section.key], BenchSettings.quick())) for section in EXTRA_SECTIONS)
    assert len(report["targets"]) == 5 + extra
    assert len({check["name"] for check in report["targets"]}) == len(report["targets"])
    for check in report["targets"]:
        assert check["value"] > 0
        assert check["met"] == (check["value"] >= check["target"] if check["comparison"] == ">=" else check["value"] <= check["target"])


def test_table_renders_every_section(report: dict[str, Any]) -> None:
    from passerelle.ui.bench.report import render_table

    table = render_table(report)
    for heading in ("Translation:", "Summary:", "Whole article:", "Memory:", "Targets"):
        assert heading in table


def test_only_measures_the_named_sections() -> None:
    result = run_bench("--json", "--only", "translation")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert "translation" in report
    assert not {"startup", "summary", "article", "memory"} & set(report)
    assert [check["name"].split(" ")[0] for check in report["targets"]] == ["d/a", "d/c"]


def test_an_unknown_section_is_named_in_the_error() -> None:
    result = run_bench("--only", "nonsense")
    assert result.returncode != 0
    assert "unknown bench section(s): nonsense" in result.stderr


def test_a_section_without_targets_renders_its_table() -> None:
    result = run_bench("--only", "summary")
    assert result.returncode == 0, result.stderr
    assert "Summary:" in result.stdout
    assert "Targets: none for the sections measured" in result.stdout


def test_the_feeds_section_is_measured_only_when_named() -> None:
    from passerelle.ui.bench.run import default_section_names, section_names

    assert "feeds" in section_names() and "feeds" not in default_section_names()


def test_the_quick_feeds_section_reports_both_paths_their_ratio_and_the_cost_outside_the_models() -> None:
    from passerelle.ui.bench.report import render_table

    result = run_bench("--json", "--only", "feeds")
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    section = report["feeds"]
    assert section["articles"] == 4 and section["sentences"] > 0 and section["words"] > 0
    for path in ("feeds", "batch"):
        assert section["seconds"][path] > 0 and section["articles_per_minute"][path] > 0
    rates = section["articles_per_minute"]
    assert section["ratio"] == pytest.approx(rates["feeds"] / rates["batch"], rel=0.01)
    outside = section["outside_models"]
    for part in ("fetch_seconds", "extract_seconds", "store_seconds"):
        assert outside[part] > 0
    # Extraction is timed again after the poll, and the quick run's tiny models take next to
    # nothing: the share is bounded only on real-shape models, so here it is only present.
    assert outside["seconds"] == pytest.approx(
        sum(outside[part] for part in ("fetch_seconds", "extract_seconds", "store_seconds")), abs=0.01
    )
    assert outside["share"] > 0
    assert section["fetches"] == 2 + section["articles"]  # robots.txt, the feed, each page
    assert section["same_texts"] == section["articles"]  # the pages' articles are the files' texts
    (check,) = report["targets"]
    assert check["name"].startswith("feeds run vs the batch script") and check["value"] == section["ratio"] and check["target"] == 0.9
    table = render_table(report)
    assert "Feeds: one RSS feed of 4 new articles" in table
    assert "feeds / batch script:" in table and "within 10 %" in table and "outside the models: fetch" in table
