"""BART's byte-level BPE tokenizer on the ``tokenizers`` library alone: the ids and text of
transformers' ``BartTokenizer`` (RobertaTokenizer in transformers 5) without importing
transformers, which pulls in torch.

transformers 5 builds that tokenizer as a ``tokenizers.Tokenizer``: a BPE model from
vocab.json and merges.txt (or from the vocabulary and merges inside tokenizer.json), byte-level
pre-tokenizer and decoder, the special tokens as added tokens, ``<s> ... </s>`` around each
input. The same object is built here from the same files, so encoding and decoding run the same
Rust code. Layouts it does not reproduce make ``load`` return None (transformers is used).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .model_files import read_json

TOKENIZER_FILE = "tokenizer.json"
VOCAB_FILE = "vocab.json"
MERGES_FILE = "merges.txt"
TOKENIZER_CONFIG = "tokenizer_config.json"
SPECIAL_TOKENS_MAP = "special_tokens_map.json"
ADDED_TOKENS_FILE = "added_tokens.json"
# RobertaTokenizer's named special tokens and their defaults, in transformers' order.
NAMED_DEFAULTS = {
    "bos_token": "<s>",
    "eos_token": "</s>",
    "unk_token": "<unk>",
    "sep_token": "</s>",
    "pad_token": "<pad>",
    "cls_token": "<s>",
    "mask_token": "<mask>",
}
ADDED_TOKEN_FIELDS = ("content", "single_word", "lstrip", "rstrip", "normalized", "special")
UNSUPPORTED_SETTINGS = (
    "split_special_tokens",
    "add_bos_token",
    "add_eos_token",
    "clean_up_tokenization_spaces_for_bpe_even_though_it_will_corrupt_output",
    "extra_special_tokens",
    "additional_special_tokens",
)


class BartBpeTokenizer:
    """The subset of BartTokenizer's interface that ``Tokens`` calls, on a ``tokenizers.Tokenizer``."""

    def __init__(self, tokenizer: Any, unk_token: str) -> None:
        self.tokenizer = tokenizer
        self.unk_token_id = tokenizer.token_to_id(unk_token)

    def __call__(self, text: str, add_special_tokens: bool = True, verbose: bool = True) -> dict[str, list[int]]:
        del verbose  # nothing is truncated, so there is nothing to warn about
        return {"input_ids": list(self.tokenizer.encode(text, add_special_tokens=add_special_tokens).ids)}

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = False) -> str:
        # transformers 5 skips its space clean-up for BPE tokenizers: the Rust decoder's text as is.
        return str(self.tokenizer.decode([int(index) for index in ids], skip_special_tokens=skip_special_tokens))

    def convert_ids_to_tokens(self, ids: int | Sequence[int]) -> Any:
        if isinstance(ids, int):
            return self.tokenizer.id_to_token(ids)
        return [self.tokenizer.id_to_token(int(index)) for index in ids]

    def convert_tokens_to_ids(self, tokens: str | Sequence[str]) -> Any:
        if isinstance(tokens, str):
            return self._token_id(tokens)
        return [self._token_id(token) for token in tokens]

    def _token_id(self, token: str) -> int | None:
        index: int | None = self.tokenizer.token_to_id(token)
        return self.unk_token_id if index is None else index


def load(directory: Path) -> BartBpeTokenizer | None:
    """The tokenizer of the BART model in ``directory``, or None (use transformers)."""
    from tokenizers import AddedToken, Tokenizer, decoders, pre_tokenizers, processors
    from tokenizers.models import BPE

    config = read_json(directory / TOKENIZER_CONFIG) or {}
    if any(config.get(name) for name in UNSUPPORTED_SETTINGS) or (directory / ADDED_TOKENS_FILE).exists():
        return None
    model = _bpe_arguments(directory)
    if model is None:
        return None
    vocab, merges = model
    tokenizer = Tokenizer(
        BPE(vocab=vocab, merges=merges, dropout=None, continuing_subword_prefix="", end_of_word_suffix="", fuse_unk=False)
    )
    add_prefix_space = bool(config.get("add_prefix_space", False))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=add_prefix_space)
    tokenizer.decoder = decoders.ByteLevel()
    specials = _special_tokens(directory, config)
    if specials is None:
        return None
    added, named = specials
    known = tokenizer.get_vocab()
    if any(token["content"] not in known for token in added):
        return None  # a new id, which depends on the order transformers adds them in
    tokenizer.add_tokens([AddedToken(**token) for token in added])
    sep, cls = named["sep_token"], named["cls_token"]
    sep_id, cls_id = tokenizer.token_to_id(sep), tokenizer.token_to_id(cls)
    if sep_id is None or cls_id is None:
        return None  # not BART's specials: let transformers load it
    tokenizer.post_processor = processors.RobertaProcessing(
        (sep, sep_id),
        (cls, cls_id),
        trim_offsets=bool(config.get("trim_offsets", True)),
        add_prefix_space=add_prefix_space,
    )
    return BartBpeTokenizer(tokenizer, named["unk_token"])


def _bpe_arguments(directory: Path) -> tuple[Any, Any] | None:
    """The BPE model's vocabulary and merges as transformers passes them: taken out of
    tokenizer.json when there is one, else the two files' paths."""
    tokenizer_json = directory / TOKENIZER_FILE
    if tokenizer_json.is_file():
        saved = read_json(tokenizer_json)
        model = saved.get("model") if saved else None
        if not isinstance(model, dict) or model.get("type") != "BPE" or not isinstance(model.get("vocab"), dict):
            return None
        merges = [tuple(merge.split(" ")) if isinstance(merge, str) else tuple(merge) for merge in model.get("merges", [])]
        return model["vocab"], merges
    vocab_file, merges_file = directory / VOCAB_FILE, directory / MERGES_FILE
    if not vocab_file.is_file() or not merges_file.is_file():
        return None
    return str(vocab_file), str(merges_file)


def _special_tokens(directory: Path, config: Mapping[str, Any]) -> tuple[list[dict[str, Any]], dict[str, str]] | None:
    """(added tokens as AddedToken arguments in the order transformers adds them, named
    special tokens' texts). A token text is added once, with the first flags found: the
    tokenizer config's ``added_tokens_decoder``, else the legacy files (tokenizer.json's
    ``added_tokens``, special_tokens_map.json), then the named tokens as plain special tokens."""
    saved: dict[int, dict[str, Any] | None] = {}
    legacy: Mapping[str, Any] = {}
    if "added_tokens_decoder" in config:
        decoder = config["added_tokens_decoder"]
        if not isinstance(decoder, Mapping):
            return None
        for index, token in decoder.items():
            saved[int(index)] = _added_token(token)
    else:
        legacy = read_json(directory / SPECIAL_TOKENS_MAP) or {}
        for token in (read_json(directory / TOKENIZER_FILE) or {}).get("added_tokens", []):
            saved[int(token["id"])] = _added_token(token)
    added = [saved[index] for index in sorted(saved)]
    if any(token is None for token in added):
        return None
    added_tokens = [token for token in added if token is not None]
    named: dict[str, str] = {}
    for key, default in NAMED_DEFAULTS.items():
        value = config.get(key, legacy.get(key, default))
        token = _added_token({**value, "special": True}) if isinstance(value, Mapping) else _added_token(value)
        if token is None:
            return None
        named[key] = token["content"]
        if all(other["content"] != token["content"] for other in added_tokens):
            added_tokens.append(token)
    return added_tokens, named


def _added_token(value: Any) -> dict[str, Any] | None:
    """AddedToken arguments from a saved token: a dict of its fields, or a plain string
    (a special token, as transformers makes it)."""
    if isinstance(value, str):
        return {"content": value, "special": True}
    if isinstance(value, Mapping) and isinstance(value.get("content"), str):
        return {name: value[name] for name in ADDED_TOKEN_FIELDS if name in value}
    return None
