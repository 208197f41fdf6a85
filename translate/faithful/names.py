"""Proper names, as far as rules can tell: capitalised words that do not start a sentence
(or a quotation), and acronyms. Names a reader expects translated (Londres → London,
OTAN → NATO, les Français → the French) are matched through a small table of their forms in
the other language, read both ways."""

from __future__ import annotations

import re
import unicodedata

from ..languages import Language
from ..sentences import FRENCH_ABBREVIATIONS

# Capitalised in French news although not names, or translated as common words.
FRENCH_CAPITALISED_WORDS = frozenset(
    """premier première grand grande nord sud est ouest état etat assemblée sénat conseil cour
    président présidente ministre gouvernement république mairie ville région département
    préfecture parlement tribunal justice police gendarmerie armée église université lycée
    collège hôpital musée bourse banque fédération union ligue coupe championnat jeux
    monsieur madame mademoiselle docteur maître m mme mmes mlle mlles dr pr me mgr""".split()
)
ENGLISH_CAPITALISED_WORDS = frozenset(
    """i mr mrs ms dr the a an in on at of for and but or if when while after before this that
    these those it he she they we you his her their its our your there here""".split()
)
# French names → their English forms (compared without accents or case).
ENGLISH_FORMS: dict[str, tuple[str, ...]] = {
    "allemagne": ("germany",),
    "angleterre": ("england",),
    "royaume-uni": ("united kingdom", "uk", "britain"),
    "états-unis": ("united states", "us", "usa", "america"),
    "espagne": ("spain",),
    "italie": ("italy",),
    "belgique": ("belgium",),
    "suisse": ("switzerland",),
    "pays-bas": ("netherlands",),
    "russie": ("russia",),
    "chine": ("china",),
    "japon": ("japan",),
    "inde": ("india",),
    "brésil": ("brazil",),
    "mexique": ("mexico",),
    "égypte": ("egypt",),
    "maroc": ("morocco",),
    "algérie": ("algeria",),
    "tunisie": ("tunisia",),
    "grèce": ("greece",),
    "pologne": ("poland",),
    "autriche": ("austria",),
    "suède": ("sweden",),
    "norvège": ("norway",),
    "danemark": ("denmark",),
    "irlande": ("ireland",),
    "écosse": ("scotland",),
    "turquie": ("turkey", "türkiye"),
    "syrie": ("syria",),
    "liban": ("lebanon",),
    "israël": ("israel",),
    "londres": ("london",),
    "bruxelles": ("brussels",),
    "genève": ("geneva",),
    "moscou": ("moscow",),
    "pékin": ("beijing",),
    "varsovie": ("warsaw",),
    "vienne": ("vienna",),
    "lisbonne": ("lisbon",),
    "athènes": ("athens",),
    "venise": ("venice",),
    "kiev": ("kyiv", "kiev"),
    "afrique": ("africa",),
    "asie": ("asia",),
    "amérique": ("america",),
    "méditerranée": ("mediterranean",),
    "manche": ("channel",),
    "otan": ("nato",),
    "onu": ("un", "united nations"),
    "ue": ("eu", "european union"),
    "oms": ("who",),
    "fmi": ("imf",),
    "bce": ("ecb",),
    "élysée": ("elysee", "élysée"),
    "sncf": ("sncf",),
    "français": ("french",),
    "française": ("french",),
    "françaises": ("french",),
    "allemands": ("germans",),
    "américains": ("americans",),
    "européens": ("europeans",),
    "britanniques": ("british", "britons"),
    "russes": ("russians",),
    "ukrainiens": ("ukrainians",),
    "parisiens": ("parisians",),
    "européenne": ("european",),
    "européen": ("european",),
}
_WORD = re.compile(r"[^\W\d_][\w'’-]*")

_ELISION = re.compile(r"^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
# After these, a capital starts a sentence or a quotation rather than marking a name...
_OPENERS = re.compile(r"(?:^|[.!?…:;«“\"(\[—–-])\s*$")
# ...unless the period ends an abbreviation ("M. Dupont") or an initial ("J. Martin").
_ABBREVIATED = re.compile(r"(?:^|\s)([\w-]+)\.\s*$")


def plain(text: str) -> str:
    """Lower case without accents: "Lefèvre" and "Lefevre" are the same name to a reader."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _capitalised(text: str, common: frozenset[str], elision: bool) -> list[str]:
    names = []
    for match in _WORD.finditer(text):
        word = match.group()
        if elision:
            word = _ELISION.sub("", word)
        word = word.strip("'’-")
        if not word or not word[0].isupper():
            continue
        acronym = len(word) > 1 and word.isupper()
        starts = _starts_sentence(text[: match.start()])
        if (starts and not acronym) or word.casefold() in common or len(word) < 2:
            continue
        names.append(word)
    return names


def _starts_sentence(before: str) -> bool:
    if _OPENERS.search(before) is None:
        return False
    abbreviation = _ABBREVIATED.search(before)
    if abbreviation is None:
        return True
    word = abbreviation.group(1).rsplit("-", 1)[-1]
    return not (word.casefold() in FRENCH_ABBREVIATIONS or (len(word) == 1 and word.isupper()))


def names(text: str, language: Language) -> list[str]:
    """The names of a text (in French, elided articles removed: l'OTAN → OTAN)."""
    if language == "fr":
        return _capitalised(text, FRENCH_CAPITALISED_WORDS, elision=True)
    return _capitalised(text, ENGLISH_CAPITALISED_WORDS, elision=False)


def name_in(name: str, text: str, language: Language) -> bool:
    """Whether ``name`` (written in ``language``) or one of its forms in the other language
    occurs in ``text``, whole words, accents and case aside."""
    haystack = f" {' '.join(_WORD.findall(plain(text)))} "
    forms = (plain(name), *_FORMS[language].get(plain(name), ()))
    return any(f" {' '.join(_WORD.findall(plain(form)))} " in haystack for form in forms)


def _reverse(table: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    reverse: dict[str, tuple[str, ...]] = {}
    for french, english_forms in table.items():
        for english in english_forms:
            reverse[plain(english)] = (*reverse.get(plain(english), ()), french)
    return reverse


_FORMS: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {plain(french): english for french, english in ENGLISH_FORMS.items()},
    "en": _reverse(ENGLISH_FORMS),
}
