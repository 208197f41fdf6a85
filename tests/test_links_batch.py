"""Links among the batch script's inputs, as a user runs it: ``passerelle translate
http://127.0.0.1:PORT/a.html -o out --keep`` fetches the page (opened by
PASSERELLE_FETCH_ALLOW), translates its article only, writes outputs that name the link, keeps
the result in the library under the link; a rerun skips it without fetching it again; a
link that fails is that job's own error; without the allow list the private address is
refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from passerelle.translate import Segment, TranslationResult
from passerelle.ui.article import ArticleResult
from passerelle.ui.batch.links import link_stem
from passerelle.ui.library import Library, LibrarySettings
from tests.helpers import run_cli
from tests.links_site import ARTICLES, FOOTER_WORDS, MENU_WORDS, Site, serve_site

pytestmark = pytest.mark.cli


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with serve_site(tmp_path / "site") as running:
        yield running


@pytest.fixture
def env(tmp_path: Path, tiny_model_env: dict[str, str]) -> dict[str, str]:
    return {
        **tiny_model_env,
        "PASSERELLE_DATA_DIR": str(tmp_path / "data"),
        "PASSERELLE_DATABASE_URL": "",
        "PASSERELLE_FETCH_ALLOW": "127.0.0.1",
        "PASSERELLE_BACKEND": "transformers",
    }


def test_a_link_is_fetched_translated_named_and_kept(site: Site, env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    link = site.link("a")
    done = run_cli("translate", link, "-o", str(out), "--keep", "--beams", "1", env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    stem = link_stem(link)
    assert stem == f"127.0.0.1-{link.split(':')[2].split('/')[0]}-a"
    record = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
    assert record["source_url"] == link and record["source_file"] is None
    assert record["job"]["input"] == link and record["job"]["author"] == "Claire Dumas"
    title, paragraphs = ARTICLES["a"]
    assert record["title"]["source"] == title and record["title"]["translation"]
    assert "Villeurbanne" in record["source"] and paragraphs[2][:40] in record["source"]
    assert MENU_WORDS not in record["source"] and FOOTER_WORDS not in record["source"] and "Bellecour" not in record["source"]
    assert (out / f"{stem}.en.txt").read_text(encoding="utf-8").strip() == record["translation"].strip()
    assert "1 kept in the library" in done.stderr

    with Library.open(LibrarySettings(data_dir=Path(env["PASSERELLE_DATA_DIR"]))) as library:
        articles = library.articles()
        assert len(articles) == 1
        kept = articles[0]
        assert kept.url == link and kept.key == link and kept.feed is None
        assert kept.title_fr == title and kept.title_en == record["title"]["translation"]
        assert "Villeurbanne" in kept.source_text

    # A rerun skips the link without fetching it: the page is gone and the run still succeeds,
    # and keeping it again stores nothing new (it is kept under its link).
    (site.folder / "a.html").unlink()
    again = run_cli("translate", link, "-o", str(out), "--keep", "--beams", "1", env=env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "already done, skipped" in again.stderr
    with Library.open(LibrarySettings(data_dir=Path(env["PASSERELLE_DATA_DIR"]))) as library:
        assert library.count() == 1


def test_each_link_fails_alone_with_its_reason(site: Site, env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    links = [site.link("b"), site.link("liste"), site.link("absente")]
    run = run_cli("translate", *links, "-o", str(out), "--beams", "1", env=env)
    assert run.returncode == 1, run.stderr[-3000:]
    assert json.loads((out / f"{link_stem(links[0])}.json").read_text(encoding="utf-8"))["source_url"] == links[0]
    assert "no article text in the page" in run.stderr or "characters of article text" in run.stderr
    assert "404" in run.stderr
    assert "1 translated, 0 skipped, 2 failed" in run.stderr
    assert not (out / f"{link_stem(links[1])}.json").exists()


def test_a_private_address_is_refused_without_the_allow_list(site: Site, env: dict[str, str], tmp_path: Path) -> None:
    closed = {**env, "PASSERELLE_FETCH_ALLOW": ""}
    run = run_cli("translate", site.link("a"), "-o", str(tmp_path / "out"), env=closed)
    assert run.returncode == 1
    assert "refused" in run.stderr and "PASSERELLE_FETCH_ALLOW" in run.stderr, run.stderr
    assert "0 translated, 0 skipped, 1 failed" in run.stderr


@pytest.mark.parametrize(
    ("url", "stem"),
    [
        ("https://www.example.fr/politique/le-budget.html", "www.example.fr-politique-le-budget"),
        ("https://www.example.fr/", "www.example.fr"),
        ("http://exemple.fr/a/../../etc/passwd", "exemple.fr-a-..-..-etc-passwd"),
    ],
)
def test_link_stems_are_safe_file_names(url: str, stem: str) -> None:
    assert link_stem(url) == stem
    assert "/" not in link_stem(url) and not link_stem(url).startswith(".")


def test_links_with_queries_get_distinct_stems() -> None:
    first, second = link_stem("https://example.fr/article?id=1"), link_stem("https://example.fr/article?id=2")
    assert first != second and first.startswith("example.fr-article-")
    assert len(link_stem("https://example.fr/" + "x" * 500)) <= 120


def test_the_result_names_its_link_in_json_and_markdown() -> None:
    translation = TranslationResult("The library opens.", [Segment(0, "La médiathèque ouvre.", "The library opens.")], "x", "tiny", "t")
    plain = ArticleResult(source="La médiathèque ouvre.", translation=translation, source_file="notes.txt")
    assert plain.to_json()["source_url"] is None and plain.to_json()["title"] is None
    assert plain.to_markdown().startswith("# Translation of notes.txt\n\nThe library opens.")
    link = "https://www.example.fr/ville/mediatheque.html"
    web = ArticleResult(
        source="La médiathèque ouvre.", translation=translation, source_url=link, title="La médiathèque ouvre", title_translation="It opens"
    )
    assert web.to_json()["source_url"] == link
    assert web.to_json()["title"] == {"source": "La médiathèque ouvre", "translation": "It opens"}
    lines = web.to_markdown().splitlines()
    assert lines[:5] == ["# It opens", "", f"Source: <{link}> (La médiathèque ouvre)", "", "The library opens."]
