"""n-best alternatives (LibreTranslate's ``alternatives``), on both backends: the beam's next
best translations, whole texts laid out like the source, protected spans kept in each."""

from __future__ import annotations

from pathlib import Path

import pytest

from passerelle.translate import Translator, TranslatorSettings
from passerelle.translate.engine import Engine, GenerationOptions, LoadSettings

pytestmark = pytest.mark.model

ARTICLE = "Le maire a annoncé un budget de 2,5 milliards.\n\nLes syndicats demandent une réunion."
NBEST = {"num_beams": 4, "num_return_sequences": 3, "max_new_tokens": 8}


@pytest.fixture(scope="module", params=["transformers", "ctranslate2"])
def backend_name(request: pytest.FixtureRequest) -> str:
    return request.param


def test_whole_text_alternatives_keep_the_layout_and_the_spans(marian_fr_en_dir: Path, backend_name: str) -> None:
    translator = Translator(str(marian_fr_en_dir), backend=backend_name, compute_type="float32", generation=NBEST,
                            settings=TranslatorSettings(cache_size=0, threads=1))  # fmt: skip
    result = translator.translate(ARTICLE)
    alternatives = result.alternatives()
    assert 1 <= len(alternatives) <= 2
    assert len(set(alternatives)) == len(alternatives) and result.text not in alternatives
    for alternative in alternatives:
        assert alternative.count("\n\n") == result.text.count("\n\n") == 1
        if "2.5" in result.text:  # the number, in its English form, comes out in every one
            assert "2.5" in alternative
    assert all(len(segment.alternatives) <= 2 for segment in result.segments)


def test_no_alternatives_unless_asked(marian_fr_en_dir: Path, backend_name: str) -> None:
    translator = Translator(str(marian_fr_en_dir), backend=backend_name, compute_type="float32",
                            generation={"num_beams": 2, "max_new_tokens": 8})  # fmt: skip
    result = translator.translate(ARTICLE)
    assert result.alternatives() == [] and all(not s.alternatives for s in result.segments)
    assert "alternatives" not in result.segments[0].to_dict()


def test_the_backend_returns_the_next_hypotheses(marian_fr_en_dir: Path, backend_name: str) -> None:
    engine = Engine(str(marian_fr_en_dir), backend=backend_name, settings=LoadSettings(threads=1, compute_type="float32"))
    batch = [engine.tokens.encode("Le maire a parlé."), engine.tokens.encode("Il pleut à Lyon.")]
    outputs = engine.backend.generate(batch, GenerationOptions(num_beams=1, num_return_sequences=3), 6)
    assert len(outputs) == 2
    assert all(len(output.alternatives) == 2 and all(len(ids) <= 6 for ids in output.alternatives) for output in outputs)
    assert GenerationOptions(num_beams=1, num_return_sequences=3).beams == 3  # the beam is widened
