"""Following sources, the pure rules: the SSRF guard's address checks (a resolver that
answers what the test says), feeds and OPML lists parsed from bytes, a French article page
reduced to its article. The documents are written for the project; test_sources.py serves
them over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from passerelle.translate.errors import InvalidOptionError
from passerelle.ui.sources import AllowList, BlockedURLError, FeedError, FetchSettings, PageError, check_url, parse_feed, parse_opml
from passerelle.ui.sources.feeds import item_key
from passerelle.ui.sources.guard import legacy_ipv4, why_not_public
from passerelle.ui.sources.page import extract_article

pytestmark = pytest.mark.unit

FETCHED = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)

RSS20 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>La Gazette du Vercors</title>
  <link>https://gazette-vercors.example/</link>
  <description>L'actualit\xc3\xa9 du plateau</description>
  <item>
    <title>Le conseil municipal de Villard vote le budget des \xc3\xa9coles</title>
    <link>https://gazette-vercors.example/2025/03/budget-ecoles</link>
    <guid isPermaLink="false">gazette-4411</guid>
    <dc:creator>Martine Roux</dc:creator>
    <pubDate>Thu, 13 Mar 2025 18:30:00 +0100</pubDate>
    <description><![CDATA[<p>Les \xc3\xa9lus ont adopt\xc3\xa9 <b>un budget en hausse</b> pour les trois \xc3\xa9coles.</p>]]></description>
  </item>
  <item>
    <title>La route du col rouverte apr\xc3\xa8s l'\xc3\xa9boulement</title>
    <link>/2025/03/route-du-col</link>
    <guid isPermaLink="false">gazette-4412</guid>
    <pubDate>Wed, 12 Mar 2025 07:00:00 GMT</pubDate>
    <description>Les engins ont d\xc3\xa9gag\xc3\xa9 la chauss\xc3\xa9e.</description>
  </item>
  <item>
    <title>Une br\xc3\xa8ve sans lien</title>
    <guid isPermaLink="false">gazette-4413</guid>
    <description>Rien \xc3\xa0 lire de plus.</description>
  </item>
  <item>
    <title>Le budget des \xc3\xa9coles, deuxi\xc3\xa8me envoi</title>
    <link>https://gazette-vercors.example/2025/03/budget-ecoles-bis</link>
    <guid isPermaLink="false">gazette-4411</guid>
  </item>
  <item>
    <title>Le festival de jazz annonce sa programmation</title>
    <link>https://gazette-vercors.example/2025/03/festival</link>
    <pubDate>Sat, 20 Dec 2025 10:00:00 GMT</pubDate>
  </item>
</channel>
</rss>
"""

RSS10 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://echo-du-port.example/rss">
    <title>L'\xc3\x89cho du port</title>
    <link>https://echo-du-port.example/</link>
    <description>Nouvelles de la cri\xc3\xa9e</description>
    <items><rdf:Seq><rdf:li rdf:resource="https://echo-du-port.example/criee-record"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://echo-du-port.example/criee-record">
    <title>Record de ventes \xc3\xa0 la cri\xc3\xa9e</title>
    <link>https://echo-du-port.example/criee-record</link>
    <dc:date>2025-03-10T05:45:00+01:00</dc:date>
    <dc:creator>Yann Le Goff</dc:creator>
    <description>Les p\xc3\xaacheurs ont vendu plus de sardines que jamais.</description>
  </item>
</rdf:RDF>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://montagne-info.example/">
  <title>Montagne Info</title>
  <link href="https://montagne-info.example/" rel="alternate"/>
  <id>urn:uuid:5c1f0f3e-montagne</id>
  <updated>2025-03-11T12:00:00Z</updated>
  <entry>
    <title>Les refuges ouvrent plus t\xc3\xb4t cette ann\xc3\xa9e</title>
    <link rel="alternate" href="articles/refuges-ouverture"/>
    <id>tag:montagne-info.example,2025:refuges</id>
    <updated>2025-03-11T11:00:00Z</updated>
    <author><name>Claire Fontaine</name></author>
    <summary type="html">&lt;p&gt;La neige a fondu &lt;em&gt;plus vite&lt;/em&gt; que pr\xc3\xa9vu.&lt;/p&gt;</summary>
  </entry>
</feed>
"""

PAGE_WITH_FEED = b"""<!DOCTYPE html>
<html lang="fr"><head><title>La Gazette du Vercors</title>
<link rel="alternate" type="application/rss+xml" title="Les articles" href="/flux.rss">
</head><body><nav><a href="/">Accueil</a></nav><p>Bienvenue sur la Gazette.</p></body></html>
"""

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY a "ahahahahahahahahahah">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<rss version="2.0"><channel><title>&c;</title><item><title>&c;</title><link>https://x.example/a</link></item></channel></rss>
"""

RELATED = "".join(f'<li><a href="/2025/03/autre-{i}">Autre article num\u00e9ro {i} sur la vie du plateau</a></li>' for i in range(1, 6))
ARTICLE_PAGE = f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>Le conseil municipal de Villard vote le budget des \u00e9coles | La Gazette du Vercors</title>
<meta property="og:title" content="Le conseil municipal de Villard vote le budget des \u00e9coles">
<meta name="author" content="Martine Roux">
<meta property="article:published_time" content="2025-03-13T18:30:00+01:00">
</head><body>
<header><nav><ul><li><a href="/">Accueil</a></li><li><a href="/politique">Politique</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/abonnement">S'abonner</a></li></ul></nav></header>
<main><article>
<h1>Le conseil municipal de Villard vote le budget des \u00e9coles</h1>
<p class="byline">Par Martine Roux, le 13 mars 2025</p>
<p>R\u00e9unis jeudi soir dans la salle des f\u00eates, les \u00e9lus de Villard-de-Lans ont adopt\u00e9 \u00e0 une large majorit\u00e9
le budget consacr\u00e9 aux trois \u00e9coles de la commune. La d\u00e9pense augmente de douze pour cent par rapport \u00e0 l'an pass\u00e9.</p>
<p>La maire a expliqu\u00e9 que cette hausse servira d'abord \u00e0 r\u00e9nover la toiture de l'\u00e9cole du Bourg, qui laisse passer
l'eau depuis l'hiver dernier, puis \u00e0 acheter des ordinateurs pour les classes de CM1 et de CM2.</p>
<p>L'opposition a salu\u00e9 l'effort mais regrette que la cantine ne soit pas concern\u00e9e. Les parents d'\u00e9l\u00e8ves, venus
nombreux, ont applaudi le vote. Les travaux commenceront pendant les vacances de printemps.</p>
</article>
<aside class="related"><h2>\u00c0 lire aussi</h2><ul>{RELATED}</ul></aside></main>
<footer><p>\u00a9 2025 La Gazette du Vercors \u2014 Mentions l\u00e9gales \u2014 Contact \u2014 Publicit\u00e9</p></footer>
</body></html>
"""


class Answers:
    """A resolver that answers what the test says (no DNS)."""

    def __init__(self, **names: list[str]) -> None:
        self.names = {name.replace("_", "."): addresses for name, addresses in names.items()}

    def __call__(self, host: str, port: int) -> list[str]:
        return self.names[host]


NONE = AllowList()


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://10.1.2.3/", "private"),
        ("http://192.168.0.4:8080/x", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[::ffff:7f00:1]/", "loopback"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[fc00::5]/", "private"),
        ("http://[2002:0a00:0001::1]/", "private"),  # 6to4 around 10.0.0.1
        ("http://[64:ff9b::a9fe:a9fe]/", "link-local"),  # NAT64 around 169.254.169.254
        ("http://2130706433/", "loopback"),
        ("http://0177.0.0.1/", "loopback"),
        ("http://0x7f.1/", "loopback"),
        ("http://127.1/", "loopback"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("http://240.0.0.1/", "reserved"),
        ("http://100.64.0.1/", "not global"),
    ],
)
def test_non_public_addresses_are_refused_in_every_spelling(url: str, reason: str) -> None:
    with pytest.raises(BlockedURLError, match=f"a {reason} address") as caught:
        check_url(url, NONE, Answers())
    assert caught.value.http_status == 400 and caught.value.exit_code == 2


def test_names_are_judged_by_every_address_they_resolve_to() -> None:
    answers = Answers(localhost=["127.0.0.1"], rebind_example=["93.184.216.34", "10.0.0.7"], news_example=["93.184.216.34"])
    with pytest.raises(BlockedURLError, match="localhost resolves to 127.0.0.1"):
        check_url("http://localhost:8000/", NONE, answers)
    with pytest.raises(BlockedURLError, match="rebind.example resolves to 10.0.0.7"):
        check_url("https://rebind.example/flux", NONE, answers)
    target = check_url("https://News.Example./flux.rss?page=2", NONE, answers)
    assert (target.address, target.host, target.port, target.path, target.host_header) == (
        "93.184.216.34",
        "news.example",
        443,
        "/flux.rss?page=2",
        "news.example",
    )


@pytest.mark.parametrize(
    "url, message",
    [
        ("file:///etc/passwd", "only http:// and https://"),
        ("ftp://ftp.example/flux.xml", "only http:// and https://"),
        ("gopher://news.example/", "only http:// and https://"),
        ("news.example/flux", "only http:// and https://"),
        ("http://user:pass@news.example/", "user name or password"),
        ("http://user@news.example/", "user name or password"),
        ("http:///flux", "names no host"),
        ("http://news.example:port/", "not a valid URL"),
        ("http://news.example/a b", "spaces or control characters"),
    ],
)
def test_schemes_credentials_and_malformed_links_are_refused(url: str, message: str) -> None:
    with pytest.raises(BlockedURLError, match=message):
        check_url(url, NONE, Answers(news_example=["93.184.216.34"]))


def test_french_paths_and_international_names_are_sent_in_ascii() -> None:
    answers = Answers(**{"xn--lyse-9oad_example": ["93.184.216.34"]})
    target = check_url("https://élysée.example/actualités/l'été?q=café&p=2", NONE, answers)
    assert (target.host, target.path) == ("xn--lyse-9oad.example", "/actualit%C3%A9s/l'%C3%A9t%C3%A9?q=caf%C3%A9&p=2")
    assert check_url("http://news.example/d%C3%A9j%C3%A0", NONE, Answers(news_example=["93.184.216.34"])).path == "/d%C3%A9j%C3%A0"


def test_the_allow_list_opens_named_hosts_addresses_and_networks_only() -> None:
    allow = AllowList.parse(["127.0.0.1", " intranet.example ", "10.20.0.0/16", "[::1]"])
    answers = Answers(intranet_example=["10.9.9.9"], other_example=["10.9.9.9"])
    assert check_url("http://127.0.0.1:9000/flux", allow, answers).address == "127.0.0.1"
    assert check_url("http://intranet.example/flux", allow, answers).address == "10.9.9.9"
    assert check_url("http://10.20.3.4/", allow, answers).address == "10.20.3.4"
    assert check_url("http://[::1]:81/", allow, answers).host_header == "[::1]:81"
    for refused in ("http://127.0.0.2/", "http://other.example/", "http://10.21.0.1/", "http://169.254.169.254/"):
        with pytest.raises(BlockedURLError):
            check_url(refused, allow, answers)
    with pytest.raises(InvalidOptionError, match="PASSERELLE_FETCH_ALLOW"):
        AllowList.parse(["not a host!"])


def test_settings_read_the_allow_list_from_the_environment() -> None:
    settings = FetchSettings.from_env({"PASSERELLE_FETCH_ALLOW": "127.0.0.1, intranet.example,,"})
    assert settings.allow == ("127.0.0.1", "intranet.example")
    assert FetchSettings.from_env({}).allow == () and "Passerelle/" in settings.user_agent
    with pytest.raises(InvalidOptionError, match="max_redirects"):
        FetchSettings.from_env({}, max_redirects=-1)


def test_inet_aton_forms_and_public_addresses() -> None:
    assert [str(legacy_ipv4(h)) for h in ("3232235777", "0300.0250.1.1", "0xc0.0xa8.0x1.0x1", "192.168.257")] == ["192.168.1.1"] * 4
    assert legacy_ipv4("example.com") is None and legacy_ipv4("1e100.net") is None
    with pytest.raises(BlockedURLError):
        legacy_ipv4("256.1.1.1")
    import ipaddress

    assert why_not_public(ipaddress.ip_address("93.184.216.34")) is None
    assert why_not_public(ipaddress.ip_address("2606:4700::1111")) is None


def test_an_rss2_feed_becomes_typed_items_with_its_faults_noted() -> None:
    feed = parse_feed(RSS20, "https://gazette-vercors.example/flux.rss", FETCHED)
    assert (feed.title, feed.version, feed.link) == ("La Gazette du Vercors", "rss20", "https://gazette-vercors.example/")
    assert [item.key for item in feed.items] == ["gazette-4411", "gazette-4412", "https://gazette-vercors.example/2025/03/festival"]
    first, relative, future = feed.items
    assert first.title == "Le conseil municipal de Villard vote le budget des écoles" and first.author == "Martine Roux"
    assert first.published == datetime(2025, 3, 13, 17, 30, tzinfo=UTC)
    assert first.summary == "Les élus ont adopté un budget en hausse pour les trois écoles."
    assert relative.link == "https://gazette-vercors.example/2025/03/route-du-col"
    assert future.published == FETCHED
    assert (feed.skipped_without_link, feed.duplicates, feed.relative_links, feed.future_dates) == (1, 1, 1, 1)
    notes = "\n".join(feed.notes)
    assert "«Une brève sans lien»" in notes and "repeat a GUID" in notes and "dated in the future" in notes and "relative link" in notes


def test_rss1_and_atom_feeds() -> None:
    rdf = parse_feed(RSS10, "https://echo-du-port.example/rss", FETCHED)
    assert rdf.version == "rss10" and rdf.title == "L'Écho du port"
    (item,) = rdf.items
    assert (item.link, item.author, item.published) == (
        "https://echo-du-port.example/criee-record",
        "Yann Le Goff",
        datetime(2025, 3, 10, 4, 45, tzinfo=UTC),
    )
    atom = parse_feed(ATOM, "https://montagne-info.example/atom.xml", FETCHED)
    (entry,) = atom.items
    assert atom.version == "atom10" and entry.key == "tag:montagne-info.example,2025:refuges"
    assert entry.link == "https://montagne-info.example/articles/refuges-ouverture"  # xml:base
    assert entry.summary == "La neige a fondu plus vite que prévu." and entry.author == "Claire Fontaine"


def test_what_is_not_a_feed_is_named() -> None:
    with pytest.raises(
        FeedError, match="this is a web page, not a feed; its feed may be linked from it: https://gazette-vercors.example/flux.rss"
    ) as caught:
        parse_feed(PAGE_WITH_FEED, "https://gazette-vercors.example/", FETCHED)
    assert caught.value.feed_links == ("https://gazette-vercors.example/flux.rss",)
    with pytest.raises(FeedError, match="names none"):
        parse_feed(b"<html><body><p>Bonjour</p></body></html>", "https://x.example/", FETCHED)
    with pytest.raises(FeedError, match="not XML"):
        parse_feed(b"Bonjour, ceci n'est pas un flux.", "https://x.example/flux", FETCHED)
    with pytest.raises(FeedError, match="root element is <note>"):
        parse_feed(b"<?xml version='1.0'?><note><a>b</a></note>", "https://x.example/flux", FETCHED)
    with pytest.raises(FeedError, match="over the feed size limit"):
        parse_feed(RSS20, "https://x.example/flux", FETCHED, max_bytes=1000)
    with pytest.raises(FeedError, match="empty"):
        parse_feed(b"  \n", "https://x.example/flux", FETCHED)


@pytest.mark.parametrize(
    "document",
    [
        BOMB,
        BOMB.decode().encode("utf-16"),
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>&x;</title></channel></rss>',
    ],
)
def test_entity_bombs_and_external_entities_are_refused_before_parsing(document: bytes) -> None:
    with pytest.raises(FeedError, match="DTD with entities"):
        parse_feed(document, "https://x.example/flux", FETCHED)
    with pytest.raises(FeedError, match="DTD with entities"):
        parse_opml(document)


def test_an_old_rss091_doctype_without_entities_is_read() -> None:
    old = RSS20.replace(
        b"<rss ",
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss ',
        1,
    )
    assert len(parse_feed(old, "https://gazette-vercors.example/flux.rss", FETCHED).items) == 3


def test_item_keys_fall_back_to_the_link_then_a_hash() -> None:
    assert item_key(" g-1 ", "https://x.example/a", "t", "s") == "g-1"
    assert item_key(None, "https://x.example/a", "t", "s") == "https://x.example/a"
    hashed = item_key("", None, "Titre", "Résumé")
    assert hashed.startswith("sha256:") and hashed == item_key(None, "", "Titre", "Résumé") != item_key(None, "", "Titre", "Autre")


def test_opml_lists_its_feeds_once_each() -> None:
    opml = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Mes abonnements</title></head><body>
  <outline text="Presse régionale">
    <outline type="rss" text="La Gazette du Vercors" xmlUrl="https://gazette-vercors.example/flux.rss"/>
    <outline type="rss" title="L'Écho du port" text="echo" xmlUrl="https://echo-du-port.example/rss"/>
  </outline>
  <outline type="rss" text="Gazette encore" xmlUrl="https://gazette-vercors.example/flux.rss"/>
  <outline type="rss" text="Local" xmlUrl="file:///etc/passwd"/>
</body></opml>""".encode()
    assert parse_opml(opml) == [
        ("La Gazette du Vercors", "https://gazette-vercors.example/flux.rss"),
        ("L'Écho du port", "https://echo-du-port.example/rss"),
    ]
    with pytest.raises(FeedError, match="not <opml>"):
        parse_opml(RSS20)
    with pytest.raises(FeedError, match="not XML"):
        parse_opml(b"<opml><body>")
    with pytest.raises(FeedError, match="lists no feed"):
        parse_opml(b"<opml version='2.0'><body><outline text='vide'/></body></opml>")


def test_an_article_page_keeps_its_article_title_author_and_date() -> None:
    article = extract_article(ARTICLE_PAGE, "https://gazette-vercors.example/a", "https://gazette-vercors.example/2025/03/budget-ecoles")
    assert article.title == "Le conseil municipal de Villard vote le budget des écoles" and article.author == "Martine Roux"
    assert article.published is not None and article.published.date().isoformat() == "2025-03-13"
    assert article.text.startswith("Réunis jeudi soir") or "Réunis jeudi soir" in article.text.split("\n\n")[1]
    assert "vacances de printemps." in article.text and "\n\n" in article.text
    for chrome in ("Accueil", "S'abonner", "Autre article numéro", "Mentions légales", "À lire aussi"):
        assert chrome not in article.text
    assert article.final_url.endswith("/budget-ecoles") and article.url.endswith("/a")


def test_a_page_without_an_article_is_a_clear_error() -> None:
    with pytest.raises(PageError, match="no article text|only .* characters") as caught:
        extract_article("<html><body><nav><a href='/'>Accueil</a></nav></body></html>", "https://x.example/")
    assert caught.value.http_status == 422
