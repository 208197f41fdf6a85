"""One fetcher for feeds, article pages and robots.txt: every hop of every redirect checked by
the SSRF guard and connected to the very address checked, bodies read as a bounded stream,
types checked, conditional requests, one request at a time per host, backoff after failures,
robots.txt honoured for article pages. Share one Fetcher per process (it is thread-safe)."""

from __future__ import annotations

import email.utils
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urljoin

import httpx

from .errors import BackingOffError, BlockedURLError, ContentTypeError, FetchError, FetchTimeoutError, TooLargeError
from .guard import AllowList, Resolver, Target, check_url, literal_address, system_resolver
from .robots import RobotsCache
from .settings import FetchSettings

log = logging.getLogger("passerelle.sources")

Kind = Literal["feed", "page", "robots"]
REDIRECTS = {301, 302, 303, 307, 308}
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# A feed's own types, and web pages and plain text too: the feed parser then says what the
# body is (a page naming its feed, say) rather than a bare "wrong type".
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml", "application/x-rss+xml"}
    | {"application/x-atom+xml", "application/feed+json", "application/json", "text/plain"}
    | PAGE_TYPES
)
ACCEPT = {
    "feed": "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1",
    "page": "text/html, application/xhtml+xml;q=0.9",
    "robots": "text/plain, */*;q=0.1",
}
CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchResult:
    """One answer: a body (status 200) or 'not modified' (304, no body). ``etag`` and
    ``last_modified`` are what to send next time for a conditional request."""

    url: str
    final_url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    redirects: tuple[str, ...] = ()
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        """The body as text in its declared charset (UTF-8 when none, bad bytes replaced)."""
        try:
            return self.body.decode(self.charset or "utf-8", errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


@dataclass
class _HostState:
    failures: int = 0
    not_before: float = 0.0


class Fetcher:
    """Fetches links politely and safely; see the module's docstring."""

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        resolver: Resolver = system_resolver,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings or FetchSettings()
        self.settings.validate()
        self.allow = AllowList.parse(self.settings.allow)
        self.resolver = resolver
        self.clock = clock
        s = self.settings
        # No connection is kept alive: each one was opened to an address checked for its host
        # (and with that host's TLS name), and must not serve another. No proxy from the
        # environment either: a proxy would connect to addresses the guard never saw.
        self._client = httpx.Client(
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            follow_redirects=False,
            trust_env=False,
            limits=httpx.Limits(max_keepalive_connections=0),
            transport=transport,
        )
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._hosts: dict[str, _HostState] = {}
        self.robots = RobotsCache(lambda url: self.fetch(url, kind="robots").body, clock, s.robots_ttl_seconds)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, url: str, kind: Kind = "page", etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """The answer for ``url`` after at most ``max_redirects`` redirects, each hop checked;
        with ``etag``/``last_modified`` from the last answer, an unchanged resource comes back
        as ``not_modified`` without a body. Raises a FetchError subclass naming the problem."""
        conditions = {"If-None-Match": etag, "If-Modified-Since": last_modified}
        headers = {"User-Agent": self.settings.user_agent, "Accept": ACCEPT[kind]}
        headers.update({name: value for name, value in conditions.items() if value})
        current, hops = url, list[str]()
        for _ in range(self.settings.max_redirects + 1):
            target = check_url(current, self.allow, self.resolver)
            if kind == "page":
                self.robots.check(target, self.settings.user_agent)
            self._check_backoff(target)
            with self._host_lock(target.host):
                result = self._request(target, kind, headers, url, tuple(hops))
            if isinstance(result, FetchResult):
                if result.not_modified:
                    return _keep_validators(result, etag, last_modified)
                return result
            hops.append(current)
            current = result
        raise FetchError(f"{url}: more than {self.settings.max_redirects} redirects; not followed further", url)

    def backoff_remaining(self, host: str) -> float:
        """Seconds before ``host`` is asked again (0: now)."""
        with self._lock:
            state = self._hosts.get(host.lower())
        return max(0.0, state.not_before - self.clock()) if state else 0.0

    # --- one hop -------------------------------------------------------------------------

    def _request(self, target: Target, kind: Kind, headers: dict[str, str], url: str, hops: tuple[str, ...]) -> FetchResult | str:
        """One request to the checked address: a result, or the next URL of a redirect."""
        response = self._send(target, headers)
        try:
            status = response.status_code
            if status in REDIRECTS and response.headers.get("location"):
                self._succeeded(target.host)
                return urljoin(target.url, response.headers["location"].strip())
            if status == 304:
                self._succeeded(target.host)
                return FetchResult(url, target.url, 304, etag=response.headers.get("etag"),
                                   last_modified=response.headers.get("last-modified"), redirects=hops)  # fmt: skip
            if status == 429 or status >= 500:
                delay = self._failed(target.host, _retry_after(response.headers.get("retry-after")))
                raise FetchError(
                    f"{target.url}: the server answered {status} {response.reason_phrase}; not asked again for {delay:.0f} s", url, status
                )
            self._succeeded(target.host)
            if not 200 <= status < 300:
                raise FetchError(f"{target.url}: the server answered {status} {response.reason_phrase}", url, status)
            content_type, charset = _content_type(response.headers.get("content-type", ""))
            _check_type(kind, content_type, target.url, url)
            body = self._read(response, self.settings.max_bytes(kind), target, url)
            return FetchResult(url, target.url, status, body, content_type, charset, response.headers.get("etag"),
                               response.headers.get("last-modified"), hops)  # fmt: skip
        finally:
            response.close()

    def _send(self, target: Target, headers: dict[str, str]) -> httpx.Response:
        """The request sent to the first checked address that accepts a connection; the URL
        names the address, the Host header and TLS's server name name the host."""
        sni = {} if _is_ip(target.host) else {"sni_hostname": target.host}
        last: Exception | None = None
        for address in target.addresses:
            request_url = httpx.URL(scheme=target.scheme, host=address, port=target.port, raw_path=target.path.encode("ascii", "strict"))
            request = self._client.build_request("GET", request_url, headers={**headers, "Host": target.host_header}, extensions=sni)
            try:
                return self._client.send(request, stream=True)
            except httpx.ConnectError as error:
                last = error
            except httpx.TimeoutException as error:
                self._failed(target.host)
                raise FetchTimeoutError(f"{target.url}: no answer in time ({type(error).__name__})", target.url) from None
            except httpx.HTTPError as error:
                self._failed(target.host)
                raise FetchError(f"{target.url}: {type(error).__name__}: {error}", target.url) from None
        self._failed(target.host)
        raise FetchError(f"{target.url}: cannot connect to {target.host} ({last})", target.url)

    def _read(self, response: httpx.Response, limit: int, target: Target, url: str) -> bytes:
        """The body, decompressed, stopped as soon as it is over ``limit`` or late."""
        where = target.url
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            raise TooLargeError(f"{where}: {int(length):,} bytes announced, over the limit of {limit:,} bytes; not read", url)
        deadline = self.clock() + self.settings.total_timeout
        chunks, size = [], 0
        try:
            for chunk in response.iter_bytes(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLargeError(f"{where}: more than the limit of {limit:,} bytes; stopped reading", url)
                if self.clock() > deadline:
                    self._failed(target.host)
                    raise FetchTimeoutError(f"{where}: the answer took over {self.settings.total_timeout:.0f} s; stopped reading", url)
                chunks.append(chunk)
        except httpx.TimeoutException:
            self._failed(target.host)
            raise FetchTimeoutError(f"{where}: the answer stopped coming (read timeout)", url) from None
        except httpx.HTTPError as error:
            self._failed(target.host)
            raise FetchError(f"{where}: the answer broke off ({type(error).__name__}: {error})", url) from None
        return b"".join(chunks)

    # --- per host: one request at a time, backoff after failures ----------------------------

    def _host_lock(self, host: str) -> threading.Lock:
        with self._lock:
            return self._host_locks.setdefault(host, threading.Lock())

    def _check_backoff(self, target: Target) -> None:
        remaining = self.backoff_remaining(target.host)
        if remaining > 0:
            raise BackingOffError(
                f"{target.url}: {target.host} failed recently; not asked again for {remaining:.0f} s", target.url, remaining
            )

    def _failed(self, host: str, retry_after: float | None = None) -> float:
        """Records a failure of ``host``; the seconds before it is asked again."""
        s = self.settings
        with self._lock:
            state = self._hosts.setdefault(host, _HostState())
            state.failures += 1
            delay = min(s.backoff_base_seconds * 2 ** (state.failures - 1), s.backoff_max_seconds)
            if retry_after is not None:
                delay = min(max(delay, retry_after), s.backoff_max_seconds)
            state.not_before = self.clock() + delay
        log.info("fetch: %s failed %d time(s); next attempt in %.0f s", host, state.failures, delay)
        return delay

    def _succeeded(self, host: str) -> None:
        with self._lock:
            self._hosts.pop(host, None)


def _keep_validators(result: FetchResult, etag: str | None, last_modified: str | None) -> FetchResult:
    """A 304 may omit the validators: the ones sent stay valid."""
    return FetchResult(result.url, result.final_url, 304, etag=result.etag or etag,
                       last_modified=result.last_modified or last_modified, redirects=result.redirects)  # fmt: skip


def _content_type(header: str) -> tuple[str, str | None]:
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def _check_type(kind: Kind, content_type: str, where: str, url: str) -> None:
    """A missing type is let through (the parser judges the body); a wrong one is refused."""
    if kind == "robots" or not content_type:
        return
    accepted = PAGE_TYPES if kind == "page" else FEED_TYPES
    if content_type in accepted or (kind == "feed" and content_type.endswith("+xml")):
        return
    wanted = "a web page (text/html)" if kind == "page" else "a feed (RSS or Atom XML)"
    raise ContentTypeError(f"{where}: the server sent {content_type}, not {wanted}", url)


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds, from a number of seconds or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds()) if when.tzinfo else None


def _is_ip(host: str) -> bool:
    """TLS names no IP address (SNI is for names)."""
    return literal_address(host) is not None


__all__ = ["BlockedURLError", "FetchResult", "Fetcher", "Kind"]
