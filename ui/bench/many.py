"""Bench section "many": a folder of articles with summaries through the batch script, one
article after another (groups of one, the per-file path) against groups of articles made
together (``AppConfig.batch_group``: shared translation batches, summary chunks and summary
translations), in articles per minute.

Both paths run the batch script's own code (``run_local``) on the same files, the same models
(the benchmark's, output lengths fixed), taking turns, the best run of each kept; their
outputs are compared file by file. The articles are the benchmark's texts, cycled; from the
second round each sentence carries the round's number, so that no sentence repeats in the
folder (a group would otherwise translate a repeated sentence once, which proves nothing).
The summariser reads an English stand-in per article (see ``StandInEnglish``).
"""

from __future__ import annotations

import copy
import io
import json
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from passerelle.summarize import Summarizer, Summary
from passerelle.translate import Translator
from passerelle.translate.sentences import french_sentences

from ..article import ArticleOptions
from ..article.models import GivenModels
from ..batch import Status, discover, run_local
from ..config import AppConfig
from .code_paths import ARTICLE_LENGTH, fixed_generation
from .machine import load_average
from .sections import BenchContext, Check, Section
from .setup import BenchSettings, english_text
from .table import plural, table, times

PATHS = ("one", "many")


def many_articles(articles: Sequence[str], count: int, sentences: int | None) -> list[str]:
    """``count`` French articles from ``articles`` (cycled), each of its first ``sentences``
    sentences (None: all), paragraphs kept; no sentence twice in the folder."""
    made = []
    for index in range(count):
        round_number = index // len(articles)
        paragraphs: list[str] = []
        taken = 0
        for line in articles[index % len(articles)].splitlines():
            if not line.strip() or (sentences is not None and taken >= sentences):
                continue
            parts = list(french_sentences(line.strip()))
            keep = parts if sentences is None else parts[: sentences - taken]
            taken += len(keep)
            paragraphs.append(" ".join(_marked(part, round_number) for part in keep))
        made.append("\n\n".join(paragraphs) + "\n")
    return made


def _marked(sentence: str, round_number: int) -> str:
    """The sentence, made distinct from its earlier rounds by the round's number."""
    if round_number == 0:
        return sentence
    mark = f" ({round_number + 1})"
    end = sentence.rstrip()
    return end[:-1] + mark + end[-1] if end and end[-1] in ".!?…" else end + mark


def _fixed(translator: Translator, beams: int, new_tokens: int) -> Translator:
    """The same loaded model, its outputs at a fixed length."""
    fixed = copy.copy(translator)
    fixed.options = translator.options.merged(fixed_generation(beams, new_tokens))
    return fixed


class StandInEnglish:
    """The Summarizer, reading for each article an English stand-in of
    ``article_english_tokens`` tokens (whole sample sentences) instead of its translation.

    Random weights translate into noise that the summariser's tokenizer cuts into some 15
    times more tokens than a real translation (many chunks, then reduce rounds that never
    shrink); a real seed-sized article's English is one chunk, as the stand-in is. Each
    article gets its own stand-in (the sample sentences from a place of its own, the same
    article always the same one), so no two summaries are alike, on both paths alike.
    """

    def __init__(self, inner: Summarizer, lines: Sequence[str], tokens: int) -> None:
        self.inner, self.lines, self.tokens = inner, list(lines), tokens
        self._known: dict[str, tuple[str, list[str]]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def stand_in(self, text: str) -> tuple[str, list[str]]:
        if text not in self._known:
            shift = (len(self._known) * 7) % len(self.lines)
            lines = self.lines[shift:] + self.lines[:shift]
            self._known[text] = english_text(lines, self.inner.count_tokens, self.tokens)
        return self._known[text]

    def summarize_stream(self, text: str, length: str | None = None, **kwargs: Any) -> Iterator[Summary]:
        english, sentences = self.stand_in(text)
        return self.inner.summarize_stream(english, length, **(kwargs | {"passages": sentences}))

    def summarize_many(self, texts: Sequence[str], length: str | None = None, **kwargs: Any) -> list[Summary]:
        stand_ins = [self.stand_in(text) for text in texts]
        passages = [sentences for _, sentences in stand_ins]
        return self.inner.summarize_many([english for english, _ in stand_ins], length, **(kwargs | {"passages": passages}))


def batch_services(ctx: BenchContext, group: int) -> GivenModels:
    """The batch script's services on the benchmark's models, every output length fixed."""
    settings, models = ctx.settings, ctx.models
    fr_en = _fixed(ctx.passerelle.fr_en, settings.target_beams, settings.new_tokens)
    en_fr = _fixed(ctx.passerelle.en_fr.translator, settings.target_beams, settings.new_tokens)
    summarizer = copy.copy(ctx.passerelle.summarizer)  # its presets are all the fixed length
    summarizer.translator = en_fr
    reader = StandInEnglish(summarizer, ctx.texts.english, settings.article_english_tokens)
    config = AppConfig(
        model=str(models.fr_en),
        summary_model=str(models.summary),
        summary_translation_model=str(models.en_fr),
        batch_group=group,
    )
    return GivenModels(config, fr_en, reader)  # type: ignore[arg-type]  # duck-typed Summarizer


def _outputs(out: Path) -> dict[str, bytes]:
    """What the runs are compared on: translations and summaries, byte for byte."""
    return {path.name: path.read_bytes() for path in sorted(out.iterdir()) if not path.name.endswith(".json")}


def measure(ctx: BenchContext) -> dict[str, Any]:
    settings = ctx.settings
    group = settings.many_group or AppConfig().batch_group
    services = batch_services(ctx, group)
    articles = many_articles(ctx.texts.articles, settings.many_articles, settings.many_article_sentences)
    folder = ctx.workdir / "many" / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    for index, text in enumerate(articles):
        (folder / f"article{index:02d}.txt").write_text(text, encoding="utf-8")
    options = ArticleOptions(summarize=True, summary_length=ARTICLE_LENGTH, num_beams=settings.target_beams)
    sizes = {"one": 1, "many": group}
    warm = ctx.workdir / "many" / "warm-up"
    run_local(discover([str(folder / "article00.txt")], warm, services.config), services, options, True, 1, io.StringIO())
    load_before = load_average()
    best: dict[str, float] = {}
    for turn, name in enumerate(PATHS * settings.many_repeats):
        out = ctx.workdir / "many" / f"{name}-{turn}"
        jobs = discover([str(folder)], out, services.config)
        started = time.perf_counter()
        outcomes = run_local(jobs, services, options, True, sizes[name], io.StringIO())
        seconds = time.perf_counter() - started
        failed = [outcome.error for outcome in outcomes if outcome.status != Status.DONE]
        if failed:
            raise RuntimeError(f"the {name} path failed: {failed[:3]}")
        best[name] = min(seconds, best.get(name, seconds))
    first = {name: _outputs(ctx.workdir / "many" / f"{name}-{PATHS.index(name)}") for name in PATHS}
    differing = sorted(name for name, data in first["one"].items() if first["many"].get(name) != data)
    per_minute = {name: round(len(articles) * 60 / seconds, 2) for name, seconds in best.items()}
    records = [json.loads(path.read_text()) for path in sorted((ctx.workdir / "many" / "many-1").glob("*.json"))]
    return {
        "articles": len(articles),
        "group": group,
        "words": round(sum(len(text.split()) for text in articles) / len(articles)),
        "sentences": sum(outcome.pieces for outcome in outcomes),
        "repeats": settings.many_repeats,
        "english_tokens": settings.article_english_tokens,
        "summary_chunks": sorted({record["summary"]["chunks"] for record in records}),
        "seconds": {name: round(seconds, 2) for name, seconds in best.items()},
        "articles_per_minute": per_minute,
        "speedup": round(per_minute["many"] / per_minute["one"], 2) if per_minute["one"] else None,
        # Output files (translations, summaries) not byte-identical between the paths: int8
        # arithmetic on padded batches of another shape can tip a beam search elsewhere.
        "files": len(first["one"]),
        "differing_files": differing,
        "load": [load_before, load_average()],
    }


def lines(section: dict[str, Any], report: dict[str, Any]) -> list[str]:  # noqa: ARG001
    group, rate, seconds = section["group"], section["articles_per_minute"], section["seconds"]
    rows = [
        ("path", "seconds", "articles/min"),
        ("one article after another (--group 1)", seconds["one"], rate["one"]),
        (f"groups of {group} articles (--group {group})", seconds["many"], rate["many"]),
    ]
    differing = section["differing_files"]
    same = f"{len(differing)} of {section['files']} output files differ" if differing else "identical"
    return [
        "",
        f"Many articles: a folder of {plural(section['articles'], 'article')} of ~{section['words']} words"
        f" ({section['sentences']} sentences), with summaries (of a {section['english_tokens']}-token English"
        " stand-in each), through the batch script:",
        *table(rows),
        f"  groups / one by one: {times(section['speedup'])}; translations and summaries: {same};"
        f" load {section['load'][0]} -> {section['load'][1]}",
    ]


def checks(section: dict[str, Any], settings: BenchSettings) -> list[Check]:
    target = settings.targets.many_articles_speedup
    return [Check(f"many articles: groups of {section['group']} vs one by one, articles/min", section["speedup"], ">=", target)]


SECTION = Section("many", measure, lines, checks)
