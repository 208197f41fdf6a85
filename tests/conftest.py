"""Session-wide fixtures: tiny real models built once, since no model hub is reachable."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from passerelle.ui.bench.builders import build_bart, build_marian
from passerelle.ui.config import AppConfig
from tests.corpus import ENGLISH_LINES, ENGLISH_NEWS_LINES, FRENCH_LINES

if TYPE_CHECKING:
    from passerelle.ui.web import WebServer


@pytest.fixture(scope="session")
def marian_fr_en_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny French→English MarianMT directory, laid out like Helsinki-NLP/opus-mt-fr-en."""
    directory = tmp_path_factory.mktemp("marian-fr-en")
    return build_marian(directory, FRENCH_LINES, ENGLISH_LINES, source_lang="fr", target_lang="en")


@pytest.fixture(scope="session")
def marian_en_fr_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny English→French MarianMT directory, laid out like Helsinki-NLP/opus-mt-en-fr."""
    directory = tmp_path_factory.mktemp("marian-en-fr")
    return build_marian(directory, ENGLISH_LINES, FRENCH_LINES, source_lang="en", target_lang="fr")


@pytest.fixture(scope="session")
def bart_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny BART summariser directory, laid out like sshleifer/distilbart-cnn-12-6."""
    directory = tmp_path_factory.mktemp("bart")
    return build_bart(directory, ENGLISH_NEWS_LINES)


@pytest.fixture(scope="session")
def tiny_config(marian_fr_en_dir: Path, bart_dir: Path, marian_en_fr_dir: Path) -> Callable[..., AppConfig]:
    """Front-end settings on the three tiny models (transformers on CPU), with overrides."""

    def make(**overrides: object) -> AppConfig:
        models = {
            "model": str(marian_fr_en_dir),
            "summary_model": str(bart_dir),
            "summary_translation_model": str(marian_en_fr_dir),
            "backend": "transformers",
            "device": "cpu",
        }
        return AppConfig(**{**models, **overrides})  # type: ignore[arg-type]

    return make


@pytest.fixture(scope="session")
def tiny_model_env(marian_fr_en_dir: Path, bart_dir: Path, marian_en_fr_dir: Path) -> dict[str, str]:
    """The three tiny models as the environment variables a subprocess reads."""
    return {
        "PASSERELLE_MODEL": str(marian_fr_en_dir),
        "PASSERELLE_SUMMARY_MODEL": str(bart_dir),
        "PASSERELLE_SUMMARY_TRANSLATION_MODEL": str(marian_en_fr_dir),
    }


@pytest.fixture(scope="session", autouse=True)
def conversion_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """CTranslate2 conversions (and any other platform cache) land in a temporary directory,
    never in the user's home; subprocesses inherit it."""
    directory = tmp_path_factory.mktemp("xdg-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(directory))
        yield directory


@pytest.fixture(scope="module")
def ct2_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh conversion cache for one test module (to see conversions happen, or not)."""
    root = tmp_path_factory.mktemp("passerelle-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(root))
        yield root


TIERS = ("unit", "model", "cli", "web", "browser", "ray", "bench")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test belongs to exactly one tier, so ``-m`` selections never miss one."""
    wrong = []
    for item in items:
        tiers = {mark.name for mark in item.iter_markers()} & set(TIERS)
        if len(tiers) != 1:
            wrong.append(f"{item.nodeid}: {sorted(tiers) or 'no tier'}")
    if wrong:
        raise pytest.UsageError("tests need exactly one tier marker " + str(TIERS) + ":\n" + "\n".join(wrong))


@pytest.fixture()
def starting_server(tiny_config: Callable[..., AppConfig]) -> Iterator[WebServer]:
    """A listening server on the tiny models, loaded, whose Gradio page is not built yet
    (``open_page`` builds it): what ``passerelle ui`` is in its first seconds."""
    from passerelle.ui.article import LoadedModels
    from passerelle.ui.web import WebServer
    from tests.helpers import free_port

    config = tiny_config(port=free_port())
    services = LoadedModels(config)
    services.warm_up()
    server = WebServer(config, services).start(page=False)
    yield server
    server.close()
