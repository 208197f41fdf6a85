"""Who may call the REST API and how often: optional API keys (from the settings or a file),
required only when the operator says so, and requests per minute per key or per client."""

from __future__ import annotations

import time
from pathlib import Path

from translate import InvalidOptionError

from ...config import AppConfig
from ..guards import RecentEvents
from .errors import RestError

WINDOW_SECONDS = 60.0


def load_keys(config: AppConfig) -> dict[str, int | None]:
    """Each accepted key and its own requests per minute (None: the server's limit)."""
    keys: dict[str, int | None] = {key: None for key in config.api_keys}
    if config.api_keys_file:
        path = Path(config.api_keys_file).expanduser()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise InvalidOptionError(f"cannot read the API keys file {path}: {error.strerror}") from None
        for number, line in enumerate(lines, start=1):
            parts = line.split("#", 1)[0].split()
            if not parts:
                continue
            if len(parts) > 2 or (len(parts) == 2 and not parts[1].isdigit()):
                raise InvalidOptionError(f"{path}, line {number}: write KEY or KEY<TAB>requests-per-minute")
            keys[parts[0]] = int(parts[1]) if len(parts) == 2 else None
    return keys


class Access:
    """Checks a request's key and rate; returns the lane it waits in for the models."""

    def __init__(self, config: AppConfig) -> None:
        self.keys = load_keys(config)
        self.required = config.require_api_key
        self.per_minute = config.api_requests_per_minute
        self._calls = RecentEvents(WINDOW_SECONDS)

    @property
    def keys_enabled(self) -> bool:
        return bool(self.keys) or self.required

    def admit(self, api_key: str | None, client: str) -> str:
        """The lane of this caller (its key, or its address), or a RestError: 403 for a key
        that is unknown (or missing when keys are required), 429 over the rate. Without keys
        configured, a key sent anyway is ignored, as LibreTranslate does."""
        if not self.keys_enabled:
            api_key = None
        if api_key and api_key not in self.keys:
            raise RestError(403, "Invalid API key")
        if self.required and not api_key:
            raise RestError(403, "Please contact the server operator to get an API key")
        identity = f"key:{api_key}" if api_key else f"client:{client}"
        limit = self.keys.get(api_key) if api_key else None
        self._count(identity, limit or self.per_minute)
        return identity

    def _count(self, identity: str, per_minute: int) -> None:
        if per_minute <= 0:
            return
        now = time.monotonic()
        oldest = self._calls.add_if_under(identity, per_minute, now)
        if oldest is not None:
            wait = int(oldest + WINDOW_SECONDS - now) + 1
            raise RestError(429, f"Slowdown: {per_minute} per 1 minute", {"Retry-After": str(wait)})
