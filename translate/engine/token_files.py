"""How saved tokenizers describe their special tokens (tokenizer_config.json,
special_tokens_map.json), read the way transformers reads them, for the tokenizers that run
without it (``marian_tokenizer``, ``bart_tokenizer``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# Flags of an added token that change how text around it is cut; tokens with any of them set
# are reproduced only through the ``tokenizers`` library, never by hand.
CUTTING_FLAGS = ("lstrip", "rstrip", "single_word")


def named_token(value: Any) -> str | None:
    """A special token's text from its saved form (a string, or an AddedToken as a dict);
    None when it is missing or cuts the text around it (not reproduced by hand)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("content"), str):
        return None if any(value.get(flag) for flag in CUTTING_FLAGS) else str(value["content"])
    return None


def extra_tokens(config: Mapping[str, Any], legacy: Mapping[str, Any], keys: Iterable[str]) -> list[str | None] | None:
    """The extra special tokens (``additional_special_tokens`` and the like), from the
    tokenizer config or else the legacy map; None for a layout not reproduced (a mapping)."""
    found: list[str | None] = []
    for key in keys:
        values = config.get(key) or legacy.get(key) or []
        if not isinstance(values, list):
            return None
        found.extend(named_token(value) for value in values)
    return found


def plain_added_tokens(decoder: Any) -> dict[str, int] | None:
    """``added_tokens_decoder`` (id -> AddedToken dict) as text -> id, when every entry is a
    special token that does not cut the text around it; None otherwise."""
    if decoder is None:
        return {}
    if not isinstance(decoder, Mapping):
        return None
    tokens: dict[str, int] = {}
    for index, token in decoder.items():
        text = named_token(token)
        if text is None or not isinstance(token, Mapping) or not token.get("special", False):
            return None
        try:
            tokens[text] = int(index)
        except (TypeError, ValueError):
            return None
    return tokens


def clean_up_tokenization(text: str) -> str:
    """transformers' ``clean_up_tokenization``: no space before punctuation and clitics
    (only when the tokenizer config asks for it)."""
    return (
        text.replace(" .", ".")
        .replace(" ?", "?")
        .replace(" !", "!")
        .replace(" ,", ",")
        .replace(" ' ", "'")
        .replace(" n't", "n't")
        .replace(" 'm", "'m")
        .replace(" 's", "'s")
        .replace(" 've", "'ve")
        .replace(" 're", "'re")
    )
