"""Following sources over real HTTP: feeds and French article pages (written for the
project, with menus, footers and related-article blocks) served by a local server on
127.0.0.1, opened by the allow list as PASSERELLE_FETCH_ALLOW would; the SSRF forms refused
without it, before any request leaves."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from passerelle.ui.sources import (
    BackingOffError,
    BlockedURLError,
    ContentTypeError,
    FeedError,
    Fetcher,
    FetchError,
    FetchSettings,
    FetchTimeoutError,
    PageError,
    RobotsDisallowedError,
    TooLargeError,
    fetch_article,
    parse_feed,
)
from tests.test_sources_rules import ARTICLE_PAGE, ATOM, BOMB, PAGE_WITH_FEED, RSS10, RSS20

pytestmark = pytest.mark.web

RSS = "application/rss+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"
ROBOTS = b"User-agent: *\nDisallow: /prive/\n\nUser-agent: AutreRobot\nDisallow: /\n"


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    stream: int = 0  # bytes sent in chunks, without a Content-Length


@dataclass
class Site:
    """What the server answers, and what it saw: requests, headers, the most at once."""

    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    active: int = 0
    most_at_once: int = 0
    sent_bytes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def paths(self) -> list[str]:
        return [path for path, _ in self.seen]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            with site.lock:
                site.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                site.active += 1
                site.most_at_once = max(site.most_at_once, site.active)
            try:
                self._answer(site.routes.get(self.path) or Route(404, b"introuvable"))
            finally:
                with site.lock:
                    site.active -= 1

        def _answer(self, route: Route) -> None:
            time.sleep(route.delay)
            etag = route.headers.get("ETag")
            if etag and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.stream:
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"<item>" + b"x" * 8186 + b"</item>"
                try:
                    for _ in range(route.stream // len(chunk)):
                        self.wfile.write(chunk)
                        with site.lock:
                            site.sent_bytes += len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading: what the test checks
                return
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FetchSettings.from_env({"PASSERELLE_FETCH_ALLOW": "127.0.0.1"})) as opened:
        yield opened


def test_rss2_rss1_and_atom_feeds_are_fetched_and_parsed(site: Site, fetcher: Fetcher) -> None:
    site.routes.update(
        {
            "/flux.rss": Route(body=RSS20, headers={"Content-Type": RSS}),
            "/rdf": Route(body=RSS10, headers={"Content-Type": "application/rdf+xml"}),
            "/atom.xml": Route(body=ATOM, headers={"Content-Type": "application/atom+xml"}),
        }
    )
    versions = {}
    for path in ("/flux.rss", "/rdf", "/atom.xml"):
        result = fetcher.fetch(site.url + path, kind="feed")
        feed = parse_feed(result.body, result.final_url, result.fetched_at)
        versions[path] = (feed.version, len(feed.items))
    assert versions == {"/flux.rss": ("rss20", 3), "/rdf": ("rss10", 1), "/atom.xml": ("atom10", 1)}
    agent = site.seen[0][1]["user-agent"]
    assert agent.startswith("Passerelle/") and "translation" in agent
    # The feed's relative link is made absolute against where the feed was fetched from.
    relative = parse_feed(RSS20.replace(b"https://gazette-vercors.example/2025/03/budget-ecoles", b"budget"), site.url + "/flux.rss")
    assert relative.items[0].link == site.url + "/budget"


def test_an_unchanged_feed_costs_a_304_on_the_second_fetch(site: Site, fetcher: Fetcher) -> None:
    site.routes["/flux.rss"] = Route(
        body=RSS20, headers={"Content-Type": RSS, "ETag": '"v7"', "Last-Modified": "Fri, 14 Mar 2025 08:00:00 GMT"}
    )
    first = fetcher.fetch(site.url + "/flux.rss", kind="feed")
    assert (first.status, first.etag, first.last_modified, first.not_modified) == (200, '"v7"', "Fri, 14 Mar 2025 08:00:00 GMT", False)
    second = fetcher.fetch(site.url + "/flux.rss", kind="feed", etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.body == b"" and second.etag == '"v7"'
    assert second.last_modified == "Fri, 14 Mar 2025 08:00:00 GMT"  # kept though the 304 omitted it
    sent = site.seen[1][1]
    assert (sent["if-none-match"], sent["if-modified-since"]) == ('"v7"', "Fri, 14 Mar 2025 08:00:00 GMT")


def test_redirects_are_followed_and_checked_at_every_hop(site: Site, fetcher: Fetcher) -> None:
    site.routes.update(
        {
            "/ancien-flux": Route(301, headers={"Location": "/flux.rss"}),
            "/flux.rss": Route(body=RSS20, headers={"Content-Type": RSS}),
            "/vers-prive": Route(302, headers={"Location": "http://10.0.0.1/flux.rss"}),
            "/vers-metadonnees": Route(307, headers={"Location": "http://169.254.169.254/latest/meta-data/"}),
            "/vers-fichier": Route(302, headers={"Location": "file:///etc/passwd"}),
            "/boucle": Route(302, headers={"Location": "/boucle"}),
        }
    )
    moved = fetcher.fetch(site.url + "/ancien-flux", kind="feed")
    assert (moved.url, moved.final_url, moved.redirects) == (
        site.url + "/ancien-flux",
        site.url + "/flux.rss",
        (site.url + "/ancien-flux",),
    )
    with pytest.raises(BlockedURLError, match="10.0.0.1, a private address"):
        fetcher.fetch(site.url + "/vers-prive", kind="feed")
    with pytest.raises(BlockedURLError, match="169.254.169.254, a link-local address"):
        fetcher.fetch(site.url + "/vers-metadonnees", kind="feed")
    with pytest.raises(BlockedURLError, match="only http:// and https://"):
        fetcher.fetch(site.url + "/vers-fichier", kind="feed")
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetcher.fetch(site.url + "/boucle", kind="feed")
    assert site.paths().count("/boucle") == 6


def test_every_ssrf_form_is_refused_without_the_allow_list_before_any_request(site: Site) -> None:
    port = site.url.rsplit(":", 1)[1]
    forms = [
        f"http://127.0.0.1:{port}/",
        f"http://localhost:{port}/",
        f"http://10.0.0.1:{port}/",
        "http://169.254.169.254/latest/meta-data/",
        f"http://[::1]:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/",
        f"http://2130706433:{port}/",
        f"http://0177.0.0.1:{port}/",
        f"http://0x7f.1:{port}/",
        "file:///etc/passwd",
        "ftp://127.0.0.1/flux.xml",
        f"http://user:pass@127.0.0.1:{port}/",
    ]
    with Fetcher(FetchSettings.from_env({})) as closed:
        for url in forms:
            with pytest.raises(BlockedURLError) as caught:
                closed.fetch(url, kind="feed")
            assert caught.value.http_status == 400, url
    assert site.seen == []


def test_the_allow_list_opens_what_it_names_and_a_resolved_name_is_connected_to_as_checked(site: Site) -> None:
    site.routes["/flux.rss"] = Route(body=RSS20, headers={"Content-Type": RSS})
    port = site.url.rsplit(":", 1)[1]
    lookups: list[str] = []

    def resolver(host: str, _port: int) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"]  # a second lookup could answer otherwise: there must be none

    settings = FetchSettings.from_env({"PASSERELLE_FETCH_ALLOW": "gazette-vercors.example"})
    with Fetcher(settings, resolver=resolver) as named:
        result = named.fetch(f"http://gazette-vercors.example:{port}/flux.rss", kind="feed")
        with pytest.raises(BlockedURLError):
            named.fetch(f"http://127.0.0.1:{port}/flux.rss", kind="feed")  # the name is open, not its address
    assert result.status == 200 and lookups == ["gazette-vercors.example"]
    assert site.seen[0][1]["host"] == f"gazette-vercors.example:{port}"


def test_bodies_over_the_limit_are_stopped_while_streaming(site: Site) -> None:
    site.routes["/enorme.rss"] = Route(headers={"Content-Type": RSS}, stream=50_000_000)
    site.routes["/annonce.rss"] = Route(body=RSS20 * 100, headers={"Content-Type": RSS})
    settings = FetchSettings.from_env({"PASSERELLE_FETCH_ALLOW": "127.0.0.1"}, max_feed_bytes=100_000)
    with Fetcher(settings) as small:
        with pytest.raises(TooLargeError, match="more than the limit of 100,000 bytes; stopped reading"):
            small.fetch(site.url + "/enorme.rss", kind="feed")
        with pytest.raises(TooLargeError, match="announced, over the limit"):
            small.fetch(site.url + "/annonce.rss", kind="feed")
    time.sleep(0.2)
    assert site.sent_bytes < 10_000_000  # the 50 MB feed was not read to its end


def test_a_web_page_instead_of_a_feed_names_its_feed(site: Site, fetcher: Fetcher) -> None:
    site.routes["/"] = Route(body=PAGE_WITH_FEED, headers={"Content-Type": HTML})
    result = fetcher.fetch(site.url + "/", kind="feed")
    with pytest.raises(FeedError, match=f"this is a web page, not a feed; its feed may be linked from it: {site.url}/flux.rss"):
        parse_feed(result.body, result.final_url, result.fetched_at)


def test_wrong_types_bombs_and_faulty_items_are_named(site: Site, fetcher: Fetcher) -> None:
    site.routes.update(
        {
            "/photo.png": Route(body=b"\x89PNG\r\n", headers={"Content-Type": "image/png"}),
            "/bombe.rss": Route(body=BOMB, headers={"Content-Type": RSS}),
            "/flux.rss": Route(body=RSS20, headers={"Content-Type": RSS}),
        }
    )
    with pytest.raises(ContentTypeError, match="sent image/png, not a feed"):
        fetcher.fetch(site.url + "/photo.png", kind="feed")
    with pytest.raises(ContentTypeError, match="sent application/rss\\+xml, not a web page"):
        fetcher.fetch(site.url + "/flux.rss", kind="page")
    bomb = fetcher.fetch(site.url + "/bombe.rss", kind="feed")
    with pytest.raises(FeedError, match="DTD with entities"):
        parse_feed(bomb.body, bomb.final_url)
    feed = parse_feed(fetcher.fetch(site.url + "/flux.rss", kind="feed").body, site.url + "/flux.rss")
    assert (feed.skipped_without_link, feed.duplicates) == (1, 1)
    assert [item.key for item in feed.items].count("gazette-4411") == 1


def test_an_article_page_is_read_and_robots_txt_is_honoured(site: Site, fetcher: Fetcher) -> None:
    site.routes.update(
        {
            "/robots.txt": Route(body=ROBOTS, headers={"Content-Type": "text/plain"}),
            "/a/budget": Route(302, headers={"Location": "/2025/03/budget-ecoles"}),
            "/2025/03/budget-ecoles": Route(body=ARTICLE_PAGE.encode(), headers={"Content-Type": HTML}),
            "/prive/budget": Route(body=ARTICLE_PAGE.encode(), headers={"Content-Type": HTML}),
            "/rubrique": Route(body=PAGE_WITH_FEED, headers={"Content-Type": HTML}),
        }
    )
    article = fetch_article(fetcher, site.url + "/a/budget")
    assert (article.url, article.final_url) == (site.url + "/a/budget", site.url + "/2025/03/budget-ecoles")
    assert article.title == "Le conseil municipal de Villard vote le budget des écoles" and article.author == "Martine Roux"
    assert "salle des fêtes" in article.text and "À lire aussi" not in article.text and "Mentions légales" not in article.text
    with pytest.raises(RobotsDisallowedError, match="robots.txt"):
        fetch_article(fetcher, site.url + "/prive/budget")
    with pytest.raises(PageError, match="article text"):
        fetch_article(fetcher, site.url + "/rubrique")
    assert "/prive/budget" not in site.paths() and site.paths().count("/robots.txt") == 1


def test_a_site_without_robots_txt_allows_pages(site: Site, fetcher: Fetcher) -> None:
    site.routes["/article"] = Route(body=ARTICLE_PAGE.encode(), headers={"Content-Type": HTML})
    assert "Villard-de-Lans" in fetch_article(fetcher, site.url + "/article").text
    assert site.paths() == ["/robots.txt", "/article"]


def test_one_request_at_a_time_per_host(site: Site, fetcher: Fetcher) -> None:
    site.routes["/lent.rss"] = Route(body=RSS20, headers={"Content-Type": RSS}, delay=0.15)
    errors: list[BaseException] = []

    def fetch() -> None:
        try:
            fetcher.fetch(site.url + "/lent.rss", kind="feed")
        except BaseException as error:  # handed to the test thread: asserted below
            errors.append(error)

    threads = [threading.Thread(target=fetch) for _ in range(5)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == [] and len(site.seen) == 5
    assert site.most_at_once == 1 and time.monotonic() - started >= 5 * 0.15


def test_failures_back_off_exponentially_and_success_resets(site: Site) -> None:
    site.routes["/panne.rss"] = Route(503, b"en maintenance", headers={"Retry-After": "1"})
    now = [1000.0]

    def clock() -> float:
        return now[0]

    settings = FetchSettings.from_env({"PASSERELLE_FETCH_ALLOW": "127.0.0.1"}, backoff_base_seconds=10, backoff_max_seconds=25)
    with Fetcher(settings, clock=clock) as polite:
        with pytest.raises(FetchError, match="answered 503") as caught:
            polite.fetch(site.url + "/panne.rss", kind="feed")
        assert caught.value.status == 503
        with pytest.raises(BackingOffError) as waiting:
            polite.fetch(site.url + "/panne.rss", kind="feed")
        assert waiting.value.retry_after == pytest.approx(10) and len(site.seen) == 1
        now[0] += 10.5
        with pytest.raises(FetchError, match="answered 503"):
            polite.fetch(site.url + "/panne.rss", kind="feed")
        assert polite.backoff_remaining("127.0.0.1") == pytest.approx(20)
        now[0] += 20.5
        with pytest.raises(FetchError):
            polite.fetch(site.url + "/panne.rss", kind="feed")
        assert polite.backoff_remaining("127.0.0.1") == pytest.approx(25)  # capped
        site.routes["/panne.rss"] = Route(body=RSS20, headers={"Content-Type": RSS})
        now[0] += 26
        assert polite.fetch(site.url + "/panne.rss", kind="feed").status == 200
        assert polite.backoff_remaining("127.0.0.1") == 0
    with Fetcher(settings) as fresh, pytest.raises(FetchError, match="answered 404") as missing:
        fresh.fetch(site.url + "/absent.rss", kind="feed")
    assert missing.value.status == 404 and fresh.backoff_remaining("127.0.0.1") == 0  # a 404 is an answer, not an outage


def test_a_silent_server_times_out(site: Site) -> None:
    site.routes["/muet.rss"] = Route(body=RSS20, headers={"Content-Type": RSS}, delay=1.5)
    settings = FetchSettings.from_env({"PASSERELLE_FETCH_ALLOW": "127.0.0.1"}, read_timeout=0.3)
    with Fetcher(settings) as impatient, pytest.raises(FetchTimeoutError, match="no answer in time"):
        impatient.fetch(site.url + "/muet.rss", kind="feed")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate")
def test_https_connects_to_the_checked_address_with_the_hosts_tls_name(tmp_path: Path) -> None:
    """The certificate is checked against the name (SNI and verification) while the
    connection goes to the address the guard checked."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=gazette.test",
         "-addext", "subjectAltName=DNS:gazette.test", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = Site(routes={"/flux.rss": Route(body=RSS20, headers={"Content-Type": RSS})})
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    served.load_cert_chain(cert, key)
    server.socket = served.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    trusted = ssl.create_default_context(cafile=str(cert))
    settings = FetchSettings.from_env({"PASSERELLE_FETCH_ALLOW": "gazette.test,127.0.0.1"})
    try:
        with Fetcher(settings, resolver=lambda host, _port: ["127.0.0.1"], transport=httpx.HTTPTransport(verify=trusted)) as tls:
            result = tls.fetch(f"https://gazette.test:{port}/flux.rss", kind="feed")
            assert result.status == 200 and site.seen[0][1]["host"] == f"gazette.test:{port}"
            with pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED|certificate"):
                tls.fetch(f"https://127.0.0.1:{port}/flux.rss", kind="feed")  # the certificate names gazette.test only
    finally:
        server.shutdown()
        server.server_close()
