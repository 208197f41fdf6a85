"""Who may use the server, and how often: the one access rule every request crosses, whatever
its way in (the page, Gradio's API, the REST API, the operators' routes).

A caller signs in with the page's session (a cookie from ``POST /login``), HTTP Basic, or an
API key (``Authorization: Bearer KEY``, ``X-API-Key``, or LibreTranslate's ``api_key`` field
in the query string or a REST body). With a login (``PASSERELLE_AUTH``) or required keys, a
caller who has not signed in reaches only ``/health``, a bare ``/ready``, the login page and
``/login`` itself (and, when only keys are required, what LibreTranslate shows without one:
``KEY_FREE``); then the rate limit counts every request that starts work. Wrong logins,
whichever way they come, count towards one lockout per client address (the peer's own, or
the one a trusted proxy forwards: see ``WebServer._server``).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from importlib import resources

from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect, Request

from .bodies import BODY_TYPES, BodyError, body_type, query_fields, read_fields
from .credentials import KEY_USER, AccessPolicy, Caller
from .guards import API_CALL, QUEUE_JOIN, REST_WORK, ASGIApp, HttpError, Receive, Scope, Send, header, read_body, replay

SESSION_COOKIE = "passerelle-session"
CALLER = "passerelle.caller"  # where the guard leaves the caller in the request's state
ALWAYS_PUBLIC = frozenset({"/health", "/ready"})  # /ready says only ready or not to strangers
# What LibreTranslate answers without a key when keys are required (clients read them to learn
# what the server offers and that it wants a key); a login keeps them in too.
KEY_FREE = frozenset({"/languages", "/frontend/settings", "/spec", "/docs"})
LOGIN_PATH, LOGOUT_PATH = "/login", "/logout"
NEED_LOGIN = "Please sign in: this server needs a login (HTTP Basic, the page's session or an API key)."
NEED_KEY = "Please contact the server operator to get an API key"  # LibreTranslate's words
WRONG_KEY = "Invalid API key"


class AccessGuard:
    """The middleware: signs callers in, keeps strangers out of a locked server, counts rates."""

    def __init__(self, app: ASGIApp, policy: AccessPolicy) -> None:
        self.app = app
        self.policy = policy
        self.login_page = resources.files(__package__).joinpath("assets", "login.html").read_bytes()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        path, method = scope["path"], scope.get("method", "GET")
        if method == "OPTIONS" and header(scope, b"access-control-request-method"):
            return await self.app(scope, receive, send)  # a CORS preflight carries no credentials
        try:
            if path.rstrip("/") == LOGIN_PATH and method == "POST":
                return await self._login(scope, receive, send)
            if path.rstrip("/") == LOGOUT_PATH:
                return await self._logout(scope, send)
            caller, receive = await self._identify(scope, receive)
            if self.policy.locked and caller.user is None and not self._public(scope, caller):
                if method in ("GET", "HEAD") and path == "/" and scope["type"] == "http":
                    return await self._send_login_page(scope, send)
                raise self._keep_out(scope)
            if method == "POST" and _starts_work(path):
                wait = self.policy.over_rate(caller)
                if wait:
                    limit = self.policy.limit_of(caller)
                    raise HttpError(429, f"Slowdown: {limit} per 1 minute", {"Retry-After": str(wait)})
        except HttpError as refusal:
            if scope["type"] == "websocket":
                return await send({"type": "websocket.close", "code": 1008})
            return await refusal.response()(scope, receive, send)
        scope.setdefault("state", {})[CALLER] = caller
        await self.app(scope, receive, send)

    def _public(self, scope: Scope, caller: Caller) -> bool:
        path = scope["path"]
        if path == "/metrics" and self.policy.metrics_token:
            return hmac.compare_digest(_bearer(scope) or "", self.policy.metrics_token)
        return path in ALWAYS_PUBLIC or (self.policy.credentials is None and path in KEY_FREE)

    def _keep_out(self, scope: Scope) -> HttpError:
        if self.policy.credentials is not None:
            return HttpError(401, NEED_LOGIN, _challenge(scope))
        return HttpError(403, NEED_KEY)

    async def _identify(self, scope: Scope, receive: Receive) -> tuple[Caller, Receive]:
        """The caller, from its session, HTTP Basic, or key; a wrong login or key is refused."""
        client = client_address(scope)
        user = self.policy.sessions.user(_cookie(scope, SESSION_COOKIE))
        if user is not None:
            return Caller(f"user:{user}", user), receive
        # Without a lock, an Authorization header (a proxy's own login, say) is not ours to check.
        basic = _basic(scope) if self.policy.locked else None
        if basic is not None:
            name = self._check_login(client, *basic, challenge=_challenge(scope))
            return Caller(f"user:{name}", name), receive
        key = self._header_key(scope)
        if key is None:
            key, receive = await _body_key(scope, receive)
        if key and self.policy.keys_enabled:
            if not self.policy.valid_key(key):
                raise HttpError(403, WRONG_KEY)
            return Caller(f"key:{key}", KEY_USER, key), receive
        # Without keys configured, a key sent anyway is ignored, as LibreTranslate does.
        return Caller(f"client:{client}"), receive

    def _header_key(self, scope: Scope) -> str | None:
        if scope["path"] == "/metrics" and self.policy.metrics_token:
            return None  # the metrics token, not a key
        return _bearer(scope) or header(scope, b"x-api-key") or query_fields(scope).get("api_key") or None

    def _check_login(self, client: str, user: str, password: str, challenge: dict[str, str] | None = None) -> str:
        wait = self.policy.lockout.wait(client)
        if wait:
            raise HttpError(429, f"Too many wrong logins; try again in {wait} s.", {"Retry-After": str(wait)})
        name = self.policy.sign_in(user, password)
        if name is None:
            self.policy.lockout.failed(client)
            raise HttpError(401, "Incorrect credentials.", challenge)
        return name

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The page's and gradio_client's login: a form (or JSON) of username and password."""
        if not self.policy.locked:
            raise HttpError(404, "This server has no login.")
        try:
            fields, files = await read_fields(Request(scope, receive), query=False)
        except ClientDisconnect:
            return  # nobody to answer
        except BodyError as error:
            raise HttpError(400, str(error)) from None
        await _close(files)
        user = self._check_login(client_address(scope), str(fields.get("username", "")).strip(), str(fields.get("password", "")))
        token = self.policy.sessions.open(user)
        secure = "; Secure" if scope.get("scheme") == "https" else ""
        cookie = f"{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}"
        payload = json.dumps({"success": True}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
            (b"set-cookie", cookie.encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    async def _logout(self, scope: Scope, send: Send) -> None:
        self.policy.sessions.close(_cookie(scope, SESSION_COOKIE))
        headers = [
            (b"location", b"./"),
            (b"set-cookie", f"{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax".encode()),
            (b"content-length", b"0"),
        ]
        await send({"type": "http.response.start", "status": 303, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    async def _send_login_page(self, scope: Scope, send: Send) -> None:
        html = self.login_page.replace(b"__KEY_LOGIN__", b"true" if self.policy.credentials is None else b"false")
        headers = [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"content-length", str(len(html)).encode()),
            (b"cache-control", b"no-store"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else html})


def caller_of(scope: Scope) -> Caller:
    """The caller the guard let in (an anonymous one when called without the guard)."""
    found = scope.get("state", {}).get(CALLER)
    return found if isinstance(found, Caller) else Caller(f"client:{client_address(scope)}")


def signed_in(scope: Scope) -> bool:
    return caller_of(scope).user is not None


def client_address(scope: Scope) -> str:
    """The peer's address (a trusted proxy's forwarded one: uvicorn rewrites it only then)."""
    return (scope.get("client") or ("unknown", 0))[0]


def _challenge(scope: Scope) -> dict[str, str]:
    """HTTP Basic's challenge, for clients that answer it (curl, scripts); not for a page's own
    script, where the browser would stop everything for a password dialog."""
    if header(scope, b"sec-fetch-mode") in ("cors", "same-origin", "no-cors"):
        return {}
    return {"WWW-Authenticate": 'Basic realm="Passerelle", charset="UTF-8"'}


def _starts_work(path: str) -> bool:
    return bool(REST_WORK.match(path) or QUEUE_JOIN.match(path) or (API_CALL.match(path) and "/call/" in path))


def _cookie(scope: Scope, name: str) -> str | None:
    raw = header(scope, b"cookie")
    if not raw:
        return None
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _bearer(scope: Scope) -> str | None:
    scheme, _, value = (header(scope, b"authorization") or "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def _basic(scope: Scope) -> tuple[str, str] | None:
    scheme, _, value = (header(scope, b"authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise HttpError(400, "Invalid HTTP Basic credentials (base64 of user:password, UTF-8).") from None
    return (user, password) if sep else ("", user)


async def _body_key(scope: Scope, receive: Receive) -> tuple[str | None, Receive]:
    """LibreTranslate's ``api_key`` field in a REST body (read, then replayed to the app)."""
    kind = body_type(header(scope, b"content-type") or "")
    if scope["type"] != "http" or scope["method"] != "POST" or kind not in BODY_TYPES or not REST_WORK.match(scope["path"]):
        return None, receive
    _, messages = await read_body(receive)
    try:
        fields, files = await read_fields(Request(scope, replay(messages, receive)))
    except (BodyError, ClientDisconnect):
        return None, replay(messages, receive)  # the route answers the bad body with its own error
    await _close(files)
    value = fields.get("api_key")
    return (value if isinstance(value, str) and value else None), replay(messages, receive)


async def _close(files: dict[str, UploadFile]) -> None:
    for upload in files.values():
        await upload.close()
