"""The server as an operator runs it: ``passerelle ui`` in a subprocess, stopped by the signals
systemd, docker and Ctrl-C send while jobs are in flight, two instances side by side, and a
soak of a thousand mixed requests. Loopback only, every wait bounded."""

from __future__ import annotations

import signal
import stat
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import gradio_client
import httpx
import pytest
from gradio_client.client import Job
from gradio_client.utils import Status

from passerelle.ui.web import API_NAME
from tests.corpus import FRENCH_LINES
from tests.servers import ServerProcess

pytestmark = pytest.mark.web

ENDPOINT = f"/{API_NAME}"
USER, PASSWORD = "lectrice", "une phrase de passe"
LONG_ARTICLE = "\n\n".join(FRENCH_LINES[i % len(FRENCH_LINES)] for i in range(60))  # several seconds
WAIT_S = 60.0


@pytest.fixture()
def models(tiny_model_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """The tiny models, and a temporary folder of the test's own, so that what the server
    leaves behind (or not) can be seen."""
    (tmp_path / "tmp").mkdir()
    return {**tiny_model_env, "TMPDIR": str(tmp_path / "tmp")}


@pytest.fixture()
def server_factory(models: dict[str, str]) -> Iterator[list[ServerProcess]]:
    started: list[ServerProcess] = []
    yield started
    for server in started:
        server.kill()


def start(started: list[ServerProcess], models: dict[str, str], *args: str, env: dict[str, str] | None = None) -> ServerProcess:
    server = ServerProcess(models, *args, env=env)
    started.append(server)
    return server


def wait_for(job: Job, wanted: Status) -> None:
    deadline = time.monotonic() + WAIT_S
    while job.status().code != wanted:
        assert time.monotonic() < deadline, f"the job never reached {wanted}: {job.status()}"
        time.sleep(0.05)


def outcome(job: Job) -> str:
    """The job's result, or the message its client was given."""
    try:
        job.result(timeout=WAIT_S)
    except Exception as error:  # gradio_client raises the server's message as an AppError
        return str(error)
    return "finished"


def upload(url: str, name: str, text: str, client: httpx.Client | None = None) -> str:
    client = client or httpx.Client(base_url=url, timeout=30)
    response = client.post("/gradio_api/upload", files={"files": (name, text.encode(), "text/plain")})
    assert response.status_code == 200, response.text
    return response.json()[0]


def leftovers(models: dict[str, str]) -> list[str]:
    return sorted(p.name for p in Path(models["TMPDIR"]).iterdir())


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_ends_jobs_with_a_message_removes_every_file_and_exits_0(
    server_factory: list[ServerProcess], models: dict[str, str], sig: int
) -> None:
    server = start(server_factory, models, "--shutdown-grace", "1")
    client = gradio_client.Client(server.url, verbose=False)
    upload(server.url, "article.txt", FRENCH_LINES[0])  # Gradio keeps a copy of every upload
    assert len(leftovers(models)) == 1 and leftovers(models)[0].startswith(f"passerelle-{server.pid}-")
    running = client.submit(LONG_ARTICLE, "short", 0, api_name=ENDPOINT)
    wait_for(running, Status.PROCESSING)
    queued = client.submit(FRENCH_LINES[1], "short", 0, api_name=ENDPOINT)
    wait_for(queued, Status.IN_QUEUE)

    stopped_at = time.monotonic()
    server.process.send_signal(sig)
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(outcome, [running, queued]))
    code, _, stderr = server.wait(WAIT_S)

    assert code == 0, stderr[-2000:]
    assert time.monotonic() - stopped_at < 1 + 10  # the grace period, and time to say so
    assert "was stopped before this job finished" in outcomes[0]
    assert "shutting down: this job was not started" in outcomes[1]
    assert "Traceback" not in stderr and "CancelledError" not in stderr, stderr
    assert leftovers(models) == []  # the private root, Gradio's copies inside it


def test_running_jobs_finish_within_the_grace_period(server_factory: list[ServerProcess], models: dict[str, str]) -> None:
    server = start(server_factory, models, "--shutdown-grace", "60")
    client = gradio_client.Client(server.url, verbose=False)
    running = client.submit(FRENCH_LINES[2], "short", 0, api_name=ENDPOINT)
    wait_for(running, Status.PROCESSING)
    server.process.send_signal(signal.SIGTERM)
    assert outcome(running) == "finished"
    code, _, stderr = server.wait(WAIT_S)
    assert code == 0 and "Traceback" not in stderr
    assert leftovers(models) == []


def test_files_are_private_to_their_instance_and_behind_its_login(server_factory: list[ServerProcess], models: dict[str, str]) -> None:
    guarded = start(server_factory, models, env={"PASSERELLE_AUTH": f"{USER}:{PASSWORD}"})
    twin = start(server_factory, models)
    secret = "Note confidentielle : le conseil votera la fusion le 3 mars."
    with httpx.Client(base_url=guarded.url, timeout=30) as reader:
        assert reader.post("/login", data={"username": USER, "password": PASSWORD}).status_code == 200
        path = upload(guarded.url, "note.txt", secret, reader)
        assert reader.get(f"/gradio_api/file={path}").text == secret

    for directory in [Path(path).parent, *Path(path).parents]:
        if directory.name.startswith(f"passerelle-{guarded.pid}-"):
            assert stat.S_IMODE(directory.stat().st_mode) == 0o700
            break
    else:
        raise AssertionError(f"the upload is outside the private root: {path}")
    assert httpx.get(f"{guarded.url}/gradio_api/file={path}", timeout=10).status_code in (401, 403)
    assert httpx.get(f"{twin.url}/gradio_api/file={path}", timeout=10).status_code == 403
    assert not any(name == "gradio" for name in leftovers(models))  # nothing in a shared folder


def test_memory_levels_off_over_mixed_requests(server_factory: list[ServerProcess], models: dict[str, str]) -> None:
    """REST calls (some with a file to download), a gradio_client session per call and page jobs
    (load, heartbeat, queue, download), in turns, as ``passerelle bench --only soak`` sends them.
    Two requests in three open a Gradio session; once the sessions are at their bound (256:
    ui/web/sessions.py), memory stays flat. Before the bound: +65 MiB per 1,000 such requests."""
    from passerelle.ui.bench.soak import SoakClients

    server = start(server_factory, models)
    clients = SoakClients(server.url, [line for line in FRENCH_LINES if len(line) < 90])

    def requests(count: int, offset: int) -> None:
        for index in range(offset, offset + count):
            clients.send(index)

    try:
        requests(800, 0)  # past the sessions' bound (the API's alone reach it at 768), allocator settled
        settled = server.rss_mib()
        requests(300, 800)
        grown = server.rss_mib() - settled
    finally:
        clients.close()
    print(f"RSS {settled:.1f} MiB after 800 requests, {grown:+.2f} MiB after 300 more")
    assert grown < 4, f"RSS grew {grown:.1f} MiB over 300 requests after settling at {settled:.0f} MiB"
