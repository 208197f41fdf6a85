"""The REST API's OpenAPI document (/spec) and its HTML page (/docs): a valid document, every
route in it, limits and security from the settings, and a page that escapes what it shows."""

from __future__ import annotations

import copy
import json
import shlex
from html.parser import HTMLParser
from typing import Any

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from passerelle.summarize import LENGTH_PRESETS
from passerelle.ui.article.language import SOURCES
from passerelle.ui.config import AppConfig
from passerelle.ui.web.access import KEY_FREE
from passerelle.ui.web.rest import routes
from passerelle.ui.web.rest.spec import docs_page, openapi_document

pytestmark = pytest.mark.unit

# What RestApi.routes() and the server's own routes register, and /spec and /docs beside them.
ROUTES = {
    ("post", "/translate"),
    ("post", "/detect"),
    ("get", "/languages"),
    ("post", "/translate_file"),
    ("get", "/download_file/{name}"),
    ("get", "/frontend/settings"),
    ("post", "/summarize"),
    ("get", "/health"),
    ("get", "/ready"),
    ("get", "/metrics"),
    ("get", "/spec"),
    ("get", "/docs"),
    ("get", "/feeds/{name}.atom"),
    ("get", "/library/articles"),
    ("get", "/library/articles/{article_id}"),
    ("delete", "/library/articles/{article_id}"),
    ("get", "/library/{article_id}"),
    ("get", "/digest"),
    ("get", "/digest.md"),
}
POSTS = sorted(path for method, path in ROUTES if method == "post")
JSON, FORM, MULTIPART = "application/json", "application/x-www-form-urlencoded", "multipart/form-data"
HOSTILE = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>"
CONFIGS = [
    AppConfig(),
    AppConfig(api_keys=("k1",), api_requests_per_minute=30),
    AppConfig(api_keys=("k1",), require_api_key=True),
    AppConfig(api_keys=("k1",), auth="reader:secret"),
]


def body_schema(document: dict[str, Any], path: str, kind: str = JSON) -> dict[str, Any]:
    return document["paths"][path]["post"]["requestBody"]["content"][kind]["schema"]


class Page(HTMLParser):
    """The page's open elements (to check they close), links, sources and the text of each <pre>."""

    VOID = {"meta", "br", "img", "hr", "input", "link"}

    def __init__(self, page: str) -> None:
        super().__init__()
        self.open: list[str] = []
        self.mismatched: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.pres: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "pre":
            self.pres.append("")
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.mismatched.append(tag)

    def handle_data(self, data: str) -> None:
        if "pre" in self.open:
            self.pres[-1] += data


@pytest.mark.parametrize("config", CONFIGS, ids=["default", "optional-keys", "required-keys", "login-and-keys"])
def test_the_document_is_valid_openapi(config: AppConfig) -> None:
    document = openapi_document(config)
    validate(document)
    json.dumps(document)  # what JSONResponse will do with it
    broken = copy.deepcopy(document)
    del broken["paths"]["/translate"]["post"]["responses"]
    with pytest.raises(OpenAPIValidationError):  # the validator does look
        validate(broken)


def test_every_route_is_described() -> None:
    document = openapi_document(AppConfig())
    described = {(method, path) for path, methods in document["paths"].items() for method in methods}
    assert described == ROUTES
    ids = [op["operationId"] for methods in document["paths"].values() for op in methods.values()]
    assert len(ids) == len(set(ids)) == len(ROUTES)


def test_the_fields_are_the_routes_fields() -> None:
    document = openapi_document(AppConfig(summary_length="short"))
    translate = body_schema(document, "/translate")
    assert set(translate["properties"]) == {
        "q", "url", "keep", "source", "target", "format", "alternatives", "segments", "glossary", "api_key"
    }  # fmt: skip
    assert set(translate["required"]) == {"source", "target"}
    assert translate["anyOf"] == [{"required": ["q"]}, {"required": ["url"]}]  # a text or a link (both: a 400)
    assert translate["properties"]["url"]["format"] == "uri" and translate["properties"]["keep"]["type"] == "boolean"
    assert translate["properties"]["format"]["enum"] == list(routes.FORMATS)
    assert translate["properties"]["source"]["enum"] == list(SOURCES) == ["fr", "en", "auto"]
    assert translate["properties"]["target"]["enum"] == list(routes.PAIRS) == ["fr", "en"]
    answer = document["paths"]["/translate"]["post"]["responses"]["200"]["content"][JSON]["schema"]
    assert set(answer["properties"]) == {
        "translatedText", "detectedLanguage", "alternatives", "segments", "warnings", "source_url", "title", "library_id"
    }  # fmt: skip
    assert answer["properties"]["title"] == {"$ref": "#/components/schemas/Title"}
    assert set(document["components"]["schemas"]["Title"]["properties"]) == {"source", "translation"}
    upload = body_schema(document, "/translate_file", MULTIPART)
    assert set(upload["properties"]) == {"file", "source", "target", "api_key", "article_only"}
    assert upload["properties"]["file"]["format"] == "binary"
    summarize = body_schema(document, "/summarize")
    assert set(summarize["properties"]) == {"q", "text", "url", "keep", "source", "length", "glossary", "api_key"}
    assert summarize["anyOf"] == [{"required": ["q"]}, {"required": ["text"]}, {"required": ["url"]}]
    assert summarize["properties"]["length"]["enum"] == list(LENGTH_PRESETS)
    assert summarize["properties"]["length"]["default"] == "short"
    summary = document["paths"]["/summarize"]["post"]["responses"]["200"]["content"][JSON]["schema"]
    assert set(summary["properties"]) == {"summary", "translatedText", "sourceLanguage", "warnings", "source_url", "title", "library_id"}
    assert set(summary["properties"]["summary"]["properties"]) == {"en", "fr"}
    assert list(document["paths"]["/metrics"]["get"]["responses"]["200"]["content"]) == ["text/plain"]


@pytest.mark.parametrize("path", POSTS)
def test_post_routes_take_the_bodies_they_read(path: str) -> None:
    content = openapi_document(AppConfig())["paths"][path]["post"]["requestBody"]["content"]
    assert set(content) == ({MULTIPART} if path == "/translate_file" else {JSON, FORM, MULTIPART})


def test_errors_have_the_error_shape() -> None:
    document = openapi_document(AppConfig())
    translate = document["paths"]["/translate"]["post"]["responses"]
    assert {"400", "403", "413", "429", "500", "503"} <= set(translate)
    assert "Retry-After" in translate["429"]["headers"]
    for path in ("/translate", "/summarize"):  # a link's failures, with the fetcher's own statuses
        assert {"415", "422", "502", "504"} <= set(document["paths"][path]["post"]["responses"]), path
    assert "422" not in document["paths"]["/detect"]["post"]["responses"]
    assert document["components"]["schemas"]["Error"] == {
        "type": "object",
        "properties": {"error": {"type": "string"}},
        "required": ["error"],
    }
    errors = [
        (path, status, answer)
        for path, methods in document["paths"].items()
        if path != "/ready"  # its 503 is its own readiness answer
        for op in methods.values()
        for status, answer in op["responses"].items()
        if int(status) >= 400
    ]
    assert len(errors) > 20
    for path, status, answer in errors:
        assert answer["content"][JSON]["schema"] == {"$ref": "#/components/schemas/Error"}, (path, status)


def test_limits_follow_the_config() -> None:
    config = AppConfig(max_chars=1234, max_alternatives=2, max_file_bytes=56_789, max_request_bytes=4321)
    document = openapi_document(config)
    q = body_schema(document, "/translate")["properties"]["q"]["oneOf"]
    assert q[0]["maxLength"] == 1234 and q[1]["items"]["maxLength"] == 1234
    assert body_schema(document, "/detect")["properties"]["q"]["oneOf"][0]["maxLength"] == 1234
    assert body_schema(document, "/summarize")["properties"]["q"]["maxLength"] == 1234
    assert body_schema(document, "/summarize")["properties"]["text"]["maxLength"] == 1234
    assert body_schema(document, "/translate")["properties"]["alternatives"]["maximum"] == 2
    assert "56,789 bytes" in body_schema(document, "/translate_file", MULTIPART)["properties"]["file"]["description"]
    assert "4,321 bytes" in document["paths"]["/translate"]["post"]["responses"]["413"]["description"]
    settings = document["paths"]["/frontend/settings"]["get"]["responses"]["200"]["content"][JSON]["schema"]
    assert settings["properties"]["charLimit"]["example"] == 1234
    default = json.dumps(openapi_document(AppConfig()))
    assert "1234" not in default and '"maxLength": 200000' in default
    assert "maxLength 1234" in docs_page(document)


def security(config: AppConfig) -> tuple[dict[str, Any], dict[tuple[str, str], Any]]:
    """The document's security schemes, and each route's requirement (None: open)."""
    document = openapi_document(config)
    found = {(method, path): op.get("security") for path, methods in document["paths"].items() for method, op in methods.items()}
    return document["components"].get("securitySchemes", {}), found


KEY_SCHEME = {"apiKey": {"type": "apiKey", "in": "query", "name": "api_key", "description": "Or the api_key field of the body"}}
PUBLIC = {("get", "/health"), ("get", "/ready")}


def test_without_keys_or_login_every_route_is_open() -> None:
    schemes, found = security(AppConfig())
    assert schemes == {} and set(found.values()) == {None}
    assert "Ignored" in body_schema(openapi_document(AppConfig()), "/translate")["properties"]["api_key"]["description"]


def test_optional_keys_are_offered_where_the_api_works() -> None:
    schemes, found = security(AppConfig(api_keys=("k",)))
    assert schemes == KEY_SCHEME
    assert found == {route: [{"apiKey": []}, {}] if route[0] == "post" else None for route in ROUTES}


def test_required_keys_guard_every_route_but_what_libretranslate_shows_without_one() -> None:
    document = openapi_document(AppConfig(require_api_key=True))
    schemes, found = security(AppConfig(require_api_key=True))
    assert schemes == KEY_SCHEME
    assert found == {route: None if route in PUBLIC or route[1] in KEY_FREE else [{"apiKey": []}] for route in ROUTES}
    assert (
        "403" in document["paths"]["/translate"]["post"]["responses"] and "401" not in document["paths"]["/translate"]["post"]["responses"]
    )
    assert "403" not in document["paths"]["/languages"]["get"]["responses"]
    assert "Required" in body_schema(document, "/translate")["properties"]["api_key"]["description"]


@pytest.mark.parametrize("keys", [(), ("k",)])
def test_a_login_is_http_basic_on_every_route_but_health_and_ready(keys: tuple[str, ...]) -> None:
    config = AppConfig(auth="reader:secret", api_keys=keys)
    document = openapi_document(config)
    schemes, found = security(config)
    assert schemes["basicAuth"] == {"type": "http", "scheme": "basic", "description": "The login's user and password (PASSERELLE_AUTH)"}
    assert ("apiKey" in schemes) == bool(keys)
    either = [{"basicAuth": []}] + ([{"apiKey": []}] if keys else [])
    assert found == {route: None if route in PUBLIC else either for route in ROUTES}
    refused = document["paths"]["/spec"]["get"]["responses"]["401"]
    assert "WWW-Authenticate" in refused["headers"] and "401" not in document["paths"]["/health"]["get"]["responses"]
    assert "needs the login (HTTP Basic)" in document["info"]["description"]
    assert ("Or the login" in body_schema(document, "/translate")["properties"]["api_key"]["description"]) == bool(keys)
    assert "reader" not in json.dumps(document) and "secret" not in json.dumps(document)
    upload = next(words for words in map(shlex.split, Page(docs_page(document)).pres) if words[2].endswith("/translate_file"))
    assert ("-u" in upload) == (not keys) and ("api_key=YOUR_KEY" in upload) == bool(keys)


def test_the_page_shows_every_route_and_is_self_contained() -> None:
    document = openapi_document(AppConfig(api_keys=("k",), require_api_key=True))
    page = docs_page(document, base_url="http://translate.example.org")
    assert page.startswith("<!doctype html>") and '<html lang="en">' in page
    parsed = Page(page)
    assert parsed.open == [] and parsed.mismatched == []
    for method, path in ROUTES:
        assert f'<span class="method">{method.upper()}</span> <code>{path}</code>' in page
    links = [attrs.get("href") for tag, attrs in parsed.tags if tag == "a"]
    assert "/spec" in links and all(link == "/spec" or (link or "").startswith("#") for link in links)
    anchors = {attrs["id"] for tag, attrs in parsed.tags if tag == "section"}
    assert {link[1:] for link in links if link and link.startswith("#")} == anchors and len(anchors) == len(ROUTES)
    assert {tag for tag, _ in parsed.tags}.isdisjoint({"script", "link", "img", "iframe"})
    assert all("src" not in attrs for _, attrs in parsed.tags)
    assert all(attrs.get("scope") == "col" for tag, attrs in parsed.tags if tag == "th")
    curls = [shlex.split(pre) for pre in parsed.pres]
    assert sorted(words[2].removeprefix("http://translate.example.org") for words in curls) == POSTS
    translate = next(words for words in curls if words[2].endswith("/translate"))
    assert json.loads(translate[translate.index("-d") + 1]) == {
        "q": "Le maire a parlé.",
        "source": "fr",
        "target": "en",
        "api_key": "YOUR_KEY",
    }
    upload = next(words for words in curls if words[2].endswith("/translate_file"))
    assert "file=@article.docx" in upload and "source=fr" in upload


def test_the_page_escapes_what_it_shows() -> None:
    document = openapi_document(AppConfig(extensions=(".txt", HOSTILE)))
    document["info"]["title"] = HOSTILE
    document["paths"]["/translate"]["post"]["summary"] = HOSTILE
    document["paths"][f"/x{HOSTILE}"] = {"get": {"summary": HOSTILE, "responses": {"200": {"description": HOSTILE}}}}
    page = docs_page(document, base_url=HOSTILE)
    parsed = Page(page)
    assert parsed.open == [] and parsed.mismatched == []
    assert {tag for tag, _ in parsed.tags}.isdisjoint({"script", "img"})
    assert "<script>" not in page and "<img" not in page
    assert page.count("&lt;script&gt;") >= 5  # title, heading, summaries, path, file types, curl
