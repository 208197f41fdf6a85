"""What every document format gives the translator, and takes back: its blocks of text in
reading order (inline markup as tokens), then the same file with the blocks translated."""

from __future__ import annotations

import codecs
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from ..document import BLOCK_SEPARATOR
from ..errors import InputTextError
from ..languages import Language, other
from .inline import Block, Part, TranslateMany, place_all

if TYPE_CHECKING:
    from ..faithful import Glossary
    from ..translator import Generation, Translator

# Byte-order marks, UTF-32's before UTF-16's (UTF-32 LE's starts with UTF-16 LE's).
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class Form(ABC):
    """A parsed document: ``blocks`` to translate, and enough of the file to write it back
    with the same structure."""

    kind: ClassVar[str]
    suffixes: ClassVar[tuple[str, ...]]
    media_type: ClassVar[str]
    binary: ClassVar[bool] = False  # parsed from bytes (Word) rather than decoded text

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self.notes: list[str] = []  # what the reader should know of how the form was read

    @classmethod
    @abstractmethod
    def parse(cls, data: str | bytes, name: str) -> Form:
        """The document, or InputTextError saying what is wrong with the file."""

    @abstractmethod
    def render(self, translated: list[list[Part]]) -> bytes:
        """The file, with each block's parts (one list per block, in order) in its place."""

    def render_in(self, translated: list[list[Part]], language: Language) -> bytes:
        """The file written in ``language``, its blocks' new one: a format that records its
        language (an HTML page's ``lang``) says it; the others are just ``render``."""
        return self.render(translated)

    def translatable(self) -> list[Block]:
        return [block for block in self.blocks if block.translatable()]

    def untouched(self) -> bytes:
        """The file with nothing translated: what a file without text comes back as."""
        return self.render([block.parts for block in self.blocks])

    def model_texts(self) -> list[str]:
        """What the translator reads: one text per translatable block."""
        return [block.model_text() for block in self.translatable()]

    def markers(self) -> list[str]:
        """Each translatable block's Markdown marker ("# ", "- " or ""), to show the article
        with its titles and lists."""
        return [block.marker for block in self.translatable()]

    def article_text(self) -> str:
        """The article as the translator's document shows it: one block per paragraph."""
        return BLOCK_SEPARATOR.join(marker + text for marker, text in zip(self.markers(), self.model_texts()))

    def summary_blocks(self) -> set[int] | None:
        """Which translatable blocks a summary should read (a page's article, not its menus);
        None: all of them."""
        return None

    def assemble(self, translations: Sequence[str], translate_many: TranslateMany) -> list[list[Part]]:
        """Every block's parts: the translatable ones from ``translations`` (one per
        translatable block) with their markup placed, the others as they were."""
        active = self.translatable()
        placed = dict(zip(map(id, active), place_all(active, translations, translate_many), strict=True))
        return [placed.get(id(block), block.parts) for block in self.blocks]

    def translate(self, translator: Translator, generation: Generation = None, glossary: Glossary | None = None) -> bytes:
        """The whole file translated (the Python API; front ends stream through the article
        pipeline and call ``assemble`` and ``render`` at the end)."""

        def translate_many(texts: Sequence[str]) -> list[str]:
            return translator.translate_texts(texts, generation, glossary)

        return self.render_in(self.assemble(translate_many(self.model_texts()), translate_many), other(translator.source))


def text_of(data: str | bytes, name: str) -> str:
    """A text format's content: already decoded by the caller, or Unicode as files carry it:
    UTF-8, or UTF-16 or UTF-32 after their byte-order mark (a mark is dropped)."""
    if isinstance(data, str):
        return data
    bom, encoding = next(((bom, encoding) for bom, encoding in BOMS if data.startswith(bom)), (b"", "utf-8"))
    try:
        return data[len(bom) :].decode(encoding)
    except UnicodeDecodeError as error:
        where = error.start + len(bom)
        raise InputTextError(f"{name}: not valid {encoding.upper()} ({error.reason} at byte {where}); convert it to UTF-8") from error
