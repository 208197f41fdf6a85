"""A model's tokenizer, reduced to what Passerelle asks of it: ids with and without the
special tokens, tokens for CTranslate2, and text back.

Ids are computed once per piece of text and kept by the caller: ``content`` gives the ids
without special tokens, so that pieces can be joined by adding their ids (``wrap``) instead of
tokenising the joined text again. For the tokenizers of the supported models (SentencePiece
for Marian, byte-level BPE for BART) the ids of ``a + " " + b`` are the ids of ``a`` followed
by those of ``" " + b``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

PROBE = "a"  # a one-token text, to find where the special tokens go


class Tokenizer(Protocol):
    """What ``Tokens`` asks of a tokenizer: the part of transformers' interface it uses, which
    the tokenizers that run without transformers (``native_tokenizer``) implement too."""

    def __call__(self, text: str, add_special_tokens: bool = True, verbose: bool = True) -> Mapping[str, Any]: ...

    def decode(self, ids: list[int], skip_special_tokens: bool = False) -> str: ...

    def convert_ids_to_tokens(self, ids: Any) -> Any: ...

    def convert_tokens_to_ids(self, tokens: Any) -> Any: ...


class Tokens:
    """Encode and decode with one model's tokenizer (transformers' own, or one of
    ``native_tokenizer``'s, which give the same ids and text)."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        with_specials = self.encode(PROBE)
        content = self.content(PROBE)
        start = _find(with_specials, content)
        self.prefix = tuple(with_specials[:start])
        self.suffix = tuple(with_specials[start + len(content) :])

    @property
    def special_count(self) -> int:
        """How many special tokens ``wrap`` adds around a text's ids."""
        return len(self.prefix) + len(self.suffix)

    def encode(self, text: str) -> list[int]:
        """The ids the model reads for ``text``, special tokens included."""
        # verbose=False: measuring a long text before cutting it is expected, not an error.
        return list(self.tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"])

    def content(self, text: str) -> list[int]:
        """The ids of ``text`` without special tokens (to be joined, then ``wrap``-ped)."""
        return list(self.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def wrap(self, ids: Sequence[int]) -> list[int]:
        """Content ids with the model's special tokens around them, as ``encode`` gives."""
        return [*self.prefix, *ids, *self.suffix]

    def decode(self, ids: Sequence[int]) -> str:
        return str(self.tokenizer.decode(list(ids), skip_special_tokens=True)).strip()

    def ids_to_tokens(self, ids: Sequence[int]) -> list[str]:
        return list(self.tokenizer.convert_ids_to_tokens(list(ids)))

    def tokens_to_ids(self, tokens: Sequence[str]) -> list[int]:
        return [int(token) for token in self.tokenizer.convert_tokens_to_ids(list(tokens))]

    def id_to_token(self, token_id: int) -> str:
        return str(self.tokenizer.convert_ids_to_tokens(token_id))


def _find(haystack: Sequence[int], needle: Sequence[int]) -> int:
    for start in range(len(haystack) - len(needle) + 1):
        if list(haystack[start : start + len(needle)]) == list(needle):
            return start
    raise ValueError("the tokenizer's ids with special tokens do not contain its ids without them")
