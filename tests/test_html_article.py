"""A translated web page is a page in the target language: with "article only" it keeps its
head (title translated, charset, stylesheets as they were), the article's images and its code
as ``<pre><code>``; every translated page says its new language in ``<html lang>``."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from passerelle.translate.formats import HtmlForm
from passerelle.translate.formats.article import article_html
from passerelle.ui.article import ArticleOptions, LoadedModels, process_article, read_article_bytes
from passerelle.ui.config import AppConfig

pytestmark = pytest.mark.model

TITLE = "Le port de Marseille agrandit ses quais"
PAGE = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="windows-1252">
<title>{TITLE}</title>
<link rel="stylesheet" href="/css/journal.css?v=3">
</head>
<body class="une">
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/economie">Économie</a></li></ul></nav>
<article>
<h1>Le port de Marseille agrandit ses quais pour les porte-conteneurs</h1>
<p>Le port de Marseille a lancé lundi des travaux pour allonger deux quais, afin d'accueillir des navires plus grands dès l'an prochain.</p>
<figure><img src="/photos/quai-nord.jpg" alt="Le quai nord au lever du jour"></figure>
<p>La direction du port prévoit une hausse du trafic de conteneurs et la création de plusieurs centaines d'emplois dans la région.</p>
<pre><code>longueur_quai = 420</code></pre>
<p>Les associations de riverains demandent une étude sur le bruit et la pollution avant le début du chantier principal.</p>
</article>
<footer><p>Journal de Provence, tous droits réservés, mentions légales.</p></footer>
</body>
</html>
"""


def head_of(page: str) -> str:
    match = re.search(r"<head>.*</head>", page, re.DOTALL)
    assert match, page
    return match.group(0)


def test_the_article_keeps_its_page_around_it() -> None:
    article = article_html(PAGE)
    assert article is not None
    assert article.startswith('<!DOCTYPE html>\n<html lang="fr">\n<head>') and article.rstrip().endswith("</body>\n</html>")
    assert head_of(article) == head_of(PAGE)  # title, charset and stylesheet as they were
    assert '<body class="une">' in article
    assert '<img src="/photos/quai-nord.jpg" alt="Le quai nord au lever du jour">' in article
    assert "<pre><code>longueur_quai = 420</code></pre>" in article and "<pre><pre>" not in article
    assert "Accueil" not in article and "mentions légales" not in article


def test_inline_code_stays_inline_and_a_page_without_head_gets_one() -> None:
    sentence = "Le service publie chaque matin le fichier <code>trafic.csv</code> avec les horaires des navires du port."
    fragment = f"<article><p>{sentence}</p><p>{sentence.replace('matin', 'soir')}</p></article>"
    article = article_html(fragment)
    assert article is not None
    assert '<head>\n<meta charset="utf-8">\n</head>' in article
    assert "<p>Le service publie chaque matin le fichier <code>trafic.csv</code> avec" in article


def test_a_rendered_page_says_its_new_language_and_encoding() -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"></head>'
        '<body><p lang="fr">Bonjour</p><p lang="de">Guten Tag</p><code translate="no"><span lang="fr">garder</span></code></body></html>'
    )
    form = HtmlForm(page)
    out = form.render_in([block.parts for block in form.blocks], "en").decode()
    assert out.startswith('<html lang="en"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">')
    assert '<p lang="en">Bonjour</p><p lang="de">Guten Tag</p>' in out  # a third language is the author's
    assert '<span lang="fr">garder</span>' in out  # copied verbatim: still French
    assert form.render([block.parts for block in form.blocks]).decode().startswith("<html><head>")  # no language: none said


def test_an_article_only_page_comes_back_whole_in_english(tiny_config: Callable[..., AppConfig]) -> None:
    article = read_article_bytes(PAGE.encode("cp1252"), "port.html", 1_000_000, 100_000, article_only=True)
    assert article.encoding == "cp1252" and article.form is not None
    result = process_article(article.text, LoadedModels(tiny_config()), ArticleOptions(summarize=False), "port.html", form=article.form)
    assert result.file is not None
    out = result.file.data.decode("utf-8")
    assert out.startswith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>')
    title = re.search(r"<title>(.*)</title>", out)
    assert title and title.group(1).strip() and title.group(1) != TITLE  # translated
    assert '<link rel="stylesheet" href="/css/journal.css?v=3">' in out
    assert '<img src="/photos/quai-nord.jpg" alt="' in out and 'alt="Le quai nord au lever du jour"' not in out
    assert "<pre><code>longueur_quai = 420</code></pre>" in out
    assert "Accueil" not in out and "riverains" not in out


def test_an_english_page_translated_to_french_says_fr(tiny_config: Callable[..., AppConfig]) -> None:
    page = (
        '<!DOCTYPE html><html lang="en-GB"><head><title>The harbour grows</title></head><body>'
        "<p>The port of Marseille started work on Monday to extend two quays for larger ships.</p></body></html>"
    )
    form = HtmlForm(page)
    options = ArticleOptions(summarize=False, source="en")
    result = process_article(form.article_text(), LoadedModels(tiny_config()), options, "harbour.html", form=form)
    assert result.file is not None
    out = result.file.data.decode("utf-8")
    assert out.startswith('<!DOCTYPE html><html lang="fr"><head><title>') and "The harbour grows" not in out
