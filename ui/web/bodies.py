"""Urlencoded request bodies as browsers and ``curl -d`` send them: UTF-8 unless the request
says otherwise (Starlette reads ``application/x-www-form-urlencoded`` as Latin-1, turning
"parlé" into "parlÃ©"), and bytes that do not decode are a clear error, not a garbled field."""

from __future__ import annotations

import codecs
from urllib.parse import parse_qsl


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
