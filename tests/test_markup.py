"""HTML in, HTML out, on a model with random weights: the tags, attributes and verbatim
elements come out exactly as they went in, every text node is translated, and no markup can
appear that the input did not have."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from passerelle.translate import InputTextError, Translator
from passerelle.translate.formats import translate_html

pytestmark = pytest.mark.model

PAGE = """<!DOCTYPE html><html><head><title>Le budget</title><style>p > b { color: red }</style></head>
<body><h1>Le budget de <em>Lyon</em></h1>
<p class="chapo">Le conseil a voté <b>un budget</b> hier. Voir <a href="https://lyon.fr/b?x=1&amp;y=2" title="Le site">le site</a>.</p>
<p>Tapez <code>pip install &lt;x&gt;</code> puis <img src="a.png" alt="Une image"> ensuite.</p>
<p>Le maire <b>a <i>longuement</i> parlé</b> &lt;script&gt; hier.</p>
<script>if (a < b) { alert("x") }</script><!-- commentaire -->
<ul><li>Premier <i>point</i></li><li translate="no">Garder ceci</li></ul></body></html>"""


@pytest.fixture(scope="module")
def translator(marian_fr_en_dir: Path) -> Translator:
    return Translator(str(marian_fr_en_dir), backend="transformers", generation={"num_beams": 1, "max_new_tokens": 8})


def tags(markup: str) -> list[tuple[str, str, list[tuple[str, str | None]]]]:
    found: list[tuple[str, str, list[tuple[str, str | None]]]] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append(("start", tag, [(k, v) for k, v in attrs if k not in ("alt", "title")]))

        def handle_endtag(self, tag: str) -> None:
            found.append(("end", tag, []))

    Tags().feed(markup)
    return found


def test_the_markup_comes_out_as_it_went_in(translator: Translator) -> None:
    out = translate_html(PAGE, translator)
    assert tags(out)[0] == ("start", "html", [("lang", "en")])  # the page says its new language
    assert tags(out)[1:] == tags(PAGE)[1:]  # same tags, same order, same attributes (alt and title aside)
    for verbatim in (
        "<code>pip install &lt;x&gt;</code>",
        '<script>if (a < b) { alert("x") }</script>',
        "<style>p > b { color: red }</style>",
        "<!-- commentaire -->",
        '<li translate="no">Garder ceci</li>',
    ):
        assert verbatim in out  # fmt: skip
    assert 'href="https://lyon.fr/b?x=1&amp;y=2"' in out and 'alt="Une image"' not in out and 'title="Le site"' not in out
    assert out.lower().count("<script") == 1  # the escaped "<script>" of the text stays text


def test_every_text_node_is_translated(translator: Translator) -> None:
    out = translate_html(PAGE, translator)
    visible = re.sub(r"<(code|script|style)>.*?</\1>|<li translate=\"no\">.*?</li>|<!--.*?-->|<[^>]+>", " ", out, flags=re.S)
    for french in ("budget de", "conseil", "Tapez", "longuement", "Premier", "ensuite"):
        assert french not in visible


def test_plain_text_blocks_keep_their_whitespace(translator: Translator) -> None:
    out = translate_html("<div>\n  <p>Le maire a parlé.</p>\n</div>", translator)
    assert out.startswith("<div>\n  <p>") and out.endswith("</p>\n</div>")


def test_deep_nesting_is_refused(translator: Translator) -> None:
    with pytest.raises(InputTextError, match="nested more than"):
        translate_html("<div>" * 600 + "Le maire." + "</div>" * 600, translator)
