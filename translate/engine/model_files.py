"""A model's small files read straight from disk: no transformers import, no network.

The CTranslate2 path needs only JSON and tokenizer files, and importing transformers (which
pulls in torch) costs more than the whole one-sentence translation; so whatever is already on
disk (a local directory, or a snapshot in the Hugging Face cache) is read here directly.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Protocol

from . import hub

logger = logging.getLogger("passerelle.translate")

CONFIG_FILE = "config.json"


class ModelLocation(Protocol):
    """Where a model is (``models.ModelRef``, which imports this module)."""

    @property
    def location(self) -> str: ...

    @property
    def revision(self) -> str | None: ...

    @property
    def is_local(self) -> bool: ...


def model_directory(ref: ModelLocation) -> Path | None:
    """The directory holding ``ref``'s files, when they are on disk with a ``config.json``:
    the local directory, or the cached hub snapshot (never downloads)."""
    if ref.is_local:
        directory: Path | None = Path(ref.location)
    else:
        try:
            directory = hub.cached_snapshot(ref.location, ref.revision)
        except ValueError:  # not a hub id either (a directory that is gone): transformers says so
            return None
    if directory is None or not (directory / CONFIG_FILE).is_file():
        return None
    return directory


def read_json(path: Path) -> dict[str, Any] | None:
    """The JSON object in ``path``; None when the file is missing or is not a JSON object
    (the caller then lets transformers load it, with its own errors)."""
    if not path.is_file():
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        logger.debug("cannot read %s as JSON: %s", path, error)
        return None
    return value if isinstance(value, dict) else None
