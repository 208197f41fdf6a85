"""robots.txt, honoured before an article page is fetched (RFC 9309): fetched through the same
guarded fetcher, parsed by urllib.robotparser, kept per site for a while. A missing robots.txt
(4xx) allows everything; one that cannot be read (5xx, network) allows nothing, for now."""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.robotparser import RobotFileParser

from .errors import BackingOffError, FetchError, RobotsDisallowedError
from .guard import Target


class RobotsCache:
    """``fetch``: the body at a URL, through the guarded fetcher (a robots.txt is a fetch like
    any other: checked, bounded, one per host at a time)."""

    def __init__(self, fetch: Callable[[str], bytes], clock: Callable[[], float], ttl_seconds: float) -> None:
        self.fetch = fetch
        self.clock = clock
        self.ttl_seconds = ttl_seconds
        self._rules: dict[str, tuple[float, RobotFileParser | None]] = {}  # origin → (expiry, rules; None: all allowed)
        self._lock = threading.Lock()

    def check(self, target: Target, user_agent: str) -> None:
        """Raises RobotsDisallowedError when the site's robots.txt disallows ``target``."""
        rules = self.rules(target.origin)
        if rules is not None and not rules.can_fetch(user_agent, target.url):
            raise RobotsDisallowedError(
                f"{target.url}: the site's robots.txt ({target.origin}/robots.txt) asks robots not to fetch this page; "
                "Passerelle respects it (paste the article's text instead)",
                target.url,
            )

    def rules(self, origin: str) -> RobotFileParser | None:
        """The site's rules (None: no robots.txt, everything allowed), fetched once per TTL."""
        now = self.clock()
        with self._lock:
            cached = self._rules.get(origin)
        if cached is not None and cached[0] > now:
            return cached[1]
        url = f"{origin}/robots.txt"
        try:
            body = self.fetch(url)
        except BackingOffError:
            raise
        except FetchError as error:
            if error.status is not None and 400 <= error.status < 500 and error.status != 429:
                rules = None
            else:
                raise FetchError(
                    f"{url} could not be read ({error}); until it can, no page of this site is fetched", error.url, error.status
                ) from error
        else:
            rules = RobotFileParser(url)
            rules.parse(body.decode("utf-8", errors="replace").splitlines())
        with self._lock:
            self._rules[origin] = (now + self.ttl_seconds, rules)
        return rules
