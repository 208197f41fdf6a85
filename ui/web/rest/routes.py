"""LibreTranslate 1.9's REST API on Passerelle's models, with the same request and response
shapes (so SearXNG, deep-translator, libretranslatepy, browser extensions plug in), and
Passerelle's own /summarize beside it. French ⇄ English; "auto" detects which. /translate and
/summarize also take ``url`` (an article by its link, see links.py) and ``keep`` (the result
kept in the library)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse
from starlette.routing import Route

from passerelle.summarize import LENGTH_PRESETS
from passerelle.translate import PasserelleError
from passerelle.translate.faithful import Glossary
from passerelle.translate.formats import Form, HtmlForm
from passerelle.translate.languages import LANGUAGES, NAMES, Language, other

from ...article import (
    ArticleInputError,
    ArticleOptions,
    ArticleResult,
    InvalidArticleOption,
    LoadedModels,
    clean_text,
    process_article,
    read_article_bytes,
)
from ...article.gate import GateFullError
from ...article.language import AUTO, detect_served, detect_source
from ...config import AppConfig
from ..access import caller_of
from ..credentials import AccessPolicy
from ..guards import HttpError
from ..metrics import Metrics
from ..scratch import Scratch
from .errors import status_of
from .fields import Fields, read_fields
from .links import Links, link_answer, name_source, one_of_text_or_link
from .spec import FORMATS, docs_page, openapi_document

if TYPE_CHECKING:
    from ...library import Library

PAIRS = {language: [other(cast(Language, language))] for language in LANGUAGES}
FRONTEND_TIMEOUT_MS = 500
BUSY_RETRY_SECONDS = 5  # a full caller: its waiting requests take about this long to move on


class RestApi:
    """The routes, sharing the page's models and its gate (one queue for every front end), and
    the server's library (``library``: the library routes' own, else opened here at first
    use); ``close`` at shutdown."""

    def __init__(
        self,
        config: AppConfig,
        services: LoadedModels,
        scratch: Scratch,
        metrics: Metrics,
        access: AccessPolicy,
        library: Callable[[], Library] | None = None,
    ) -> None:
        self.config = config
        self.services = services
        self.scratch = scratch
        self.metrics = metrics
        self.access = access  # who may call is the access guard's business; its keys are shown here
        self.glossary = config.load_glossary()  # the server's own, unless a request brings one
        self.document = openapi_document(config)
        self.links = Links(config, library)  # the server's one fetcher, made at the first link

    def close(self) -> None:
        self.links.close()

    def routes(self) -> list[Route]:
        """Plain Starlette routes: the server answers before FastAPI (Gradio's) is imported."""
        return [
            Route("/translate", self.translate, methods=["POST"]),
            Route("/detect", self.detect, methods=["POST"]),
            Route("/languages", self.languages, methods=["GET"]),
            Route("/translate_file", self.translate_file, methods=["POST"]),
            Route("/download_file/{name}", self.download_file, methods=["GET"]),
            Route("/frontend/settings", self.frontend_settings, methods=["GET"]),
            Route("/summarize", self.summarize, methods=["POST"]),
            Route("/spec", self.spec, methods=["GET"]),
            Route("/docs", self.docs, methods=["GET"]),
        ]

    # Routes -----------------------------------------------------------------------------------

    async def translate(self, request: Request) -> JSONResponse:
        fields = await read_fields(request)
        caller = self._caller(request)
        if (url := one_of_text_or_link(fields, "q")) is not None:
            return await self._translate_link(fields, url, caller)
        texts = fields.texts("q")
        q = fields.values["q"]
        options = self._options(
            fields, summarize=False, alternatives=max(0, fields.whole_number("alternatives")), glossary=self._glossary(fields)
        )
        target = self._target(fields, options.source)
        text_format = fields.text("format") or "text"
        if text_format not in FORMATS:
            raise HttpError(400, f"{text_format} format is not supported")
        self._check_length(texts)
        with_segments = fields.flag("segments")
        answers = []
        for text in texts:
            answer, result = await run_in_threadpool(self._translate_one, text, options, target, caller, text_format)
            if fields.flag("keep"):  # None: nothing was translated, nothing kept
                answer["library_id"] = await self.links.keep(result) if result is not None else None
            answers.append(answer)
        body: dict[str, Any] = {"translatedText": [a["translatedText"] for a in answers]}
        for key in ("detectedLanguage", "alternatives", "segments", "warnings", "library_id"):
            if any(key in a for a in answers):
                body[key] = [a.get(key, []) for a in answers]
        if not isinstance(q, list):
            body = {key: value[0] for key, value in body.items()}
        if not with_segments:
            body.pop("segments", None)
        return JSONResponse(body)

    async def _translate_link(self, fields: Fields, url: str, caller: str) -> JSONResponse:
        """/translate of the article at ``url``: the answer of a text, with its link and title."""
        options = self._options(
            fields, summarize=False, alternatives=max(0, fields.whole_number("alternatives")), glossary=self._glossary(fields)
        )
        target = self._target(fields, options.source)
        if (fields.text("format") or "text") != "text":
            raise HttpError(400, "Invalid request: format applies to q; the article of a url is read as text")
        page = await self.links.read(url)
        answer, result = await run_in_threadpool(self._translate_one, page.text, options, target, caller, "text")
        if result is not None:
            settled = replace(options, source=result.source_language)
            await run_in_threadpool(name_source, result, page, self.services, settled, result.source_language, caller)
        if fields.flag("keep"):
            answer["library_id"] = await self.links.keep(result, page) if result is not None else None
        if not fields.flag("segments"):
            answer.pop("segments", None)
        return JSONResponse(answer | link_answer(page, result))

    async def detect(self, request: Request) -> JSONResponse:
        fields = await read_fields(request)
        text = "\n".join(fields.texts("q"))
        self._check_length([text])
        found, elsewhere = await run_in_threadpool(detect_served, text)
        answer: list[dict[str, Any]] = [{"confidence": round(g.confidence * 100, 1), "language": g.code} for g in found]
        if elsewhere is not None:  # LibreTranslate's shape, and a word on what the text is
            for item in answer:
                item["warning"] = f"The text looks like {elsewhere.language.capitalize()}, which this server does not translate."
        return JSONResponse(answer)

    async def languages(self, _request: Request) -> JSONResponse:
        return JSONResponse([{"code": code, "name": NAMES[code], "targets": PAIRS[code]} for code in sorted(PAIRS)])

    async def spec(self, _request: Request) -> JSONResponse:
        """The OpenAPI document of this API, as LibreTranslate serves its own."""
        return JSONResponse(self.document)

    async def docs(self, request: Request) -> HTMLResponse:
        page = docs_page(self.document, base_url=str(request.base_url).rstrip("/"))
        return HTMLResponse(page, headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})

    async def frontend_settings(self, _request: Request) -> JSONResponse:
        return JSONResponse({
            "charLimit": self.config.max_chars,
            "frontendTimeout": FRONTEND_TIMEOUT_MS,
            "apiKeys": self.access.keys_enabled,
            "keyRequired": self.access.keys_required,
            "suggestions": False,
            "filesTranslation": True,
            "supportedFilesFormat": list(self.config.extensions),
            "language": {"source": {"code": "fr", "name": NAMES["fr"]}, "target": {"code": "en", "name": NAMES["en"]}},
        })  # fmt: skip

    async def translate_file(self, request: Request) -> JSONResponse:
        fields = await read_fields(request)
        caller = self._caller(request)
        upload = fields.files.get("file")
        if upload is None:
            raise HttpError(400, "Invalid request: missing file parameter")
        name = Path(upload.filename or "").name
        if not name:
            raise HttpError(400, "Invalid request: empty file")
        extension = Path(name).suffix.lower()
        if extension not in self.config.extensions:
            raise HttpError(400, f"Invalid request: file format not supported (use {', '.join(self.config.extensions)})")
        options = self._options(fields, summarize=False, glossary=self.glossary, article_only=fields.flag("article_only"))
        self._target(fields, options.source)
        data = await upload.read(self.config.max_file_bytes + 1)
        if len(data) > self.config.max_file_bytes:
            raise HttpError(413, f"The file is over the limit of {self.config.max_file_bytes:,} bytes")
        result = await run_in_threadpool(self._translate_file, data, name, options, caller)
        stem = Path(name).stem
        content = result.file.data if result.file is not None else result.translation.text
        public = self.scratch.write_file(f"{stem}.{result.target_language}{extension}", content)
        return JSONResponse({"translatedFileUrl": f"{str(request.base_url).rstrip('/')}/download_file/{public}"})

    async def download_file(self, request: Request) -> FileResponse:
        path = self.scratch.find_file(request.path_params["name"])
        if path is None:
            raise HttpError(404, "No such file (translated files are kept for an hour)")
        return FileResponse(path, filename=path.name, media_type="application/octet-stream")

    async def summarize(self, request: Request) -> JSONResponse:
        fields = await read_fields(request)
        caller = self._caller(request)
        url = one_of_text_or_link(fields, "q", "text")
        length = fields.text("length") or self.config.summary_length
        options = self._options(fields, AUTO, summarize=True, summary_length=length, glossary=self._glossary(fields))
        page = await self.links.read(url) if url is not None else None
        text = page.text if page is not None else fields.text("q") or fields.required("text")
        self._check_length([text])
        result = await run_in_threadpool(self._process, text, options, caller, as_html=False if page is not None else None)
        if page is not None:
            settled = replace(options, source=result.source_language)
            await run_in_threadpool(name_source, result, page, self.services, settled, result.source_language, caller)
        summary = result.summary
        assert summary is not None
        body: dict[str, Any] = {
            "summary": {"en": summary.en, "fr": summary.fr},
            "translatedText": result.translation.text,
            "sourceLanguage": result.source_language,
            "warnings": result.warnings,
        }
        if page is not None:
            body |= link_answer(page, result)
        if fields.flag("keep"):
            body["library_id"] = await self.links.keep(result, page)
        return JSONResponse(body)

    # Helpers ----------------------------------------------------------------------------------

    def _caller(self, request: Request) -> str:
        """The caller's turn at the models (its key, login or address): the guard let it in."""
        return caller_of(request.scope).identity

    def _glossary(self, fields: Fields) -> Glossary | None:
        """The request's glossary (lines of "source = target"), else the server's."""
        text = fields.text("glossary")
        if text is None:
            return self.glossary
        with as_rest_errors():
            return Glossary.parse(text, "the glossary") or None

    def _options(self, fields: Fields, default_source: str | None = None, **values: Any) -> ArticleOptions:
        """The request's options (its ``source``, else ``default_source``), checked by
        ArticleOptions as for every front end; a refusal in LibreTranslate's words."""
        source = fields.text("source") or default_source or fields.required("source")
        try:
            return ArticleOptions(source=source, max_alternatives=self.config.max_alternatives, **values)
        except InvalidArticleOption as error:
            words = {
                "source": f"{error.value} is not supported",
                "summary_length": f"Invalid request: length must be one of {', '.join(LENGTH_PRESETS)}",
                "alternatives": f"Invalid request: alternatives parameter must be <= {self.config.max_alternatives}",
            }
            raise HttpError(400, words.get(error.option, f"Invalid request: {error}")) from None

    def _target(self, fields: Fields, source: str) -> str:
        """The request's target language, one that ``source`` (a valid source) translates into."""
        target = fields.required("target")
        if target not in PAIRS:
            raise HttpError(400, f"{target} is not supported")
        if source != AUTO and target not in PAIRS[source]:
            raise HttpError(400, f"{NAMES[target]} ({target}) is not available as a target language from {NAMES[source]} ({source})")
        return target

    def _check_length(self, texts: list[str]) -> None:
        size = sum(len(text) for text in texts)
        if size > self.config.max_chars:
            raise HttpError(400, f"Invalid request: request ({size}) exceeds text limit ({self.config.max_chars})")

    def _translate_one(
        self, text: str, options: ArticleOptions, target: str, caller: str, text_format: str
    ) -> tuple[dict[str, Any], ArticleResult | None]:
        """One text's answer: its translation (unchanged when already in the target language
        or blank), the detected language for "auto", the alternatives when asked; and its
        result (None when nothing was translated)."""
        answer: dict[str, Any] = {}
        source, alternatives = options.source, options.alternatives
        with as_rest_errors():  # nesting too deep for a document is bad input
            form = HtmlForm(text) if text_format == "html" else None
        if source == AUTO:  # on what a reader sees: the markup's text, not its tags
            source, guess = detect_source(form.article_text() if form is not None else text)
            answer["detectedLanguage"] = {"confidence": round(guess.confidence * 100, 1), "language": source}
        if alternatives:
            answer["alternatives"] = []
        answer["segments"] = []
        if not text.strip() or source == target or (form is not None and not form.translatable()):
            answer["translatedText"] = text
            return answer, None
        result = self._process(text, replace(options, source=source), caller, as_html=False, form=form)
        if result.warnings:  # e.g. the text is in neither language: say so
            answer["warnings"] = result.warnings
        if result.file is not None:  # markup kept; the segments are the blocks' sentences
            answer["translatedText"] = result.file.data.decode("utf-8")
            answer.pop("alternatives", None)
            answer["segments"] = [segment.to_dict() for segment in result.translation.segments]
            return answer, result
        answer["translatedText"] = result.translation.text
        if alternatives:
            answer["alternatives"] = result.translation.alternatives()
        answer["segments"] = [segment.to_dict() for segment in result.translation.segments]
        return answer, result

    def _translate_file(self, data: bytes, name: str, options: ArticleOptions, caller: str) -> ArticleResult:
        with as_rest_errors():
            article = read_article_bytes(data, name, self.config.max_file_bytes, self.config.max_chars, options.article_only)
        return self._process(article.text, options, caller, cleaned=True, form=article.form)

    def _process(
        self,
        text: str,
        options: ArticleOptions,
        caller: str,
        *,
        as_html: bool | None = None,
        cleaned: bool = False,
        form: Form | None = None,
    ) -> ArticleResult:
        """``process_article`` in ``caller``'s turn, its errors as the API's; ``as_html``: the
        text is HTML (True), plain text even if it looks like markup (False), or either (None);
        ``form``: the document ``text`` comes from, translated back into its own format."""
        with as_rest_errors():
            article_text = text if cleaned or form is not None else clean_text(text, "q", self.config.max_chars, as_html=as_html).text
            result = process_article(article_text, self.services, options, caller=caller, form=form)
        self.metrics.observe(result)
        return result


@contextmanager
def as_rest_errors() -> Iterator[None]:
    """The product's errors as the API answers them, each class with its own status."""
    try:
        yield
    except GateFullError as error:
        raise HttpError(429, f"Slowdown: {error}", {"Retry-After": str(BUSY_RETRY_SECONDS)}) from None
    except (ArticleInputError, PasserelleError) as error:
        raise HttpError(status_of(error), str(error)) from None
