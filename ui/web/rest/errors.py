"""Errors of the REST API, answered as LibreTranslate answers them: ``{"error": "..."}``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse


class RestError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


async def rest_error_response(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RestError)
    return JSONResponse({"error": error.message or "Invalid request"}, status_code=error.status, headers=error.headers)


def status_of(error: Exception) -> int:
    """The HTTP status an error class declares (``PasserelleError.http_status``); 500 if none."""
    status = getattr(error, "http_status", 500)
    return status if isinstance(status, int) else 500
