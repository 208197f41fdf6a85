"""Session-wide fixtures: tiny real models built once, since no model hub is reachable."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from summarize.synthetic import build_bart
from tests.corpus import ENGLISH_LINES, ENGLISH_NEWS_LINES, FRENCH_LINES
from translate.synthetic import build_marian


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


@pytest.fixture(scope="session", autouse=True)
def conversion_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """CTranslate2 conversions land in a temporary cache, never in the user's home."""
    directory = tmp_path_factory.mktemp("ct2-cache")
    previous = os.environ.get("PASSERELLE_CACHE_DIR")
    os.environ["PASSERELLE_CACHE_DIR"] = str(directory)
    yield directory
    if previous is None:
        os.environ.pop("PASSERELLE_CACHE_DIR", None)
    else:
        os.environ["PASSERELLE_CACHE_DIR"] = previous


@pytest.fixture(scope="module")
def ct2_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh conversion cache for one test module (to see conversions happen, or not)."""
    root = tmp_path_factory.mktemp("passerelle-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PASSERELLE_CACHE_DIR", str(root))
        yield root
