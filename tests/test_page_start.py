"""A page that is ready soon and answers at once (issue 15): the first paragraph translated
alone, the models loaded side by side from the start with every failure shown, the first
article spared the one-off costs, and ``passerelle ui`` ready without torch on the
CTranslate2 path."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from passerelle.translate import Translator
from passerelle.translate.engine.convert import convert_model
from passerelle.translate.engine.models import resolve_model
from passerelle.ui.article import LoadedModels
from passerelle.ui.article.models import ModelState
from passerelle.ui.config import AppConfig
from tests.helpers import ROOT, free_port

FAST = {"num_beams": 1, "max_new_tokens": 8}
ARTICLE = (
    "Le conseil municipal s'est réuni lundi soir. Il a voté le budget. La séance a duré trois heures.\n\n"
    "Les travaux de la gare commenceront en mars. Ils dureront deux ans.\n\n"
    "Le maire a salué un accord historique. L'opposition a voté contre.\n\n"
    "La prochaine réunion aura lieu en juin."
)


def result_events(translator: Translator, text: str) -> list[Any]:
    return [event.result for event in translator.translate_stream(text, FAST) if event.result is not None]


@pytest.mark.model
def test_the_first_paragraph_is_translated_alone_first(marian_fr_en_dir: Path) -> None:
    translator = Translator(str(marian_fr_en_dir), backend="transformers", generation=FAST)
    results = result_events(translator, ARTICLE)
    assert [result.units_done for result in results[:2]] == [0, 1]  # the split, then paragraph 1
    assert len(results[1].segments) == 3 and not results[1].complete
    assert results[-1].complete and results[-1].units_done == 4
    assert results[-1].text == translator.translate(ARTICLE, FAST).text  # waves change nothing else


@pytest.mark.model
def test_a_one_paragraph_text_is_one_wave(marian_fr_en_dir: Path) -> None:
    translator = Translator(str(marian_fr_en_dir), backend="transformers", generation=FAST)
    results = result_events(translator, "Le conseil municipal s'est réuni lundi soir. Il a voté le budget.")
    assert [result.units_done for result in results] == [0, 1] and results[-1].complete


@pytest.mark.model
def test_warm_up_loads_every_model_side_by_side(tiny_config: Callable[..., AppConfig], monkeypatch: pytest.MonkeyPatch) -> None:
    loaders: dict[str, str] = {}
    load_translator, load_summarizer = LoadedModels._load_translator, LoadedModels._load_summarizer

    def translator(self: LoadedModels, field: str, source: str) -> Any:
        loaders[field] = threading.current_thread().name
        return load_translator(self, field, source)  # type: ignore[arg-type]

    def summarizer(self: LoadedModels) -> Any:
        loaders["summary_model"] = threading.current_thread().name
        return load_summarizer(self)

    monkeypatch.setattr(LoadedModels, "_load_translator", translator)
    monkeypatch.setattr(LoadedModels, "_load_summarizer", summarizer)
    services = LoadedModels(tiny_config())
    assert not services.ready()
    services.warm_up()
    assert services.ready() and services.translator_loaded("auto")
    assert set(loaders) == {"model", "summary_translation_model", "summary_model"}
    assert len(set(loaders.values())) == 3, loaders  # one thread each
    assert services.summarizer().translator is services.translator("en")  # one en→fr model, shared
    assert services.summarizer().summarize(ARTICLE.replace("\n\n", " ") * 3, "short").fr  # and it works


@pytest.mark.model
def test_a_background_warm_up_starts_once_and_can_be_awaited(tiny_config: Callable[..., AppConfig]) -> None:
    services = LoadedModels(tiny_config())
    assert services.wait_warm_up(0)  # nothing started: nothing to wait for
    services.start_warm_up()
    first = services._warming
    services.start_warm_up()
    assert services._warming is first
    assert services.wait_warm_up(120) and services.ready()


@pytest.mark.model
def test_a_missing_model_fails_alone_and_says_which(tmp_path: Path, tiny_config: Callable[..., AppConfig]) -> None:
    services = LoadedModels(tiny_config(summary_model=str(tmp_path / "absent")))
    services.warm_up()  # no exception: the page and the probes show it
    status = services.status()
    assert status["translation"].state == ModelState.READY
    assert status["summary"].state == ModelState.FAILED and "--summary-model" in status["summary"].detail
    assert services.translator_loaded("auto") and not services.ready()


@pytest.mark.model
def test_a_broken_model_is_shown_failed_and_logged_with_its_traceback(
    tmp_path: Path, tiny_config: Callable[..., AppConfig], bart_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for item in bart_dir.iterdir():
        if item.is_file():
            (broken / item.name).write_bytes(item.read_bytes())
    (broken / "model.safetensors").write_bytes(b"these are not weights")
    services = LoadedModels(tiny_config(summary_model=str(broken)))
    with caplog.at_level(logging.ERROR, logger="passerelle"):
        services.warm_up()
    summary = services.status()["summary"]
    assert summary.state == ModelState.FAILED and summary.detail
    assert services.status()["translation"].state == ModelState.READY
    assert any(record.exc_info or "broken" in record.getMessage() for record in caplog.records), caplog.text


# ``passerelle ui`` as a user starts it, watched from a thread of its own process: once /ready
# says 200, what it says, which heavy modules the process imported and what ``/`` is; then the
# same once the Gradio page is up; then Ctrl-C.
WATCH = """\
import json, os, signal, sys, threading, time, urllib.request, urllib.error
from passerelle.ui.cli import main

def report(url, body):
    page = urllib.request.urlopen(url, timeout=5).read().decode()
    heavy = {name: name in sys.modules for name in ("torch", "transformers")}
    print("REPORT " + json.dumps({"ready": body, "gradio": "gradio" in page.lower(), "heavy": heavy}), flush=True)

def watch(url):
    first = True
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "ready", timeout=5) as answer:
                body = json.loads(answer.read())
            if first:
                report(url, body)
                first = False
            if body["page"] == "ready":
                report(url, body)
                break
        except Exception as error:  # the server is still starting: say what happened, look again
            print(f"WATCH {type(error).__name__}: {error}", file=sys.stderr, flush=True)
        time.sleep(0.05)
    os.kill(os.getpid(), signal.SIGINT)

threading.Thread(target=watch, args=(f"http://127.0.0.1:{sys.argv[1]}/",), daemon=True).start()
sys.exit(main(["ui", "--port", sys.argv[1], "--backend", "ctranslate2"]))
"""


@pytest.mark.cli
def test_passerelle_ui_gets_ready_without_torch(
    tiny_model_env: dict[str, str], marian_fr_en_dir: Path, marian_en_fr_dir: Path, bart_dir: Path
) -> None:
    for directory in (marian_fr_en_dir, marian_en_fr_dir, bart_dir):  # converted once, as on first use
        convert_model(resolve_model(directory), "int8")
    port = str(free_port())
    completed = subprocess.run(
        [sys.executable, "-c", WATCH, port],
        cwd=ROOT,
        env={**os.environ, "OMP_NUM_THREADS": "1", "PASSERELLE_SHUTDOWN_GRACE": "1", **tiny_model_env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("REPORT ")]
    assert completed.returncode == 0 and len(lines) == 2, (lines, completed.stderr[-3000:])
    ready, full = (json.loads(line.removeprefix("REPORT ")) for line in lines)
    for report in ready, full:
        assert report["ready"]["status"] == "ready"
        assert {item["state"] for item in report["ready"]["models"].values()} == {"ready"}
        assert report["heavy"] == {"torch": False, "transformers": False}, report
    # Ready first (the API and the starting page answering), the Gradio page then taking over.
    assert ready["gradio"] == (ready["ready"]["page"] == "ready")
    assert full["ready"]["page"] == "ready" and full["gradio"]


@pytest.mark.model
def test_an_article_still_running_when_the_process_stops_ends_at_its_next_batch(
    tiny_config: Callable[..., AppConfig],
) -> None:
    from passerelle.ui.article import ArticleOptions, article_stream
    from passerelle.ui.article.models import StoppingError

    services = LoadedModels(tiny_config())
    events = article_stream(ARTICLE, services, ArticleOptions(summarize=False))
    next(events)  # under way
    services.close()  # what ``passerelle ui`` does once its server has stopped
    with pytest.raises(StoppingError, match="stopping"):
        list(events)
