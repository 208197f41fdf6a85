"""MarianMT's tokenizer on SentencePiece alone: the ids and text of transformers'
``MarianTokenizer`` without importing transformers (which pulls in torch, over a second of a
one-sentence run on the CTranslate2 path).

What it reproduces, step by step: the text is cut around the special tokens written in it
(``</s>``, ``<unk>``, ``<pad>``, extras), a leading ``>>xx<<`` language code is kept whole,
every other piece goes through the source SentencePiece model; pieces become ids through
vocab.json (unknown pieces become ``<unk>``), and ``</s>`` ends the input. Decoding drops the
special ids and joins the pieces with the source SentencePiece model, as MarianTokenizer does
for a shared vocabulary. Anything it does not reproduce (separate vocabularies, special tokens
that strip spaces, ...) makes ``load`` return None, and transformers is used instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model_files import read_json
from .token_files import (
    clean_up_tokenization,
    extra_tokens,
    named_token,
    plain_added_tokens,
)

SOURCE_SPM = "source.spm"
TARGET_SPM = "target.spm"
VOCAB_FILE = "vocab.json"
TOKENIZER_CONFIG = "tokenizer_config.json"
SPECIAL_TOKENS_MAP = "special_tokens_map.json"
ADDED_TOKENS_FILE = "added_tokens.json"
SPIECE_UNDERLINE = "▁"
# MarianTokenizer's defaults for its named special tokens.
DEFAULT_SPECIALS = {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}
EXTRA_SPECIALS_KEYS = ("additional_special_tokens", "extra_special_tokens")
# Settings under which MarianTokenizer behaves otherwise than reproduced here.
UNSUPPORTED_SETTINGS = ("separate_vocabs", "sp_model_kwargs", "split_special_tokens")


@dataclass(frozen=True)
class MarianFiles:
    """What the tokenizer is made of, read from the model's directory."""

    source_spm: Path
    vocab: dict[str, int]
    specials: dict[str, int]  # every special token written as text, with its id
    eos_token: str
    unk_token: str
    clean_up_spaces: bool


class MarianSentencePieceTokenizer:
    """The subset of MarianTokenizer's interface that ``Tokens`` calls, same ids, same text."""

    def __init__(self, files: MarianFiles) -> None:
        import sentencepiece

        self.spm = sentencepiece.SentencePieceProcessor(model_file=str(files.source_spm))
        self.encoder = files.vocab
        self.decoder = {index: token for token, index in files.vocab.items()}
        self.specials = files.specials
        self.special_ids = set(files.specials.values())
        self.id_to_special = {index: token for token, index in files.specials.items()}
        self.unk_token = files.unk_token
        self.unk_token_id = self.encoder[files.unk_token]
        self.eos_token_id = self._token_id(files.eos_token)
        self.clean_up_spaces = files.clean_up_spaces
        # Longest first: at one position the longest special token wins, as in transformers' trie.
        alternatives = sorted(files.specials, key=len, reverse=True)
        self._split = re.compile("(" + "|".join(re.escape(token) for token in alternatives) + ")")

    def __call__(self, text: str, add_special_tokens: bool = True, verbose: bool = True) -> dict[str, list[int]]:
        del verbose  # nothing is truncated, so there is nothing to warn about
        ids = [self._token_id(token) for token in self.tokenize(text)]
        return {"input_ids": [*ids, self.eos_token_id] if add_special_tokens else ids}

    def tokenize(self, text: str) -> list[str]:
        """Pieces of ``text``: special tokens kept whole, the rest through SentencePiece."""
        pieces: list[str] = []
        for segment in self._split.split(text):
            if not segment:
                continue
            if segment in self.specials:
                pieces.append(segment)
            else:
                code, rest = _language_code(segment)
                pieces.extend([*code, *self.spm.encode(rest, out_type=str)])
        return pieces

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = False) -> str:
        tokens = self.convert_ids_to_tokens(list(ids), skip_special_tokens=skip_special_tokens)
        text, pending = "", list[str]()
        for token in tokens:
            if token in self.specials:  # never through SentencePiece, as MarianTokenizer
                text += self.spm.decode_pieces(pending) + token + " "
                pending = []
            else:
                pending.append(token)
        text = (text + self.spm.decode_pieces(pending)).replace(SPIECE_UNDERLINE, " ").strip()
        return clean_up_tokenization(text) if self.clean_up_spaces else text

    def convert_ids_to_tokens(self, ids: int | Sequence[int], skip_special_tokens: bool = False) -> Any:
        if isinstance(ids, int):
            return self._token(ids)
        skipped = self.special_ids if skip_special_tokens else set()
        return [self._token(int(index)) for index in ids if int(index) not in skipped]

    def convert_tokens_to_ids(self, tokens: str | Sequence[str]) -> Any:
        if isinstance(tokens, str):
            return self._token_id(tokens)
        return [self._token_id(token) for token in tokens]

    def _token_id(self, token: str) -> int:
        if token in self.specials:
            return self.specials[token]
        return self.encoder.get(token, self.unk_token_id)

    def _token(self, index: int) -> str:
        if index in self.id_to_special:
            return self.id_to_special[index]
        if index in self.decoder:
            return self.decoder[index]
        # Past the vocabulary, MarianTokenizer asks SentencePiece (ids the model never emits).
        inside = 0 <= index < self.spm.get_piece_size()
        return str(self.spm.id_to_piece(index)) if inside else self.unk_token


def _language_code(text: str) -> tuple[list[str], str]:
    """A leading ``>>fr<<`` is one token, as MarianTokenizer.remove_language_code."""
    if text.startswith(">>") and (end := text.find("<<")) != -1:
        return [text[: end + 2]], text[end + 2 :]
    return [], text


def load_marian_files(directory: Path) -> MarianFiles | None:
    """The tokenizer's files as MarianTokenizer.from_pretrained reads them, or None when they
    hold anything this module does not reproduce."""
    config = read_json(directory / TOKENIZER_CONFIG) or {}
    source = directory / SOURCE_SPM
    if not source.is_file() or not (directory / TARGET_SPM).is_file():
        return None
    if any(config.get(name) for name in UNSUPPORTED_SETTINGS) or (directory / ADDED_TOKENS_FILE).exists():
        return None
    added = plain_added_tokens(config.get("added_tokens_decoder"))
    vocab = read_json(directory / VOCAB_FILE) if added is not None else None
    if added is None or vocab is None:
        return None
    # special_tokens_map.json counts only for tokenizers saved before added_tokens_decoder.
    legacy = {} if "added_tokens_decoder" in config else (read_json(directory / SPECIAL_TOKENS_MAP) or {})
    named = {key: named_token(config.get(key, legacy.get(key, default))) for key, default in DEFAULT_SPECIALS.items()}
    extras = extra_tokens(config, legacy, EXTRA_SPECIALS_KEYS)
    tokens = [*named.values(), *(extras if extras is not None else [None])]
    specials = dict(added)
    for token in tokens:
        if token is None:
            return None
        if token not in specials:
            if token not in vocab:
                return None  # transformers would give it a new id
            specials[token] = vocab[token]
    unk, eos = named["unk_token"], named["eos_token"]
    if unk is None or eos is None or unk not in vocab:
        return None
    clean_up = bool(config.get("clean_up_tokenization_spaces", False))
    return MarianFiles(source, vocab, specials, eos, unk, clean_up)


def load(directory: Path) -> MarianSentencePieceTokenizer | None:
    """The tokenizer of the Marian model in ``directory``, or None (use transformers)."""
    files = load_marian_files(directory)
    return MarianSentencePieceTokenizer(files) if files is not None else None
