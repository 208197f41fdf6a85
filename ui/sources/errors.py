"""What can go wrong when Passerelle reads a link or a feed, each error saying what and why;
like translate/errors.py, each class carries the HTTP status of a web answer and the exit
status of a command."""

from __future__ import annotations

from passerelle.translate import PasserelleError


class FetchError(PasserelleError):
    """A link could not be read (network, HTTP status, size, type). ``status``: the remote
    server's HTTP status when it answered, so a poller can tell 404 from an outage."""

    http_status = 502  # the remote server's failure, not the caller's request
    exit_code = 1

    def __init__(self, message: str, url: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class BlockedURLError(FetchError):
    """The link leads somewhere Passerelle never fetches from on its own: a private, loopback,
    link-local or otherwise non-public address, a scheme other than http/https, or a URL with
    credentials (server-side request forgery guard)."""

    http_status = 400
    exit_code = 2


class FetchTimeoutError(FetchError):
    """The remote server did not answer, or not completely, in time."""

    http_status = 504


class TooLargeError(FetchError):
    """The body is over the size limit (stopped reading at the limit)."""


class ContentTypeError(FetchError):
    """The server answered with a type that is not what was asked for (an image for a page)."""

    http_status = 415


class RobotsDisallowedError(FetchError):
    """The site's robots.txt asks robots such as Passerelle not to fetch this page."""

    http_status = 403


class BackingOffError(FetchError):
    """The host failed recently: it is not asked again before ``retry_after`` seconds."""

    http_status = 503

    def __init__(self, message: str, url: str, retry_after: float) -> None:
        super().__init__(message, url)
        self.retry_after = retry_after


class FeedError(PasserelleError, ValueError):
    """The bytes are not a feed Passerelle can read (not XML, a web page, a DTD with entities,
    too large). ``feed_links``: the feeds a web page names, when it was a page."""

    http_status = 422
    exit_code = 1

    def __init__(self, message: str, feed_links: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.feed_links = feed_links


class PageError(PasserelleError, ValueError):
    """A web page was read, but holds no article text to translate."""

    http_status = 422
    exit_code = 1
