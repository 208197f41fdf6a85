"""Memory that grows with requests, bounded: Gradio's sessions (in number, after their client
has gone, after an idle hour; never while a job of theirs runs), its queue's entries per
session, the names of deleted files, the page's files (written once, where Gradio serves them);
and the soak bench section that measures a server's memory over many mixed requests.

The server tests run a real server on 127.0.0.1 in this process (to look at Gradio's own
structures) with the tiny models; the bench test runs ``passerelle bench --quick --only soak``.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio_client
import httpx
import pytest

from passerelle.ui.config import AppConfig
from tests.corpus import FRENCH_LINES
from tests.helpers import ROOT, free_port

CAPACITY = 6
CLOSED_SECONDS = 1.0
WAIT_S = 30.0
QUICK_BENCH_TIMEOUT = 300
SHORT = sorted(FRENCH_LINES, key=len)[:4]

if TYPE_CHECKING:
    from passerelle.ui.web import WebServer


@pytest.fixture(scope="module")
def server(tiny_config: Callable[..., AppConfig]) -> Iterator[WebServer]:
    """A server whose sessions are bounded tighter than the defaults, to see the bounds act."""
    from passerelle.ui.article import LoadedModels
    from passerelle.ui.web import serve, sessions

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sessions, "SESSION_CAPACITY", CAPACITY)
        patch.setattr(sessions, "CLOSED_SESSION_SECONDS", CLOSED_SECONDS)
        # Heartbeats every second (15 by default): a closed client is seen closed sooner.
        patch.setenv("GRADIO_HEARTBEAT_INTERVAL", "1")
        config = tiny_config(port=free_port())
        services = LoadedModels(config)
        web = serve(config, services)
        yield web
        web.close()


def held(web: WebServer) -> dict[str, Any]:
    """Gradio's session states and its queue's per-session entries."""
    blocks = web.page.blocks  # type: ignore[union-attr]
    return {
        "sessions": set(blocks.state_holder.session_data),
        "messages": set(blocks._queue.pending_messages_per_session),
        "event_ids": set(blocks._queue.pending_event_ids_session),
    }


def load_event(web: WebServer, session: str) -> None:
    """What a page does first: its load event, which gives the session its state."""
    url = web.url.rstrip("/")
    dependencies = httpx.get(f"{url}/config", timeout=30).json()["dependencies"]
    load = next(d for d in dependencies if any(target[1] == "load" for target in d["targets"]))
    body = {"data": [], "fn_index": load["id"], "session_hash": session, "trigger_id": None, "event_data": None}
    httpx.post(f"{url}/gradio_api/run/predict", json=body, timeout=30).raise_for_status()


def wait_until(done: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not done():
        assert time.monotonic() < deadline, f"{what}: not after {WAIT_S:.0f} s"
        time.sleep(0.1)


@pytest.mark.web
def test_the_sessions_of_clients_gone_go_with_their_queue_entries(server: WebServer) -> None:
    sessions = []
    for text in SHORT[:3]:  # a client each, as scripts run per article have
        client = gradio_client.Client(server.url, verbose=False)
        sessions.append(client.session_hash)
        client.predict(text, "none", 1, api_name="/translate")
        assert client.session_hash in held(server)["sessions"]
        client.close()  # its heartbeat ends: Gradio marks the session closed
    wait_until(lambda: not any(set(sessions) & kept for kept in held(server).values()), "the closed sessions are still held")


@pytest.mark.web
def test_sessions_are_held_up_to_the_capacity_least_recently_used_first(server: WebServer) -> None:
    sessions = [uuid.uuid4().hex for _ in range(CAPACITY + 4)]
    for session in sessions:
        load_event(server, session)  # no heartbeat: never closed
    kept = held(server)["sessions"]
    assert len(kept) <= CAPACITY
    assert set(sessions[-CAPACITY:]) <= kept and not set(sessions[:4]) & kept


@pytest.mark.web
def test_idle_sessions_go_but_not_while_a_job_of_theirs_is_pending(server: WebServer) -> None:
    from passerelle.ui.web.sessions import SessionBounds

    blocks = server.page.blocks  # type: ignore[union-attr]
    idle, busy = uuid.uuid4().hex, uuid.uuid4().hex
    for session in (idle, busy):
        load_event(server, session)
    bounds = SessionBounds(blocks, idle_seconds=3600)
    assert bounds.sweep() == 0  # both just used, neither closed
    later = datetime.datetime.now() + datetime.timedelta(seconds=3601)
    blocks._queue.pending_event_ids_session[busy] = {"a job of its own"}
    try:
        bounds.sweep(now=later)
        assert idle not in held(server)["sessions"] and busy in held(server)["sessions"]
    finally:
        blocks._queue.pending_event_ids_session[busy] = set()
    bounds.sweep(now=later)
    assert not {idle, busy} & set().union(*held(server).values())


@pytest.mark.web
def test_the_uploads_state_expires_with_the_uploads(server: WebServer) -> None:
    import gradio as gr

    states = [block for block in server.page.blocks.blocks.values() if isinstance(block, gr.State)]  # type: ignore[union-attr]
    assert states and {state.time_to_live for state in states} == {server.config.temp_ttl_seconds}
    assert server.page.blocks.state_session_capacity == CAPACITY  # type: ignore[union-attr]


@pytest.mark.web
def test_a_page_job_writes_its_two_files_once_and_their_names_go_with_them(server: WebServer) -> None:
    from passerelle.ui.bench.soak import SoakClients
    from passerelle.ui.web.sessions import SessionBounds

    def files() -> set[Path]:
        return {path for path in server.scratch.root.rglob("*") if path.is_file()}

    before = files()
    clients = SoakClients(server.url, list(SHORT))
    try:
        clients.page(SHORT[0], 0)  # load, queue, event stream, download, as the page does
    finally:
        clients.close()
    new = files() - before
    # Markdown and JSON, in Gradio's folder: Gradio serves them as they are, no copies.
    assert {path.suffix for path in new} == {".md", ".json"} and len(new) == 2
    assert all(path.is_relative_to(server.scratch.gradio) for path in new)
    blocks = server.page.blocks  # type: ignore[union-attr]
    names = {str(path) for path in new}
    assert names & set().union(*blocks.temp_file_sets)
    server.scratch.prune(now=time.time() + server.config.temp_ttl_seconds + 1)  # expired: deleted
    bounds = SessionBounds(blocks, idle_seconds=3600)
    bounds._names_swept = 0.0  # due
    bounds.sweep()
    assert not names & set().union(*blocks.temp_file_sets)


# The bench section ---------------------------------------------------------------------------


@pytest.mark.bench
def test_the_soak_section_is_measured_only_when_named() -> None:
    from passerelle.ui.bench.run import default_section_names, section_names

    assert "soak" in section_names() and "soak" not in default_section_names()


@pytest.mark.bench
def test_the_quick_soak_reports_memory_files_and_the_slope() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "passerelle.ui.cli", "bench", "--quick", "--only", "soak", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=QUICK_BENCH_TIMEOUT,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout)
    section = report["soak"]
    settings = report["settings"]
    requests, every = settings["soak_requests"], settings["soak_every"]
    assert section["requests"] == requests and sum(section["kinds"].values()) == requests
    assert min(section["kinds"].values()) == requests // 3  # REST, API and page in turns
    assert [n for n, _ in section["rss_mib"]] == list(range(0, requests + 1, every))
    assert all(mib > 0 for _, mib in section["rss_mib"])
    assert isinstance(section["slope_mib_per_1000"], float)
    # The bound on temporary files holds at every request, though the soak passes it.
    assert 0 < section["peak_temp_files"] <= section["max_temp_files"] == settings["soak_max_temp_files"]
    assert section["temp_files"][-1][1] > section["max_temp_files"] // 2
    names = [check["name"] for check in report["targets"]]
    assert names == ["soak: RSS after warm-up, MiB per 1,000 requests", "soak: the server's temporary files, at most"]

    from passerelle.ui.bench.report import render_table

    table = render_table(report)
    assert "Soak: one passerelle ui" in table and "MiB per 1,000 requests" in table
