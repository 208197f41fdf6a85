"""What the server knows of its callers: the login, the API keys (from the settings or a file),
sign-in sessions, wrong-login lockouts and request rates. The access guard (``access.py``)
applies them to every request."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from passerelle.translate import InvalidOptionError

from ..config import AppConfig
from .guards import RecentEvents

KEY_USER = "api-key"  # the user name of a session opened with an API key
RATE_WINDOW_SECONDS = 60.0
MAX_SESSIONS = 10_000


@dataclass(frozen=True)
class Caller:
    """Who is calling: ``identity`` names its caller and its rate (a user, a key or an address)."""

    identity: str
    user: str | None = None  # signed in as (None: anonymous)
    key: str | None = None


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


class Sessions:
    """Signed-in browsers (and gradio_client's logins): random tokens, each good for
    ``ttl`` seconds, at most MAX_SESSIONS of them (the oldest go first)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._users: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def open(self, user: str) -> str:
        token = secrets.token_urlsafe(32)
        now = time.monotonic()
        with self._lock:
            self._users = {t: (u, until) for t, (u, until) in self._users.items() if until > now}
            while len(self._users) >= MAX_SESSIONS:
                del self._users[next(iter(self._users))]
            self._users[token] = (user, now + self.ttl)
        return token

    def user(self, token: str | None) -> str | None:
        if not token:
            return None
        with self._lock:
            found = self._users.get(token)
        return found[0] if found is not None and found[1] > time.monotonic() else None

    def close(self, token: str | None) -> None:
        with self._lock:
            self._users.pop(token or "", None)


class LoginLockout:
    """After ``max_failures`` wrong logins from one client within ``window`` seconds, that
    client's logins are refused for ``lockout`` seconds, right password or not."""

    def __init__(self, max_failures: int, window: float, lockout: float) -> None:
        self.max_failures = max_failures
        self.lockout = lockout
        self._failures = RecentEvents(window)
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, client: str) -> int:
        """Seconds this client must wait before trying again (0: it may try now)."""
        now = time.monotonic()
        with self._lock:
            until = self._locked_until.get(client, 0.0)
        return int(until - now) + 1 if until > now else 0

    def failed(self, client: str) -> None:
        now = time.monotonic()
        # This failure is the max_failures-th of the window when max_failures - 1 came before it.
        if self._failures.add_if_under(client, self.max_failures - 1, now) is not None:
            with self._lock:
                self._locked_until = {c: t for c, t in self._locked_until.items() if t > now}  # bounded too
                self._locked_until[client] = now + self.lockout
            self._failures.forget(client)


class AccessPolicy:
    """The settings' rules: the login, the keys, the metrics token, the rates."""

    def __init__(self, config: AppConfig) -> None:
        self.credentials = config.credentials()
        self.keys = load_keys(config)
        self.keys_required = config.require_api_key
        self.metrics_token = config.metrics_token
        self.per_minute = config.api_requests_per_minute
        self.sessions = Sessions(config.session_ttl_seconds)
        self.lockout = LoginLockout(config.max_login_failures, config.login_window_seconds, config.login_lockout_seconds)
        self._calls = RecentEvents(RATE_WINDOW_SECONDS)

    @property
    def locked(self) -> bool:
        """Whether strangers are kept out (a login, or keys required)."""
        return self.credentials is not None or self.keys_required

    @property
    def keys_enabled(self) -> bool:
        return bool(self.keys) or self.keys_required

    def sign_in(self, user: str, password: str) -> str | None:
        """The user a login names, or None. Without a login of its own, a server that
        requires keys signs browsers in with a key as the password (any user name)."""
        if self.credentials is not None:
            name, secret = self.credentials
            same_user = hmac.compare_digest(user.encode(), name.encode())
            if hmac.compare_digest(password.encode(), secret.encode()) and same_user:
                return name
            return None
        if self.keys_required and self.valid_key(password):
            return KEY_USER
        return None

    def valid_key(self, key: str) -> bool:
        return any(hmac.compare_digest(key.encode(), known.encode()) for known in self.keys)

    def over_rate(self, caller: Caller) -> int:
        """Count one piece of work; the seconds to wait when it is over the caller's rate."""
        limit = (self.keys.get(caller.key) if caller.key else None) or self.per_minute
        if limit <= 0:
            return 0
        now = time.monotonic()
        oldest = self._calls.add_if_under(caller.identity, limit, now)
        return 0 if oldest is None else int(oldest + RATE_WINDOW_SECONDS - now) + 1

    def limit_of(self, caller: Caller) -> int:
        return (self.keys.get(caller.key) if caller.key else None) or self.per_minute
