"""``passerelle feeds run --engine ray``: the feeds are fetched and read by the command, their
new items' links made by the batch script's Ray engine, and each article kept with its feed
and item key, once; a page that fails is recorded as the local poll records it, the feed's
validators kept back until it is made, and a poll with nothing new costs a 304.

The local site and its French pages are test_feeds.py's; Ray is test_ray_engine.py's private
instance (2 CPUs), which each command joins with ``--ray-address``.
"""

from __future__ import annotations

from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest

from passerelle.ui.library import ItemStateKind
from tests.helpers import run_cli
from tests.test_feeds import TOPICS, Site, article_page, feeds_env, kept, site  # noqa: F401  (fixtures)
from tests.test_ray_engine import ray_address  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.ray,
    # Ray Data's own DataContext touches its deprecated fields; nothing Passerelle can act on.
    pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context"),
]

FEED = "dauphinois"
KEYS = [f"petit-dauphinois-{i}" for i in range(3)]


def test_a_poll_on_ray_keeps_each_article_once_with_its_key_and_link(
    site: Site,  # noqa: F811
    feeds_env: dict[str, str],  # noqa: F811
    ray_address: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**feeds_env, "TMPDIR": str(temporary)}
    ray = ("--engine", "ray", "--actors", "1", "--ray-address", ray_address)
    site.publish([0, 1, 2])
    (site.folder / "articles" / "2.html").unlink()  # not there yet: a 404, this item's own failure
    assert run_cli("feeds", "add", site.url + "fil.xml", "--name", FEED, env=env).returncode == 0

    first = run_cli("feeds", "run", "--once", *ray, env=env)
    assert first.returncode == 1, first.stdout + first.stderr[-3000:]  # something failed: said in the status
    assert f"{FEED}: 2 of 3 new articles kept, 1 failed (retried at the next poll)" in first.stdout, first.stdout
    assert "2 translated, 0 skipped, 1 failed" in first.stderr, first.stderr[-3000:]  # the batch engine's report
    with kept(env) as library:
        assert sorted(article.key for article in library.articles(feed=FEED)) == KEYS[:2]
        state = library.item_state(FEED, KEYS[2])
        assert state is not None and state.state == ItemStateKind.FAILED and state.attempts == 1
        assert state.last_error and "404" in state.last_error
        assert library.feed(FEED).etag is None and library.feed(FEED).last_modified is None  # an item waits

    (site.folder / "articles" / "2.html").write_text(article_page(*TOPICS[2]), encoding="utf-8")
    second = run_cli("feeds", "run", "--once", *ray, env=env)  # the feed has not changed: fetched whole again
    assert second.returncode == 0, second.stdout + second.stderr[-3000:]
    assert f"{FEED}: 1 of 1 new article kept" in second.stdout, second.stdout
    with kept(env) as library:
        articles = library.articles(feed=FEED)
        assert sorted(article.key for article in articles) == KEYS  # each once
        for article in articles:
            number = int(article.key.rsplit("-", 1)[1])
            assert article.url == f"{site.url}articles/{number}.html"
            assert article.title_fr == TOPICS[number][0] and article.title_en
            assert TOPICS[number][1].split()[1] in article.source_text and "Mentions légales" not in article.source_text
            assert article.summary_en is not None and article.summary_fr is not None
            assert article.result["source_url"] == article.url
        assert library.item_state(FEED, KEYS[2]).state == ItemStateKind.STORED  # type: ignore[union-attr]
        assert library.feed(FEED).last_modified is not None  # nothing waits now: the validators are kept

    third = run_cli("feeds", "run", "--once", *ray, env=env)
    assert third.returncode == 0 and f"{FEED}: unchanged since the last poll" in third.stdout, third.stdout + third.stderr
    assert not list(temporary.glob("passerelle-feeds-*"))  # the run's folder is gone


def test_on_ray_a_site_pausing_after_errors_defers_its_items_as_the_local_poll_does(
    site: Site,  # noqa: F811
    feeds_env: dict[str, str],  # noqa: F811
    ray_address: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 500 sets the site's pause in the actor's fetcher: the page that failed counts one
    attempt, the items after it wait without one, and the feed's validators wait too."""

    def first_page_fails(handler: SimpleHTTPRequestHandler) -> None:
        if handler.path.endswith("/articles/0.html"):
            handler.send_error(500)
        else:
            SimpleHTTPRequestHandler.do_GET(handler)

    monkeypatch.setattr(site.handler, "do_GET", first_page_fails)
    site.publish([0, 1, 2])
    assert run_cli("feeds", "add", site.url + "fil.xml", "--name", FEED, "--no-check", env=feeds_env).returncode == 0
    run = run_cli("feeds", "run", "--once", "--no-summary", "--engine", "ray", "--actors", "1", "--ray-address", ray_address, env=feeds_env)
    assert run.returncode == 1, run.stdout + run.stderr[-3000:]
    expected = f"{FEED}: 0 of 3 new articles kept, 1 failed (retried at the next poll), 2 left for the next poll"
    assert expected in run.stdout, run.stdout
    with kept(feeds_env) as library:
        assert library.count() == 0
        failed = library.item_state(FEED, KEYS[0])
        assert failed is not None and failed.attempts == 1 and "500" in (failed.last_error or "")
        assert library.item_state(FEED, KEYS[1]) is None and library.item_state(FEED, KEYS[2]) is None  # no attempt counted
        assert library.feed(FEED).last_modified is None  # items wait: the whole feed is fetched next time
