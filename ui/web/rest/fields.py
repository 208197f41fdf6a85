"""A request's fields as the REST routes take them (read as LibreTranslate reads them, by
``bodies.read_fields``), each refusal in LibreTranslate's words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from ...config import TRUE_WORDS
from .. import bodies
from ..bodies import BodyError
from ..guards import HttpError
from ..options import parse_whole_number


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
            raise HttpError(400, f"Invalid request: {name} must be a string")
        return str(value)

    def texts(self, name: str) -> list[str]:
        """A field that is a string or a list of strings (LibreTranslate's ``q``), never empty."""
        value = self.values.get(name)
        if value is None or value == "" or value == []:
            raise HttpError(400, f"Invalid request: missing {name} parameter")
        texts = value if isinstance(value, list) else [value]
        if not all(isinstance(text, str) for text in texts):
            raise HttpError(400, f"Invalid request: {name} must be a string or a list of strings")
        return texts

    def required(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            raise HttpError(400, f"Invalid request: missing {name} parameter")
        return value

    def whole_number(self, name: str, default: int = 0) -> int:
        try:
            return parse_whole_number(self.values.get(name), default)
        except ValueError:
            raise HttpError(400, f"Invalid request: {name} parameter is not a number") from None

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        return value is True or str(value).strip().lower() in TRUE_WORDS


async def read_fields(request: Request) -> Fields:
    """The query string's fields, then the body's (JSON, or a form), the body's winning."""
    try:
        values, files = await bodies.read_fields(request)
    except BodyError as error:
        raise HttpError(400, str(error)) from None
    check_encodable(values)
    return Fields(values, files)


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
                raise HttpError(400, "Invalid request: the text holds a lone surrogate (\\udXXX), which is not a character") from None
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
