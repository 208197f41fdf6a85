"""The benchmark's verdicts (targets met or missed) and its human-readable table."""

from __future__ import annotations

import operator
from typing import Any, Callable, Sequence

from .bench_setup import BenchSettings

COMPARISONS: dict[str, Callable[[float, float], bool]] = {">=": operator.ge, "<=": operator.le}
PATH_LABELS = {
    "naive": "a. transformers, one sentence at a time",
    "batched": "b. transformers, padded batches of {batch_size}",
    "ctranslate2": "c. CTranslate2 {quantization}, own API, batches of {batch_size}",
    "passerelle": "d. Passerelle Translator (auto: CTranslate2 {quantization})",
}
RATIO_LABELS = {"naive": "d/a", "batched": "d/b", "ctranslate2": "d/c"}
ARTICLE_PARTS = ("translation", "summary_en", "summary_fr")


def check_targets(report: dict[str, Any], settings: BenchSettings) -> list[dict[str, Any]]:
    """Each target with its measured value and whether it is met."""
    targets = settings.targets
    beams = settings.target_beams
    ratios = report["translation"][f"beam_{beams}"]["ratios"]
    checks = [
        (f"d/a (Passerelle vs one sentence at a time), beam {beams}", ratios["passerelle_vs_naive"], ">=", targets.vs_naive),
        (f"d/c (Passerelle vs raw CTranslate2), beam {beams}", ratios["passerelle_vs_ctranslate2"], ">=", targets.vs_ctranslate2),
        ("whole article, speed-up over naive transformers", report["article"]["speedup"], ">=", targets.article_speedup),
        ("peak RSS, three models, CTranslate2 (MiB)", report["memory"]["ctranslate2"]["peak_mib"], "<=", targets.peak_rss_mib),
    ]
    return [
        {"name": name, "value": value, "comparison": op, "target": target, "met": value is not None and COMPARISONS[op](value, target)}
        for name, value, op, target in checks
    ]


def _table(rows: Sequence[Sequence[Any]], indent: str = "  ") -> list[str]:
    """Rows as aligned text: first column left, the others right."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max(len(row[i]) for row in cells if i < len(row)) for i in range(max(len(row) for row in cells))]
    lines = []
    for row in cells:
        parts = [row[0].ljust(widths[0])] + [cell.rjust(widths[i + 1]) for i, cell in enumerate(row[1:])]
        lines.append(indent + "  ".join(parts).rstrip())
    return lines


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return str(value)


def _times(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}x" if value >= 10 else f"{value:.2f}x"


def _beam_name(key: str) -> str:
    beams = int(key.split("_")[1])
    return "greedy" if beams == 1 else f"beam {beams}"


def _translation_lines(report: dict[str, Any]) -> list[str]:
    section = report["translation"]
    settings = report["settings"]
    keys = [key for key in section if key.startswith("beam_")]
    header = ["generated tokens/s"] + [_beam_name(key) for key in keys]
    rows: list[list[Any]] = [header]
    for path, label in PATH_LABELS.items():
        rows.append([label.format(**settings)] + [section[key][path]["tokens_per_s"] for key in keys])
    for path, label in RATIO_LABELS.items():
        rows.append([label] + [_times(section[key]["ratios"][f"passerelle_vs_{path}"]) for key in keys])
    rows.append(["d: time outside the engine (s)"] + [section[key]["passerelle"]["overhead_seconds"] for key in keys])
    rows.append(["d: batches"] + [section[key]["passerelle"]["batches"] for key in keys])
    rows.append(["1-min load during the runs"] + ["{:.1f}-{:.1f}".format(*section[key]["load"]) for key in keys])
    title = (
        f"Translation: {section['sentences']} French sentences ({section['naive_sentences']} for a), "
        f"{section['new_tokens']} new tokens each"
    )
    return [title] + _table(rows)


def _summary_lines(report: dict[str, Any]) -> list[str]:
    section = report["summary"]
    rows: list[list[Any]] = [["", "seconds", "tokens/s", "speed-up"]]
    for part, label in (("en", "English summary"), ("fr", f"French summary ({section['fr']['sentences']} sentences)")):
        rows.append([f"{label}: transformers", section[part]["naive"]["seconds"], section[part]["naive"]["tokens_per_s"], ""])
        rows.append([f"{label}: Passerelle", section[part]["passerelle"]["seconds"], section[part]["passerelle"]["tokens_per_s"], _times(section[part]["speedup"])])
    title = (
        f"Summary: {section['input_tokens']}-token English input, {section['new_tokens']} new tokens, "
        f"beam {section['beams']}"
    )
    return [title] + _table(rows)


def _article_lines(report: dict[str, Any]) -> list[str]:
    section = report["article"]
    rows: list[list[Any]] = [["seconds", "translation", "English summary", "French summary", "total"]]
    for path, label in (("naive", "naive transformers"), ("passerelle", "Passerelle")):
        data = section[path]
        rows.append([label] + [data[f"{part}_seconds"] for part in ARTICLE_PARTS] + [data["seconds"]])
    rows.append(["speed-up", "", "", "", _times(section["speedup"])])
    title = (
        f"Whole article: {section['words']} French words, {section['sentences']} sentences; "
        f"summary of a {section['english_tokens']}-token English stand-in"
    )
    return [title] + _table(rows)


def _memory_lines(report: dict[str, Any]) -> list[str]:
    rows: list[list[Any]] = [["MiB", "after loading", "peak", "article (s)"]]
    for name, data in report["memory"].items():
        rows.append([f"Passerelle, {data['backend']}", data["loaded_mib"], data["peak_mib"], data["article"]["seconds"]])
    return ["Memory: fr-en + en-fr + summary models, fresh process, one whole article"] + _table(rows)


def _target_lines(report: dict[str, Any]) -> list[str]:
    rows = [
        ["met" if check["met"] else "MISSED", check["name"], f"{_cell(check['value'])} {check['comparison']} {_cell(check['target'])}"]
        for check in report["targets"]
    ]
    note = ["  (quick run: tiny models, the targets mean nothing here)"] if report["quick"] else []
    return ["Targets"] + _table(rows) + note


def render_table(report: dict[str, Any]) -> str:
    """The report as text for a terminal or a README."""
    machine = report["machine"]
    inputs = report["inputs"]
    head = [
        "Passerelle benchmark" + (" (quick)" if report["quick"] else "")
        + ": same-shape random models (opus-mt-fr-en, opus-mt-en-fr, distilbart-cnn-12-6)",
        f"{machine['cpus']} CPUs, {machine['threads']} threads; torch {machine['torch']}, transformers "
        f"{machine['transformers']}, ctranslate2 {machine['ctranslate2']}; 1-min load "
        f"{_cell(machine['load_before'])} before, {_cell(machine['load_after'])} after",
        f"Inputs: {inputs['origin']}; {inputs['source_tokens_per_word']} source tokens/word, "
        f"{inputs['mean_source_tokens']} tokens/sentence",
    ]
    sections = [head, _translation_lines(report), _summary_lines(report), _article_lines(report), _memory_lines(report), _target_lines(report)]
    return "\n\n".join("\n".join(lines) for lines in sections)
