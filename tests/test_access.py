"""One access rule for every way in: a login or required keys cover every route the server has
(the REST API, Gradio's API and page, the operators' routes), whoever registered it; forwarded
addresses are believed only from a trusted proxy."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from starlette.routing import Mount, Route

from passerelle.ui.article import LoadedModels
from passerelle.ui.config import AppConfig
from passerelle.ui.web import WebServer, serve
from passerelle.ui.web.access import ALWAYS_PUBLIC, KEY_FREE, SESSION_COOKIE
from tests.helpers import free_port

pytestmark = pytest.mark.web

USER, PASSWORD = "redaction", "le mot de passe du soir"
KEY = "cle-de-lecture"
FRENCH = "Le conseil municipal a voté le budget mardi soir."
PARAMETER = re.compile(r"\{(?P<name>[^}:]+)(?::[^}]+)?\}")


@contextmanager
def running(config: AppConfig) -> Iterator[WebServer]:
    server = serve(config, LoadedModels(config))
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def login_server(tiny_config: Callable[..., AppConfig]) -> Iterator[WebServer]:
    with running(tiny_config(port=free_port(), auth=f"{USER}:{PASSWORD}", api_keys=(KEY,), metrics_token="jeton-prometheus")) as server:
        yield server


@pytest.fixture(scope="module")
def keyed_server(tiny_config: Callable[..., AppConfig]) -> Iterator[WebServer]:
    with running(tiny_config(port=free_port(), api_keys=(KEY,), require_api_key=True)) as server:
        yield server


def base(server: WebServer) -> str:
    return server.url.rstrip("/")


def every_route(server: WebServer) -> list[tuple[str, str]]:
    """(method, concrete path) for every HTTP route registered: the server's own, and the
    page's (Gradio's FastAPI app, mounted at /), with path parameters filled in."""
    found: list[tuple[str, str]] = []
    for route in server.base_app.router.routes:
        if isinstance(route, Mount):
            found += [(m, path) for m, path in _routes(route.app.routes, prefix="")]
        elif isinstance(route, Route):
            found += _routes([route], prefix="")
    return sorted(set(found))


def _routes(routes: list[Any], prefix: str) -> list[tuple[str, str]]:
    found = []
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI's include_router
        if included is not None:
            found += _routes(included.routes, prefix + route.include_context.prefix)
            continue
        methods = getattr(route, "methods", None)
        if not methods or not isinstance(getattr(route, "path", None), str):
            continue
        path = PARAMETER.sub(lambda m: "translate" if m["name"] == "api_name" else "x", prefix + route.path)
        found += [(method, path) for method in methods if method != "HEAD"]
    return found


def test_the_walk_sees_the_rest_api_the_page_and_the_operators_routes(login_server: WebServer) -> None:
    paths = {path for _, path in every_route(login_server)}
    for expected in (
        "/translate",
        "/translate_file",
        "/download_file/x",
        "/summarize",
        "/metrics",
        "/ready",
        "/spec",
        "/gradio_api/call/translate",
        "/gradio_api/queue/join",
        "/gradio_api/upload",
        "/config",
        "/gradio_api/info",
    ):
        assert expected in paths
    assert len(paths) > 40  # Gradio's own routes are walked too


def test_a_login_covers_every_route_but_health_and_a_bare_ready(login_server: WebServer) -> None:
    url, opened = base(login_server), []
    with httpx.Client(base_url=url, timeout=30) as anonymous:
        for method, path in every_route(login_server):
            if path in ALWAYS_PUBLIC or path.rstrip("/") in ("/login", "/logout"):
                continue
            response = anonymous.request(method, path, json={} if method == "POST" else None)
            if path == "/" and method == "GET":  # the login form, and nothing else
                assert 'id="login"' in response.text and "gradio_api_info" not in response.text and "api_name" not in response.text
                continue
            if response.status_code != 401 or "sign in" not in response.json()["error"]:
                opened.append(f"{method} {path}: {response.status_code}")
    assert opened == []
    ready = httpx.get(f"{url}/ready", timeout=30)
    assert set(ready.json()) == {"status"} and "/" not in ready.text  # no model folders


def test_required_keys_cover_every_route_gradio_api_included(keyed_server: WebServer) -> None:
    url, opened = base(keyed_server), []
    with httpx.Client(base_url=url, timeout=30) as anonymous:
        for method, path in every_route(keyed_server):
            if path in ALWAYS_PUBLIC | KEY_FREE or path == "/" or path.rstrip("/") in ("/login", "/logout"):
                continue
            response = anonymous.request(method, path, json={} if method == "POST" else None)
            if response.status_code != 403 or "API key" not in response.json()["error"]:
                opened.append(f"{method} {path}: {response.status_code}")
    assert opened == []
    call = httpx.post(f"{url}/gradio_api/call/translate", json={"data": [FRENCH]}, timeout=30)
    assert call.status_code == 403


@pytest.mark.parametrize("how", ["bearer", "x-api-key", "query", "body"])
def test_a_key_opens_the_rest_api_every_way_clients_send_it(keyed_server: WebServer, how: str) -> None:
    fields: dict[str, Any] = {"q": FRENCH, "source": "fr", "target": "en"}
    headers, params = {}, {}
    if how == "bearer":
        headers["authorization"] = f"Bearer {KEY}"
    elif how == "x-api-key":
        headers["x-api-key"] = KEY
    elif how == "query":
        params["api_key"] = KEY
    else:
        fields["api_key"] = KEY
    response = httpx.post(f"{base(keyed_server)}/translate", json=fields, headers=headers, params=params, timeout=120)
    assert response.status_code == 200, response.text
    assert response.json()["translatedText"]


def test_gradio_client_with_a_key_header(keyed_server: WebServer) -> None:
    from gradio_client import Client

    client = Client(base(keyed_server) + "/", headers={"Authorization": f"Bearer {KEY}"}, verbose=False)
    translation, *_ = client.predict(FRENCH, summary_length="none", api_name="/translate")
    assert translation.strip()


def test_a_browser_signs_in_with_a_key_when_keys_are_required(keyed_server: WebServer) -> None:
    with httpx.Client(base_url=base(keyed_server), timeout=30) as browser:
        assert "API key" in browser.get("/").text
        assert browser.post("/login", data={"username": "api-key", "password": "mauvaise"}).status_code == 401
        assert browser.post("/login", data={"username": "api-key", "password": KEY}).status_code == 200
        assert browser.get("/config").status_code == 200


def test_a_login_opens_everything_by_session_basic_or_key(login_server: WebServer) -> None:
    url = base(login_server)
    with httpx.Client(base_url=url, timeout=120) as browser:
        signed = browser.post("/login", data={"username": USER, "password": PASSWORD})
        assert signed.status_code == 200 and SESSION_COOKIE in signed.cookies
        assert "httponly" in signed.headers["set-cookie"].lower()
        assert browser.get("/config").status_code == 200
        assert browser.post("/translate", json={"q": FRENCH, "source": "fr", "target": "en"}).status_code == 200
        assert set(browser.get("/ready").json()) == {"status", "models", "page"}
        assert browser.get("/logout", follow_redirects=False).status_code == 303
        assert browser.post("/translate", json={"q": FRENCH, "source": "fr", "target": "en"}).status_code == 401
    basic = httpx.post(f"{url}/translate", json={"q": FRENCH, "source": "fr", "target": "en"}, auth=(USER, PASSWORD), timeout=120)
    assert basic.status_code == 200
    keyed = httpx.post(f"{url}/detect", json={"q": FRENCH, "api_key": KEY}, timeout=120)
    assert keyed.status_code == 200
    wrong = httpx.get(f"{url}/languages", auth=(USER, "faux"), timeout=30)
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("Basic")


def test_metrics_take_the_login_or_their_own_token(login_server: WebServer) -> None:
    url = base(login_server)
    assert httpx.get(f"{url}/metrics", timeout=30).status_code == 401
    assert httpx.get(f"{url}/metrics", headers={"authorization": "Bearer autre"}, timeout=30).status_code == 401
    token = httpx.get(f"{url}/metrics", headers={"authorization": "Bearer jeton-prometheus"}, timeout=30)
    assert token.status_code == 200 and "passerelle_http_requests_total" in token.text
    assert httpx.get(f"{url}/metrics", auth=(USER, PASSWORD), timeout=30).status_code == 200


def test_gradio_client_logs_in(login_server: WebServer) -> None:
    from gradio_client import Client

    client = Client(base(login_server) + "/", auth=(USER, PASSWORD), verbose=False)
    translation, *_ = client.predict(FRENCH, summary_length="none", api_name="/translate")
    assert translation.strip()


def test_forwarded_addresses_from_anyone_are_ignored(tiny_config: Callable[..., AppConfig]) -> None:
    """Rotating X-Forwarded-For neither escapes a lockout nor a rate limit."""
    config = tiny_config(port=free_port(), auth=f"{USER}:{PASSWORD}", max_login_failures=3, api_requests_per_minute=3)
    with running(config) as server, httpx.Client(base_url=base(server), timeout=60) as client:
        for number in range(3):
            forged = {"x-forwarded-for": f"203.0.113.{number}"}
            assert client.post("/login", data={"username": USER, "password": "faux"}, headers=forged).status_code == 401
        locked = client.post("/login", data={"username": USER, "password": PASSWORD}, headers={"x-forwarded-for": "198.51.100.7"})
        assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
        locked_basic = client.get("/languages", auth=(USER, PASSWORD), headers={"x-forwarded-for": "198.51.100.8"})
        assert locked_basic.status_code == 429


def test_the_rate_limit_holds_whatever_address_is_forwarded(tiny_config: Callable[..., AppConfig]) -> None:
    config = tiny_config(port=free_port(), api_requests_per_minute=3)
    with running(config) as server, httpx.Client(base_url=base(server), timeout=60) as client:
        answers = [client.post("/detect", json={"q": FRENCH}, headers={"x-forwarded-for": f"192.0.2.{n}"}) for n in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert int(answers[3].headers["retry-after"]) > 0
    assert answers[3].json()["error"].startswith("Slowdown")


def test_a_trusted_proxy_forwards_each_clients_own_address(tiny_config: Callable[..., AppConfig]) -> None:
    config = tiny_config(port=free_port(), auth=f"{USER}:{PASSWORD}", max_login_failures=2, trusted_proxies=("127.0.0.1",))
    with running(config) as server, httpx.Client(base_url=base(server), timeout=60) as proxy:
        for _ in range(2):
            proxy.post("/login", data={"username": USER, "password": "faux"}, headers={"x-forwarded-for": "203.0.113.9"})
        assert (
            proxy.post("/login", data={"username": USER, "password": PASSWORD}, headers={"x-forwarded-for": "203.0.113.9"}).status_code
            == 429
        )
        other = proxy.post("/login", data={"username": USER, "password": PASSWORD}, headers={"x-forwarded-for": "198.51.100.1"})
        assert other.status_code == 200


def test_an_open_server_ignores_a_proxys_own_login(tiny_config: Callable[..., AppConfig]) -> None:
    """nginx with its own auth_basic forwards the Authorization header: not Passerelle's to refuse."""
    with running(tiny_config(port=free_port())) as server:
        answer = httpx.post(f"{base(server)}/detect", json={"q": FRENCH}, auth=("proxy-user", "proxy-secret"), timeout=60)
    assert answer.status_code == 200, answer.text
