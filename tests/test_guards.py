"""The server's guards as an attacker meets them: every limit holds before the body is read,
and every refusal is a short JSON error with the status a client can act on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest

from passerelle.ui.article import LoadedModels
from passerelle.ui.config import AppConfig
from passerelle.ui.web import serve
from tests.helpers import free_port

pytestmark = pytest.mark.web

USER, PASSWORD = "lectrice", "une phrase de passe"
MAX_REQUEST_BYTES = 50_000
MAX_FILES = 3
MAX_LOGIN_FAILURES = 3


@pytest.fixture(scope="module")
def url(tiny_config: Callable[..., AppConfig]) -> Iterator[str]:
    yield from running(tiny_config)


@pytest.fixture()
def second_url(tiny_config: Callable[..., AppConfig]) -> Iterator[str]:
    """Its own server, since a lockout shuts every test client (all on 127.0.0.1) out."""
    yield from running(tiny_config)


def running(tiny_config: Callable[..., AppConfig]) -> Iterator[str]:
    config = tiny_config(
        port=free_port(),
        auth=f"{USER}:{PASSWORD}",
        max_request_bytes=MAX_REQUEST_BYTES,
        max_files=MAX_FILES,
        max_file_bytes=10_000,
        max_login_failures=MAX_LOGIN_FAILURES,
        allowed_origins=("https://lecteur.example",),
    )
    server = serve(config, LoadedModels(config))
    yield server.url.rstrip("/")
    server.close()


@contextmanager
def logged_in(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=30) as client:
        assert client.post("/login", data={"username": USER, "password": PASSWORD}).status_code == 200
        yield client


def assert_json_error(response: httpx.Response, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert words in response.json()["error"]
    assert "Traceback" not in response.text


def test_a_declared_oversized_body_is_refused_before_it_is_read(url: str) -> None:
    with httpx.Client(base_url=url, timeout=30) as client:
        response = client.post(
            "/gradio_api/queue/join", content=b"{" + b" " * (MAX_REQUEST_BYTES * 3) + b"}", headers={"content-type": "application/json"}
        )
    assert_json_error(response, 413, f"the limit is {MAX_REQUEST_BYTES:,}")


def test_a_streamed_oversized_body_is_refused_as_it_arrives(url: str) -> None:
    def endless() -> Iterator[bytes]:  # chunked: no Content-Length to check up front
        for _ in range(100):
            yield b" " * 100_000

    with logged_in(url) as client:
        response = client.post("/gradio_api/queue/join", content=endless(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert_json_error(response, 413, f"over the limit of {MAX_REQUEST_BYTES:,} bytes")


def test_uploads_are_limited_in_number_of_files(url: str) -> None:
    def files(count: int) -> list[tuple[str, tuple[str, bytes, str]]]:
        return [("files", (f"article-{i}.txt", "Le conseil a voté.".encode(), "text/plain")) for i in range(count)]

    with logged_in(url) as client:
        assert client.post("/gradio_api/upload", files=files(MAX_FILES)).status_code == 200
        assert_json_error(client.post("/gradio_api/upload", files=files(MAX_FILES + 1)), 413, f"At most {MAX_FILES} files")


def test_wrong_logins_lock_the_client_out_even_with_the_right_password(second_url: str) -> None:
    with httpx.Client(base_url=second_url, timeout=30) as client:
        for _ in range(MAX_LOGIN_FAILURES):
            assert client.post("/login", data={"username": USER, "password": "devinette"}).status_code in (400, 401)
        locked = client.post("/login", data={"username": USER, "password": PASSWORD})
    assert_json_error(locked, 429, "Too many wrong logins")
    assert int(locked.headers["retry-after"]) > 0


def test_a_forged_host_is_refused_and_never_echoed(url: str) -> None:
    with httpx.Client(base_url=url, timeout=30) as client:
        forged = client.get("/config", headers={"host": "attaquant.example"})
        assert forged.status_code == 400
        own = client.get("/health", headers={"origin": "http://attaquant.example"})
    assert own.status_code == 200
    assert "access-control-allow-origin" not in own.headers


def test_state_changing_requests_from_other_sites_are_refused(url: str) -> None:
    form = {"files": ("a.txt", "Le maire a parlé.".encode(), "text/plain")}
    with logged_in(url) as client:
        refused = client.post("/gradio_api/upload", files=form, headers={"origin": "http://attaquant.example"})
        assert_json_error(refused, 403, "http://attaquant.example")
        allowed = client.post("/gradio_api/upload", files=form, headers={"origin": "https://lecteur.example"})
        assert allowed.status_code == 200
        same_site = client.post("/gradio_api/upload", files=form, headers={"origin": url})
        assert same_site.status_code == 200


@pytest.mark.parametrize("path", ["/gradio_api/api/predict", "/gradio_api/call/v2/x", "/gradio_api/run/inconnu"])
def test_unknown_api_names_are_404_with_a_message(url: str, path: str) -> None:
    with logged_in(url) as client:
        assert_json_error(client.post(path, json={"data": []}), 404, "There is no API named")


def test_the_page_calls_its_functions_by_number_but_only_existing_ones(url: str) -> None:
    with logged_in(url) as client:
        assert_json_error(client.post("/gradio_api/run/predict", json={"data": [], "fn_index": 9999}), 404, "There is no API")
        config = client.get("/config").json()
        # The model line's refresh: the timer's unqueued event, which reads the direction chosen.
        timers = {c["id"] for c in config["components"] if c.get("type") == "timer"}
        index = next(d["id"] for d in config["dependencies"] if any(target in timers for target, _ in d["targets"]))
        answer = client.post("/gradio_api/run/predict", json={"data": ["French → English"], "fn_index": index, "session_hash": "essai"})
    assert answer.status_code == 200, answer.text
    assert "model" in str(answer.json()["data"][0])


def test_health_and_a_bare_ready_need_no_login_metrics_do(url: str) -> None:
    with httpx.Client(base_url=url, timeout=30) as client:
        assert client.get("/health").json() == {"status": "ok"}
        bare = client.get("/ready")
        assert_json_error(client.get("/metrics"), 401, "sign in")
    assert bare.status_code in (200, 503)
    assert set(bare.json()) == {"status"}  # no models, no folder paths for strangers
    with logged_in(url) as client:
        ready = client.get("/ready")
        metrics = client.get("/metrics")
    assert set(ready.json()["models"]) == {"translation", "summary"}
    assert metrics.status_code == 200
    for name in (
        "passerelle_http_requests_total",
        "passerelle_queue_length",
        "passerelle_http_request_seconds",
        "passerelle_generated_tokens_total",
    ):
        assert name in metrics.text


def test_the_page_and_files_need_the_login(url: str) -> None:
    with httpx.Client(base_url=url, timeout=30) as anonymous:
        assert anonymous.post("/gradio_api/upload", files={"files": ("a.txt", b"x", "text/plain")}).status_code in (401, 403)
