"""A request's fields, one reading for every route that takes them (the REST API, the login,
the access guard's look for an API key): the query string and a body (JSON, urlencoded or
multipart). Urlencoded bodies are read as browsers and ``curl -d`` send them: UTF-8 unless the
request says otherwise (Starlette reads ``application/x-www-form-urlencoded`` as Latin-1,
turning "parlé" into "parlÃ©"), and bytes that do not decode are a clear error, not a garbled
field."""

from __future__ import annotations

import codecs
import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import QueryParams, UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.types import Scope

JSON, URLENCODED, MULTIPART = "application/json", "application/x-www-form-urlencoded", "multipart/form-data"
BODY_TYPES = (JSON, URLENCODED, MULTIPART)


class BodyError(ValueError):
    """A body that cannot be read as the form it says it is."""


def charset_of(content_type: str, default: str = "utf-8") -> str:
    """The ``charset`` parameter of a Content-Type header, if it names a known codec."""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.strip().partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"').lower()
            try:
                return codecs.lookup(charset).name
            except LookupError:
                raise BodyError(f"Unknown charset {charset!r} in the Content-Type") from None
    return default


def parse_urlencoded(body: bytes, content_type: str = "") -> list[tuple[str, str]]:
    """The fields of a urlencoded body, in order, percent-escapes decoded in its charset."""
    charset = charset_of(content_type)
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError:  # raw (unescaped) bytes, as curl -d sends them
        try:
            text = body.decode(charset)
        except UnicodeDecodeError:
            raise BodyError(f"The form body is not valid {charset} text") from None
    try:
        return parse_qsl(text, keep_blank_values=True, encoding=charset, errors="strict", max_num_fields=1_000)
    except UnicodeDecodeError:
        raise BodyError(f"The form body is not valid {charset} text") from None
    except ValueError as error:  # too many fields
        raise BodyError(f"Invalid form body: {error}") from None


async def read_fields(request: Request, *, query: bool = True) -> tuple[dict[str, Any], dict[str, UploadFile]]:
    """A request's fields as LibreTranslate reads them, and the files of a multipart form: the
    query string's fields (unless ``query`` is False: a login's password is no URL's), then the
    body's, winning: a JSON object, a urlencoded form (``parse_urlencoded``) or a multipart
    form; other bodies add nothing. A body that is not what it says is a ``BodyError`` in
    LibreTranslate's words. The files are the caller's to close."""
    values: dict[str, Any] = query_fields(request.scope) if query else {}
    files: dict[str, UploadFile] = {}
    content_type = request.headers.get("content-type", "")
    kind = body_type(content_type)
    if kind == JSON:
        body = await request.body()
        if body.strip():
            try:
                data = json.loads(body)
            except (ValueError, RecursionError):  # RecursionError: nested thousands deep
                raise BodyError("Invalid JSON format") from None
            if not isinstance(data, dict):
                raise BodyError("Invalid JSON format")
            values.update(data)
    elif kind == URLENCODED:
        try:
            values.update(parse_urlencoded(await request.body(), content_type))
        except BodyError as error:
            raise BodyError(f"Invalid request: {error}") from None
    elif kind == MULTIPART:
        try:
            form = await request.form()
        except MultiPartException as error:  # outside an app (the guard); inside, Starlette's 400
            raise BodyError(error.message) from None
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                files[name] = value
            else:
                values[name] = value
    return values, files


def query_fields(scope: Scope) -> dict[str, str]:
    """The query string's fields (some clients send every field there), as Starlette reads them."""
    return dict(QueryParams(scope.get("query_string", b"")))


def body_type(content_type: str) -> str:
    """The media type of a Content-Type header, without its parameters."""
    return content_type.split(";")[0].strip().lower()
