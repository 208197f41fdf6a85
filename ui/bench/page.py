"""The web page (``page``): how soon ``passerelle ui`` is ready, and how soon the page answers.

Ready: the real server (``page_run``) spawned fresh on the benchmark's converted models,
timed from spawn until ``/ready`` says every model is loaded and the page itself answers (the
starting page, which translates and summarises through the API; then, reported beside it, until
the Gradio page has taken over), against the load part of the start-up section's minimal script (import ctranslate2 and
sentencepiece, load the model and its two tokenizers) in a fresh process too; best of
``page_ready_repeats`` each. The ratio's target is issue 15's 1.5x.

Answer: on the last server, an article of about ``page_words`` words (the sample articles,
whole paragraphs) is submitted the way the page submits it, through ``gradio_client``'s
streaming job on the Translate button's event, and each streamed frame is timed on arrival:
submit to the first translated paragraph, to the whole translation, to the English summary
and to the French one. Output lengths are fixed on the server's side, and the summary reads an
English stand-in of the article's translation (see ``page_run``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from passerelle.translate.engine.convert import convert_model
from passerelle.translate.engine.ct2_backend import thread_layout
from passerelle.translate.engine.models import default_threads, resolve_model

from ..config import CONVERSIONS_SUBDIR
from .sections import BenchContext, Check, Section
from .setup import BenchSettings, BenchTexts, english_text
from .startup import MINIMAL_SCRIPT
from .table import cell, plural, table, times

# The minimal script up to its first translation: imports, model and tokenizers loaded.
MINIMAL_LOAD_SCRIPT = MINIMAL_SCRIPT.split("pieces = ")[0]
READY_TIMEOUT_SECONDS = 300.0
ANSWER_TIMEOUT_SECONDS = 600.0
POLL_SECONDS = 0.01
STOP_SECONDS = 30.0
BUTTON_INPUTS = 9  # text, summary, quality, glossary, loaded file, direction, article only, link, keep
MILESTONES = ("first_paragraph", "translation", "summary_en", "summary_fr")
UNIT = re.compile(r'class="unit[ "]')
# A summary's text has come: its heading (of whatever level and class), then a paragraph.
SUMMARY_TEXT = {
    lang: re.compile(rf'<section class="summary" lang="{lang}"><h\d[^>]*>{title}</h\d><p>')
    for lang, title in (("en", "English"), ("fr", "Français"))
}


def measure_page(ctx: BenchContext) -> dict[str, Any]:
    settings = ctx.settings
    job = server_job(ctx)
    article = page_article(ctx.texts, settings.page_words)
    minimal: list[float] = []
    ready: list[float] = []
    full: list[float] = []
    answer: dict[str, Any] = {}
    for round_number in range(settings.page_ready_repeats):
        minimal.append(_minimal_load(job))
        last = round_number == settings.page_ready_repeats - 1
        (ready_seconds, full_seconds), answer_now = _serve(job, article if last else None)
        ready.append(ready_seconds)
        full.append(full_seconds)
        answer = answer_now or answer
    best_minimal, best_ready = min(minimal), min(ready)
    ratio = round(best_ready / best_minimal, 2) if best_minimal > 0 else None
    return {
        "words": len(article.split()),
        "paragraphs": len([p for p in article.split("\n\n") if p.strip()]),
        "beams": settings.target_beams,
        "new_tokens": settings.new_tokens,
        "summary_new_tokens": settings.summary_new_tokens,
        "repeats": settings.page_ready_repeats,
        "layout": job["layout"],
        "minimal_load_seconds": round(best_minimal, 3),
        "ready_seconds": round(best_ready, 3),
        "ready_ratio": ratio,
        "full_page_seconds": round(min(full), 3),
        **answer,
    }


def page_article(texts: BenchTexts, words: int) -> str:
    """Whole paragraphs of the sample articles, in order, until about ``words`` words."""
    paragraphs: list[str] = []
    count = 0
    for article in texts.articles:
        for paragraph in re.split(r"\n\s*\n", article):
            if count >= words:
                break
            if paragraph.strip():
                paragraphs.append(paragraph.strip())
                count += len(paragraph.split())
    return "\n\n".join(paragraphs)


def server_job(ctx: BenchContext, name: str = "page", **overrides: Any) -> dict[str, Any]:
    """What the server's process (``page_run``) needs: the models, a cache whose ``ct2`` is the
    benchmark's conversions, a free port, the fixed lengths (``overrides`` change any of it);
    written to ``NAME-job.json`` in the work directory."""
    models, settings = ctx.models, ctx.settings
    cache = ctx.workdir / "page-cache"
    cache.mkdir(parents=True, exist_ok=True)
    if not (cache / CONVERSIONS_SUBDIR).exists():
        (cache / CONVERSIONS_SUBDIR).symlink_to(models.cache.resolve(), target_is_directory=True)
    workers, threads = thread_layout(settings.threads or default_threads(), 0, "cpu")  # as Passerelle picks
    count = ctx.passerelle.summarizer.count_tokens
    english, passages = english_text(ctx.texts.english, count, settings.article_english_tokens)
    job = {
        "fr_en": str(models.fr_en),
        "en_fr": str(models.en_fr),
        "summary": str(models.summary),
        "converted": str(convert_model(resolve_model(str(models.fr_en)), settings.quantization, cache_dir=models.cache)),
        "cache": str(cache),
        "threads": settings.threads,
        "port": _free_port(),
        "beams": settings.target_beams,
        "new_tokens": settings.new_tokens,
        "summary_new_tokens": settings.summary_new_tokens,
        "summary_beams": settings.summary_beams,
        "quantization": settings.quantization,
        "english_article": english,
        "english_passages": passages,
        "layout": {"workers": workers, "threads_per_worker": threads},
        **overrides,
    }
    path = ctx.workdir / f"{name}-job.json"
    path.write_text(json.dumps(job), encoding="utf-8")
    return {**job, "path": str(path)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _minimal_load(job: dict[str, Any]) -> float:
    """Seconds from spawn to exit of the minimal script's load part."""
    layout = job["layout"]
    arguments = [job["converted"], "-", job["beams"], job["new_tokens"], job["quantization"]]
    arguments += [layout["workers"], layout["threads_per_worker"]]
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", MINIMAL_LOAD_SCRIPT, *map(str, arguments)],
        capture_output=True,
        text=True,
        timeout=READY_TIMEOUT_SECONDS,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"the page benchmark's minimal load failed:\n{completed.stderr[-2000:]}")
    return elapsed


def _serve(job: dict[str, Any], article: str | None) -> tuple[tuple[float, float], dict[str, Any]]:
    """Spawn the server, time it to ready and to the full page, submit ``article`` if given,
    stop it."""
    started = time.perf_counter()
    with running_server(job, "page") as (child, url):
        wait_ready(child, url)
        ready = time.perf_counter() - started
        wait_full_page(child, url)
        full = time.perf_counter() - started
        answer = submit_article(url, article) if article is not None else {}
    return (ready, full), answer


@contextlib.contextmanager
def running_server(job: dict[str, Any], section: str, env: dict[str, str] | None = None) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``page_run`` on ``job`` in a fresh process (its output in a log file of the work
    directory: a pipe nobody reads would stall a long run), and its URL; stopped with SIGINT
    as a user would, or killed if the block fails (the error then carries the server's output)."""
    log_path = Path(job["path"]).with_suffix(".log")
    with open(log_path, "w", encoding="utf-8") as log:
        child = subprocess.Popen(
            [sys.executable, "-m", "passerelle.ui.bench.page_run", job["path"]],
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **(env or {})},
        )
        try:
            yield child, f"http://127.0.0.1:{job['port']}/"
        except BaseException as error:
            child.kill()
            child.wait(timeout=STOP_SECONDS)
            output = log_path.read_text(encoding="utf-8", errors="replace")
            raise RuntimeError(f"the {section} benchmark failed ({error}); the server's output:\n{output[-3000:]}") from error
        child.send_signal(signal.SIGINT)
        child.wait(timeout=STOP_SECONDS)
    if child.returncode != 0:
        output = log_path.read_text(encoding="utf-8", errors="replace")
        raise RuntimeError(f"the {section} benchmark's server exited with {child.returncode}:\n{output[-3000:]}")


def wait_ready(child: subprocess.Popen[str], url: str) -> None:
    """Until ``/ready`` answers 200 and so does the page."""
    _wait(child, lambda: _status(url + "ready")[0] == 200 and _status(url)[0] == 200)


def wait_full_page(child: subprocess.Popen[str], url: str) -> None:
    """Until ``/ready`` says the Gradio page has taken over."""
    _wait(child, lambda: json.loads(_status(url + "ready")[1] or "{}").get("page") == "ready")


def _wait(child: subprocess.Popen[str], done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"the server exited with {child.returncode} before it was ready")
        if done():
            return
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"the server was not ready after {READY_TIMEOUT_SECONDS:.0f} s")


def _status(url: str) -> tuple[int | None, bytes]:
    """The status and body of a GET (None and nothing when nobody answers)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return int(answer.status), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return None, b""


def submit_article(url: str, article: str) -> dict[str, Any]:
    """The page's Translate event through ``gradio_client``'s streaming job: seconds from
    submit to each milestone (``MILESTONES``), and how many frames came."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    index = translate_event(client)
    # gradio_client refuses the private events by default, but the server takes them by
    # number, as it does from the page (``/queue/join`` with ``fn_index``): the same path.
    client.endpoints[index].is_valid = True
    # The event's inputs but the uploads, a gr.State that gradio_client fills itself.
    inputs = [article, "Medium", "Best (beam search)", "", "French → English", False, "", False]
    started = time.perf_counter()
    job = client.submit(*inputs, fn_index=index)
    seen: dict[str, float] = {}
    frames = 0
    for frame in job:
        frames += 1
        now = round(time.perf_counter() - started, 3)
        for name in _milestones(frame):
            seen.setdefault(name, now)
    job.result(timeout=ANSWER_TIMEOUT_SECONDS)  # raises the page's error, if any
    missing = [name for name in MILESTONES if name not in seen]
    if missing:
        raise RuntimeError(f"the page's answer never showed: {', '.join(missing)}")
    return {"seconds": {name: seen[name] for name in MILESTONES}, "frames": frames}


def translate_event(client: Any) -> int:
    """The Translate button's event: the page's only event with the button's seven inputs
    (it is private, so it has no API name)."""
    dependencies = client.config["dependencies"]
    found = [
        dependency.get("id", number)
        for number, dependency in enumerate(dependencies)
        if len(dependency["inputs"]) == BUTTON_INPUTS and dependency.get("api_name") in (None, False, "run")
    ]
    if len(found) != 1:
        raise RuntimeError(f"cannot tell the Translate event among the page's {len(dependencies)} events")
    return int(found[0])


def _milestones(frame: Sequence[Any]) -> list[str]:
    """What one frame (status, original, translation, summary, downloads) shows."""
    original, translation, summary = (str(frame[i] or "") for i in (1, 2, 3))
    shown = []
    translated = len(UNIT.findall(translation))
    if translated:
        shown.append("first_paragraph")
    if translated and translated == len(UNIT.findall(original)):
        shown.append("translation")
    shown += [f"summary_{lang}" for lang, marker in SUMMARY_TEXT.items() if marker.search(summary)]
    return shown


def page_lines(section: dict[str, Any], report: dict[str, Any]) -> list[str]:
    layout, seconds = section["layout"], section["seconds"]
    rows: list[list[Any]] = [
        ["minimal script's load: ctranslate2 + sentencepiece, model and tokenizers", section["minimal_load_seconds"]],
        ["passerelle ui: spawn to ready (/ready 200: three models loaded, starting page served)", section["ready_seconds"]],
        [f"ratio (target <= {cell(report['settings']['targets']['page_ready_ratio'])}x)", times(section["ready_ratio"])],
        ["passerelle ui: spawn to the full (Gradio) page", section["full_page_seconds"]],
        ["submit to the first translated paragraph", seconds["first_paragraph"]],
        ["submit to the whole translation", seconds["translation"]],
        ["submit to the English summary", seconds["summary_en"]],
        ["submit to the French summary", seconds["summary_fr"]],
    ]
    return (
        [
            f"Web page: fresh server, best of {section['repeats']} (seconds); then an article of "
            f"{section['words']} words ({plural(section['paragraphs'], 'paragraph')}) through gradio_client's "
            f"streaming job, {section['new_tokens']} new tokens a sentence at beam {section['beams']}, "
            f"summary {section['summary_new_tokens']} tokens; "
            f"{plural(layout['workers'], 'worker')} x {plural(layout['threads_per_worker'], 'thread')}"
        ]
        + table(rows)
        + (["  (quick run: tiny models, where fixed costs dominate; the verdicts mean nothing)"] if report["quick"] else [])
    )


def page_checks(section: dict[str, Any], settings: BenchSettings) -> list[Check]:
    targets = settings.targets
    return [
        Check(
            "page: submit to the first translated paragraph (s)",
            section["seconds"]["first_paragraph"],
            "<=",
            targets.page_first_paragraph_seconds,
        ),
        Check("page: ready / the minimal script's load", section["ready_ratio"], "<=", targets.page_ready_ratio),
    ]


SECTION = Section("page", measure_page, page_lines, page_checks)
