"""The rules behind the guarantees: numbers in English conventions, spans found, glossary
terms matched, placeholders put back, and the checks' flags."""

from __future__ import annotations

import pytest

from passerelle.summarize.factcheck import check_english_summary, check_french_summary
from passerelle.translate import InvalidOptionError
from passerelle.translate.faithful.checks import FlagKind, check_sentence
from passerelle.translate.faithful.glossary import Glossary
from passerelle.translate.faithful.masking import Placeholders, assemble, mask
from passerelle.translate.faithful.names import name_in, names
from passerelle.translate.faithful.numbers import localize, number_values
from passerelle.translate.faithful.spans import SpanKind, find_spans

pytestmark = pytest.mark.unit

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    "french, english",
    [
        ("2,5", "2.5"),
        ("780 000", "780,000"),
        (f"780{NBSP}000", "780,000"),
        (f"3{NNBSP}000{NNBSP}000", "3,000,000"),
        ("1 200,50", "1,200.50"),
        ("12,5 %", "12.5%"),
        (f"12,5{NNBSP}%", "12.5%"),
        ("780 000 €", "€780,000"),
        ("1,5 M€", "€1.5m"),
        ("2 Md€", "€2bn"),
        ("45 $", "$45"),
        ("−3,5", "-3.5"),
        ("35 °C", "35°C"),
        ("1er", "1st"),
        ("2e", "2nd"),
        ("3e", "3rd"),
        ("11e", "11th"),
        ("21e", "21st"),
        ("20h30", "20:30"),
        ("8 h 05", "08:05"),
        ("2024", "2024"),
        ("1.5", "1.5"),
    ],
)
def test_numbers_come_out_in_english_conventions(french: str, english: str) -> None:
    found = localize(f"Le chiffre {french} est connu.")
    assert [(item.source, item.target) for item in found] == [(french, english)]


def test_numbers_are_not_taken_from_words_or_merged_across_years() -> None:
    text = "Sur l'A7, en 2019 120 personnes ; la saison 2019-2020 ; le 3e étage ; 10h."
    assert [item.source for item in localize(text)] == ["2019", "120", "2019", "2020", "3e"]


def test_values_compare_whatever_the_writing() -> None:
    assert number_values("2,5 % et 780 000 € le 1er mai", "fr") == ["2.5", "780000", "1"]
    assert number_values("2.5% and €780,000 on 1st May, 1.50 m", "en") == ["1", "2.5", "780000", "1.5"]


@pytest.mark.parametrize(
    "text, kind, source",
    [
        ("Voir https://exemple.fr/page?a=1 demain.", SpanKind.URL, "https://exemple.fr/page?a=1"),
        ("Voir www.exemple.fr.", SpanKind.URL, "www.exemple.fr"),
        ("Le site lemonde.fr/economie publie.", SpanKind.URL, "lemonde.fr/economie"),
        ("Écrire à redaction@journal.fr ou appeler.", SpanKind.EMAIL, "redaction@journal.fr"),
        ("Appelez le +33 6 12 34 56 78 vite.", SpanKind.PHONE, "+33 6 12 34 56 78"),
        ("Appelez le 01 23 45 67 89 vite.", SpanKind.PHONE, "01 23 45 67 89"),
        ("Suivez @mairie_lyon ce soir.", SpanKind.HANDLE, "@mairie_lyon"),
        ("Le mot-dièse #GrèveGénérale circule.", SpanKind.HASHTAG, "#GrèveGénérale"),
        ("Tapez `pip install passerelle` puis validez.", SpanKind.CODE, "`pip install passerelle`"),
        ("Lisez [le rapport](https://ex.fr/r.pdf) en entier.", SpanKind.LINK_TARGET, "](https://ex.fr/r.pdf)"),
    ],
)
def test_protected_spans_are_found_whole(text: str, kind: SpanKind, source: str) -> None:
    spans = [span for span in find_spans(text) if span.kind == kind]
    assert [(span.source, span.replacement) for span in spans] == [(source, source)]
    assert all(text[span.start : span.end] == span.source for span in find_spans(text))


def test_a_phone_number_is_not_read_as_numbers_and_spans_never_overlap() -> None:
    spans = find_spans("Le 06 12 34 56 78 coûte 2,5 € sur https://x.fr/2024.")
    assert [span.kind for span in spans] == [SpanKind.PHONE, SpanKind.NUMBER, SpanKind.URL]
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))


GLOSSARY = Glossary.parse(
    "# termes de la rédaction\nOTAN\tNATO\ngilets jaunes\tyellow vests\ngilets\twaistcoats\nUkraine\nBanque de France\tBank of France\n"
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Le sommet de l'OTAN s'ouvre.", [("OTAN", "NATO")]),
        ("Les aides d’Ukraine arrivent.", [("Ukraine", "Ukraine")]),
        ("Les gilets jaunes manifestent.", [("gilets jaunes", "yellow vests")]),  # longest first
        ("Gilets jaunes : le retour.", [("Gilets jaunes", "Yellow vests")]),  # the text's capital
        ("Des gilets rouges.", [("gilets", "waistcoats")]),
        ("La Banque  de France maintient.", [("Banque  de France", "Bank of France")]),
        ("Les ukrainiennes et l'OTANIE.", []),  # whole words only
        ("l'otan", [("otan", "NATO")]),  # any case
    ],
)
def test_glossary_terms(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(text[m.start : m.end], m.replacement) for m in GLOSSARY.matches(text)] == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("a\tb\tc", "more than one separator"),
        ("a\t", "empty term"),
        ("\tb", "empty term"),
        ("OTAN: keep", "is not a glossary line"),
        ("OTAN -> NATO", "is not a glossary line"),
        ("a = b = c", "more than one separator"),
    ],
)
def test_malformed_glossaries_name_the_line(text: str, message: str) -> None:
    with pytest.raises(InvalidOptionError, match=f"line 1: .*{message}|line 1: {message}"):
        Glossary.parse(text)


@pytest.mark.parametrize("line", ["OTAN = NATO", "OTAN=NATO", "OTAN  =  NATO", "OTAN\tNATO", "  OTAN = NATO  "])
def test_one_syntax_however_it_is_spaced(line: str) -> None:
    assert [(t.source, t.target) for t in Glossary.parse(line).terms.values()] == [("OTAN", "NATO")]


PLACEHOLDERS = Placeholders("ZX{n}")


def test_placeholders_are_restored_in_any_order_and_spacing() -> None:
    source = "Le site https://x.fr propose 12,5 % de réduction."
    masked = mask(source, find_spans(source), PLACEHOLDERS)
    assert masked.text == "Le site ZX1 propose ZX2 de réduction."
    assert masked.restore("A zx 2 discount from ZX1.", PLACEHOLDERS) == "A 12.5% discount from https://x.fr."


@pytest.mark.parametrize("output", ["The site offers a discount.", "ZX1 ZX1 ZX2", "ZX1 and ZX3", "ZX1 only"])
def test_a_dropped_repeated_or_garbled_placeholder_is_refused(output: str) -> None:
    source = "Le site https://x.fr propose 12,5 % de réduction."
    assert mask(source, find_spans(source), PLACEHOLDERS).restore(output, PLACEHOLDERS) is None


def test_the_fallback_keeps_every_span_in_order() -> None:
    source = "Le site https://x.fr propose 12,5 % de réduction."
    parts = mask(source, find_spans(source), PLACEHOLDERS).fragments()
    words = {"Le site": "The site", "propose": "offers", "de réduction.": "off."}
    assert assemble(parts, words) == "The site https://x.fr offers 12.5% off."


def test_checks_flag_a_dropped_number_or_name_and_pass_a_faithful_translation() -> None:
    source = "M. Dupont, maire de Londres, a vu l'OTAN le 12 mars ; la hausse est de 2,5 %."
    assert check_sentence(source, "Mr Dupont, mayor of London, saw NATO on 12 March; the rise is 2.5%.") == []
    flags = check_sentence(source, "Mr Dupon, mayor of London, saw the alliance on 13 March; the rise is 2.5%.")
    assert {(flag.kind, flag.detail) for flag in flags} == {
        (FlagKind.NUMBER_MISSING, "12"),
        (FlagKind.NUMBER_ADDED, "13"),
        (FlagKind.NAME_MISSING, "Dupont"),
        (FlagKind.NAME_MISSING, "OTAN"),
    }
    assert all(flag.message for flag in flags)


def test_names_skip_sentence_and_quotation_starts_but_not_abbreviations() -> None:
    assert names("« Nous partons », dit Mme Garnier. Puis J. Martin arriva à Saint-Étienne.", "fr") == [
        "Garnier", "Martin", "Saint-Étienne"
    ]  # fmt: skip
    assert name_in("Saint-Étienne", "They went to Saint-Etienne.", "fr") and name_in("Allemagne", "in Germany", "fr")
    assert name_in("Germany", "en Allemagne", "en") and not name_in("Germany", "en Autriche", "en")


def test_summary_facts_are_checked_against_their_source() -> None:
    translation = "Lyon approved a budget of 2.5 billion euros on Tuesday. Mr Dupont said 780,000 euros go to trams."
    check = check_english_summary("The council approved 2.5 billion. Mr Dupont sent 800,000 euros to Paris.", translation)
    assert check.unsupported == ("800,000", "Paris") and check.checked == 4 and check.precision == 0.5
    faithful = check_french_summary(
        "Le conseil a approuvé 2,5 milliards, selon M. Dupont.", "The council approved 2.5 billion, Mr Dupont said."
    )
    assert faithful.unsupported == () and faithful.precision == 1.0


@pytest.mark.parametrize(
    "english, french",
    [
        ("2.5", "2,5"),
        ("780,000", "780\u202f000"),
        ("12.5%", "12,5\u00a0%"),
        ("€780,000", "780\u202f000\u00a0€"),
        ("€1.5m", "1,5\u00a0M€"),
        ("$2bn", "2\u00a0Md$"),
        ("1st", "1er"),
        ("3rd", "3e"),
        ("20:30", "20 h 30"),
        ("2024", "2024"),
    ],
)
def test_numbers_come_out_in_french_conventions_the_other_way(english: str, french: str) -> None:
    found = localize(f"The figure {english} is known.", "en")
    assert [(item.source, item.target) for item in found] == [(english, french)]


def test_a_reversed_glossary_serves_the_other_direction() -> None:
    reverse = GLOSSARY.reversed()
    assert [(m.replacement) for m in reverse.matches("The NATO summit and the Bank of France.")] == [
        "OTAN", "Banque de France"
    ]  # fmt: skip
    english_spans = find_spans("It rose 2.5% to €780,000 at nato.int.", reverse, "en")
    assert [(span.kind, span.replacement) for span in english_spans] == [
        (SpanKind.NUMBER, "2,5\u00a0%"), (SpanKind.NUMBER, "780\u202f000\u00a0€"), (SpanKind.URL, "nato.int")
    ]  # fmt: skip
