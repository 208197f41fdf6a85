"""A request's fields as LibreTranslate reads them: from a JSON body, or from a form body and
the query string together (some clients send every field in the query string)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from ...config import TRUE_WORDS
from ..bodies import BodyError, parse_urlencoded
from ..options import parse_whole_number
from .errors import RestError

JSON_TYPES = ("application/json",)
URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


@dataclass
class Fields:
    values: dict[str, Any] = field(default_factory=dict)
    files: dict[str, UploadFile] = field(default_factory=dict)

    def text(self, name: str) -> str | None:
        """A string field (None when absent or empty)."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise RestError(400, f"Invalid request: {name} must be a string")
        return str(value)

    def texts(self, name: str) -> list[str]:
        """A field that is a string or a list of strings (LibreTranslate's ``q``), never empty."""
        value = self.values.get(name)
        if value is None or value == "" or value == []:
            raise RestError(400, f"Invalid request: missing {name} parameter")
        texts = value if isinstance(value, list) else [value]
        if not all(isinstance(text, str) for text in texts):
            raise RestError(400, f"Invalid request: {name} must be a string or a list of strings")
        return texts

    def required(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            raise RestError(400, f"Invalid request: missing {name} parameter")
        return value

    def whole_number(self, name: str, default: int = 0) -> int:
        try:
            return parse_whole_number(self.values.get(name), default)
        except ValueError:
            raise RestError(400, f"Invalid request: {name} parameter is not a number") from None

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        return value is True or str(value).strip().lower() in TRUE_WORDS


async def read_fields(request: Request) -> Fields:
    """The query string's fields, then the body's (JSON, or a form), the body's winning."""
    fields = Fields(dict(request.query_params))
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in JSON_TYPES:
        body = await request.body()
        if body.strip():
            try:
                data = json.loads(body)
            except (ValueError, RecursionError):  # RecursionError: nested thousands deep
                raise RestError(400, "Invalid JSON format") from None
            if not isinstance(data, dict):
                raise RestError(400, "Invalid JSON format")
            check_encodable(data)
            fields.values.update(data)
    elif kind == URLENCODED:
        try:
            fields.values.update(parse_urlencoded(await request.body(), request.headers.get("content-type", "")))
        except BodyError as error:
            raise RestError(400, f"Invalid request: {error}") from None
    elif kind == MULTIPART:
        form = await request.form()
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                fields.files[name] = value
            else:
                fields.values[name] = value
    return fields


def check_encodable(value: Any) -> None:
    """Refuse strings no text can hold: JSON may escape a lone surrogate (``"\\udcff"``),
    which no encoder, tokenizer or response writer accepts."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise RestError(400, "Invalid request: the text holds a lone surrogate (\\udXXX), which is not a character") from None
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
