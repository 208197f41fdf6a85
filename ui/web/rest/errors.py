"""Errors of the REST API, answered as LibreTranslate answers them: ``{"error": "..."}``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..guards import HttpError

RestError = HttpError  # the name the REST package has exported it under


async def rest_error_response(_request: Request, error: Exception) -> Response:
    """The app's handler of the errors its routes raise."""
    assert isinstance(error, HttpError)
    return error.response()


def status_of(error: Exception) -> int:
    """The HTTP status an error class declares (``PasserelleError.http_status``); 500 if none."""
    status = getattr(error, "http_status", 500)
    return status if isinstance(status, int) else 500
