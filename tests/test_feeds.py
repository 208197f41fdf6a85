"""Following the press end to end, as a user does it: a local site (127.0.0.1, opened with
PASSERELLE_FETCH_ALLOW) serves an RSS feed and its French article pages, written for the
project with menus, footers and related-article blocks; ``passerelle feeds add`` and
``feeds run --once`` keep each new article once; a second run costs a 304; ``kill -9`` in
the middle of a run, then a rerun, leaves every item exactly once; ``passerelle ui`` serves
the translated Atom feed, which feedparser reads back with both summaries and both links.
The first test runs on PostgreSQL too when PASSERELLE_TEST_DATABASE_URL names a server (a
database of its own, made and dropped through that URL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import feedparser
import httpx
import pytest
from sqlalchemy import create_engine, make_url, text

from passerelle.ui.library import Library, LibrarySettings
from tests.helpers import ROOT, run_cli
from tests.servers import ServerProcess

pytestmark = pytest.mark.cli

PG_URL_VAR = "PASSERELLE_TEST_DATABASE_URL"
PG_URL = os.environ.get(PG_URL_VAR, "").strip()

TOPICS = [
    ("Le conseil municipal vote le budget", "Le conseil municipal de Grenoble a voté mardi soir un budget de 412 millions d'euros."),
    (
        "Les trains régionaux reprennent",
        "La circulation des trains régionaux reprend lundi entre Lyon et Chambéry après trois jours de travaux.",
    ),
    ("Une bibliothèque rouvre ses portes", "La bibliothèque du quartier Saint-Bruno rouvre samedi après dix-huit mois de rénovation."),
    ("La récolte des noix commence", "Les producteurs de noix de l'Isère commencent la récolte avec une semaine d'avance cette année."),
    ("Un festival de cinéma en plein air", "Le festival de cinéma en plein air accueille cette année quarante films venus de douze pays."),
    ("Le tramway prolongé jusqu'à la gare", "Le prolongement du tramway jusqu'à la gare sera mis en service au printemps prochain."),
]


def article_page(title: str, lead: str) -> str:
    """A French news page: the article among a menu, a related-articles block and a footer."""
    body = (
        f"<p>{lead}</p>"
        "<p>Les habitants interrogés se disent satisfaits, même si certains regrettent le calendrier retenu par la mairie.</p>"
        "<p>Les élus de l'opposition demandent un bilan précis avant la fin de l'année et promettent de suivre le dossier.</p>"
    )
    return (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title} | Le Petit Dauphinois</title></head><body>'
        '<nav><a href="/">Accueil</a> <a href="/politique">Politique</a> <a href="/sport">Sport</a></nav>'
        f"<article><h1>{title}</h1>{body}</article>"
        '<aside><h2>À lire aussi</h2><ul><li><a href="/autre">Un autre sujet sans rapport</a></li></ul></aside>'
        "<footer>© Le Petit Dauphinois, tous droits réservés. Mentions légales.</footer></body></html>"
    )


def rss(items: list[int], base: str) -> str:
    entries = "".join(
        f"<item><title>{TOPICS[i][0]}</title><link>{base}articles/{i}.html</link>"
        f'<guid isPermaLink="false">petit-dauphinois-{i}</guid>'
        f"<pubDate>{format_datetime(datetime(2026, 11, 30, 8 + i, tzinfo=UTC))}</pubDate>"
        f"<description>{TOPICS[i][1]}</description></item>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Le Petit Dauphinois</title>'
        f"<link>{base}</link><description>Les nouvelles du jour</description>{entries}</channel></rss>"
    )


class SlowPages(SimpleHTTPRequestHandler):
    """Files of the site's folder, with If-Modified-Since answered 304 (the standard
    handler's), and article pages a little slow, so a run can be killed between two."""

    delay = 0.0

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/articles/"):
            time.sleep(self.delay)
        super().do_GET()


@dataclass
class Site:
    folder: Path
    url: str
    handler: type[SlowPages]
    stamp: float = 1_780_000_000.0

    def publish(self, items: list[int]) -> None:
        for i in items:
            (self.folder / "articles" / f"{i}.html").write_text(article_page(*TOPICS[i]), encoding="utf-8")
        feed = self.folder / "fil.xml"
        feed.write_text(rss(items, self.url), encoding="utf-8")
        self.stamp += 2  # a new Last-Modified each time (the header counts whole seconds)
        os.utime(feed, (self.stamp, self.stamp))


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    folder = tmp_path / "site"
    (folder / "articles").mkdir(parents=True)
    handler = type("Pages", (SlowPages,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(folder, f"http://127.0.0.1:{server.server_address[1]}/", handler)
    server.shutdown()


@pytest.fixture
def feeds_env(tmp_path: Path, tiny_model_env: dict[str, str]) -> dict[str, str]:
    return {
        **tiny_model_env,
        "PASSERELLE_DATA_DIR": str(tmp_path / "data"),
        "PASSERELLE_FETCH_ALLOW": "127.0.0.1",
        "PASSERELLE_BACKEND": "transformers",
    }


@pytest.fixture
def database_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """PASSERELLE_DATABASE_URL for the commands: empty (SQLite under the data directory), or
    a fresh PostgreSQL database, dropped afterwards (its role needs CREATEDB)."""
    if request.param == "sqlite":
        yield {"PASSERELLE_DATABASE_URL": ""}
        return
    if not PG_URL:
        pytest.skip(f"no PostgreSQL to test on: set {PG_URL_VAR}=postgresql://user:password@host/db")
    name = f"passerelle_feeds_{uuid.uuid4().hex[:12]}"
    admin = create_engine(LibrarySettings(tmp_path, PG_URL).url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield {"PASSERELLE_DATABASE_URL": make_url(PG_URL).set(database=name).render_as_string(hide_password=False)}
    finally:
        with admin.connect() as connection:  # FORCE: a killed server's connections may linger
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def kept(env: dict[str, str]) -> Library:
    database_url = env.get("PASSERELLE_DATABASE_URL") or None
    return Library.open(LibrarySettings(data_dir=Path(env["PASSERELLE_DATA_DIR"]), database_url=database_url))


@pytest.mark.parametrize("database_env", ["sqlite", "postgresql"], indirect=True)
def test_a_feed_is_followed_polled_kept_once_and_published_as_atom(
    site: Site, feeds_env: dict[str, str], database_env: dict[str, str]
) -> None:
    feeds_env = {**feeds_env, **database_env}
    site.publish([0, 1, 2])
    added = run_cli("feeds", "add", site.url + "fil.xml", "--name", "dauphinois", env=feeds_env)
    assert added.returncode == 0, added.stderr
    assert "dauphinois: following" in added.stdout and "3 items" in added.stdout

    first = run_cli("feeds", "run", "--once", env=feeds_env)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "dauphinois: 3 of 3 new articles kept" in first.stdout
    on_sqlite = not database_env["PASSERELLE_DATABASE_URL"]
    assert (Path(feeds_env["PASSERELLE_DATA_DIR"]) / "library.sqlite3").exists() == on_sqlite  # kept where it was told
    with kept(feeds_env) as library:
        articles = library.articles(feed="dauphinois")
        assert sorted(article.key for article in articles) == [f"petit-dauphinois-{i}" for i in range(3)]
        for article in articles:
            assert article.url and article.url.startswith(site.url + "articles/")
            assert article.title_fr in {topic[0] for topic in TOPICS} and article.title_en
            assert "Grenoble" in article.source_text or "Lyon" in article.source_text or "Saint-Bruno" in article.source_text
            assert "Accueil" not in article.source_text and "Mentions légales" not in article.source_text  # the article only
            assert article.summary_en is not None and article.summary_fr is not None
            assert article.result["source_url"] == article.url and article.result["title"]["source"] == article.title_fr
            assert article.title_en == article.translation_text.split("\n\n")[0].strip()  # the heading's, not made twice
        assert library.feed("dauphinois").last_ok is not None

    again = run_cli("feeds", "run", "--once", env=feeds_env)
    assert again.returncode == 0 and "dauphinois: unchanged since the last poll" in again.stdout, again.stdout + again.stderr

    site.publish([0, 1, 2, 3])
    more = run_cli("feeds", "run", "--once", env=feeds_env)
    assert "dauphinois: 1 of 1 new article kept" in more.stdout, more.stdout + more.stderr

    listing = run_cli("feeds", "list", env=feeds_env)
    assert listing.returncode == 0 and "dauphinois" in listing.stdout and "ok" in listing.stdout

    digest = run_cli("digest", "--since", "1h", env=feeds_env)
    assert digest.returncode == 0 and digest.stdout.count("### [") == 4, digest.stdout

    server = ServerProcess(feeds_env, env={"PASSERELLE_DATA_DIR": feeds_env["PASSERELLE_DATA_DIR"]})
    try:
        answer = httpx.get(f"{server.url}/feeds/all.atom", timeout=30)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/atom+xml")
        parsed = feedparser.parse(answer.content)
        assert not parsed.bozo and len(parsed.entries) == 4
        with kept(feeds_env) as library:
            by_title = {article.title: article for article in library.articles()}
        for entry in parsed.entries:
            article = by_title[entry.title]
            links = {link.rel: link.href for link in entry.links}
            assert links["alternate"] == f"{server.url}/library/{article.id}" and links["related"] == article.url
            content = entry.content[0].value
            assert article.summary_en and article.summary_fr
            assert article.summary_en.split()[0] in content and article.summary_fr.split()[0] in content
        one = httpx.get(f"{server.url}/feeds/dauphinois.atom", timeout=30)
        assert one.status_code == 200 and len(feedparser.parse(one.content).entries) == 4
        assert httpx.get(f"{server.url}/feeds/inconnu.atom", timeout=30).status_code == 404
        page = httpx.get(links["alternate"], timeout=30)
        assert page.status_code == 200 and article.title_fr is not None and article.title_fr.split()[0] in page.text
        found = httpx.get(f"{server.url}/library/articles", params={"q": "Grenoble"}, timeout=30).json()["articles"]
        assert [item["title_original"] for item in found] == [TOPICS[0][0]]
    finally:
        server.stop()


def test_a_poll_killed_midway_and_run_again_keeps_every_item_exactly_once(site: Site, feeds_env: dict[str, str]) -> None:
    site.publish(list(range(6)))
    site.handler.delay = 0.4
    assert run_cli("feeds", "add", site.url + "fil.xml", "--name", "dauphinois", "--no-check", env=feeds_env).returncode == 0
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PASSERELLE_BATCH_GROUP": "1", **feeds_env}
    command = [sys.executable, "-m", "passerelle.ui.cli", "feeds", "run", "--once", "--no-summary"]
    poll = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    stored = 0
    while time.monotonic() < deadline and poll.poll() is None:
        with kept(feeds_env) as library:
            stored = library.count()
        if stored >= 2:
            break
        time.sleep(0.1)
    assert poll.poll() is None and 2 <= stored < 6, f"the run ended before it could be killed ({stored} kept)"
    poll.send_signal(signal.SIGKILL)
    poll.wait(30)
    with kept(feeds_env) as library:
        stored = library.count()  # what the killed run had kept, to the last transaction

    rerun = run_cli("feeds", "run", "--once", "--no-summary", env={**feeds_env, "PASSERELLE_BATCH_GROUP": "1"})
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    with kept(feeds_env) as library:
        keys = [article.key for article in library.articles(limit=100)]
    assert sorted(keys) == sorted(f"petit-dauphinois-{i}" for i in range(6))  # each once
    assert f"{6 - stored} of {6 - stored} new" in rerun.stdout, rerun.stdout


def test_an_article_page_that_fails_is_tried_again_at_the_next_poll(site: Site, feeds_env: dict[str, str]) -> None:
    site.publish([0, 1])
    (site.folder / "articles" / "1.html").unlink()  # the page is not there yet: 404
    assert run_cli("feeds", "add", site.url + "fil.xml", "--name", "dauphinois", "--no-check", env=feeds_env).returncode == 0
    first = run_cli("feeds", "run", "--once", "--no-summary", env=feeds_env)
    assert first.returncode == 1, first.stdout + first.stderr  # something failed: said in the status
    assert "dauphinois: 1 of 2 new articles kept, 1 failed (retried at the next poll)" in first.stdout, first.stdout

    (site.folder / "articles" / "1.html").write_text(article_page(*TOPICS[1]), encoding="utf-8")
    second = run_cli("feeds", "run", "--once", "--no-summary", env=feeds_env)  # the feed itself has not changed
    assert second.returncode == 0 and "dauphinois: 1 of 1 new article kept" in second.stdout, second.stdout + second.stderr
    third = run_cli("feeds", "run", "--once", "--no-summary", env=feeds_env)
    assert "dauphinois: unchanged since the last poll" in third.stdout, third.stdout
    with kept(feeds_env) as library:
        assert sorted(article.key for article in library.articles()) == ["petit-dauphinois-0", "petit-dauphinois-1"]


def test_the_server_polls_in_the_background_and_serves_feeds_to_a_reader_with_a_key(site: Site, feeds_env: dict[str, str]) -> None:
    site.publish([0, 1])
    assert run_cli("feeds", "add", site.url + "fil.xml", "--name", "dauphinois", "--no-check", env=feeds_env).returncode == 0
    key = "clef-du-lecteur"
    env = {
        **feeds_env,
        "PASSERELLE_FEEDS_EVERY": "1h",  # the first poll at once, the next in an hour
        "PASSERELLE_API_KEYS": key,
        "PASSERELLE_REQUIRE_API_KEY": "1",
        "PASSERELLE_PUBLIC_URL": "https://passerelle.example/",
    }
    server = ServerProcess(feeds_env, env=env)
    try:
        deadline, articles = time.monotonic() + 180, []
        while time.monotonic() < deadline and len(articles) < 2:
            answer = httpx.get(f"{server.url}/library/articles", params={"api_key": key}, timeout=30)
            assert answer.status_code == 200, answer.text
            articles = answer.json()["articles"]
            time.sleep(0.5)
        assert sorted(article["title_original"] for article in articles) == sorted(TOPICS[i][0] for i in (0, 1))
        assert httpx.get(f"{server.url}/feeds/all.atom", timeout=30).status_code == 403  # a stranger
        feed = httpx.get(f"{server.url}/feeds/all.atom", params={"api_key": key}, timeout=30)  # a feed reader's way
        assert feed.status_code == 200
        entries = feedparser.parse(feed.content).entries
        assert len(entries) == 2
        for entry in entries:
            links = {link.rel: link.href for link in entry.links}
            assert links["alternate"].startswith("https://passerelle.example/library/") and links["related"].startswith(site.url)
    finally:
        server.stop()
