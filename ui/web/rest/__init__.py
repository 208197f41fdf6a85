"""The REST API beside the page: LibreTranslate's, so its clients plug in, and /summarize."""

from .errors import RestError, rest_error_response
from .routes import RestApi

__all__ = ["RestApi", "RestError", "rest_error_response"]
