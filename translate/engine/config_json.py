"""A model's config.json and generation_config.json as plain JSON, for ``ModelInfo``.

AutoConfig and GenerationConfig import transformers (and with it torch), which the CTranslate2
path otherwise never needs. For the model types Passerelle ships (MarianMT, BART) the few
values ``ModelInfo`` reads are the JSON values themselves: transformers 5 leaves every
generation setting at None unless a file sets it. A model of another type, or a config without
one of the values (transformers would fill in its class default), returns None and goes
through transformers.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .model_files import CONFIG_FILE, read_json

GENERATION_FILE = "generation_config.json"
JSON_MODEL_TYPES = ("marian", "bart")
# What ModelInfo reads from the model config; each must be in config.json itself.
REQUIRED_CONFIG = ("eos_token_id", "pad_token_id", "decoder_start_token_id", "max_position_embeddings")
# What ModelInfo reads from the generation config; GenerationConfig's default for each is None.
GENERATION_FIELDS = (
    "num_beams",
    "min_new_tokens",
    "length_penalty",
    "no_repeat_ngram_size",
    "repetition_penalty",
    "min_length",
    "max_length",
    "early_stopping",
    "bad_words_ids",
    "forced_bos_token_id",
)


class JsonView:
    """Attribute access to a JSON object, as ``ModelInfo`` reads a transformers config:
    ``getattr(view, name)`` is the value, ``defaults`` fill in missing names."""

    def __init__(self, values: Mapping[str, Any], defaults: Mapping[str, Any] | None = None) -> None:
        self._values = {**(defaults or {}), **values}

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def to_dict(self) -> dict[str, Any]:
        return dict(self._values)

    def __repr__(self) -> str:
        return f"JsonView({self._values!r})"


def read_model_json(directory: Path) -> tuple[JsonView, JsonView, bool] | None:
    """(config, generation, shipped) as ``ModelInfo.load`` makes them with transformers, or
    None when transformers must read them. ``shipped`` is False without
    generation_config.json."""
    config = read_json(directory / CONFIG_FILE)
    if config is None or config.get("model_type") not in JSON_MODEL_TYPES:
        return None
    if any(config.get(name) is None for name in REQUIRED_CONFIG if name != "decoder_start_token_id"):
        return None
    if "decoder_start_token_id" not in config:
        return None
    generation_path = directory / GENERATION_FILE
    generation = read_json(generation_path)
    if generation is None and generation_path.exists():
        return None  # unreadable: transformers decides what that means
    # Without the file, transformers 5 ignores generation settings written in config.json
    # (its configs drop them on load), so every field keeps GenerationConfig's None.
    values = {name: generation[name] for name in GENERATION_FIELDS if name in generation} if generation else {}
    return JsonView(config), JsonView(values, dict.fromkeys(GENERATION_FIELDS)), generation is not None
