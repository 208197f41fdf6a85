"""The models of a process: loaded once, and a missing one named with the option and the
variable that choose it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from passerelle.translate import ModelNotAvailableError
from passerelle.ui.article import LoadedModels
from passerelle.ui.config import AppConfig

pytestmark = pytest.mark.model


@pytest.mark.parametrize(
    "field, option, variable",
    [
        ("model", "--model", "PASSERELLE_MODEL"),
        ("summary_model", "--summary-model", "PASSERELLE_SUMMARY_MODEL"),
        ("summary_translation_model", "--summary-translation-model", "PASSERELLE_SUMMARY_TRANSLATION_MODEL"),
    ],
)
def test_a_missing_model_names_its_option_and_variable(
    field: str, option: str, variable: str, tmp_path: Path, tiny_config: Callable[..., AppConfig]
) -> None:
    services = LoadedModels(tiny_config(**{field: str(tmp_path / "missing")}))
    with pytest.raises(ModelNotAvailableError) as caught:
        services.translator()
        services.summarizer()
    message = str(caught.value)
    assert "missing" in message and f"{option} /path/to/missing" in message and f"{variable}=" in message


def test_models_load_once(tiny_config: Callable[..., AppConfig]) -> None:
    services = LoadedModels(tiny_config())
    assert not services.translator_loaded()
    assert services.translator() is services.translator() and services.translator_loaded()
    assert services.summarizer() is services.summarizer()
