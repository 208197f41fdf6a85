"""Bench section "soak" (measured only when named: ``passerelle bench --only soak``): does a
running server's memory level off? The real ``passerelle ui`` (``page_run``, the page
section's server, on the benchmark's converted models) gets ``soak_requests`` requests in
turns of three, each as its client really sends it:

* REST: ``POST /translate`` (every fifth one ``/translate_file`` with a small text file, then
  its download);
* the Gradio API: ``gradio_client``'s ``predict`` on ``/translate``, each call in a session of
  its own (``reset_session``), as a script run per article has; the client's heartbeat (which
  would tell the server when the client has gone) does not attach to such short sessions, so
  these are the sessions Gradio would hold the longest;
* a page job as a browser makes it: the page, its heartbeat stream, the page's load event, the
  Translate button's event through the queue (``/queue/join``, then the event stream until
  the job is done), the Markdown download; then the tab is closed (the heartbeat ends).

Every ``soak_every`` requests the server's resident set (``VmRSS`` of its process) and its
temporary files (under the ``TMPDIR`` it was given) are read; the slope of the RSS from
``soak_warmup`` requests on, fitted by least squares, is given in MiB per 1,000 requests,
against the target of ``targets.soak_mib_per_1000``. The server's temporary files are bounded to
``soak_max_temp_files`` (low, so that the bound is reached and must hold).

Translations only, greedy, every output ``new_tokens`` tokens: sessions, queue and files are
what grows with requests; the models' own memory is the memory section's.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .machine import load_average
from .page import BUTTON_INPUTS, running_server, server_job, wait_full_page, wait_ready
from .sections import BenchContext, Check, Section
from .setup import BenchSettings
from .table import cell, plural, table

KINDS = ("rest", "api", "page")
FILE_EVERY = 5  # every fifth REST request translates a file (and downloads it)
REQUEST_TIMEOUT_SECONDS = 120.0
# The page's inputs besides the text: no summary, greedy, no glossary, no file, fr → en.
PAGE_INPUTS = ["None", "Fast (greedy)", "", None, "French → English", False, "", False]  # ..., article only, link, keep
PROC = Path("/proc")
KIB_PER_MIB = 1024


class SoakClients:
    """The three kinds of request, each as its own client sends it."""

    def __init__(self, url: str, texts: list[str]) -> None:
        import httpx
        from gradio_client import Client

        self.url = url.rstrip("/")
        self.texts = texts
        self.http = httpx.Client(base_url=self.url, timeout=REQUEST_TIMEOUT_SECONDS)
        dependencies = self.http.get("/config").raise_for_status().json()["dependencies"]
        self.button = _one(dependencies, lambda d: len(d["inputs"]) == BUTTON_INPUTS, "the Translate button's event")
        self.load = _one(dependencies, lambda d: any(t[1] == "load" for t in d["targets"]), "the page's load event")
        self.client = Client(self.url + "/", verbose=False, analytics_enabled=False)
        self.counts = dict.fromkeys(KINDS, 0)

    def close(self) -> None:
        self.client.close()
        self.http.close()

    def send(self, index: int) -> None:
        kind = KINDS[index % len(KINDS)]
        getattr(self, kind)(self.texts[index % len(self.texts)], self.counts[kind])
        self.counts[kind] += 1

    def rest(self, text: str, number: int) -> None:
        if number % FILE_EVERY == FILE_EVERY - 1:
            files = {"file": (f"article-{number}.txt", text.encode("utf-8"), "text/plain")}
            answer = self.http.post("/translate_file", data={"source": "fr", "target": "en"}, files=files)
            answer.raise_for_status()
            download = answer.json()["translatedFileUrl"].removeprefix(self.url)
            self.http.get(download).raise_for_status()
            return
        self.http.post("/translate", json={"q": text, "source": "fr", "target": "en"}).raise_for_status()

    def api(self, text: str, _number: int) -> None:
        self.client.reset_session()  # a session of its own; the last one's heartbeat ends
        self.client.predict(text, "none", 1, api_name="/translate")

    def page(self, text: str, _number: int) -> None:
        session = uuid.uuid4().hex
        self.http.get("/").raise_for_status()
        with self.http.stream("GET", f"/gradio_api/heartbeat/{session}") as heartbeat:
            next(heartbeat.iter_lines())  # the page is open
            event = {"session_hash": session, "event_data": None}
            load = {**event, "data": [], "fn_index": self.load["id"], "trigger_id": None}
            self.http.post("/gradio_api/run/predict", json=load).raise_for_status()
            job = {**event, "data": [text, *PAGE_INPUTS], "fn_index": self.button["id"]}
            job["trigger_id"] = self.button["targets"][0][0]
            self.http.post("/gradio_api/queue/join", json=job).raise_for_status()
            outputs = self._outputs(session)
            markdown = outputs[4]["value"] if isinstance(outputs[4], dict) and "value" in outputs[4] else outputs[4]
            self.http.get(markdown["url"].removeprefix(self.url)).raise_for_status()
        # Leaving the block closes the heartbeat: the tab is closed.

    def _outputs(self, session: str) -> list[Any]:
        """The job's last frame, from the session's event stream."""
        with self.http.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[len("data:") :])
                if message.get("msg") == "process_completed":
                    if not message.get("success"):
                        raise RuntimeError(f"a page job failed: {message.get('output')}")
                    return list(message["output"]["data"])
        raise RuntimeError("a page job's event stream ended without its result")


def _one(dependencies: list[dict[str, Any]], wanted: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
    found = [dependency for dependency in dependencies if wanted(dependency)]
    if len(found) != 1:
        raise RuntimeError(f"cannot tell {what} among the page's {len(dependencies)} events")
    return found[0]


def rss_mib(pid: int) -> float:
    for line in (PROC / str(pid) / "status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / KIB_PER_MIB
    raise RuntimeError(f"no VmRSS for process {pid}")


def count_files(directory: Path) -> int:
    return sum(1 for path in directory.rglob("*") if path.is_file())


def slope_per_1000(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of (requests, MiB), in MiB per 1,000 requests (None: < 2 points)."""
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread * 1000 if spread else None


def soak_texts(french_lines: list[str], count: int = 24) -> list[str]:
    """Short paragraphs of two sample sentences each, distinct."""
    from passerelle.translate.sentences import french_sentences

    sentences = [sentence for line in french_lines for sentence in french_sentences(line)]
    return [" ".join(sentences[2 * index : 2 * index + 2]) for index in range(min(count, len(sentences) // 2))] or french_lines


def measure(ctx: BenchContext) -> dict[str, Any]:
    settings = ctx.settings
    tmp = ctx.workdir / "soak-tmp"  # the server's TMPDIR: its private root lands there
    tmp.mkdir(parents=True, exist_ok=True)
    job = server_job(ctx, "soak", beams=1, max_temp_files=settings.soak_max_temp_files)
    texts = soak_texts(ctx.texts.french_lines())
    rss: list[tuple[int, float]] = []
    files: list[tuple[int, int]] = []
    load_before = load_average()
    peak = 0
    with running_server(job, "soak", env={"TMPDIR": str(tmp)}) as (child, url):
        wait_ready(child, url)
        wait_full_page(child, url)
        clients = SoakClients(url, texts)
        started = time.perf_counter()
        try:
            rss.append((0, round(rss_mib(child.pid), 1)))
            files.append((0, count_files(tmp)))
            peak = files[0][1]
            for index in range(settings.soak_requests):
                clients.send(index)
                peak = max(peak, count_files(tmp))  # a walk of at most a few hundred files
                if (index + 1) % settings.soak_every == 0:
                    rss.append((index + 1, round(rss_mib(child.pid), 1)))
                    files.append((index + 1, count_files(tmp)))
        finally:
            clients.close()
        seconds = time.perf_counter() - started
    after = [(n, mib) for n, mib in rss if n >= settings.soak_warmup]
    slope = slope_per_1000(after)
    return {
        "requests": settings.soak_requests,
        "every": settings.soak_every,
        "warmup": settings.soak_warmup,
        "kinds": dict(clients.counts),
        "new_tokens": settings.new_tokens,
        "seconds": round(seconds, 1),
        "rss_mib": rss,
        "temp_files": files,
        "max_temp_files": settings.soak_max_temp_files,
        "peak_temp_files": peak,
        "warm_mib": after[0][1] if after else None,
        "end_mib": rss[-1][1],
        "slope_mib_per_1000": round(slope, 3) if slope is not None else None,
        "load": [load_before, load_average()],
    }


def lines(section: dict[str, Any], report: dict[str, Any]) -> list[str]:
    kinds = section["kinds"]
    files = dict(section["temp_files"])
    rows: list[list[Any]] = [["requests", "RSS (MiB)", "temporary files"]]
    rows += [[n, mib, files.get(n, "")] for n, mib in section["rss_mib"]]
    target = report["settings"]["targets"]["soak_mib_per_1000"]
    return [
        "",
        f"Soak: one passerelle ui, {section['requests']} mixed requests in {section['seconds']} s "
        f"({kinds['rest']} REST, {kinds['api']} gradio_client sessions, {kinds['page']} page jobs with their "
        f"heartbeat and download), {section['new_tokens']} new tokens greedy; RSS every {section['every']}:",
        *table(rows),
        f"  after {section['warmup']} requests: {cell(section['warm_mib'])} -> {cell(section['end_mib'])} MiB, "
        f"slope {cell(section['slope_mib_per_1000'])} MiB per 1,000 requests (target <= {cell(target)}); "
        f"temporary files at most {plural(section['peak_temp_files'], 'file')} (bound {section['max_temp_files']}); "
        f"load {section['load'][0]} -> {section['load'][1]}",
    ]


def checks(section: dict[str, Any], settings: BenchSettings) -> list[Check]:
    return [
        Check("soak: RSS after warm-up, MiB per 1,000 requests", section["slope_mib_per_1000"], "<=", settings.targets.soak_mib_per_1000),
        Check("soak: the server's temporary files, at most", section["peak_temp_files"], "<=", section["max_temp_files"]),
    ]


SECTION = Section("soak", measure, lines, checks)
