"""Which tokenizer runs without transformers: SentencePiece for MarianMT, ``tokenizers`` for
BART, chosen as AutoTokenizer chooses (the tokenizer config's class, else the model type).

The CTranslate2 path uses these so that a run never imports transformers or torch; any other
model, or a layout they do not reproduce, gets None and is loaded by transformers as before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import bart_tokenizer, marian_tokenizer
from .model_files import CONFIG_FILE, read_json

logger = logging.getLogger("passerelle.translate")

TOKENIZER_CONFIG = "tokenizer_config.json"
Loader = Callable[[Path], Any]
# transformers 5 makes BartTokenizer and its Fast twin aliases of RobertaTokenizer.
BY_CLASS: dict[str, Loader] = {
    "MarianTokenizer": marian_tokenizer.load,
    "BartTokenizer": bart_tokenizer.load,
    "BartTokenizerFast": bart_tokenizer.load,
    "RobertaTokenizer": bart_tokenizer.load,
    "RobertaTokenizerFast": bart_tokenizer.load,
}
BY_MODEL_TYPE: dict[str, Loader] = {"marian": marian_tokenizer.load, "bart": bart_tokenizer.load}


def load_native_tokenizer(directory: Path) -> Any | None:
    """The model's tokenizer without transformers, or None when it needs transformers."""
    tokenizer_config = read_json(directory / TOKENIZER_CONFIG) or {}
    if "auto_map" in tokenizer_config:
        return None  # the model's own code
    class_name = tokenizer_config.get("tokenizer_class")
    if class_name:
        loader = BY_CLASS.get(str(class_name))
    else:
        model_type = (read_json(directory / CONFIG_FILE) or {}).get("model_type")
        loader = BY_MODEL_TYPE.get(str(model_type))
    tokenizer = loader(directory) if loader is not None else None
    if tokenizer is None:
        logger.debug("the tokenizer in %s needs transformers", directory)
    return tokenizer
