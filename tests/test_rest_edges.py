"""The REST API at its edges, as LibreTranslate's clients and hostile inputs meet it: every
answer is JSON with a status a client can act on (never a plain-text 500), form bodies are
UTF-8, a base URL with a trailing slash works, a wrong method is 405, and arbitrary JSON thrown
at every route never makes the server fail."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passerelle.ui.article import LoadedModels
from passerelle.ui.config import AppConfig
from passerelle.ui.web import WebServer, serve
from tests.helpers import free_port

pytestmark = pytest.mark.web

FRENCH = "Le maire a parlé devant le conseil municipal."
GERMAN = "Der Bürgermeister hat heute Abend vor dem Stadtrat über den neuen Haushalt gesprochen."
ORIGIN = "https://lecteur.example"
REST_POSTS = ("/translate", "/detect", "/summarize", "/translate_file")


@pytest.fixture(scope="module")
def server(tiny_config: Callable[..., AppConfig]) -> Iterator[WebServer]:
    config = tiny_config(port=free_port(), max_chars=3_000, allowed_origins=(ORIGIN,))
    running = serve(config, LoadedModels(config))
    yield running
    running.close()


@pytest.fixture(scope="module")
def url(server: WebServer) -> str:
    return server.url.rstrip("/")


def assert_json_error(response: httpx.Response, status: int, words: str = "") -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.headers
    message = response.json()["error"]
    assert isinstance(message, str) and message, response.text
    assert words in message, message


# Five inputs that answered a plain-text 500 ----------------------------------------------------


def test_an_unknown_function_number_in_the_queue_is_400(url: str) -> None:
    response = httpx.post(f"{url}/gradio_api/queue/join", json={"data": [], "fn_index": 4242, "session_hash": "abc"}, timeout=30)
    assert_json_error(response, 400, "function number 4242")


def test_json_nested_thousands_deep_is_400(url: str) -> None:
    deep = '{"q": ' + "[" * 3000 + "]" * 3000 + ', "source": "fr", "target": "en"}'
    response = httpx.post(f"{url}/translate", content=deep, headers={"content-type": "application/json"}, timeout=30)
    assert_json_error(response, 400, "Invalid JSON")


def test_detect_with_a_number_among_the_texts_is_400(url: str) -> None:
    assert_json_error(httpx.post(f"{url}/detect", json={"q": ["a", 3]}, timeout=30), 400, "list of strings")


def test_a_file_with_a_bom_then_invalid_bytes_is_400(url: str) -> None:
    data = b"\xff\xfe" + "Le maire".encode("utf-16-le") + b"\x00\xd8"  # a lone high surrogate at the end
    response = httpx.post(
        f"{url}/translate_file", data={"source": "fr", "target": "en"}, files={"file": ("article.txt", data, "text/plain")}, timeout=60
    )
    assert_json_error(response, 400, "byte-order mark")


def test_a_lone_surrogate_in_json_is_400(url: str) -> None:
    body = '{"q": "Le maire \\udcff a parl\\u00e9", "source": "fr", "target": "en"}'
    response = httpx.post(f"{url}/translate", content=body, headers={"content-type": "application/json"}, timeout=30)
    assert_json_error(response, 400, "surrogate")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
FIELDS = st.dictionaries(
    st.sampled_from(["q", "source", "target", "format", "alternatives", "api_key", "glossary", "segments", "length", "text", "x"]),
    JSON_VALUES,
    max_size=6,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(route=st.sampled_from(REST_POSTS), fields=FIELDS)
def test_arbitrary_json_never_fails_the_server(url: str, route: str, fields: dict[str, Any]) -> None:
    response = httpx.post(f"{url}{route}", content=json.dumps(fields), headers={"content-type": "application/json"}, timeout=120)
    assert response.status_code < 500, (route, fields, response.text)
    if response.status_code >= 400:
        assert isinstance(response.json()["error"], str)


# What LibreTranslate's clients do -------------------------------------------------------------


def test_a_raw_utf8_form_body_is_read_as_utf8(url: str) -> None:
    body = "q=Le maire a parlé.&source=fr&target=en".encode()
    raw = httpx.post(f"{url}/detect", content=body, headers={"content-type": "application/x-www-form-urlencoded"}, timeout=60)
    escaped = httpx.post(f"{url}/detect", data={"q": "Le maire a parlé."}, timeout=60)
    assert raw.status_code == 200 and raw.json() == escaped.json()
    bad = httpx.post(
        f"{url}/translate",
        content=b"q=Le maire a parl\xe9&source=fr&target=en",
        headers={"content-type": "application/x-www-form-urlencoded"},
        timeout=60,
    )
    assert_json_error(bad, 400, "not valid utf-8")
    latin = httpx.post(
        f"{url}/detect",
        content="q=Le maire a parlé.".encode("latin-1"),
        headers={"content-type": "application/x-www-form-urlencoded; charset=iso-8859-1"},
        timeout=60,
    )
    assert latin.json() == escaped.json()


def test_a_base_url_with_a_trailing_slash_works(url: str) -> None:
    languages = httpx.get(f"{url}//languages", timeout=30)
    assert languages.status_code == 200 and {item["code"] for item in languages.json()} == {"fr", "en"}
    translated = httpx.post(f"{url}//translate", json={"q": FRENCH, "source": "fr", "target": "en"}, timeout=60)
    assert translated.status_code == 200


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("GET", "/translate", "POST"), ("GET", "/detect", "POST"), ("POST", "/languages", "GET"), ("POST", "/health", "GET"),
    ("DELETE", "/summarize", "POST"), ("PUT", "/spec", "GET"),
])  # fmt: skip
def test_a_wrong_method_is_405_with_allow(url: str, method: str, path: str, allow: str) -> None:
    response = httpx.request(method, f"{url}{path}", timeout=30)
    assert_json_error(response, 405, "not allowed")
    assert allow in response.headers["allow"]


@pytest.mark.parametrize("path", ["/nulle-part", "/gradio_api/nulle-part", "/download_file/inconnu.txt"])
def test_every_404_is_a_json_error(url: str, path: str) -> None:
    assert_json_error(httpx.get(f"{url}{path}", timeout=30), 404)


def test_detect_answers_among_the_served_languages_and_says_when_neither(url: str) -> None:
    french = httpx.post(f"{url}/detect", json={"q": FRENCH}, timeout=60).json()
    assert french[0]["language"] == "fr" and {item["language"] for item in french} <= {"fr", "en"}
    german = httpx.post(f"{url}/detect", json={"q": GERMAN}, timeout=60).json()
    assert {item["language"] for item in german} <= {"fr", "en"}
    assert "German" in german[0]["warning"]
    auto = httpx.post(f"{url}/translate", json={"q": GERMAN, "source": "auto", "target": "en"}, timeout=120).json()
    assert any("German" in warning for warning in auto["warnings"]), auto


def test_the_glossary_field_is_applied(url: str) -> None:
    fields = {"q": "Le maire a parlé.", "source": "fr", "target": "en"}
    kept = httpx.post(f"{url}/translate", json={**fields, "glossary": "maire = mayor-in-chief"}, timeout=120).json()
    assert "mayor-in-chief" in kept["translatedText"]
    bad = httpx.post(f"{url}/translate", json={**fields, "glossary": " = "}, timeout=60)
    assert_json_error(bad, 400)


def test_an_allowed_origin_can_post_json(url: str) -> None:
    headers = {"origin": ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "content-type"}
    preflight = httpx.options(f"{url}/translate", headers=headers, timeout=30)
    assert preflight.status_code == 200, preflight.text
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    posted = httpx.post(f"{url}/detect", json={"q": FRENCH}, headers={"origin": ORIGIN}, timeout=60)
    assert posted.status_code == 200 and posted.headers["access-control-allow-origin"] == ORIGIN


def test_the_pages_own_api_example_path_works(url: str) -> None:
    started = httpx.post(f"{url}/gradio_api/call/v2/translate", json={"text": FRENCH, "summary_length": "none"}, timeout=60)
    assert started.status_code == 200, started.text
    assert started.json()["event_id"]


def test_the_openapi_document_lists_every_rest_route(server: WebServer, url: str) -> None:
    spec = httpx.get(f"{url}/spec", timeout=30)
    assert spec.status_code == 200 and spec.json()["openapi"].startswith("3.")
    own = {route.path for route in server.starting.routes}
    assert own == set(spec.json()["paths"])
    docs = httpx.get(f"{url}/docs", timeout=30)
    assert docs.headers["content-type"].startswith("text/html") and "/translate_file" in docs.text
