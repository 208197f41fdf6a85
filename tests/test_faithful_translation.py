"""The guarantees hold on a model with random weights: it never copies a placeholder, yet
every protected span comes out, in order, in its English form; glossary terms too; each
sentence carries its flags and the model's confidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passerelle.translate import Translator, TranslatorSettings
from passerelle.translate.faithful import FlagKind, Glossary, SpanKind, find_spans

pytestmark = pytest.mark.model

FAST = {"num_beams": 1, "max_new_tokens": 10}
PROSE = st.sampled_from(
    ["Le maire a annoncé", "selon la préfecture", "les syndicats demandent", "le budget prévoit",
     "un communiqué précise", "la ville a reçu", "on peut lire", "le ministère rappelle"]
)  # fmt: skip
SPANS = st.sampled_from(
    ["https://www.ville-lyon.fr/budget", "www.exemple.fr", "contact@mairie-lyon.fr", "+33 6 12 34 56 78",
     "04 72 10 30 30", "780 000 €", "12,5 %", "2,5", "1 200,50 €", "le 1er mai", "@prefet69", "#Lyon2026",
     "`pip install passerelle`", "3\u202f000"]
)  # fmt: skip
SENTENCES = st.lists(st.tuples(PROSE, SPANS, PROSE), min_size=1, max_size=3).map(
    lambda parts: " ".join(f"{a} {span} {b}." for a, span, b in parts)
)


def translator(directory: Path, backend: str, **changes: object) -> Translator:
    chosen = TranslatorSettings(cache_size=0, threads=1, **changes)  # type: ignore[arg-type]
    return Translator(str(directory), backend=backend, compute_type="float32", generation=FAST, settings=chosen)


@pytest.fixture(scope="module", params=["transformers", "ctranslate2"])
def both(request: pytest.FixtureRequest, marian_fr_en_dir: Path) -> Translator:
    return translator(marian_fr_en_dir, request.param)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=SENTENCES)
def test_every_protected_span_comes_out_in_order_whatever_the_weights(both: Translator, text: str) -> None:
    result = both.translate(text)
    for segment in result.segments:
        spans = find_spans(" ".join(segment.source.split()))
        cursor = 0
        for span in spans:  # each span's English form, in the source's order
            found = segment.target.find(span.replacement, cursor)
            assert found >= 0, (span, segment.target)
            cursor = found + len(span.replacement)
    # Random weights (practically) never copy a placeholder: the sentences were rescued, and said so.
    rescued = [s for s in result.segments if any(f.kind == FlagKind.SPAN_RESCUED for f in s.flags)]
    assert len(rescued) == result.stats.rescued >= 1


def test_numbers_come_out_in_english_conventions(marian_fr_en_dir: Path) -> None:
    result = translator(marian_fr_en_dir, "transformers").translate("La hausse atteint 12,5 % soit 780 000 € en 2024.")
    target = result.segments[0].target
    assert "12.5%" in target and "€780,000" in target and "2024" in target
    assert "12,5" not in target and "780 000" not in target


def test_glossary_terms_are_translated_their_way(marian_fr_en_dir: Path) -> None:
    glossary = Glossary.parse("OTAN\tNATO\ngilets jaunes\tyellow vests\nUkraine")
    text = "Le sommet de l'OTAN soutient l'Ukraine. Les Gilets jaunes manifestent."
    result = translator(marian_fr_en_dir, "transformers").translate(text, glossary=glossary)
    first, second = (segment.target for segment in result.segments)
    assert "NATO" in first and "Ukraine" in first and "OTAN" not in first
    assert "Yellow vests" in second  # capitalised as the text writes the term


def test_a_model_that_copies_placeholders_keeps_the_sentence_whole(marian_fr_en_dir: Path) -> None:
    """With protection off the model reads the spans; on, the placeholders (here restored from
    what a well-behaved model would write) take the English forms. Protection changes what
    the model reads, not how many sentences there are."""
    text = "Le taux est de 12,5 % selon https://insee.fr/chiffres."
    protected, plain = translator(marian_fr_en_dir, "transformers"), translator(marian_fr_en_dir, "transformers", protect=False)
    assert len(protected.translate(text).segments) == len(plain.translate(text).segments) == 1
    masked = protected.protector.mask(" ".join(text.split()))
    assert masked.text == "Le taux est de ZX1 selon ZX2."
    assert protected.protector.restore(masked, "The rate is ZX1 according to ZX2.") == (
        "The rate is 12.5% according to https://insee.fr/chiffres."
    )
    assert [span.kind for span in masked.spans] == [SpanKind.NUMBER, SpanKind.URL]


def test_each_sentence_carries_its_confidence_and_flags(marian_fr_en_dir: Path) -> None:
    text = "Le conseil de Lyon a voté mardi. M. Dupont a parlé aux habitants de Villeurbanne."
    for backend in ("transformers", "ctranslate2"):
        result = translator(marian_fr_en_dir, backend, low_confidence=0.0).translate(text)
        for segment in result.segments:
            assert segment.confidence is not None and segment.confidence < 0  # a log-probability
            kinds = {flag.kind for flag in segment.flags}
            assert FlagKind.LOW_CONFIDENCE in kinds  # every score is under a threshold of 0
        names = {flag.detail for s in result.segments for flag in s.flags if flag.kind == FlagKind.NAME_MISSING}
        assert names <= {"Lyon", "Dupont", "Villeurbanne"} and names  # random output drops the names
        assert result.stats.flagged == len(result.segments)


def test_checks_and_confidence_can_be_switched_off(marian_fr_en_dir: Path) -> None:
    quiet = translator(marian_fr_en_dir, "transformers", checks=False, confidence=False)
    segment = quiet.translate("M. Dupont a parlé à Lyon.").segments[0]
    assert segment.flags == () and segment.confidence is None
