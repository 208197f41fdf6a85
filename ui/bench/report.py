"""The benchmark's verdicts (targets met or missed) and its human-readable table."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from .extras import ALL_SECTIONS
from .setup import BenchSettings
from .table import beam_name, cell, plural, table, times, value_range

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
    checks: list[tuple[str, Any, str, float]] = []
    if "startup" in report:
        checks.append(("start-up, one-sentence batch command / minimal script", report["startup"]["ratio"], "<=", targets.startup_ratio))
    if "translation" in report:
        ratios = report["translation"][f"beam_{beams}"]["ratios"]
        checks += [
            (
                f"d/a (Passerelle vs one sentence at a time), beam {beams}",
                ratios["passerelle_vs_naive"],
                ">=",
                targets.vs_naive,
            ),
            (
                f"d/c (Passerelle vs raw CTranslate2), beam {beams}",
                ratios["passerelle_vs_ctranslate2"],
                ">=",
                targets.vs_ctranslate2,
            ),
        ]
    if "article" in report:
        checks.append(("whole article, speed-up over naive", report["article"]["speedup"], ">=", targets.article_speedup))
    if "memory" in report:
        checks.append(
            (
                "peak RSS, three models, CTranslate2 (MiB)",
                report["memory"]["ctranslate2"]["peak_mib"],
                "<=",
                targets.peak_rss_mib,
            )
        )
    checks += [
        (check.name, check.value, check.comparison, check.target)
        for section in ALL_SECTIONS
        if section.key in report
        for check in section.checks(report[section.key], settings)
    ]
    return [
        {
            "name": name,
            "value": value,
            "comparison": op,
            "target": target,
            "met": value is not None and COMPARISONS[op](value, target),
        }
        for name, value, op, target in checks
    ]


def render_table(report: dict[str, Any]) -> str:
    """The report as plain text for a terminal or a README code block."""
    core = {
        "startup": _startup_lines,
        "translation": _translation_lines,
        "summary": _summary_lines,
        "article": _article_lines,
    }
    sections = [
        _head_lines(report),
        *[lines(report) for key, lines in core.items() if key in report],
        *[section.lines(report[section.key], report) for section in ALL_SECTIONS if section.key in report],
        *([_memory_lines(report)] if "memory" in report else []),
        _target_lines(report),
    ]
    return "\n\n".join("\n".join(lines) for lines in sections)


# Sections ------------------------------------------------------------------------------------


def _head_lines(report: dict[str, Any]) -> list[str]:
    machine, inputs = report["machine"], report["inputs"]
    quick = " (quick: tiny models)" if report["quick"] else ""
    return [
        f"Passerelle benchmark{quick}: same-shape random models (opus-mt-fr-en, opus-mt-en-fr, distilbart-cnn-12-6)",
        f"{machine['cpus']} CPUs ({machine['cpu']}, {machine['isa']}), {plural(machine['threads'], 'thread')}; "
        f"torch {machine['torch']}, transformers {machine['transformers']}, "
        f"ctranslate2 {machine['ctranslate2']}",
        f"1-min load average: {cell(machine['load_before'])} before, {cell(machine['load_after'])} after",
        f"Inputs: {inputs['origin']}",
        f"  {inputs['source_tokens_per_word']} source tokens/word, {inputs['mean_source_tokens']} tokens/sentence",
    ]


def _startup_lines(report: dict[str, Any]) -> list[str]:
    section = report["startup"]
    layout = section["layout"]
    imports = section["passerelle"].get("imports", {})
    heavy = ", ".join(name for name, imported in imports.items() if imported) or "none"
    rows: list[list[Any]] = [
        ["minimal script: ctranslate2 + sentencepiece, translate, print", section["minimal"]["seconds"]],
        ["passerelle translate FILE (converted model)", section["passerelle"]["seconds"]],
        [f"ratio (target <= {cell(section['target'])}x)", times(section["ratio"])],
    ]
    verdict = "met" if section["met"] else "MISSED"
    return (
        [
            f"Start-up: one sentence, {section['new_tokens']} new tokens, beam {section['beams']}, "
            f"{plural(layout['workers'], 'worker')} x {plural(layout['threads_per_worker'], 'thread')}; "
            f"fresh process each, spawn to exit, best of {section['repeats']} (seconds)"
        ]
        + table(rows)
        + [f"  {verdict}; torch / transformers imported by Passerelle's run: {heavy}"]
        + (["  (quick run: tiny models, where fixed costs dominate; the verdict means nothing)"] if report["quick"] else [])
    )


def _translation_lines(report: dict[str, Any]) -> list[str]:
    section, settings = report["translation"], report["settings"]
    keys = [key for key in section if key.startswith("beam_")]
    rows: list[list[Any]] = [["generated tokens/s"] + [beam_name(key) for key in keys]]
    for path, label in PATH_LABELS.items():
        rows.append([label.format(**settings)] + [section[key][path]["tokens_per_s"] for key in keys])
    for path, label in RATIO_LABELS.items():
        rows.append([label] + [times(section[key]["ratios"][f"passerelle_vs_{path}"]) for key in keys])
    passerelle = [section[key]["passerelle"] for key in keys]
    rows.append(["d: seconds outside the engine"] + [data["overhead_seconds"] for data in passerelle])
    rows.append(["d: engine calls (batches)"] + [data["batches"] for data in passerelle])
    rows.append(["1-min load during the runs"] + [value_range(section[key]["load"]) for key in keys])
    if "masking_seconds" in section:  # protection is off in d (see bench_translator_settings)
        rows.append(["masking spans, all sentences (s)"] + [section["masking_seconds"]] * len(keys))
    title = (
        f"Translation: {section['sentences']} French sentences ({section['naive_sentences']} for a), "
        f"{section['new_tokens']} new tokens each; c and d: best of {section['engine_repeats']}"
    )
    layout = section.get("ctranslate2_layout")
    if layout:  # c is given the layout Passerelle picked, so d/c compares like with like
        title += f"; CTranslate2 layout (c and d): {plural(layout['workers'], 'worker')} x {plural(layout['threads_per_worker'], 'thread')}"
    return [title] + table(rows)


def _summary_lines(report: dict[str, Any]) -> list[str]:
    section = report["summary"]
    rows: list[list[Any]] = [["", "seconds", "tokens/s", "speed-up"]]
    french = f"French ({plural(section['fr']['sentences'], 'sentence')})"
    labels = {
        "en": ("English: transformers generate", "English: Passerelle Summarizer"),
        "fr": (f"{french}: transformers, one at a time", f"{french}: Passerelle Translator"),
    }
    for part, (naive_label, our_label) in labels.items():
        naive, ours = section[part]["naive"], section[part]["passerelle"]
        speedup = times(section[part]["speedup"])
        rows.append([naive_label, naive["seconds"], naive["tokens_per_s"], ""])
        rows.append([our_label, ours["seconds"], ours["tokens_per_s"], speedup])
    title = (
        f"Summary: {section['input_tokens']}-token English input, {section['new_tokens']} new tokens, "
        f"beam {section['beams']}; its French translation"
    )
    return [title] + table(rows)


def _article_lines(report: dict[str, Any]) -> list[str]:
    section = report["article"]
    rows: list[list[Any]] = [["seconds", "translation", "English summary", "French summary", "total"]]
    for path, label in (("naive", "naive transformers"), ("passerelle", "Passerelle")):
        data = section[path]
        rows.append([label] + [data[f"{part}_seconds"] for part in ARTICLE_PARTS] + [data["seconds"]])
    rows.append(["speed-up", "", "", "", times(section["speedup"])])
    title = (
        f"Whole article: {section['words']} French words, {section['sentences']} sentences; "
        f"summary of a {section['english_tokens']}-token English stand-in"
    )
    return [title] + table(rows)


def _memory_lines(report: dict[str, Any]) -> list[str]:
    rows: list[list[Any]] = [["MiB", "after loading", "peak", "article (s)"]]
    for data in report["memory"].values():
        label = f"Passerelle, {data['backend']}"
        rows.append([label, data["loaded_mib"], data["peak_mib"], data["article"]["seconds"]])
    return (
        ["Memory: fr-en + en-fr + summary models in a fresh process, then one whole article"]
        + table(rows)
        + ["  (transformers maps its weights lazily: they count once the article has used them)"]
    )


def _target_lines(report: dict[str, Any]) -> list[str]:
    rows = [
        [
            "met" if check["met"] else "MISSED",
            check["name"],
            f"{cell(check['value'])} {check['comparison']} {cell(check['target'])}",
        ]
        for check in report["targets"]
    ]
    note = ["  (quick run: tiny models, so these verdicts mean nothing)"] if report["quick"] else []
    if not rows:
        return ["Targets: none for the sections measured"]
    return ["Targets"] + table(rows) + note
