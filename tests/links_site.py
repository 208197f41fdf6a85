"""A local news site for the tests of articles by their link: French article pages written for
the project, each among a menu, a related-articles block and a footer, served on 127.0.0.1
(which the fetcher refuses unless PASSERELLE_FETCH_ALLOW opens it)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ARTICLES = {
    "a": (
        "La médiathèque de Villeurbanne ouvre le dimanche",
        [
            "La médiathèque du centre de Villeurbanne ouvrira désormais ses portes le dimanche après-midi, de quatorze à dix-huit heures.",
            "La ville a recruté six agents pour assurer ces nouveaux horaires, financés en partie par une aide de l'État.",
            "Les lecteurs réclamaient cette ouverture depuis plusieurs années, selon une enquête menée auprès de mille deux cents usagers.",
        ],
    ),
    "b": (
        "Un nouveau pont sur la Saône",
        [
            "Les travaux du nouveau pont piéton sur la Saône commenceront au mois de mars et dureront dix-huit mois.",
            "L'ouvrage reliera les deux rives du quartier de Vaise et accueillera aussi les cyclistes.",
            "Son coût est estimé à vingt-quatre millions d'euros, partagés entre la métropole et la région.",
        ],
    ),
}
MENU_WORDS = "Accueil"
FOOTER_WORDS = "Mentions légales"


def article_page(title: str, paragraphs: list[str]) -> str:
    """A French news page: the article among a menu, a related-articles block and a footer."""
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title} | Le Courrier du Rhône</title>'
        '<meta name="author" content="Claire Dumas"><meta property="article:published_time" content="2026-10-14"></head><body>'
        f'<nav><a href="/">{MENU_WORDS}</a> <a href="/ville">Ville</a> <a href="/culture">Culture</a></nav>'
        f"<article><h1>{title}</h1>{body}</article>"
        '<aside><h2>À lire aussi</h2><ul><li><a href="/autre">Le marché de Noël s\'installe place Bellecour</a></li></ul></aside>'
        f"<footer>© Le Courrier du Rhône. {FOOTER_WORDS}. Contact.</footer></body></html>"
    )


class QuietPages(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Site:
    folder: Path
    url: str  # ends with /

    def link(self, name: str) -> str:
        return f"{self.url}{name}.html"


@contextmanager
def serve_site(folder: Path) -> Iterator[Site]:
    """The articles as ``NAME.html``, and a page without an article (``liste.html``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (title, paragraphs) in ARTICLES.items():
        (folder / f"{name}.html").write_text(article_page(title, paragraphs), encoding="utf-8")
    (folder / "liste.html").write_text('<html lang="fr"><body><nav><a href="/a.html">Une</a></nav></body></html>', encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietPages, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(folder, f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()
