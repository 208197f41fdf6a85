"""The REST API described for programs and for people: an OpenAPI 3.0.3 document (served at
/spec, as LibreTranslate serves its own, for API explorers and client generators) and an HTML
page rendering it (/docs). Limits and security come from the settings, so the document says
what this server accepts, not what a default one would."""

from __future__ import annotations

import copy
import html
import json
import shlex
from typing import Any

from passerelle.summarize import LENGTH_PRESETS
from passerelle.translate.languages import LANGUAGES, NAMES

from ...article.language import AUTO, SOURCES
from ...config import AppConfig
from ..access import ALWAYS_PUBLIC, KEY_FREE

Schema = dict[str, Any]
OPENAPI_VERSION = "3.0.3"
FORMATS = ("text", "html")  # the REST API's text formats (routes.py reads them here)
JSON, FORM, MULTIPART = "application/json", "application/x-www-form-urlencoded", "multipart/form-data"
KEYED = ("/translate", "/detect", "/translate_file", "/summarize")  # the routes that take a key when keys are optional
PUBLIC = tuple(sorted(ALWAYS_PUBLIC))  # open to anyone, even with a login or required keys
WORK = (400, 403, 413, 429, 500, 503)  # what a POST route may answer besides 200
LINK = (415, 422, 502, 504)  # and a route reading an article by its link (the fetcher's own statuses)
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}}}
HEADERS = {"401": {"WWW-Authenticate": {"description": "Basic", "schema": {"type": "string"}}}, "429": RETRY_AFTER, "503": RETRY_AFTER}
STRING, BOOLEAN, INTEGER = {"type": "string"}, {"type": "boolean"}, {"type": "integer"}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def _object(required: list[str] | None = None, **properties: Schema) -> Schema:
    return {"type": "object", "properties": properties} | ({"required": required} if required else {})


def _one_or_list(schema: Schema, description: str) -> Schema:
    """A field that is a list when ``q`` was a list (LibreTranslate's answers mirror ``q``)."""
    return {"oneOf": [schema, _array(schema)], "description": description}


def _json(description: str, schema: Schema, media: str = JSON) -> dict[str, Any]:
    return {"description": description, "content": {media: {"schema": schema}}}


def _body(schema: Schema, example: dict[str, Any], kinds: tuple[str, ...] = (JSON, FORM, MULTIPART)) -> dict[str, Any]:
    """One schema for every body kind the route reads (``fields.read_fields``)."""
    return {"required": True, "content": {kind: {"schema": schema, "example": example} for kind in kinds}}


def _errors(config: AppConfig, *statuses: int) -> dict[str, Any]:
    """The ``{"error": ...}`` answers of the routes and of the guards before them."""
    rate, waiting = config.api_requests_per_minute, f"more than {config.max_queue} calls of this key or client waiting"
    texts = {
        400: "A missing or bad field, text over the character limit, or a link Passerelle does not fetch (a private address)",
        401: "Not signed in, or wrong credentials (WWW-Authenticate: Basic)",
        403: "An unknown API key, no key where one is required, a request from another web origin, or a link robots.txt keeps robots from",
        404: f"No such file (translated files are kept for {config.temp_ttl_seconds // 60} minutes)",
        413: f"Over {config.max_request_bytes:,} bytes (an upload: {config.max_upload_bytes:,}; a file: {config.max_file_bytes:,})",
        415: "The link is not a web page (an image, a PDF, ...)",
        422: "The page at the link holds no article text (a list of articles, a paywall, a page built by JavaScript)",
        502: "The site of the link failed (an error status, a broken or too large answer, no connection)",
        504: "The site of the link did not answer in time",
        429: f"Over {rate} requests per minute for this key or client, or {waiting}" if rate > 0 else waiting.capitalize(),
        500: "An error of the server's own (reported, never a traceback)",
        503: "The server is shutting down, a model is not available, or the site of the link failed recently (Retry-After)",
    }
    answers = {str(status): _json(texts[status], _ref("Error")) for status in statuses}
    for status in set(HEADERS) & set(answers):
        answers[status]["headers"] = HEADERS[status]
    return answers


def _schemas() -> dict[str, Schema]:
    code = {"type": "string", "enum": list(LANGUAGES)}
    return {
        "Error": _object(["error"], error=STRING),
        "DetectedLanguage": _object(
            confidence={"type": "number", "minimum": 0, "maximum": 100},
            language=STRING,
            warning={**STRING, "description": "/detect: the text is in another language"},
        ),  # fmt: skip
        "Flag": _object(kind=STRING, detail=STRING, message=STRING),
        "Segment": _object(
            paragraph=INTEGER,
            source=STRING,
            target=STRING,
            flags=_array(_ref("Flag")),
            alternatives=_array(STRING),
            confidence={"type": "number", "nullable": True, "description": "Mean log-probability per token"},
        ),  # fmt: skip
        "Language": _object(code=code, name=STRING, targets=_array(code)),
        "Title": _object(
            ["source", "translation"],
            source={**STRING, "description": "The page's title"},
            translation={**STRING, "description": "Translated (the page's when the article is already in the target language)"},
        )
        | {"nullable": True, "description": "With url: the page's title (null when it has none)"},  # fmt: skip
    }


def _keys(config: AppConfig) -> bool:
    """Whether the server has API keys, as the access checks count them (without reading the keys file)."""
    return bool(config.api_keys or config.api_keys_file) or config.require_api_key


def _paths(config: AppConfig) -> dict[str, Any]:
    chars = config.max_chars
    text = {"type": "string", "maxLength": chars}
    q = {"oneOf": [text, {**_array(text), "minItems": 1}], "description": f"A text, or a list; {chars:,} characters in all at most"}
    source = {"type": "string", "enum": list(SOURCES), "description": f"{AUTO}: detected in each text"}
    target = {"type": "string", "enum": list(LANGUAGES)}
    what = "Required" if config.require_api_key else "Or the login" if config.credentials() else "Optional"
    what = what if _keys(config) else "Ignored (this server has no keys)"
    api_key = {"type": "string", "description": f"API key. {what}; also read from the query string"}
    glossary = {**STRING, "description": 'Lines "source = target" (or source<TAB>target), or a lone term to keep; '
                "# starts a comment. Without it, the server's glossary"}  # fmt: skip
    url = {**STRING, "format": "uri", "description": "An article by its link, instead of q: the page is fetched (public addresses only) "
           "and reduced to its article (menus, footers and related articles dropped)"}  # fmt: skip
    keep = {**BOOLEAN, "default": False, "description": "Keep the result in the server's library (answered as library_id)"}
    translate = _object(
        ["source", "target"], q=q, url=url, keep=keep, source=source, target=target,
        format={"type": "string", "enum": list(FORMATS), "default": "text", "description": "html: the markup is kept"},
        alternatives={**INTEGER, "minimum": 0, "maximum": config.max_alternatives, "default": 0, "description": "Other translations wanted"},
        segments={**BOOLEAN, "default": False, "description": "Return the aligned sentences"}, glossary=glossary, api_key=api_key,
    ) | {"anyOf": [{"required": ["q"]}, {"required": ["url"]}]}  # fmt: skip
    source_url = {**STRING, "format": "uri", "description": "With url: the link the article was read at (after redirects)"}
    library_id = {**INTEGER, "nullable": True, "description": "With keep: the result's id in the library (null: nothing translated)"}
    translated = _object(
        ["translatedText"],
        translatedText=_one_or_list(STRING, "The translation (a text already in the target language comes back as it was)"),
        detectedLanguage=_one_or_list(_ref("DetectedLanguage"), f"With source {AUTO}"),
        alternatives=_one_or_list(_array(STRING), "When asked for"),
        segments=_one_or_list(_array(_ref("Segment")), "With segments true"),
        warnings=_one_or_list(_array(STRING), "When a text looks wrong (e.g. in neither language)"),
        source_url=source_url, title=_ref("Title"), library_id=_one_or_list(library_id, "With keep"),
    )  # fmt: skip
    extensions = ", ".join(config.extensions)
    upload = _object(
        ["file", "source", "target"], source=source, target=target, api_key=api_key,
        file={"type": "string", "format": "binary", "description": f"A {extensions} file of {config.max_file_bytes:,} bytes at most"},
        article_only={**BOOLEAN, "default": False, "description": "Keep only a web page's article"},
    )  # fmt: skip
    summarize = _object(
        None, q={**text, "description": f"The article (or give it as text); {chars:,} characters at most"},
        text={**text, "description": "The article, when q is not given"}, url=url, keep=keep, source={**source, "default": AUTO},
        length={"type": "string", "enum": list(LENGTH_PRESETS), "default": config.summary_length}, glossary=glossary, api_key=api_key,
    ) | {"anyOf": [{"required": ["q"]}, {"required": ["text"]}, {"required": ["url"]}]}  # fmt: skip
    summary = _object(
        summary=_object(en=STRING, fr=STRING), translatedText={**STRING, "description": "The whole article translated"},
        sourceLanguage={"type": "string", "enum": list(LANGUAGES)}, warnings=_array(STRING),
        source_url=source_url, title=_ref("Title"), library_id=library_id,
    )  # fmt: skip
    settings = _object(
        charLimit={**INTEGER, "example": chars}, frontendTimeout=INTEGER, apiKeys=BOOLEAN, keyRequired=BOOLEAN,
        suggestions=BOOLEAN, filesTranslation=BOOLEAN, supportedFilesFormat={**_array(STRING), "example": list(config.extensions)},
        language={"type": "object", "description": "The default source and target ({code, name} each)"},
    )  # fmt: skip
    model = _object(state=STRING, detail={**STRING, "nullable": True})
    ready = _object(
        status={"type": "string", "enum": ["ready", "not ready", "shutting down"]}, models={"type": "object", "additionalProperties": model},
        page={**STRING, "description": "The full page: loading, ready or failed"},
    )  # fmt: skip
    name = {"name": "name", "in": "path", "required": True, "schema": STRING, "description": "The end of a translatedFileUrl"}
    binary = _json("The file", {"type": "string", "format": "binary"}, "application/octet-stream")
    example = {"q": "Le maire a parlé.", "source": "fr", "target": "en"}

    def op(tag: str, name: str, summary: str, responses: dict[str, Any], **more: Any) -> dict[str, Any]:
        return {"operationId": name, "tags": [tag], "summary": summary, "responses": responses, **more}

    lt, ops = "LibreTranslate", "Operators"
    languages = _json(" and ".join(NAMES.values()), _array(_ref("Language")))
    return {
        "/translate": {"post": op(lt, "translate", "Translate text", {"200": _json("The translation", translated),
                                                                     **_errors(config, *WORK, *LINK)},
                                  description=f"French to English or English to French, plain text or HTML, or the article at "
                                              f"a link; {AUTO} detects which.",
                                  requestBody=_body(translate, example))},
        "/detect": {"post": op(lt, "detect", "Detect the language of a text",
                               {"200": _json("The likeliest first", _array(_ref("DetectedLanguage"))), **_errors(config, *WORK)},
                               requestBody=_body(_object(["q"], q=q, api_key=api_key), {"q": example["q"]}))},
        "/languages": {"get": op(lt, "languages", "The languages and their targets", {"200": languages})},
        "/translate_file": {"post": op(lt, "translateFile", "Translate a file into its own format",
                                       {"200": _json("Where to download it", _object(translatedFileUrl={**STRING, "format": "uri"})),
                                        **_errors(config, *WORK)},
                                       requestBody=_body(upload, {"file": "article.docx", "source": "fr", "target": "en"}, (MULTIPART,)))},
        "/download_file/{name}": {"get": op(lt, "downloadFile", "Download a translated file", {"200": binary, **_errors(config, 404)},
                                            parameters=[name])},
        "/frontend/settings": {"get": op(lt, "frontendSettings", "Limits and options for front ends", {"200": _json("The settings", settings)})},
        "/summarize": {"post": op("Passerelle", "summarize", "Translate an article and summarise it in both languages",
                                  {"200": _json("The summaries and the translation", summary), **_errors(config, *WORK, *LINK)},
                                  requestBody=_body(summarize, {"q": example["q"], "source": AUTO, "length": config.summary_length}))},
        "/health": {"get": op(ops, "health", "Alive: the server answers", {"200": _json("Alive", _object(status=STRING))})},
        "/ready": {"get": op(ops, "ready", "Ready: every model is loaded",
                             {"200": _json("Ready", ready), "503": _json("A model is loading or failed, or the server is stopping", ready)})},
        "/metrics": {"get": op(ops, "metrics", "Prometheus metrics", {"200": _json("Prometheus' text format", STRING, "text/plain")})},
        "/spec": {"get": op(ops, "spec", "This OpenAPI document", {"200": _json("OpenAPI 3.0.3", {"type": "object"})})},
        "/docs": {"get": op(ops, "docs", "This document as a web page", {"200": _json("HTML", STRING, "text/html")})},
        **_library_paths(config, op),
    }  # fmt: skip


def _library_paths(config: AppConfig, op: Any) -> dict[str, Any]:
    """The library's routes (docs/sources.md): translated feeds, kept articles, the digest."""
    lib = "Library"
    number = {"name": "article_id", "in": "path", "required": True, "schema": INTEGER}
    feed = {"name": "name", "in": "path", "required": True, "schema": STRING, "description": "A feed's name, or all"}
    since = {"name": "since", "in": "query", "schema": STRING, "description": "A span back from now (24h, 7d) or an ISO date"}
    query = [
        {"name": "q", "in": "query", "schema": STRING, "description": "Words, French or English: every one must be found"},
        {"name": "feed", "in": "query", "schema": STRING},
        since,
        {"name": "limit", "in": "query", "schema": INTEGER},
        {"name": "offset", "in": "query", "schema": INTEGER},
    ]
    article = _object(
        id=INTEGER,
        feed={**STRING, "nullable": True},
        title=STRING,
        url={**STRING, "nullable": True},
        summary_en={**STRING, "nullable": True},
        summary_fr={**STRING, "nullable": True},
        link=STRING,
    )
    missing = _errors(config, 404)
    return {
        "/feeds/{name}.atom": {"get": op(lib, "feed", "A translated Atom feed: one followed feed, or all of them",
                                         {"200": _json("Atom 1.0", STRING, "application/atom+xml"), **missing}, parameters=[feed])},
        "/library/articles": {"get": op(lib, "articles", "Kept articles, newest first, or those holding every word of q",
                                        {"200": _json("The articles", _object(articles=_array(article))), **_errors(config, 400)},
                                        parameters=query)},
        "/library/articles/{article_id}": {
            "get": op(lib, "article", "One kept article with its whole result", {"200": _json("The article", article), **missing},
                      parameters=[number]),
            "delete": op(lib, "deleteArticle", "Remove a kept article", {"204": {"description": "Removed"}, **missing},
                         parameters=[number])},
        "/library/{article_id}": {"get": op(lib, "readArticle", "A kept article as a page: original, translation, summaries",
                                            {"200": _json("HTML", STRING, "text/html"), **missing}, parameters=[number])},
        "/digest": {"get": op(lib, "digest", "The articles kept lately, by feed, as a page",
                              {"200": _json("HTML", STRING, "text/html"), **_errors(config, 400)}, parameters=[since])},
        "/digest.md": {"get": op(lib, "digestMarkdown", "The digest as Markdown",
                                 {"200": _json("Markdown", STRING, "text/markdown"), **_errors(config, 400)}, parameters=[since])},
    }  # fmt: skip


def _secure(config: AppConfig, paths: dict[str, Any]) -> dict[str, Any]:
    """The security schemes, each route's requirement set in ``paths``. With a login or
    required keys, strangers reach only PUBLIC; with optional keys, a key is the caller's own."""
    login = config.credentials() is not None
    locked = login or config.require_api_key
    schemes: dict[str, Any] = {}
    if login:
        schemes["basicAuth"] = {"type": "http", "scheme": "basic", "description": "The login's user and password (PASSERELLE_AUTH)"}
    if _keys(config):
        schemes["apiKey"] = {"type": "apiKey", "in": "query", "name": "api_key", "description": "Or the api_key field of the body"}
    if not schemes:
        return schemes
    requirement: list[dict[str, list[str]]] = [{name: []} for name in schemes]
    if not locked:
        requirement.append({})  # no credentials needed
    if locked:
        public = PUBLIC if login else (*PUBLIC, *KEY_FREE)
        chosen = [op for path, ops in paths.items() if path not in public for op in ops.values()]
    else:
        chosen = [paths[path]["post"] for path in KEYED]
    refusals = _errors(config, *([401] if login else []), *([403] if "apiKey" in schemes else []))
    for op in chosen:
        op["security"] = requirement
        op["responses"] = dict(sorted({**op["responses"], **refusals}.items()))
    return schemes


def openapi_document(config: AppConfig) -> dict[str, Any]:
    """The OpenAPI 3.0.3 document of the REST API as ``config`` sets it up."""
    guarded = f"Every route but {' and '.join(PUBLIC)} needs"
    if config.credentials() is not None:
        access = f"{guarded} the login (HTTP Basic){' or an API key' if _keys(config) else ''}."
    else:
        access = f"{guarded} an API key." if config.require_api_key else "API keys are optional." if _keys(config) else "No API keys."
    notes = "LibreTranslate's REST API (French and English) and Passerelle's /summarize. Each POST route reads its fields "
    notes += f'from a JSON body, a form body or the query string. Errors are {{"error": "..."}}. {access}'
    paths, components = _paths(config), {"schemas": _schemas()}
    if schemes := _secure(config, paths):
        components["securitySchemes"] = schemes
    info = {"title": "Passerelle", "version": "1", "description": notes}
    document = {"openapi": OPENAPI_VERSION, "info": info, "servers": [{"url": "/"}], "paths": paths, "components": components}
    return copy.deepcopy(document)  # its own dicts, not the module's shared ones, whatever the caller changes


# The page -------------------------------------------------------------------------------------

STYLE = """body{font:16px/1.5 system-ui,sans-serif;max-width:62rem;margin:auto;padding:1rem;color:#1a1a1a;background:#fff}
code,pre{font-family:ui-monospace,monospace}pre{background:#f2f2f2;padding:.75rem;white-space:pre-wrap;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;margin:.5rem 0}caption{text-align:left;font-weight:700}
th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}
section{border-top:2px solid #555;margin-top:2rem}.method{font-weight:700;color:#0b4f8a}a{color:#0b4f8a}
a:focus-visible{outline:3px solid #c60}"""


def _resolve(document: dict[str, Any], schema: Schema) -> Schema:
    ref = schema.get("$ref", "")
    return document.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {}) if ref else schema


def _type(schema: Schema) -> str:
    """A schema in a few words: "string (maxLength 200000)", "fr | en", "array of Segment"."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "oneOf" in schema:
        return " or ".join(_type(s) for s in schema["oneOf"])
    kind = " | ".join(map(str, schema["enum"])) if "enum" in schema else str(schema.get("type", "any"))
    if kind == "array":
        kind = f"array of {_type(schema.get('items', {}))}"
    limits = [f"{key} {json.dumps(schema[key])}" for key in ("minimum", "maximum", "maxLength", "default") if key in schema]
    return f"{kind} ({', '.join(limits)})" if limits else kind


def _fields(document: dict[str, Any], operation: dict[str, Any]) -> list[tuple[str, ...]]:
    """Name, where, type, required, description: the parameters, then the body's fields."""
    parameters = operation.get("parameters", [])
    rows = [(p["name"], p["in"], _type(p.get("schema", {})), p.get("required", False), p.get("description", "")) for p in parameters]
    content = operation.get("requestBody", {}).get("content", {})
    schema = _resolve(document, next(iter(content.values())).get("schema", {})) if content else {}
    required = schema.get("required", [])
    rows += [(name, "body", _type(s), name in required, s.get("description", "")) for name, s in schema.get("properties", {}).items()]
    return [(name, where, kind, "yes" if needed else "no", text) for name, where, kind, needed, text in rows]


def _curl(path: str, operation: dict[str, Any], base_url: str) -> str:
    content = operation["requestBody"]["content"]
    example = dict(next(iter(content.values())).get("example", {}))
    needs = operation.get("security", [{}])
    if {"apiKey": []} in needs and {} not in needs:
        example["api_key"] = "YOUR_KEY"
    url = shlex.quote(base_url.rstrip("/") + path) + (
        " -u USER:PASSWORD" if {"basicAuth": []} in needs and "api_key" not in example else ""
    )
    if JSON in content:
        return f"curl -s {url} -H 'content-type: application/json' -d {shlex.quote(json.dumps(example, ensure_ascii=False))}"
    binary = {k for k, s in next(iter(content.values()))["schema"].get("properties", {}).items() if s.get("format") == "binary"}
    return f"curl -s {url} " + " ".join(f"-F {shlex.quote(f'{k}=@{v}' if k in binary else f'{k}={v}')}" for k, v in example.items())


def _table(caption: str, heads: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    e = html.escape
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in heads)
    body = "".join("<tr>" + "".join(f"<td>{e(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><caption>{e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _section(document: dict[str, Any], path: str, method: str, operation: dict[str, Any], base_url: str) -> tuple[str, str]:
    """A route's entry in the contents, and its section."""
    e = html.escape
    anchor = e("".join(c if c.isalnum() else "-" for c in f"{method}{path}"))
    title = f'<span class="method">{e(method.upper())}</span> <code>{e(path)}</code>'
    parts = [f'<section id="{anchor}"><h2>{title}</h2><p>{e(operation.get("summary", ""))}</p>']
    parts += [f"<p>{e(operation['description'])}</p>"] if operation.get("description") else []
    kinds = " or ".join(operation.get("requestBody", {}).get("content", {}))
    parts += [f"<p>Body: {e(kinds)}{' (or the fields in the query string)' if JSON in kinds else ''}.</p>"] if kinds else []
    if fields := _fields(document, operation):
        parts.append(_table("Parameters", ("Name", "In", "Type", "Required", "Description"), fields))
    answers = []
    for status, answer in operation.get("responses", {}).items():
        for kind, media in (answer.get("content") or {"": {}}).items():
            schema = _resolve(document, media.get("schema", {}))
            shape = ", ".join(f"{n}: {_type(s)}" for n, s in schema.get("properties", {}).items()) or (_type(schema) if schema else "")
            answers.append((status, kind, answer.get("description", ""), shape))
    parts.append(_table("Responses", ("Status", "Content type", "Description", "Fields"), answers))
    if operation.get("requestBody"):
        parts.append(f"<h3>Example</h3><pre><code>{e(_curl(path, operation, base_url))}</code></pre>")
    entry = f'<li><a href="#{anchor}">{title}</a>: {e(operation.get("summary", ""))}</li>'
    return entry, "".join(parts) + "</section>"


def docs_page(document: dict[str, Any], base_url: str = "http://localhost:7860") -> str:
    """``document`` as a self-contained page (no script, no outside style or font: the server
    may be offline), every string from it escaped; ``base_url`` goes into the curl examples."""
    e = html.escape
    info = document.get("info", {})
    title = e(str(info.get("title", "API")))
    routes = [(path, method, op) for path, methods in document.get("paths", {}).items() for method, op in methods.items()]
    entries = [_section(document, path, method, op, base_url) for path, method, op in routes]
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}: REST API</title>'
        f"<style>{STYLE}</style></head><body><header><h1>{title} REST API</h1><p>{e(str(info.get('description', '')))}</p>"
        '<p><a href="/spec">The OpenAPI document (JSON)</a></p></header>'
        f'<nav aria-label="Routes"><ul>{"".join(entry for entry, _ in entries)}</ul></nav>'
        f"<main>{''.join(section for _, section in entries)}</main></body></html>"
    )
